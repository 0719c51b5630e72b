package io.github.alexnetjava.backend.cpu.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vector API element-wise kernels (loaded only when jdk.incubator.vector is present). */
final class VectorElementwise implements ElementwiseKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Lane numbers 0, 1, 2, ... as floats. */
    private static final FloatVector IOTA = FloatVector.zero(S).addIndex(1);

    @Override
    public void reluBackward(float[] y, float[] dy, float[] dx, int from, int to) {
        int i = from;
        int bound = from + S.loopBound(to - from);
        FloatVector zero = FloatVector.zero(S);
        for (; i < bound; i += S.length()) {
            VectorMask<Float> keep = FloatVector.fromArray(S, y, i).compare(VectorOperators.GT, 0f);
            zero.blend(FloatVector.fromArray(S, dy, i), keep).intoArray(dx, i);
        }
        for (; i < to; i++) {
            dx[i] = y[i] > 0f ? dy[i] : 0f;
        }
    }

    @Override
    public void addSquares(float[] a, int off, float[] sum, int n, float sign) {
        int p = 0;
        for (int bound = S.loopBound(n); p < bound; p += S.length()) {
            FloatVector v = FloatVector.fromArray(S, a, off + p);
            v.mul(v).mul(sign).add(FloatVector.fromArray(S, sum, p)).intoArray(sum, p);
        }
        for (; p < n; p++) {
            float v = a[off + p];
            sum[p] += sign * v * v;
        }
    }

    @Override
    public void add(float[] a, int off, float[] sum, int n, float sign) {
        int p = 0;
        for (int bound = S.loopBound(n); p < bound; p += S.length()) {
            FloatVector.fromArray(S, a, off + p).mul(sign).add(FloatVector.fromArray(S, sum, p)).intoArray(sum, p);
        }
        for (; p < n; p++) {
            sum[p] += sign * a[off + p];
        }
    }

    @Override
    public void lrnForward34(float[] sum, float k, float alpha, float[] x, float[] scale, float[] y, int off, int n) {
        int p = 0;
        for (int bound = S.loopBound(n); p < bound; p += S.length()) {
            FloatVector s = FloatVector.fromArray(S, sum, p).fma(alpha, k);
            s.intoArray(scale, off + p);
            FloatVector r = s.sqrt();
            FloatVector.fromArray(S, x, off + p).div(r.mul(r.sqrt())).intoArray(y, off + p);
        }
        for (; p < n; p++) {
            float s = k + alpha * sum[p];
            scale[off + p] = s;
            float r = (float) Math.sqrt(s);
            y[off + p] = x[off + p] / (r * (float) Math.sqrt(r));
        }
    }

    @Override
    public void lrnGradientTerm(float[] dy, float[] y, float[] scale, int off, float[] t, int n) {
        int p = 0;
        for (int bound = S.loopBound(n); p < bound; p += S.length()) {
            FloatVector.fromArray(S, dy, off + p).mul(FloatVector.fromArray(S, y, off + p))
                    .div(FloatVector.fromArray(S, scale, off + p)).intoArray(t, p);
        }
        for (; p < n; p++) {
            t[p] = dy[off + p] * y[off + p] / scale[off + p];
        }
    }

    @Override
    public void lrnBackward34(float[] scale, float[] dy, float[] x, float[] sum, float coef, float[] dx, int off,
            int n) {
        int p = 0;
        for (int bound = S.loopBound(n); p < bound; p += S.length()) {
            FloatVector r = FloatVector.fromArray(S, scale, off + p).sqrt();
            FloatVector first = FloatVector.fromArray(S, dy, off + p).div(r.mul(r.sqrt()));
            FloatVector.fromArray(S, x, off + p).mul(FloatVector.fromArray(S, sum, p)).mul(-coef).add(first)
                    .intoArray(dx, off + p);
        }
        for (; p < n; p++) {
            float r = (float) Math.sqrt(scale[off + p]);
            dx[off + p] = dy[off + p] / (r * (float) Math.sqrt(r)) - coef * x[off + p] * sum[p];
        }
    }

    @Override
    public void addTo(float[] src, int srcOff, float[] dst, int dstOff, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector.fromArray(S, src, srcOff + i).add(FloatVector.fromArray(S, dst, dstOff + i))
                    .intoArray(dst, dstOff + i);
        }
        for (; i < n; i++) {
            dst[dstOff + i] += src[srcOff + i];
        }
    }

    @Override
    public void maxInto(float[] src, int off, float[] acc, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector.fromArray(S, acc, i).lanewise(VectorOperators.MAX, FloatVector.fromArray(S, src, off + i))
                    .intoArray(acc, i);
        }
        for (; i < n; i++) {
            acc[i] = Math.max(acc[i], src[off + i]);
        }
    }

    @Override
    public void argmaxInto(float[] src, int off, float[] max, float[] row, float r, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, src, off + i);
            FloatVector m = FloatVector.fromArray(S, max, i);
            VectorMask<Float> gt = v.compare(VectorOperators.GT, m);
            m.blend(v, gt).intoArray(max, i);
            FloatVector.fromArray(S, row, i).blend(r, gt).intoArray(row, i);
        }
        for (; i < n; i++) {
            float v = src[off + i];
            if (v > max[i]) {
                max[i] = v;
                row[i] = r;
            }
        }
    }

    @Override
    public void copy(float[] src, int srcOff, float[] dst, int dstOff, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector.fromArray(S, src, srcOff + i).intoArray(dst, dstOff + i);
        }
        for (; i < n; i++) {
            dst[dstOff + i] = src[srcOff + i];
        }
    }

    @Override
    public void splice(float[] src, int off1, int n1, int off2, float[] dst, int dstOff, int width) {
        int len = S.length();
        int shift = off2 - n1;
        int j = 0;
        for (; j + len <= width; j += len) {
            FloatVector a = FloatVector.fromArray(S, src, off1 + j);
            FloatVector b = FloatVector.fromArray(S, src, shift + j);
            // lanes at or past n1 take the second run
            a.blend(b, IOTA.compare(VectorOperators.GE, (float) (n1 - j))).intoArray(dst, dstOff + j);
        }
        for (; j < width; j++) {
            dst[dstOff + j] = j < n1 ? src[off1 + j] : src[shift + j];
        }
    }

    @Override
    public void copyOver(float[] src, int srcOff, float[] dst, int dstOff, int n, int dstLimit) {
        int len = S.length();
        int m = (n + len - 1) / len * len;
        if (dstOff + m > dstLimit || srcOff + m > src.length || dstOff + m > dst.length) {
            copy(src, srcOff, dst, dstOff, n);
            return;
        }
        for (int i = 0; i < m; i += len) {
            FloatVector.fromArray(S, src, srcOff + i).intoArray(dst, dstOff + i);
        }
    }

    @Override
    public float sum(float[] a, int off, int n) {
        int len = S.length();
        int i = 0;
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = FloatVector.zero(S);
        for (; i + 2 * len <= n; i += 2 * len) {
            s0 = s0.add(FloatVector.fromArray(S, a, off + i));
            s1 = s1.add(FloatVector.fromArray(S, a, off + i + len));
        }
        if (i + len <= n) {
            s0 = s0.add(FloatVector.fromArray(S, a, off + i));
            i += len;
        }
        float s = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += a[off + i];
        }
        return s;
    }
}
