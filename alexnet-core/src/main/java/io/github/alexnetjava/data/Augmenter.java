package io.github.alexnetjava.data;

import io.github.alexnetjava.random.CounterRng;

/**
 * Chooses the {@link Augment} of each view. Training views are random but a pure function of
 * {@code (seed, epoch, example index)} through {@link CounterRng#stream}, so they do not depend on the order in
 * which threads decode examples, on batch size, or on where a run was resumed. Evaluation views are fixed.
 *
 * <p>PCA colour augmentation (Krizhevsky et al. 2012, section 4.1): to every pixel add
 * {@code sum_i alpha_i * lambda_i * p_i} with {@code alpha_i ~ N(0, pcaStd)}, one draw per image per epoch,
 * where {@code p_i, lambda_i} are the eigenvectors and eigenvalues of the 3x3 RGB covariance. As in common
 * re-implementations (fb.resnet.torch, torchvision "Lighting"), the eigenvalues are those of pixels scaled to
 * [0, 1], so the shift in 0..255 units is {@code 255 * sum_i alpha_i (lambda_i / 255^2) p_i}; with the paper's raw
 * 0..255 eigenvalues it would be absurdly large (hundreds of grey levels).
 */
public final class Augmenter {
    /** Number of views {@link #tenCrop} produces. */
    public static final int TEN = 10;

    private final Transform t;
    private final long seed;

    public Augmenter(Transform transform, long seed) {
        this.t = transform;
        this.seed = seed;
    }

    /** The random training view of example {@code index} in {@code epoch}. */
    public Augment train(int epoch, int index) {
        long s = CounterRng.stream(seed, epoch, index);
        int x = bounded(CounterRng.bits(s, 0), t.paddedWidth() - t.cropWidth() + 1);
        int y = bounded(CounterRng.bits(s, 1), t.paddedHeight() - t.cropHeight() + 1);
        Preprocessing p = t.preprocessing();
        boolean flip = p.flip() && (CounterRng.bits(s, 2) & 1L) != 0;
        float[] shift = new float[3];
        if (p.pcaStd() > 0) {
            ChannelStats st = t.stats();
            double[] val = st.eigenvalues();
            double[][] vec = st.eigenvectors();
            for (int i = 0; i < 3; i++) {
                double alpha = p.pcaStd() * CounterRng.gaussian(s, 10 + i); // counters 20..25, clear of 0..2
                double k = alpha * val[i] / 255.0;
                for (int c = 0; c < 3; c++) {
                    shift[c] += (float) (k * vec[i][c]);
                }
            }
        }
        return new Augment(x, y, flip, shift);
    }

    /** The centre crop, unflipped (single-view evaluation). */
    public Augment center() {
        return Augment.crop((t.paddedWidth() - t.cropWidth()) / 2, (t.paddedHeight() - t.cropHeight()) / 2, false);
    }

    /**
     * View {@code v} of the paper's 10-crop evaluation: 0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right,
     * 4 centre; 5..9 the same five mirrored.
     */
    public Augment tenCrop(int v) {
        if (v < 0 || v >= TEN) {
            throw new IllegalArgumentException("ten-crop view must be 0..9: " + v);
        }
        int maxX = t.paddedWidth() - t.cropWidth();
        int maxY = t.paddedHeight() - t.cropHeight();
        int k = v % 5;
        int x = k == 4 ? maxX / 2 : (k % 2 == 0 ? 0 : maxX);
        int y = k == 4 ? maxY / 2 : (k < 2 ? 0 : maxY);
        return Augment.crop(x, y, v >= 5);
    }

    /** An integer in [0, n) from 64 random bits (multiply-shift; bias below 2^-32). */
    static int bounded(long bits, int n) {
        return (int) (((bits >>> 32) * (long) n) >>> 32);
    }
}
