package io.github.alexnetjava.examples;

import java.util.SplittableRandom;

/**
 * A learnable stand-in for a real image dataset: each class has a fixed random prototype image (a few Gaussian
 * blobs of either sign, so it has the spatial structure convolutions pick up) and every example is its class's
 * prototype, shifted by up to {@code maxShift} pixels, plus independent Gaussian pixel noise. Everything is drawn
 * from a seed, so the data are the same on every run.
 */
final class SyntheticDataset {
    /** Images {@code [n, channels, size, size]} row-major, and their labels. */
    record Split(float[] images, int[] labels, int channels, int size) {
        int count() {
            return labels.length;
        }

        int imageSize() {
            return channels * size * size;
        }

        /** Copies the examples {@code order[from..from+n)} into a batch array. */
        float[] batch(int[] order, int from, int n, int[] labelsOut) {
            int m = imageSize();
            float[] out = new float[n * m];
            for (int i = 0; i < n; i++) {
                int j = order == null ? from + i : order[from + i];
                System.arraycopy(images, j * m, out, i * m, m);
                labelsOut[i] = labels[j];
            }
            return out;
        }
    }

    private final int classes;
    private final int channels;
    private final int size;
    private final float amplitude;
    private final float noise;
    private final int maxShift;
    private final float[][] prototypes;

    /**
     * @param amplitude peak value of a prototype's blobs
     * @param noise     standard deviation of the per-pixel noise
     * @param maxShift  largest translation of an example relative to its prototype, in pixels
     */
    SyntheticDataset(int classes, int channels, int size, float amplitude, float noise, int maxShift, long seed) {
        if (classes < 2 || channels < 1 || size < 1) {
            throw new IllegalArgumentException("synthetic data needs >= 2 classes and a positive image shape");
        }
        this.classes = classes;
        this.channels = channels;
        this.size = size;
        this.amplitude = amplitude;
        this.noise = noise;
        this.maxShift = maxShift;
        SplittableRandom rng = new SplittableRandom(seed);
        prototypes = new float[classes][];
        for (int c = 0; c < classes; c++) {
            prototypes[c] = prototype(rng);
        }
    }

    private float[] prototype(SplittableRandom rng) {
        float[] p = new float[channels * size * size];
        for (int ch = 0; ch < channels; ch++) {
            int blobs = 4;
            for (int b = 0; b < blobs; b++) {
                double cy = rng.nextDouble(size * 0.15, size * 0.85);
                double cx = rng.nextDouble(size * 0.15, size * 0.85);
                double r = rng.nextDouble(size * 0.08, size * 0.2);
                double sign = rng.nextBoolean() ? 1 : -1;
                for (int y = 0; y < size; y++) {
                    for (int x = 0; x < size; x++) {
                        double d2 = ((y - cy) * (y - cy) + (x - cx) * (x - cx)) / (2 * r * r);
                        p[(ch * size + y) * size + x] += (float) (amplitude * sign * Math.exp(-d2));
                    }
                }
            }
        }
        return p;
    }

    /** {@code n} examples with balanced, shuffled labels, drawn from {@code seed}. */
    Split generate(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int m = channels * size * size;
        float[] images = new float[n * m];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % classes;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = labels[i];
            labels[i] = labels[j];
            labels[j] = t;
        }
        for (int i = 0; i < n; i++) {
            float[] p = prototypes[labels[i]];
            int dy = maxShift == 0 ? 0 : rng.nextInt(-maxShift, maxShift + 1);
            int dx = maxShift == 0 ? 0 : rng.nextInt(-maxShift, maxShift + 1);
            for (int ch = 0; ch < channels; ch++) {
                for (int y = 0; y < size; y++) {
                    int sy = y - dy;
                    for (int x = 0; x < size; x++) {
                        int sx = x - dx;
                        float v = sy >= 0 && sy < size && sx >= 0 && sx < size ? p[(ch * size + sy) * size + sx] : 0f;
                        images[i * m + (ch * size + y) * size + x] = v + (float) (noise * gaussian(rng));
                    }
                }
            }
        }
        return new Split(images, labels, channels, size);
    }

    private static double gaussian(SplittableRandom rng) {
        // Box-Muller; SplittableRandom has no nextGaussian on Java 17.
        double u = 1.0 - rng.nextDouble();
        double v = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    int classes() {
        return classes;
    }
}
