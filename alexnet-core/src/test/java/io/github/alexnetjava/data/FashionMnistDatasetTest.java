package io.github.alexnetjava.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistDatasetTest {
    private static final Path DIR = FashionMnistDataset.DEFAULT_DIR;

    @BeforeAll
    static void needsTheFiles() {
        assumeTrue(Files.isRegularFile(DIR.resolve("t10k-images-idx3-ubyte.gz")),
                "Debian's dataset-fashion-mnist is not installed in " + DIR);
    }

    @Test
    void readsTheRealFiles() throws IOException {
        FashionMnistDataset train = FashionMnistDataset.train();
        FashionMnistDataset test = FashionMnistDataset.test();
        assertEquals(60_000, train.size());
        assertEquals(10_000, test.size());
        assertEquals(10, train.classNames().size());
        assertEquals("Ankle boot", train.classNames().get(9));
        int[] firstTrain = {9, 0, 0, 3, 0, 2, 7, 2, 5, 5};
        int[] firstTest = {9, 2, 1, 1, 6, 1, 4, 6, 5, 7};
        for (int i = 0; i < 10; i++) {
            assertEquals(firstTrain[i], train.label(i));
            assertEquals(firstTest[i], test.label(i));
        }
        Image img = train.load(0);
        assertEquals(1, img.channels());
        assertEquals(28, img.width());
        long sum = 0;
        for (byte b : img.pixels()) {
            sum += b & 0xFF;
        }
        assertEquals(76247, sum); // numpy on the same file
        assertEquals(237, img.get(12, 14, 0));
        assertEquals(33456, sum(test.load(0)));
    }

    private static long sum(Image img) {
        long s = 0;
        for (byte b : img.pixels()) {
            s += b & 0xFF;
        }
        return s;
    }

    @Test
    void readsUncompressedFilesToo(@TempDir Path tmp) throws IOException {
        Files.write(tmp.resolve("t10k-images-idx3-ubyte"), gunzip(DIR.resolve("t10k-images-idx3-ubyte.gz")));
        Files.write(tmp.resolve("t10k-labels-idx1-ubyte"), gunzip(DIR.resolve("t10k-labels-idx1-ubyte.gz")));
        FashionMnistDataset test = FashionMnistDataset.test(tmp);
        assertEquals(10_000, test.size());
        assertEquals(33456, sum(test.load(0)));
    }

    @Test
    void wrongMagicAndLengthNameFileExpectedAndFound(@TempDir Path tmp) throws IOException {
        byte[] images = gunzip(DIR.resolve("t10k-images-idx3-ubyte.gz"));
        byte[] labels = gunzip(DIR.resolve("t10k-labels-idx1-ubyte.gz"));
        Path img = tmp.resolve("t10k-images-idx3-ubyte.gz");
        Path lab = tmp.resolve("t10k-labels-idx1-ubyte.gz");
        gzip(lab, labels);

        byte[] badMagic = images.clone();
        badMagic[3] = 0x01;
        gzip(img, badMagic);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> FashionMnistDataset.test(tmp));
        assertEquals(img + ": wrong magic number: expected 0x00000803, found 0x00000801", e.getMessage());

        gzip(img, Arrays.copyOf(images, images.length - 100));
        e = assertThrows(IdxFormatException.class, () -> FashionMnistDataset.test(tmp));
        assertEquals(img + ": wrong length: expected 7840016 bytes, found 7839916 bytes", e.getMessage());

        gzip(img, images);
        gzip(lab, Arrays.copyOf(labels, 5000));
        e = assertThrows(IdxFormatException.class, () -> FashionMnistDataset.test(tmp));
        assertEquals(lab + ": wrong length: expected 10008 bytes, found 5000 bytes", e.getMessage());

        gzip(lab, Arrays.copyOf(labels, 3));
        e = assertThrows(IdxFormatException.class, () -> FashionMnistDataset.test(tmp));
        assertTrue(e.getMessage().startsWith(lab + ": wrong length: expected at least 8 bytes"), e.getMessage());

        // a gzip stream cut short
        byte[] gz = Files.readAllBytes(DIR.resolve("t10k-labels-idx1-ubyte.gz"));
        Files.write(lab, Arrays.copyOf(gz, gz.length / 2));
        DatasetException d = assertThrows(DatasetException.class, () -> FashionMnistDataset.test(tmp));
        assertTrue(d.getMessage().startsWith(lab + ": corrupt gzip data"), d.getMessage());
    }

    @Test
    void missingFilesSayWhatIsExpected(@TempDir Path tmp) {
        DatasetException e = assertThrows(DatasetException.class, () -> FashionMnistDataset.train(tmp));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte[.gz] not found in " + tmp), e.getMessage());
        assertTrue(e.getMessage().contains("dataset-fashion-mnist"), e.getMessage());
    }

    static byte[] gunzip(Path p) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(p))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        }
    }

    static void gzip(Path p, byte[] data) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
            out.write(data);
        }
    }
}
