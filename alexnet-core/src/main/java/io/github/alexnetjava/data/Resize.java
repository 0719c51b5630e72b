package io.github.alexnetjava.data;

/**
 * The paper's "prepared" form: rescale so that the shorter side is {@code size}, then take the central
 * {@code size x size} square. Resampling is separable and antialiased: a triangle (bilinear) filter whose support
 * widens with the downscaling factor (as PIL's {@code BILINEAR} resize), so large images are not aliased.
 * Only the output pixels inside the crop are computed. Deterministic, pure Java, thread-safe.
 */
public final class Resize {
    private Resize() {
    }

    /** Returns {@code src} itself if it already is {@code size x size}. */
    public static Image shorterSideAndCenterCrop(Image src, int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("size must be positive: " + size);
        }
        int w = src.width();
        int h = src.height();
        if (w == size && h == size) {
            return src;
        }
        double scale = (double) size / Math.min(w, h);
        int nw = w <= h ? size : Math.max(size, (int) Math.round(w * scale));
        int nh = h < w ? size : Math.max(size, (int) Math.round(h * scale));
        Weights wx = new Weights(w, nw, (nw - size) / 2, size);
        Weights wy = new Weights(h, nh, (nh - size) / 2, size);
        int ch = src.channels();
        byte[] in = src.pixels();
        // horizontal pass over the source rows that the vertical pass reads
        int rowLo = wy.first[0];
        int rowHi = wy.first[size - 1] + wy.count[size - 1];
        float[] tmp = new float[(rowHi - rowLo) * size * ch];
        for (int y = rowLo; y < rowHi; y++) {
            int t = (y - rowLo) * size * ch;
            int srow = y * w * ch;
            for (int ox = 0; ox < size; ox++) {
                int f = wx.first[ox];
                int n = wx.count[ox];
                int wo = ox * wx.max;
                for (int c = 0; c < ch; c++) {
                    float acc = 0;
                    for (int k = 0; k < n; k++) {
                        acc += wx.w[wo + k] * (in[srow + (f + k) * ch + c] & 0xFF);
                    }
                    tmp[t + ox * ch + c] = acc;
                }
            }
        }
        byte[] out = new byte[size * size * ch];
        int rowLen = size * ch;
        for (int oy = 0; oy < size; oy++) {
            int f = wy.first[oy] - rowLo;
            int n = wy.count[oy];
            int wo = oy * wy.max;
            for (int i = 0; i < rowLen; i++) {
                float acc = 0;
                for (int k = 0; k < n; k++) {
                    acc += wy.w[wo + k] * tmp[(f + k) * rowLen + i];
                }
                int v = Math.round(acc);
                out[oy * rowLen + i] = (byte) (v < 0 ? 0 : Math.min(v, 255));
            }
        }
        return new Image(size, size, ch, out);
    }

    /** Filter taps for output positions {@code offset .. offset+count-1} of a resize from inSize to outSize. */
    private static final class Weights {
        final int[] first;
        final int[] count;
        final float[] w;
        final int max;

        Weights(int inSize, int outSize, int offset, int n) {
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = filterScale; // triangle filter support 1, widened when downscaling
            max = (int) Math.ceil(support) * 2 + 1;
            first = new int[n];
            count = new int[n];
            w = new float[n * max];
            for (int i = 0; i < n; i++) {
                double center = (i + offset + 0.5) * scale;
                int lo = Math.max(0, (int) Math.floor(center - support + 0.5));
                int hi = Math.min(inSize, (int) Math.floor(center + support + 0.5));
                double total = 0;
                double[] tap = new double[hi - lo];
                for (int x = lo; x < hi; x++) {
                    double d = Math.abs((x - center + 0.5) / filterScale);
                    tap[x - lo] = d < 1 ? 1 - d : 0;
                    total += tap[x - lo];
                }
                if (total == 0) { // cannot happen for valid sizes; keep nearest neighbour as a guard
                    int nearest = Math.min(inSize - 1, (int) center);
                    lo = nearest;
                    hi = nearest + 1;
                    tap = new double[] {1};
                    total = 1;
                }
                first[i] = lo;
                count[i] = Math.min(hi - lo, max);
                for (int k = 0; k < count[i]; k++) {
                    w[i * max + k] = (float) (tap[k] / total);
                }
            }
        }
    }
}
