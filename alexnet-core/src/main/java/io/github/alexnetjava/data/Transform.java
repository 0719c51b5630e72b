package io.github.alexnetjava.data;

/**
 * Turns a prepared image (fixed size, e.g. 256x256 RGB or 28x28 grey) into one network input, {@code C x H x W}
 * floats: pad, crop at the {@link Augment}'s corner, optionally mirror, add the colour shift, subtract the mean,
 * scale. A {@link Preprocessing} bound to the training set's {@link ChannelStats} and the input geometry.
 * Immutable and thread-safe.
 */
public final class Transform {
    private final Preprocessing pre;
    private final int inWidth;
    private final int inHeight;
    private final int inChannels;
    private final int outChannels;
    private final int cropW;
    private final int cropH;
    private final float[] channelMean;
    private final float[] meanImage; // HWC, inWidth x inHeight x inChannels, or null
    private final ChannelStats stats;

    /**
     * @param stats may be null only with {@link Preprocessing.MeanMode#NONE} and {@code pcaStd == 0}
     */
    public Transform(Preprocessing pre, ChannelStats stats, int inWidth, int inHeight, int inChannels) {
        this.pre = pre;
        this.stats = stats;
        this.inWidth = inWidth;
        this.inHeight = inHeight;
        this.inChannels = inChannels;
        this.outChannels = pre.outputChannels() == 0 ? inChannels : pre.outputChannels();
        if (outChannels != inChannels && !(inChannels == 1 && outChannels == 3)) {
            throw new IllegalArgumentException("cannot turn " + inChannels + "-channel images into " + outChannels
                    + " channels (only grey to RGB)");
        }
        this.cropW = pre.cropSize() == 0 ? inWidth + 2 * pre.padding() : pre.cropSize();
        this.cropH = pre.cropSize() == 0 ? inHeight + 2 * pre.padding() : pre.cropSize();
        if (cropW > inWidth + 2 * pre.padding() || cropH > inHeight + 2 * pre.padding()) {
            throw new IllegalArgumentException("crop " + cropW + "x" + cropH + " is larger than the padded input "
                    + (inWidth + 2 * pre.padding()) + "x" + (inHeight + 2 * pre.padding()));
        }
        if ((pre.mean() != Preprocessing.MeanMode.NONE || pre.pcaStd() > 0) && stats == null) {
            throw new IllegalArgumentException("mean subtraction / PCA colour augmentation need ChannelStats");
        }
        if (pre.pcaStd() > 0 && (inChannels != 3 || !stats.hasPca())) {
            throw new IllegalArgumentException("PCA colour augmentation needs 3-channel images and their PCA");
        }
        channelMean = new float[outChannels];
        if (pre.mean() != Preprocessing.MeanMode.NONE) {
            if (stats.channels() != inChannels) {
                throw new IllegalArgumentException("channel statistics have " + stats.channels()
                        + " channels, the images " + inChannels);
            }
            for (int c = 0; c < outChannels; c++) {
                channelMean[c] = (float) stats.mean()[inChannels == 1 ? 0 : c];
            }
        }
        if (pre.mean() == Preprocessing.MeanMode.IMAGE) {
            if (!stats.hasMeanImage() || stats.meanImageWidth() != inWidth || stats.meanImageHeight() != inHeight) {
                throw new IllegalArgumentException("mean-image subtraction needs a " + inWidth + "x" + inHeight
                        + " mean image in the channel statistics, found "
                        + (stats.hasMeanImage() ? stats.meanImageWidth() + "x" + stats.meanImageHeight() : "none"));
            }
            meanImage = stats.meanImage();
        } else {
            meanImage = null;
        }
    }

    public Preprocessing preprocessing() {
        return pre;
    }

    public ChannelStats stats() {
        return stats;
    }

    /** Width of the padded input, the range of crop corners. */
    public int paddedWidth() {
        return inWidth + 2 * pre.padding();
    }

    public int paddedHeight() {
        return inHeight + 2 * pre.padding();
    }

    public int cropWidth() {
        return cropW;
    }

    public int cropHeight() {
        return cropH;
    }

    public int inputWidth() {
        return inWidth;
    }

    public int inputHeight() {
        return inHeight;
    }

    /** One output's shape {@code [C, H, W]}, the network's input shape. */
    public int[] outputShape() {
        return new int[] {outChannels, cropH, cropW};
    }

    /** {@code C * H * W}. */
    public int outputSize() {
        return outChannels * cropH * cropW;
    }

    /** Writes {@code outputSize()} floats ({@code C x H x W}) into {@code dst} at {@code offset}. */
    public void apply(Image img, Augment a, float[] dst, int offset) {
        if (img.width() != inWidth || img.height() != inHeight || img.channels() != inChannels) {
            throw new IllegalArgumentException("transform expects " + inWidth + "x" + inHeight + "x" + inChannels
                    + " prepared images, got " + img);
        }
        if (a.cropX() < 0 || a.cropY() < 0 || a.cropX() + cropW > paddedWidth() || a.cropY() + cropH > paddedHeight()) {
            throw new IllegalArgumentException("crop corner (" + a.cropX() + ", " + a.cropY() + ") out of range");
        }
        byte[] px = img.pixels();
        int pad = pre.padding();
        float scale = pre.scale();
        int plane = cropW * cropH;
        for (int c = 0; c < outChannels; c++) {
            int ic = inChannels == 1 ? 0 : c;
            float shift = a.colourShift()[c % a.colourShift().length];
            float m = channelMean[c];
            int base = offset + c * plane;
            for (int oy = 0; oy < cropH; oy++) {
                int sy = a.cropY() + oy - pad;
                int rowOut = base + oy * cropW;
                boolean rowIn = sy >= 0 && sy < inHeight;
                for (int ox = 0; ox < cropW; ox++) {
                    int sx = a.cropX() + (a.flip() ? cropW - 1 - ox : ox) - pad;
                    float v;
                    float mean = m;
                    if (rowIn && sx >= 0 && sx < inWidth) {
                        int p = (sy * inWidth + sx) * inChannels + ic;
                        v = px[p] & 0xFF;
                        if (meanImage != null) {
                            mean = meanImage[p];
                        }
                    } else {
                        v = 0f;
                    }
                    dst[rowOut + ox] = (v + shift - mean) * scale;
                }
            }
        }
    }
}
