package io.github.alexnetjava.backend.cpu.vector;

/**
 * Element-wise loops that the JIT does not vectorise on its own (conditional selects), with a Vector API
 * implementation and a scalar one, chosen once by {@link VectorSupport}.
 */
public interface ElementwiseKernels {

    /** {@code dx[i] = y[i] > 0 ? dy[i] : 0} for i in [from, to); dx may be dy. */
    void reluBackward(float[] y, float[] dy, float[] dx, int from, int to);

    /** {@code sum[p] += sign * a[off+p]^2} for p in [0, n). */
    void addSquares(float[] a, int off, float[] sum, int n, float sign);

    /** {@code acc[i] = max(acc[i], src[off+i])} for i in [0, n) (NaN propagates, as Math.max). */
    void maxInto(float[] src, int off, float[] acc, int n);

    /**
     * Running first-maximum over rows: where {@code src[off+i] > max[i]} (strictly), {@code max[i] = src[off+i]}
     * and {@code row[i] = r}; earlier rows win ties.
     */
    void argmaxInto(float[] src, int off, float[] max, float[] row, float r, int n);

    /** {@code dst[dstOff+i] = src[srcOff+i]} for i in [0, n): for short runs, where arraycopy's call dominates. */
    void copy(float[] src, int srcOff, float[] dst, int dstOff, int n);

    /**
     * As {@link #copy}, but may go on copying whole vectors past {@code n} (up to the next multiple of the vector
     * length) where that stays below {@code dstLimit} and inside both arrays: for runs whose overrun the caller
     * overwrites afterwards, so no scalar tail is needed.
     */
    void copyOver(float[] src, int srcOff, float[] dst, int dstOff, int n, int dstLimit);

    /**
     * Two runs spliced into one: {@code dst[dstOff+j] = j < n1 ? src[off1+j] : src[off2+j-n1]} for j in
     * [0, width). May read {@code src[off1 .. off1+width)} and {@code src[off2-n1 .. off2-n1+width)} whole, so
     * both must lie inside src (with {@code n1 >= width}, {@code off2 = off1 + n1} reads one run). For writing an
     * unfolded matrix straight into a GEMM's packed column slivers, whose rows straddle the image's rows.
     */
    void splice(float[] src, int off1, int n1, int off2, float[] dst, int dstOff, int width);

    /**
     * The sum of {@code a[off .. off+n)} in float, in an order fixed by the implementation (the vector one keeps
     * per-lane partial sums), so the same input always gives the same bits.
     */
    float sum(float[] a, int off, int n);

    /** {@code dst[dstOff+i] += src[srcOff+i]} for i in [0, n). */
    void addTo(float[] src, int srcOff, float[] dst, int dstOff, int n);

    /** {@code sum[p] += sign * a[off+p]} for p in [0, n). */
    void add(float[] a, int off, float[] sum, int n, float sign);

    /** LRN output with beta 0.75: {@code s = k + alpha*sum[p]; scale[off+p] = s; y[off+p] = x[off+p] * s^-0.75}. */
    void lrnForward34(float[] sum, float k, float alpha, float[] x, float[] scale, float[] y, int off, int n);

    /** {@code t[p] = dy[off+p] * y[off+p] / scale[off+p]}. */
    void lrnGradientTerm(float[] dy, float[] y, float[] scale, int off, float[] t, int n);

    /** LRN input gradient with beta 0.75: {@code dx = dy * scale^-0.75 - coef * x * sum[p]} at off+p. */
    void lrnBackward34(float[] scale, float[] dy, float[] x, float[] sum, float coef, float[] dx, int off, int n);

    /** The implementation for this JVM. */
    static ElementwiseKernels get() {
        return Holder.INSTANCE;
    }

    /** Lazily picks the implementation so the Vector API classes load only when the module is present. */
    final class Holder {
        static final ElementwiseKernels INSTANCE = VectorSupport.enabled() ? new VectorElementwise()
                : new ScalarElementwise();

        private Holder() {
        }
    }
}
