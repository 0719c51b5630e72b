package io.github.alexnetjava.backend.cpu.vector;

/** Plain-Java element-wise kernels: the fallback without the Vector API. */
final class ScalarElementwise implements ElementwiseKernels {
    @Override
    public void reluBackward(float[] y, float[] dy, float[] dx, int from, int to) {
        for (int i = from; i < to; i++) {
            dx[i] = y[i] > 0f ? dy[i] : 0f;
        }
    }

    @Override
    public void addSquares(float[] a, int off, float[] sum, int n, float sign) {
        for (int p = 0; p < n; p++) {
            float v = a[off + p];
            sum[p] += sign * v * v;
        }
    }

    @Override
    public void add(float[] a, int off, float[] sum, int n, float sign) {
        for (int p = 0; p < n; p++) {
            sum[p] += sign * a[off + p];
        }
    }

    @Override
    public void lrnForward34(float[] sum, float k, float alpha, float[] x, float[] scale, float[] y, int off, int n) {
        for (int p = 0; p < n; p++) {
            float s = k + alpha * sum[p];
            scale[off + p] = s;
            float r = (float) Math.sqrt(s);
            y[off + p] = x[off + p] / (r * (float) Math.sqrt(r));
        }
    }

    @Override
    public void lrnGradientTerm(float[] dy, float[] y, float[] scale, int off, float[] t, int n) {
        for (int p = 0; p < n; p++) {
            t[p] = dy[off + p] * y[off + p] / scale[off + p];
        }
    }

    @Override
    public void lrnBackward34(float[] scale, float[] dy, float[] x, float[] sum, float coef, float[] dx, int off,
            int n) {
        for (int p = 0; p < n; p++) {
            float r = (float) Math.sqrt(scale[off + p]);
            dx[off + p] = dy[off + p] / (r * (float) Math.sqrt(r)) - coef * x[off + p] * sum[p];
        }
    }

    @Override
    public void addTo(float[] src, int srcOff, float[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] += src[srcOff + i];
        }
    }

    @Override
    public void maxInto(float[] src, int off, float[] acc, int n) {
        for (int i = 0; i < n; i++) {
            acc[i] = Math.max(acc[i], src[off + i]);
        }
    }

    @Override
    public void argmaxInto(float[] src, int off, float[] max, float[] row, float r, int n) {
        for (int i = 0; i < n; i++) {
            float v = src[off + i];
            if (v > max[i]) {
                max[i] = v;
                row[i] = r;
            }
        }
    }

    @Override
    public void copy(float[] src, int srcOff, float[] dst, int dstOff, int n) {
        System.arraycopy(src, srcOff, dst, dstOff, n);
    }

    @Override
    public void splice(float[] src, int off1, int n1, int off2, float[] dst, int dstOff, int width) {
        int first = Math.min(n1, width);
        for (int j = 0; j < first; j++) {
            dst[dstOff + j] = src[off1 + j];
        }
        for (int j = first; j < width; j++) {
            dst[dstOff + j] = src[off2 + j - n1];
        }
    }

    @Override
    public void copyOver(float[] src, int srcOff, float[] dst, int dstOff, int n, int dstLimit) {
        System.arraycopy(src, srcOff, dst, dstOff, n);
    }

    @Override
    public float sum(float[] a, int off, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) {
            s += a[off + i];
        }
        return s;
    }
}
