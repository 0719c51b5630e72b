package io.github.alexnetjava.data;

/**
 * An 8-bit image in interleaved (height, width, channels) order: {@code pixels[(y * width + x) * channels + c]}
 * holds channel {@code c} (R, G, B for colour, or a single grey channel) as an unsigned byte.
 */
public final class Image {
    private final int width;
    private final int height;
    private final int channels;
    private final byte[] pixels;

    public Image(int width, int height, int channels, byte[] pixels) {
        if (width <= 0 || height <= 0 || channels <= 0) {
            throw new IllegalArgumentException("image size must be positive: " + width + "x" + height + "x" + channels);
        }
        if (pixels.length != width * height * channels) {
            throw new IllegalArgumentException("image " + width + "x" + height + "x" + channels + " needs "
                    + width * height * channels + " bytes, got " + pixels.length);
        }
        this.width = width;
        this.height = height;
        this.channels = channels;
        this.pixels = pixels;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public int channels() {
        return channels;
    }

    /** The backing array (not a copy). */
    public byte[] pixels() {
        return pixels;
    }

    /** Channel {@code c} of pixel (x, y) as 0..255. */
    public int get(int x, int y, int c) {
        return pixels[(y * width + x) * channels + c] & 0xFF;
    }

    @Override
    public String toString() {
        return "Image[" + width + "x" + height + "x" + channels + "]";
    }
}
