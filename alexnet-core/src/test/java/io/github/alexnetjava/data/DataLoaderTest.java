package io.github.alexnetjava.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DataLoaderTest {
    static PreparedDataset train;
    static PreparedDataset val;
    static Transform transform;

    @BeforeAll
    static void open() throws IOException {
        train = PreparedDataset.of(ImageFolderDataset.open(Images.fashionMini(), "train"), 64);
        val = PreparedDataset.of(ImageFolderDataset.open(Images.fashionMini(), "val"), 64);
        ChannelStats stats = ChannelStats.compute(train, false, 2);
        transform = new Transform(Preprocessing.alexNet().withCrop(56, 0), stats, 64, 64, 3);
    }

    static DataLoader.Builder trainLoader(long seed) {
        return DataLoader.builder(train, transform).seed(seed).batchSize(32);
    }

    static List<Batch> all(DataLoader loader) {
        List<Batch> out = new ArrayList<>();
        try (loader) {
            while (loader.hasNext()) {
                out.add(loader.next());
            }
        }
        return out;
    }

    static void assertSameBatches(List<Batch> a, List<Batch> b) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).epoch(), b.get(i).epoch());
            assertEquals(a.get(i).index(), b.get(i).index());
            assertArrayEquals(a.get(i).indices(), b.get(i).indices(), "batch " + i);
            assertArrayEquals(a.get(i).labels(), b.get(i).labels(), "batch " + i);
            assertArrayEquals(a.get(i).data(), b.get(i).data(), "batch " + i);
        }
    }

    @Test
    void sameSeedSameBatchesWhateverTheThreadsAndPrefetch() {
        List<Batch> one = all(trainLoader(7).threads(1).prefetch(1).endEpoch(2).build());
        List<Batch> three = all(trainLoader(7).threads(3).prefetch(4).endEpoch(2).build());
        assertEquals(2 * 9, one.size()); // 300 / 32 = 9 full batches per epoch; the partial one is dropped
        assertSameBatches(one, three);
        List<Batch> other = all(trainLoader(8).threads(2).build());
        assertFalse(Arrays.equals(one.get(0).indices(), other.get(0).indices()));
    }

    @Test
    void batchesAreWhatTheDatasetAndTransformGive() throws IOException {
        Batch b = all(trainLoader(3).threads(2).build()).get(4);
        assertEquals(32, b.size());
        assertArrayEquals(new int[] {32, 3, 56, 56}, b.tensorShape());
        assertEquals(32 * 3 * 56 * 56, b.data().length);
        Augmenter aug = new Augmenter(transform, 3);
        float[] one = new float[transform.outputSize()];
        for (int k : new int[] {0, 17, 31}) {
            int idx = b.indices()[k];
            assertEquals(train.label(idx), b.labels()[k]);
            train.read(idx, transform, aug.train(0, idx), one, 0);
            assertArrayEquals(one, Arrays.copyOfRange(b.data(), k * one.length, (k + 1) * one.length));
        }
    }

    @Test
    void resumingAtEpochAndBatchReproducesTheUninterruptedRun() {
        List<Batch> full = all(trainLoader(11).threads(2).endEpoch(3).build());
        List<Batch> resumed = all(trainLoader(11).threads(3).startAt(1, 5).endEpoch(3).build());
        assertEquals(full.size() - 9 - 5, resumed.size());
        assertEquals(1, resumed.get(0).epoch());
        assertEquals(5, resumed.get(0).index());
        assertSameBatches(full.subList(9 + 5, full.size()), resumed);
        assertThrows(IllegalArgumentException.class, () -> trainLoader(11).startAt(0, 9).build());
    }

    @Test
    void reshuffledEveryEpoch() {
        try (DataLoader l = trainLoader(5).threads(1).prefetch(1).build()) {
            int[] e0 = l.order(0);
            int[] e1 = l.order(1);
            assertFalse(Arrays.equals(e0, e1));
            int[] sorted = e0.clone();
            Arrays.sort(sorted);
            for (int i = 0; i < sorted.length; i++) {
                assertEquals(i, sorted[i]);
            }
            int[] s1 = e1.clone();
            Arrays.sort(s1);
            assertArrayEquals(sorted, s1);
            assertArrayEquals(e0, DataLoader.permutation(300, 5, 0));
            Batch b = l.next();
            assertArrayEquals(Arrays.copyOfRange(e0, 0, 32), b.indices());
        }
        // the same example gets a different crop/flip/colour in another epoch
        Augmenter a = new Augmenter(transform, 5);
        int differ = 0;
        for (int i = 0; i < 50; i++) {
            differ += a.train(0, i).cropX() != a.train(1, i).cropX() ? 1 : 0;
        }
        assertTrue(differ > 30, "" + differ);
    }

    @Test
    void evaluationKeepsEverythingInOrder() {
        Transform t = new Transform(Preprocessing.alexNet().withCrop(56, 0).withPcaStd(0), transform.stats(), 64, 64, 3);
        List<Batch> bs = all(DataLoader.builder(val, t).mode(DataLoader.Mode.EVAL_CENTER).batchSize(32).build());
        assertEquals(4, bs.size());
        assertEquals(4, bs.get(3).size()); // 100 = 3 * 32 + 4: the last partial batch is kept
        assertTrue(bs.get(3).lastInEpoch());
        assertEquals(0, bs.get(0).indices()[0]);
        assertEquals(99, bs.get(3).indices()[3]);
        assertEquals(4 * 3 * 56 * 56, bs.get(3).data().length);

        List<Batch> ten = all(DataLoader.builder(val, t).mode(DataLoader.Mode.EVAL_TEN_CROP).batchSize(8).build());
        Batch b = ten.get(0);
        assertEquals(10, b.views());
        assertEquals(8, b.size());
        assertArrayEquals(new int[] {80, 3, 56, 56}, b.tensorShape());
        int s = t.outputSize();
        // example 1, view 4 (centre) equals the single-view centre crop of example 1
        assertArrayEquals(Arrays.copyOfRange(bs.get(0).data(), s, 2 * s),
                Arrays.copyOfRange(b.data(), (10 + 4) * s, (10 + 5) * s));
        // view 5 is view 0 mirrored
        int row0 = 10 * s + 5 * s; // example 1, view 5, channel 0, row 0
        for (int x = 0; x < 56; x++) {
            assertEquals(b.data()[10 * s + x], b.data()[row0 + 55 - x]);
        }
    }

    @Test
    void unreadableImagesAreSkippedAndCounted() throws IOException {
        ImageFolderDataset ds = ImageFolderDataset.open(Images.broken(), "train");
        PreparedDataset p = PreparedDataset.of(ds, 32);
        Transform t = new Transform(Preprocessing.alexNet().withCrop(0, 0).withPcaStd(0).withFlip(false)
                .withMean(Preprocessing.MeanMode.NONE), null, 32, 32, 3);
        DataLoader l = DataLoader.builder(p, t).mode(DataLoader.Mode.EVAL_CENTER).batchSize(4).threads(2)
                .endEpoch(2).build();
        List<Batch> bs = all(l);
        assertEquals(4, bs.size());
        // order: bad/{fine.png, not_an_image.jpg, truncated.jpg, truncated_header.jpg},
        //        good/{alpha.png, cmyk.jpg, grey.jpg, rgb.png}
        assertEquals(3, bs.get(0).skipped());
        assertArrayEquals(new int[] {0}, bs.get(0).indices());
        assertEquals(0, bs.get(1).skipped());
        assertEquals(3, l.skipped(0));
        assertEquals(3, l.skipped(1));
        assertEquals(1 * 3 * 32 * 32, bs.get(0).data().length);
        assertEquals(4, bs.get(1).size());
        // converted images: alpha, cmyk, grey, rgb in batch 1
        int s = 3 * 32 * 32;
        float[] d0 = Arrays.copyOfRange(bs.get(1).data(), 0, s);
        assertEquals(0f, d0[100]);
        assertEquals(30f, d0[1024 + 100]);
        assertEquals(220f, d0[2048 + 100]);
        float[] d1 = Arrays.copyOfRange(bs.get(1).data(), s, 4 * s); // cmyk.jpg, grey.jpg, rgb.png
        assertTrue(d1[500] > 250 && d1[1024 + 500] < 5 && d1[2048 + 500] < 5, "CMYK red");
        assertEquals(d1[s + 500], d1[s + 1024 + 500]);
        assertEquals(d1[s + 500], d1[s + 2048 + 500]);
        assertTrue(Math.abs(d1[s + 31 * 32] - 128) <= 2, "grey background " + d1[s + 31 * 32]);
    }

    @Test
    void strictModeFailsNamingTheFile() throws IOException {
        PreparedDataset p = PreparedDataset.of(ImageFolderDataset.open(Images.broken(), "train"), 32);
        Transform t = new Transform(Preprocessing.alexNet().withCrop(0, 0).withPcaStd(0)
                .withMean(Preprocessing.MeanMode.NONE), null, 32, 32, 3);
        DataLoader l = DataLoader.builder(p, t).mode(DataLoader.Mode.EVAL_CENTER).batchSize(4).strict(true).build();
        UncheckedIOException e = assertThrows(UncheckedIOException.class, l::next);
        String m = e.getMessage();
        assertTrue(m.matches("(?s).*broken/train/bad/(not_an_image|truncated|truncated_header)\\.jpg.*"), m);
        assertFalse(l.hasNext());
    }

    @Test
    void fashionMnistBatches() throws IOException {
        FashionMnistDataset test = FashionMnistDatasetTestSupport.testSetOrSkip();
        ChannelStats stats = ChannelStats.compute(test, 1000, false, 2);
        assertEquals(1, stats.channels());
        assertTrue(stats.mean()[0] > 50 && stats.mean()[0] < 100, "" + stats.mean()[0]);
        Transform t = new Transform(Preprocessing.fashionMnist(), stats, 28, 28, 1);
        try (DataLoader l = DataLoader.builder(test, t).seed(1).batchSize(100).threads(2).build()) {
            Batch b = l.next();
            assertArrayEquals(new int[] {100, 1, 28, 28}, b.tensorShape());
            assertEquals(test.label(b.indices()[0]), b.labels()[0]);
            assertEquals(100, l.batchesPerEpoch());
        }
        assertNotEquals(0, stats.covariance()[0][0]);
    }
}
