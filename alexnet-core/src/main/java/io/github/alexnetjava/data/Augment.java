package io.github.alexnetjava.data;

/**
 * The augmentation parameters of one view of one example. {@code cropX, cropY}: top-left corner of the crop in
 * the padded prepared image; {@code flip}: mirror the crop horizontally; {@code colourShift}: added to every
 * pixel of each channel (PCA colour augmentation; zeros for none).
 */
public record Augment(int cropX, int cropY, boolean flip, float[] colourShift) {
    private static final float[] NO_SHIFT = new float[3];

    /** No shift, no flip, crop at (x, y). */
    public static Augment crop(int x, int y, boolean flip) {
        return new Augment(x, y, flip, NO_SHIFT);
    }
}
