package io.github.alexnetjava.backend;

/**
 * Local response normalisation across channels: {@code b_c = a_c / (k + alpha' * sum_{c' in window(c)} a_c'^2)^beta}.
 *
 * <p>Two conventions exist and both are offered:
 * <ul>
 *   <li><b>Paper</b> (Krizhevsky et al. 2012, section 3.3): {@code alpha' = alpha}, with k=2, n=5, alpha=1e-4,
 *       beta=0.75 ({@link #paper()}).</li>
 *   <li><b>Caffe / PyTorch</b>: {@code alpha' = alpha / n}, PyTorch's default k=1 ({@link #pytorch}).</li>
 * </ul>
 * The window of channel c is {@code [c - size/2, c + (size-1)/2]} clipped to the channel group (the same as
 * PyTorch's {@code LocalResponseNorm}, which pads with zeros). With {@code groups > 1} the channels are split into
 * that many equal groups and each is normalised on its own, as each GPU of the two-GPU network does.
 */
public record LrnSpec(int size, double alpha, double beta, double k, boolean alphaDividedBySize, int groups) {

    public LrnSpec {
        if (size <= 0 || groups <= 0 || !(beta >= 0) || !(alpha >= 0) || !(k > 0)) {
            throw new IllegalArgumentException("invalid LRN parameters: size=" + size + " alpha=" + alpha
                    + " beta=" + beta + " k=" + k + " groups=" + groups
                    + " (need size>0, alpha>=0, beta>=0, k>0, groups>0)");
        }
    }

    /** The paper's LRN: n=5, alpha=1e-4 (not divided by n), beta=0.75, k=2. */
    public static LrnSpec paper() {
        return new LrnSpec(5, 1e-4, 0.75, 2.0, false, 1);
    }

    /** PyTorch's {@code nn.LocalResponseNorm(size, alpha, beta, k)} (and Caffe's): alpha is divided by size. */
    public static LrnSpec pytorch(int size, double alpha, double beta, double k) {
        return new LrnSpec(size, alpha, beta, k, true, 1);
    }

    /** The same normalisation applied within {@code g} channel groups. */
    public LrnSpec withGroups(int g) {
        return new LrnSpec(size, alpha, beta, k, alphaDividedBySize, g);
    }

    /** The coefficient that multiplies the windowed sum of squares. */
    public double effectiveAlpha() {
        return alphaDividedBySize ? alpha / size : alpha;
    }

    /** Offset of the first channel in the window, relative to the centre (non-positive). */
    public int windowLo() {
        return -(size / 2);
    }

    /** Offset of the last channel in the window, relative to the centre (non-negative). */
    public int windowHi() {
        return (size - 1) / 2;
    }
}
