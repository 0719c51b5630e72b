package io.github.alexnetjava.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes JPEG and PNG files into 3-channel RGB {@link Image}s with {@code javax.imageio}, converting what
 * ImageIO hands back as-is:
 * <ul>
 * <li>grey (and grey + alpha) images: the grey value is copied to R, G and B (no gamma conversion);</li>
 * <li>alpha is dropped (the colour values are kept, not composited);</li>
 * <li>CMYK and YCCK JPEGs, which ImageIO cannot return as a {@code BufferedImage}: read with
 * {@link ImageReader#readRaster} and converted here with the naive formula {@code R = (255-C)(255-K)/255}
 * (no ICC profile). The Adobe APP14 marker decides the encoding: transform 0 = CMYK stored inverted (as
 * Photoshop and PIL write it), transform 2 = YCCK (inverted CMYK coded as YCbCr + K), no marker = plain CMYK;</li>
 * <li>16-bit samples are scaled to 8 bits; palette and packed images go through {@code getRGB}.</li>
 * </ul>
 * Empty, unrecognised, undecodable and truncated files (including JPEGs cut inside their image data, which
 * ImageIO decodes with only a warning) throw {@link CorruptImageException} naming the file.
 * Files are read into memory first, so ImageIO never creates cache files. Thread-safe (no shared state).
 */
public final class ImageDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(ImageDecoder.class);
    private ImageDecoder() {
    }

    public static Image decode(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new CorruptImageException(file.toString(), "unreadable file (" + e + ")", e);
        }
        return decode(bytes, file.toString());
    }

    /** Decodes an in-memory file; {@code name} is used in error messages. */
    public static Image decode(byte[] bytes, String name) throws CorruptImageException {
        if (bytes.length == 0) {
            throw new CorruptImageException(name, "empty file", null);
        }
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new CorruptImageException(name, "not a JPEG or PNG image (no ImageIO reader recognises it)",
                        null);
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, message) -> warnings.add(message));
                BufferedImage img;
                try {
                    img = reader.read(0);
                } catch (javax.imageio.IIOException e) {
                    // CMYK / YCCK JPEGs: ImageIO cannot build a BufferedImage but can return the raw raster.
                    if (!isJpeg(bytes) || JpegHeader.parse(bytes).components != 4) {
                        throw e;
                    }
                    in.seek(0);
                    reader.setInput(in, true, true);
                    Raster raster = reader.readRaster(0, null);
                    checkWarnings(warnings, name);
                    return fromCmykRaster(raster, JpegHeader.parse(bytes).adobeTransform);
                }
                checkWarnings(warnings, name);
                return toRgb(img);
            } finally {
                reader.dispose();
            }
        } catch (CorruptImageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new CorruptImageException(name, String.valueOf(e.getMessage()), e);
        }
    }

    /**
     * A JPEG cut inside its entropy-coded data decodes "successfully" (the rest is grey) with only a warning:
     * that warning makes it corrupt. Other decoder warnings (e.g. "extraneous bytes before marker", found in a
     * few ImageNet files that decode fine) are logged at DEBUG and accepted.
     */
    private static void checkWarnings(List<String> warnings, String name) throws CorruptImageException {
        for (String w : warnings) {
            String lw = w.toLowerCase(java.util.Locale.ROOT);
            if (lw.contains("premature end") || lw.contains("truncat")) {
                throw new CorruptImageException(name, "truncated data (" + w + ")", null);
            }
            LOG.debug("{}: decoder warning: {}", name, w);
        }
    }

    private static boolean isJpeg(byte[] b) {
        return b.length > 2 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8;
    }

    /** Converts any decoded image to 8-bit RGB. */
    static Image toRgb(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] out = new byte[w * h * 3];
        ColorModel cm = img.getColorModel();
        Raster r = img.getRaster();
        int bands = r.getNumBands();
        int csType = cm.getColorSpace().getType();
        if (cm instanceof ComponentColorModel && (csType == ColorSpace.TYPE_GRAY || csType == ColorSpace.TYPE_RGB)) {
            int colourBands = csType == ColorSpace.TYPE_GRAY ? 1 : 3;
            int bits = r.getSampleModel().getSampleSize(0);
            int max = bits >= 31 ? Integer.MAX_VALUE : (1 << bits) - 1;
            int[] row = new int[w * bands];
            for (int y = 0; y < h; y++) {
                r.getPixels(0, y, w, 1, row);
                for (int x = 0; x < w; x++) {
                    for (int c = 0; c < 3; c++) {
                        int v = row[x * bands + (colourBands == 1 ? 0 : c)];
                        if (max != 255) {
                            v = (int) Math.round(v * 255.0 / max);
                        }
                        out[(y * w + x) * 3 + c] = (byte) v;
                    }
                }
            }
        } else {
            int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
            for (int i = 0; i < argb.length; i++) {
                out[3 * i] = (byte) (argb[i] >> 16);
                out[3 * i + 1] = (byte) (argb[i] >> 8);
                out[3 * i + 2] = (byte) argb[i];
            }
        }
        return new Image(w, h, 3, out);
    }

    /**
     * Converts a 4-band raw JPEG raster (CMYK or YCCK) to RGB.
     *
     * @param adobeTransform the Adobe APP14 transform flag (0 = inverted CMYK, 2 = YCCK), or -1 without the
     *                       marker (plain, non-inverted CMYK)
     */
    static Image fromCmykRaster(Raster raster, int adobeTransform) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        byte[] out = new byte[w * h * 3];
        int[] px = new int[w * 4];
        for (int y = 0; y < h; y++) {
            raster.getPixels(raster.getMinX(), raster.getMinY() + y, w, 1, px);
            for (int x = 0; x < w; x++) {
                int[] rgb = cmykToRgb(px[4 * x], px[4 * x + 1], px[4 * x + 2], px[4 * x + 3], adobeTransform);
                int o = (y * w + x) * 3;
                out[o] = (byte) rgb[0];
                out[o + 1] = (byte) rgb[1];
                out[o + 2] = (byte) rgb[2];
            }
        }
        return new Image(w, h, 3, out);
    }

    /** One pixel of a raw 4-component JPEG to RGB; see {@link #fromCmykRaster}. */
    static int[] cmykToRgb(int a, int b, int c, int d, int adobeTransform) {
        int ci;
        int mi;
        int yi;
        int ki; // ink amounts, 0 = none, 255 = full
        if (adobeTransform == 2) {
            // YCCK: YCbCr encodes (255 - stored C, M, Y); stored values are inverted ink => YCC->RGB gives the ink.
            double yy = a;
            double cb = b - 128.0;
            double cr = c - 128.0;
            ci = clamp(yy + 1.402 * cr);
            mi = clamp(yy - 0.344136 * cb - 0.714136 * cr);
            yi = clamp(yy + 1.772 * cb);
            ki = 255 - d;
        } else if (adobeTransform == 0) {
            ci = 255 - a;
            mi = 255 - b;
            yi = 255 - c;
            ki = 255 - d;
        } else {
            ci = a;
            mi = b;
            yi = c;
            ki = d;
        }
        return new int[] {(255 - ci) * (255 - ki) / 255, (255 - mi) * (255 - ki) / 255, (255 - yi) * (255 - ki) / 255};
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }

    /** The few JPEG header fields the CMYK conversion needs. */
    static final class JpegHeader {
        int components = -1;
        int adobeTransform = -1;

        static JpegHeader parse(byte[] b) {
            JpegHeader h = new JpegHeader();
            int p = 2;
            while (p + 4 <= b.length) {
                if ((b[p] & 0xFF) != 0xFF) {
                    break;
                }
                int marker = b[p + 1] & 0xFF;
                if (marker == 0xFF) {
                    p++;
                    continue;
                }
                int len = ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
                int payload = p + 4;
                if (marker == 0xEE && len >= 12 && payload + 11 < b.length && b[payload] == 'A' && b[payload + 1] == 'd'
                        && b[payload + 2] == 'o' && b[payload + 3] == 'b' && b[payload + 4] == 'e') {
                    h.adobeTransform = b[payload + 11] & 0xFF;
                } else if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
                        && payload + 5 < b.length) {
                    h.components = b[payload + 5] & 0xFF;
                } else if (marker == 0xDA) {
                    break;
                }
                p += 2 + len;
            }
            return h;
        }
    }
}
