package io.github.alexnetjava.gradcheck;

import io.github.alexnetjava.backend.Conv2dSpec;
import io.github.alexnetjava.backend.LrnSpec;
import io.github.alexnetjava.backend.PoolSpec;
import io.github.alexnetjava.random.CounterRng;

/**
 * Naive, obviously-correct double-precision forward implementations of every op in the
 * {@link io.github.alexnetjava.backend.Backend} SPI, written straight from the SPI's javadoc (never from the
 * backend's code). Plain loops over row-major {@code double[]} arrays, NCHW for images. Speed is irrelevant: the
 * shapes used by the gradient checks are tiny.
 */
public final class ReferenceOps {
    private ReferenceOps() {
    }

    // ----- helpers -----

    static int idx4(int n, int c, int h, int w, int cc, int hh, int ww) {
        return ((n * cc + c) * hh + h) * ww + w;
    }

    // ----- dense algebra -----

    /**
     * {@code C = alpha * op(A) * op(B) + beta * C}; {@code a} is {@code [ar, ac]}, {@code b} is {@code [br, bc]},
     * {@code c} is {@code [m, n]}. Returns a new array.
     */
    public static double[] gemm(boolean transA, boolean transB, double alpha, double[] a, int ar, int ac,
                                double[] b, int br, int bc, double beta, double[] c) {
        int m = transA ? ac : ar;
        int k = transA ? ar : ac;
        int kb = transB ? bc : br;
        int n = transB ? br : bc;
        if (k != kb) {
            throw new IllegalArgumentException("inner dimensions differ");
        }
        double[] out = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double av = transA ? a[p * ac + i] : a[i * ac + p];
                    double bv = transB ? b[j * bc + p] : b[p * bc + j];
                    s += av * bv;
                }
                out[i * n + j] = alpha * s + (beta == 0 ? 0 : beta * c[i * n + j]);
            }
        }
        return out;
    }

    /** {@code y = x W^T + b} with {@code x [n, in]}, {@code W [out, in]}, {@code b [out]} (b may be null). */
    public static double[] dense(double[] x, int n, int in, double[] w, int out, double[] b) {
        double[] y = new double[n * out];
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < out; o++) {
                double s = b == null ? 0 : b[o];
                for (int k = 0; k < in; k++) {
                    s += x[i * in + k] * w[o * in + k];
                }
                y[i * out + o] = s;
            }
        }
        return y;
    }

    /**
     * {@code y[n, c, ...] + bias[c]} for a tensor of shape {@code [N, C]} or {@code [N, C, H, W]}; returns a new
     * array.
     */
    public static double[] biasAdd(double[] y, int[] shape, double[] bias) {
        int n = shape[0];
        int c = shape[1];
        int spatial = 1;
        for (int i = 2; i < shape.length; i++) {
            spatial *= shape[i];
        }
        double[] out = y.clone();
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int s = 0; s < spatial; s++) {
                    out[(i * c + ch) * spatial + s] += bias[ch];
                }
            }
        }
        return out;
    }

    // ----- convolution -----

    /**
     * Grouped, strided, padded 2-D cross-correlation: {@code x [N, C, H, W]}, {@code w [M, C/G, kh, kw]},
     * {@code bias [M]} (may be null). Zero padding; output {@code [N, M, outH, outW]}.
     */
    public static double[] conv2d(Conv2dSpec s, double[] x, int n, int h, int w, double[] wt, double[] bias) {
        int c = s.inChannels();
        int m = s.outChannels();
        int cg = c / s.groups();
        int mg = m / s.groups();
        int oh = s.outH(h);
        int ow = s.outW(w);
        double[] y = new double[n * m * oh * ow];
        for (int b = 0; b < n; b++) {
            for (int oc = 0; oc < m; oc++) {
                int g = oc / mg;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double sum = bias == null ? 0 : bias[oc];
                        for (int ic = 0; ic < cg; ic++) {
                            int xc = g * cg + ic;
                            for (int ky = 0; ky < s.kernelH(); ky++) {
                                int iy = oy * s.strideH() - s.padH() + ky;
                                if (iy < 0 || iy >= h) {
                                    continue;
                                }
                                for (int kx = 0; kx < s.kernelW(); kx++) {
                                    int ix = ox * s.strideW() - s.padW() + kx;
                                    if (ix < 0 || ix >= w) {
                                        continue;
                                    }
                                    double wv = wt[((oc * cg + ic) * s.kernelH() + ky) * s.kernelW() + kx];
                                    sum += wv * x[idx4(b, xc, iy, ix, c, h, w)];
                                }
                            }
                        }
                        y[idx4(b, oc, oy, ox, m, oh, ow)] = sum;
                    }
                }
            }
        }
        return y;
    }

    // ----- element-wise -----

    public static double[] tanh(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.tanh(x[i]);
        }
        return y;
    }

    public static double[] relu(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] > 0 ? x[i] : 0;
        }
        return y;
    }

    /** The inverted-dropout keep mask: {@code keep_i = uniform(stream, i) >= p}. */
    public static boolean[] dropoutMask(float p, long stream, int size) {
        boolean[] keep = new boolean[size];
        for (int i = 0; i < size; i++) {
            keep[i] = CounterRng.uniform(stream, i) >= p;
        }
        return keep;
    }

    /** Inverted dropout: {@code y = x * keep / (1 - p)}. */
    public static double[] dropout(double[] x, float p, long stream) {
        boolean[] keep = dropoutMask(p, stream, x.length);
        double scale = 1.0 / (1.0 - p);
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = keep[i] ? x[i] * scale : 0;
        }
        return y;
    }

    // ----- local response normalisation -----

    /**
     * The LRN denominator before the power: {@code k + alpha' * sum_{c' in window(c)} x_{c'}^2}, where the window
     * {@code [c + windowLo, c + windowHi]} is clipped to c's channel group.
     */
    public static double[] lrnScale(LrnSpec s, double[] x, int n, int c, int h, int w) {
        if (c % s.groups() != 0) {
            throw new IllegalArgumentException("channels not divisible by groups");
        }
        int cg = c / s.groups();
        double alpha = s.effectiveAlpha();
        double[] scale = new double[x.length];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                int gStart = (ch / cg) * cg;
                int gEnd = gStart + cg - 1; // inclusive
                int lo = Math.max(gStart, ch + s.windowLo());
                int hi = Math.min(gEnd, ch + s.windowHi());
                for (int y = 0; y < h; y++) {
                    for (int xx = 0; xx < w; xx++) {
                        double sum = 0;
                        for (int j = lo; j <= hi; j++) {
                            double v = x[idx4(b, j, y, xx, c, h, w)];
                            sum += v * v;
                        }
                        scale[idx4(b, ch, y, xx, c, h, w)] = s.k() + alpha * sum;
                    }
                }
            }
        }
        return scale;
    }

    /** {@code y = x / scale^beta}. */
    public static double[] lrn(LrnSpec s, double[] x, int n, int c, int h, int w) {
        double[] scale = lrnScale(s, x, n, c, h, w);
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] * Math.pow(scale[i], -s.beta());
        }
        return y;
    }

    // ----- max pooling -----

    /** Max-pool with -inf padding and floor output size; output {@code [N, C, out(h), out(w)]}. */
    public static double[] maxPool(PoolSpec s, double[] x, int n, int c, int h, int w) {
        int oh = s.out(h);
        int ow = s.out(w);
        double[] y = new double[n * c * oh * ow];
        int[] arg = maxPoolArgmax(s, x, n, c, h, w);
        for (int i = 0; i < y.length; i++) {
            y[i] = arg[i] >= 0 ? x[arg[i]] : Double.NEGATIVE_INFINITY;
        }
        return y;
    }

    /**
     * For each output element, the flat input index of the FIRST maximum of its window in row-major scan order
     * (strict {@code >} while scanning), or -1 if the window holds only padding.
     */
    public static int[] maxPoolArgmax(PoolSpec s, double[] x, int n, int c, int h, int w) {
        int oh = s.out(h);
        int ow = s.out(w);
        int[] arg = new int[n * c * oh * ow];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double best = Double.NEGATIVE_INFINITY;
                        int bestIdx = -1;
                        int nanIdx = -1; // a window holding NaN routes to its first NaN
                        for (int ky = 0; ky < s.kernel(); ky++) {
                            int iy = oy * s.stride() - s.padding() + ky;
                            for (int kx = 0; kx < s.kernel(); kx++) {
                                int ix = ox * s.stride() - s.padding() + kx;
                                if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                                    continue; // -inf padding never wins
                                }
                                int i = idx4(b, ch, iy, ix, c, h, w);
                                if (Double.isNaN(x[i]) && nanIdx < 0) {
                                    nanIdx = i;
                                }
                                if (bestIdx < 0 || x[i] > best) {
                                    best = x[i];
                                    bestIdx = i;
                                }
                            }
                        }
                        arg[idx4(b, ch, oy, ox, c, oh, ow)] = nanIdx >= 0 ? nanIdx : bestIdx;
                    }
                }
            }
        }
        return arg;
    }

    /** The gradient routing the pooling spec promises: each dy goes to the first maximum of its window. */
    public static double[] maxPoolBackwardFirstMax(PoolSpec s, double[] x, int n, int c, int h, int w,
                                                   double[] dy) {
        int[] arg = maxPoolArgmax(s, x, n, c, h, w);
        double[] dx = new double[x.length];
        for (int i = 0; i < arg.length; i++) {
            if (arg[i] >= 0) {
                dx[arg[i]] += dy[i];
            }
        }
        return dx;
    }

    // ----- loss -----

    /** Row-wise softmax of {@code logits [n, k]}. */
    public static double[] softmax(double[] logits, int n, int k) {
        double[] p = new double[n * k];
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                max = Math.max(max, logits[i * k + j]);
            }
            double sum = 0;
            for (int j = 0; j < k; j++) {
                p[i * k + j] = Math.exp(logits[i * k + j] - max);
                sum += p[i * k + j];
            }
            for (int j = 0; j < k; j++) {
                p[i * k + j] /= sum;
            }
        }
        return p;
    }

    /** Mean over the batch of {@code -log softmax(logits)[label]}, via log-sum-exp. */
    public static double softmaxCrossEntropy(double[] logits, int n, int k, int[] labels) {
        double total = 0;
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                max = Math.max(max, logits[i * k + j]);
            }
            double sum = 0;
            for (int j = 0; j < k; j++) {
                sum += Math.exp(logits[i * k + j] - max);
            }
            double logZ = max + Math.log(sum);
            total += logZ - logits[i * k + labels[i]];
        }
        return total / n;
    }

    // ----- optimiser -----

    /**
     * One step of the paper's SGD rule, in place: {@code v = m*v - wd*lr*w - lr*g; w = w + v}.
     */
    public static void sgd(double lr, double momentum, double weightDecay, double[] w, double[] g, double[] v) {
        for (int i = 0; i < w.length; i++) {
            v[i] = momentum * v[i] - weightDecay * lr * w[i] - lr * g[i];
            w[i] = w[i] + v[i];
        }
    }
}
