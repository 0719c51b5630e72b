package io.github.alexnetjava.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.alexnetjava.random.CounterRng;
import org.junit.jupiter.api.Test;

class TransformTest {
    /** 256x256 RGB: R = x, G = y, B = 7. */
    static Image coordinates() {
        byte[] px = new byte[256 * 256 * 3];
        for (int y = 0; y < 256; y++) {
            for (int x = 0; x < 256; x++) {
                px[(y * 256 + x) * 3] = (byte) x;
                px[(y * 256 + x) * 3 + 1] = (byte) y;
                px[(y * 256 + x) * 3 + 2] = 7;
            }
        }
        return new Image(256, 256, 3, px);
    }

    private static final Preprocessing RAW = Preprocessing.alexNet().withPcaStd(0)
            .withMean(Preprocessing.MeanMode.NONE);

    @Test
    void tenCropGeometry() {
        Transform t = new Transform(RAW, null, 256, 256, 3);
        Augmenter aug = new Augmenter(t, 1);
        int plane = 227 * 227;
        float[] out = new float[t.outputSize()];
        // view: expected (R, G) at output (0, 0) and at output (226, 226), then whether mirrored
        int[][] expect = {{0, 0}, {29, 0}, {0, 29}, {29, 29}, {14, 14}};
        for (int v = 0; v < 10; v++) {
            t.apply(coordinates(), aug.tenCrop(v), out, 0);
            int x0 = expect[v % 5][0];
            int y0 = expect[v % 5][1];
            boolean flip = v >= 5;
            assertEquals(flip ? x0 + 226 : x0, out[0], "view " + v + " R at (0,0)");
            assertEquals(flip ? x0 : x0 + 226, out[226], "view " + v + " R at (226,0)");
            assertEquals(y0, out[plane], "view " + v + " G at (0,0)");
            assertEquals(y0 + 226, out[plane + 226 * 227 + 5], "view " + v + " G at (5,226)");
            assertEquals(7, out[2 * plane + 1000]);
        }
        Augment c = aug.center();
        assertEquals(14, c.cropX());
        assertEquals(14, c.cropY());
        assertTrue(!c.flip());
        assertThrows(IllegalArgumentException.class, () -> aug.tenCrop(10));
    }

    @Test
    void paddingMeanAndScale() {
        byte[] px = new byte[28 * 28];
        java.util.Arrays.fill(px, (byte) 200);
        Image img = new Image(28, 28, 1, px);
        ChannelStats stats = new ChannelStats(1, 1, 784, new double[] {50}, new double[][] {{1}}, -1, -1, null);
        Transform t = new Transform(Preprocessing.fashionMnist().withScale(0.5f), stats, 28, 28, 1);
        assertEquals(28 * 28, t.outputSize());
        float[] out = new float[t.outputSize() + 3];
        t.apply(img, Augment.crop(0, 0, false), out, 3);
        assertEquals((0 - 50) * 0.5f, out[3]); // padding is raw black
        assertEquals((0 - 50) * 0.5f, out[3 + 3 * 28 + 27]);
        assertEquals((200 - 50) * 0.5f, out[3 + 4 * 28 + 4]);
        assertEquals((200 - 50) * 0.5f, out[3 + 27 * 28 + 27]);

        // grey -> 3 channels
        Transform t3 = new Transform(Preprocessing.fashionMnist().withOutputChannels(3).withCrop(0, 0), stats, 28, 28, 1);
        assertEquals(3 * 28 * 28, t3.outputSize());
        float[] o3 = new float[t3.outputSize()];
        t3.apply(img, Augment.crop(0, 0, false), o3, 0);
        assertEquals((200 - 50) / 255f, o3[0], 1e-6);
        assertEquals(o3[0], o3[784]);
        assertEquals(o3[0], o3[2 * 784 + 783]);
    }

    @Test
    void meanImageSubtraction() {
        float[] mi = new float[4 * 4 * 3];
        for (int i = 0; i < mi.length; i++) {
            mi[i] = i;
        }
        ChannelStats stats = new ChannelStats(3, 1, 16, new double[] {1, 2, 3}, new double[][] {{3, 0, 0}, {0, 2, 0},
            {0, 0, 1}}, 4, 4, mi);
        byte[] px = new byte[4 * 4 * 3];
        java.util.Arrays.fill(px, (byte) 100);
        Transform t = new Transform(new Preprocessing(2, 0, false, 0, Preprocessing.MeanMode.IMAGE, 1f, 0), stats,
                4, 4, 3);
        float[] out = new float[12];
        t.apply(new Image(4, 4, 3, px), Augment.crop(1, 2, true), out, 0);
        // output (0,0) of channel 1, mirrored: source x = 1 + 1 = 2, y = 2 -> mean index (2*4+2)*3+1 = 31
        assertEquals(100 - 31, out[4]);
        assertThrows(IllegalArgumentException.class, () -> new Transform(
                new Preprocessing(2, 0, false, 0, Preprocessing.MeanMode.IMAGE, 1f, 0), stats, 8, 8, 3));
    }

    @Test
    void trainingAugmentationIsAPureFunctionOfSeedEpochIndex() throws Exception {
        double[][] cov = {{4000, 3500, 3000}, {3500, 3900, 3300}, {3000, 3300, 4200}};
        ChannelStats stats = new ChannelStats(3, 1, 1, new double[] {120, 110, 100}, cov, -1, -1, null);
        Transform t = new Transform(Preprocessing.alexNet(), stats, 256, 256, 3);
        Augmenter a = new Augmenter(t, 42);
        Augment x = a.train(3, 17);
        Augment y = new Augmenter(t, 42).train(3, 17);
        assertEquals(x.cropX(), y.cropX());
        assertEquals(x.cropY(), y.cropY());
        assertEquals(x.flip(), y.flip());
        assertEquals(x.colourShift()[2], y.colourShift()[2]);
        assertNotEquals(x.colourShift()[0], a.train(4, 17).colourShift()[0]);
        assertNotEquals(x.colourShift()[0], a.train(3, 18).colourShift()[0]);

        // PCA shift = sum_i alpha_i lambda_i p_i / 255, alpha_i = 0.1 * N(0,1) from stream(seed, epoch, index)
        long s = CounterRng.stream(42, 3, 17);
        double[] ev = stats.eigenvalues();
        double[][] vec = stats.eigenvectors();
        for (int c = 0; c < 3; c++) {
            double want = 0;
            for (int i = 0; i < 3; i++) {
                want += 0.1 * CounterRng.gaussian(s, 10 + i) * ev[i] * vec[i][c] / 255.0;
            }
            assertEquals(want, x.colourShift()[c], 1e-4);
        }
        int flips = 0;
        int maxX = 0;
        double sumSq = 0;
        for (int i = 0; i < 2000; i++) {
            Augment g = a.train(0, i);
            flips += g.flip() ? 1 : 0;
            maxX = Math.max(maxX, g.cropX());
            assertTrue(g.cropX() >= 0 && g.cropX() <= 29 && g.cropY() >= 0 && g.cropY() <= 29);
            sumSq += g.colourShift()[0] * g.colourShift()[0];
        }
        assertTrue(flips > 900 && flips < 1100, "flips " + flips);
        assertEquals(29, maxX);
        // shift along the top component dominates: std ~ 0.1 * lambda0 / 255 * |p0[0]|
        double expectStd = 0.1 * ev[0] / 255 * Math.abs(vec[0][0]);
        double std = Math.sqrt(sumSq / 2000);
        assertTrue(std > 0.8 * expectStd && std < 1.25 * expectStd, std + " vs " + expectStd);
    }
}
