package io.github.alexnetjava.backend.cpu;

import io.github.alexnetjava.backend.Conv2dSpec;

/**
 * A grouped, strided, padded convolution and its three gradients by direct loops in double, with the sum of the
 * magnitudes of each output's terms (the scale of a float sum's rounding error): the reference the CPU
 * convolution paths are tested against.
 */
record ConvReference(double[] y, double[] yMag, double[] dx, double[] dxMag, double[] dw, double[] dwMag,
                     double[] db) {

    /** y = conv(x, w) + bias and the gradients of {@code sum(y * dy)}. */
    static ConvReference of(Conv2dSpec s, float[] x, int[] xs, float[] wt, float[] bias, float[] dy) {
        int n = xs[0];
        int c = xs[1];
        int h = xs[2];
        int w = xs[3];
        int m = s.outChannels();
        int cg = s.inPerGroup();
        int mg = s.outPerGroup();
        int kh = s.kernelH();
        int kw = s.kernelW();
        int oh = s.outH(h);
        int ow = s.outW(w);
        double[] y = new double[n * m * oh * ow];
        double[] ym = new double[y.length];
        double[] dx = new double[x.length];
        double[] dxm = new double[x.length];
        double[] dw = new double[wt.length];
        double[] dwm = new double[wt.length];
        double[] db = new double[m];
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < m; o++) {
                int g = o / mg;
                for (int yo = 0; yo < oh; yo++) {
                    for (int xo = 0; xo < ow; xo++) {
                        int yi = ((i * m + o) * oh + yo) * ow + xo;
                        double acc = 0;
                        double mag = 0;
                        double d = dy[yi];
                        db[o] += d;
                        for (int ci = 0; ci < cg; ci++) {
                            for (int ki = 0; ki < kh; ki++) {
                                int ih = yo * s.strideH() - s.padH() + ki;
                                if (ih < 0 || ih >= h) {
                                    continue;
                                }
                                for (int kj = 0; kj < kw; kj++) {
                                    int iw = xo * s.strideW() - s.padW() + kj;
                                    if (iw < 0 || iw >= w) {
                                        continue;
                                    }
                                    int xi = ((i * c + g * cg + ci) * h + ih) * w + iw;
                                    int wi = ((o * cg + ci) * kh + ki) * kw + kj;
                                    double t = (double) x[xi] * wt[wi];
                                    acc += t;
                                    mag += Math.abs(t);
                                    double td = d * wt[wi];
                                    dx[xi] += td;
                                    dxm[xi] += Math.abs(td);
                                    double tw = d * x[xi];
                                    dw[wi] += tw;
                                    dwm[wi] += Math.abs(tw);
                                }
                            }
                        }
                        y[yi] = acc + (bias == null ? 0 : bias[o]);
                        ym[yi] = mag + (bias == null ? 0 : Math.abs(bias[o]));
                    }
                }
            }
        }
        return new ConvReference(y, ym, dx, dxm, dw, dwm, db);
    }
}
