package io.github.alexnetjava.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {
    private static final Path GOOD = Images.broken().resolve("train/good");
    private static final Path BAD = Images.broken().resolve("train/bad");

    private static void near(int expected, int actual, int tol, String what) {
        assertTrue(Math.abs(expected - actual) <= tol, what + ": expected " + expected + " +- " + tol + ", got " + actual);
    }

    @Test
    void rgbPngIsExact() throws IOException {
        Image img = ImageDecoder.decode(GOOD.resolve("rgb.png"));
        assertEquals(48, img.width());
        assertEquals(40, img.height());
        for (int y = 0; y < 40; y += 7) {
            for (int x = 0; x < 48; x += 5) {
                assertEquals(x * 5, img.get(x, y, 0));
                assertEquals(y * 6, img.get(x, y, 1));
                assertEquals(100, img.get(x, y, 2));
            }
        }
    }

    @Test
    void greyJpegBecomesThreeEqualChannels() throws IOException {
        Image img = ImageDecoder.decode(GOOD.resolve("grey.jpg"));
        assertEquals(3, img.channels());
        for (int c = 0; c < 3; c++) {
            near(128, img.get(28, 28, c), 2, "background");
            near(200, img.get(11, 11, c), 3, "square");
            assertEquals(img.get(5, 20, 0), img.get(5, 20, c));
        }
    }

    @Test
    void adobeCmykJpegBecomesRgb() throws IOException {
        byte[] bytes = Files.readAllBytes(GOOD.resolve("cmyk.jpg"));
        ImageDecoder.JpegHeader h = ImageDecoder.JpegHeader.parse(bytes);
        assertEquals(4, h.components);
        assertEquals(0, h.adobeTransform);
        Image img = ImageDecoder.decode(GOOD.resolve("cmyk.jpg"));
        assertEquals(3, img.channels());
        assertEquals(32, img.width());
        near(255, img.get(16, 16, 0), 3, "red");
        near(0, img.get(16, 16, 1), 3, "green");
        near(0, img.get(16, 16, 2), 3, "blue");
    }

    @Test
    void cmykAndYcckFormulas() {
        // plain CMYK, no Adobe marker: ink values as stored
        assertArrayEquals(new int[] {255, 0, 0}, ImageDecoder.cmykToRgb(0, 255, 255, 0, -1));
        assertArrayEquals(new int[] {127, 127, 127}, ImageDecoder.cmykToRgb(0, 0, 0, 128, -1));
        // Adobe CMYK: stored inverted
        assertArrayEquals(new int[] {255, 0, 0}, ImageDecoder.cmykToRgb(255, 0, 0, 255, 0));
        // Adobe YCCK: YCbCr of the ink (C=0, M=255, Y=255 -> as "RGB" (0,255,255)), K stored inverted (255 = none)
        double r = 0;
        double g = 255;
        double b = 255;
        int yy = (int) Math.round(0.299 * r + 0.587 * g + 0.114 * b);
        int cb = (int) Math.round(-0.168736 * r - 0.331264 * g + 0.5 * b + 128);
        int cr = (int) Math.round(0.5 * r - 0.418688 * g - 0.081312 * b + 128);
        int[] rgb = ImageDecoder.cmykToRgb(yy, cb, cr, 255, 2);
        near(255, rgb[0], 2, "R");
        near(0, rgb[1], 2, "G");
        near(0, rgb[2], 2, "B");
    }

    @Test
    void pngAlphaIsDropped() throws IOException {
        Image img = ImageDecoder.decode(GOOD.resolve("alpha.png"));
        assertEquals(3, img.channels());
        assertEquals(0, img.get(3, 3, 0));
        assertEquals(30, img.get(3, 3, 1));
        assertEquals(220, img.get(3, 3, 2));
    }

    @Test
    void corruptFilesNameTheFile() {
        for (String n : new String[] {"truncated.jpg", "truncated_header.jpg", "not_an_image.jpg"}) {
            Path p = BAD.resolve(n);
            CorruptImageException e = assertThrows(CorruptImageException.class, () -> ImageDecoder.decode(p));
            assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
            assertEquals(p.toString(), e.file());
        }
        CorruptImageException t = assertThrows(CorruptImageException.class,
                () -> ImageDecoder.decode(BAD.resolve("truncated.jpg")));
        assertTrue(t.getMessage().contains("truncated data"), t.getMessage()); // cut in the data: only a warning
        CorruptImageException e = assertThrows(CorruptImageException.class,
                () -> ImageDecoder.decode(BAD.resolve("does-not-exist.jpg")));
        assertTrue(e.getMessage().contains("does-not-exist.jpg"), e.getMessage());
    }
}
