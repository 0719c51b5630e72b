package io.github.alexnetjava.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ResizeTest {
    private static Image make(int w, int h, int ch, java.util.function.IntBinaryOperator f) {
        byte[] px = new byte[w * h * ch];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < ch; c++) {
                    px[(y * w + x) * ch + c] = (byte) f.applyAsInt(x, y);
                }
            }
        }
        return new Image(w, h, ch, px);
    }

    @Test
    void shorterSideThenCentreCrop() {
        // 64 wide x 80 high: scale 4 -> 256 x 320, crop rows 32..287; left half dark, top quarter bright marker
        Image src = make(64, 80, 3, (x, y) -> y < 8 ? 250 : (x < 32 ? 10 : 90));
        Image out = Resize.shorterSideAndCenterCrop(src, 256);
        assertEquals(256, out.width());
        assertEquals(256, out.height());
        assertEquals(3, out.channels());
        // source row 8 -> output row 8*4 - 32 = 0: the marker rows (0..7) are cropped away, just
        assertTrue(out.get(10, 2, 0) < 100, "row 2 from source row ~8.4: " + out.get(10, 2, 0));
        assertEquals(10, out.get(60, 128, 1));
        assertEquals(90, out.get(200, 128, 2));
        int mid = out.get(128, 128, 0); // edge between columns 31 and 32
        assertTrue(mid > 10 && mid < 90, "edge is interpolated: " + mid);
    }

    @Test
    void constantStaysConstantAndSameSizeIsIdentity() {
        Image c = make(300, 200, 3, (x, y) -> 77);
        Image out = Resize.shorterSideAndCenterCrop(c, 256);
        for (byte b : out.pixels()) {
            assertEquals(77, b & 0xFF);
        }
        Image sq = make(256, 256, 1, (x, y) -> x);
        assertSame(sq, Resize.shorterSideAndCenterCrop(sq, 256));
    }

    @Test
    void downscalingIsAntialiased() {
        // 1-pixel checkerboard, 4x downscale: averaging gives ~127, plain bilinear sampling would give 0 or 255
        Image cb = make(1024, 1024, 1, (x, y) -> ((x + y) & 1) == 0 ? 0 : 255);
        Image out = Resize.shorterSideAndCenterCrop(cb, 256);
        for (int i = 0; i < out.pixels().length; i += 97) {
            int v = out.pixels()[i] & 0xFF;
            assertTrue(Math.abs(v - 127.5) < 20, "pixel " + i + " = " + v);
        }
    }
}
