package io.github.alexnetjava.data;

/**
 * What is done to a prepared image to make one network input (immutable; change fields with the {@code with...}
 * methods). Output value of channel c: {@code (pixel + colourShift[c] - mean) * scale}, pixels in 0..255 units.
 *
 * @param cropSize       side of the square crop (227 in the paper); 0 = no crop, the whole (padded) image
 * @param padding        zero pixels (raw value 0, i.e. black) added on every side before cropping (e.g. 4 for
 *                       28x28 crops of Fashion-MNIST)
 * @param flip           random horizontal flips (probability 1/2) in training
 * @param pcaStd         standard deviation of the PCA colour augmentation's alpha (0.1 in the paper; 0 = off;
 *                       needs 3 channels)
 * @param mean           what is subtracted
 * @param scale          factor applied after mean subtraction (1 = the paper's raw 0..255 scale)
 * @param outputChannels 0 = the dataset's channels; 3 on a grey dataset copies grey to R, G and B
 */
public record Preprocessing(int cropSize, int padding, boolean flip, double pcaStd, MeanMode mean, float scale,
                            int outputChannels) {

    /** What is subtracted from each pixel. */
    public enum MeanMode {
        /** Nothing. */
        NONE,
        /** The per-channel mean of the training pixels (default). */
        PER_CHANNEL,
        /** The mean prepared image (the paper's "mean activity over the training set" per pixel). */
        IMAGE
    }

    public Preprocessing {
        if (cropSize < 0 || padding < 0 || pcaStd < 0 || !(scale > 0) || mean == null
                || (outputChannels != 0 && outputChannels != 1 && outputChannels != 3)) {
            throw new IllegalArgumentException("invalid preprocessing " + this.toStringFields(cropSize, padding,
                    pcaStd, scale, outputChannels));
        }
    }

    private String toStringFields(int c, int p, double a, float s, int oc) {
        return "(cropSize=" + c + ", padding=" + p + ", pcaStd=" + a + ", scale=" + s + ", outputChannels=" + oc
                + "; sizes and pcaStd must be >= 0, scale > 0, outputChannels 0, 1 or 3, mean non-null)";
    }

    /** The paper: random 227x227 crops of the 256x256 prepared image, flips, PCA colour (0.1), per-channel mean. */
    public static Preprocessing alexNet() {
        return new Preprocessing(227, 0, true, 0.1, MeanMode.PER_CHANNEL, 1f, 0);
    }

    /** Fashion-MNIST: 28x28 crops with 4 pixels of padding, flips, no PCA, per-channel mean, scaled by 1/255. */
    public static Preprocessing fashionMnist() {
        return new Preprocessing(28, 4, true, 0, MeanMode.PER_CHANNEL, 1f / 255f, 0);
    }

    public Preprocessing withCrop(int newCropSize, int newPadding) {
        return new Preprocessing(newCropSize, newPadding, flip, pcaStd, mean, scale, outputChannels);
    }

    public Preprocessing withFlip(boolean on) {
        return new Preprocessing(cropSize, padding, on, pcaStd, mean, scale, outputChannels);
    }

    public Preprocessing withPcaStd(double std) {
        return new Preprocessing(cropSize, padding, flip, std, mean, scale, outputChannels);
    }

    public Preprocessing withMean(MeanMode mode) {
        return new Preprocessing(cropSize, padding, flip, pcaStd, mode, scale, outputChannels);
    }

    public Preprocessing withScale(float s) {
        return new Preprocessing(cropSize, padding, flip, pcaStd, mean, s, outputChannels);
    }

    public Preprocessing withOutputChannels(int channels) {
        return new Preprocessing(cropSize, padding, flip, pcaStd, mean, scale, channels);
    }
}
