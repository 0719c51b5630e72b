package io.github.alexnetjava.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Fashion-MNIST (Xiao, Rasul, Vollgraf 2017) from its IDX files, kept in memory as bytes (47 MB for the training
 * set): 28x28 grey images, 10 classes. Files are {@code {train,t10k}-{images-idx3,labels-idx1}-ubyte} with or
 * without {@code .gz}, as in Debian's {@code dataset-fashion-mnist} package, which installs them in
 * {@link #DEFAULT_DIR}.
 */
public final class FashionMnistDataset implements Dataset {
    public static final Path DEFAULT_DIR = Paths.get("/usr/share/datasets/fashion-mnist");
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    public static final int IMAGES_MAGIC = 0x00000803;
    public static final int LABELS_MAGIC = 0x00000801;
    public static final int SIDE = 28;

    private final String name;
    private final byte[] images; // n * 28 * 28
    private final byte[] labels;

    private FashionMnistDataset(String name, byte[] images, byte[] labels) {
        this.name = name;
        this.images = images;
        this.labels = labels;
    }

    /** The training set (60,000 images) from {@link #DEFAULT_DIR}. */
    public static FashionMnistDataset train() throws IOException {
        return train(DEFAULT_DIR);
    }

    /** The test set (10,000 images) from {@link #DEFAULT_DIR}. */
    public static FashionMnistDataset test() throws IOException {
        return test(DEFAULT_DIR);
    }

    public static FashionMnistDataset train(Path dir) throws IOException {
        return fromFiles(find(dir, "train-images-idx3-ubyte"), find(dir, "train-labels-idx1-ubyte"));
    }

    public static FashionMnistDataset test(Path dir) throws IOException {
        return fromFiles(find(dir, "t10k-images-idx3-ubyte"), find(dir, "t10k-labels-idx1-ubyte"));
    }

    /** {@code dir/base.gz} or {@code dir/base}, whichever exists (gzipped first). */
    public static Path find(Path dir, String base) throws DatasetException {
        for (String n : new String[] {base + ".gz", base}) {
            Path p = dir.resolve(n);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new DatasetException("Fashion-MNIST file " + base + "[.gz] not found in " + dir
                + " (expected {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]; on Debian: apt-get install "
                + "dataset-fashion-mnist, which installs them in " + DEFAULT_DIR + ")");
    }

    /** Reads an images file and a labels file (each gzipped or not), checking magic numbers, sizes and lengths. */
    public static FashionMnistDataset fromFiles(Path imageFile, Path labelFile) throws IOException {
        byte[] img = readMaybeGzipped(imageFile);
        byte[] lab = readMaybeGzipped(labelFile);
        String in = imageFile.toString();
        String ln = labelFile.toString();
        checkAtLeast(in, img, 16);
        checkAtLeast(ln, lab, 8);
        check(in, "magic number", IMAGES_MAGIC, intAt(img, 0));
        check(ln, "magic number", LABELS_MAGIC, intAt(lab, 0));
        int n = intAt(img, 4);
        check(in, "number of rows", SIDE, intAt(img, 8));
        check(in, "number of columns", SIDE, intAt(img, 12));
        if (n < 0) {
            throw new IdxFormatException(in, "image count", "a non-negative count", String.valueOf(n));
        }
        checkLength(in, 16L + (long) n * SIDE * SIDE, img.length);
        int nl = intAt(lab, 4);
        check(ln, "label count (must equal the image count of " + in + ")", n, nl);
        checkLength(ln, 8L + n, lab.length);
        byte[] labels = Arrays.copyOfRange(lab, 8, 8 + n);
        for (int i = 0; i < n; i++) {
            if ((labels[i] & 0xFF) >= CLASS_NAMES.size()) {
                throw new IdxFormatException(ln, "label value at index " + i, "0..9", String.valueOf(labels[i] & 0xFF));
            }
        }
        return new FashionMnistDataset(in, Arrays.copyOfRange(img, 16, img.length), labels);
    }

    private static byte[] readMaybeGzipped(Path file) throws IOException {
        byte[] raw = Files.readAllBytes(file);
        if (raw.length >= 2 && (raw[0] & 0xFF) == 0x1F && (raw[1] & 0xFF) == 0x8B) {
            try (InputStream gz = new GZIPInputStream(new java.io.ByteArrayInputStream(raw))) {
                ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length * 4);
                gz.transferTo(out);
                return out.toByteArray();
            } catch (IOException e) {
                throw new DatasetException(file + ": corrupt gzip data (" + e.getMessage() + ")", e);
            }
        }
        return raw;
    }

    private static int intAt(byte[] b, int off) {
        return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    private static void checkAtLeast(String file, byte[] b, int header) throws IdxFormatException {
        if (b.length < header) {
            throw new IdxFormatException(file, "length", "at least " + header + " bytes (the IDX header)",
                    b.length + " bytes");
        }
    }

    private static void check(String file, String what, int expected, int found) throws IdxFormatException {
        if (expected != found) {
            throw new IdxFormatException(file, what, hex(what, expected), hex(what, found));
        }
    }

    private static String hex(String what, int v) {
        return what.startsWith("magic") ? String.format("0x%08X", v) : String.valueOf(v);
    }

    private static void checkLength(String file, long expected, long found) throws IdxFormatException {
        if (expected != found) {
            throw new IdxFormatException(file, "length", expected + " bytes", found + " bytes");
        }
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public List<String> classNames() {
        return CLASS_NAMES;
    }

    @Override
    public int label(int index) {
        return labels[index] & 0xFF;
    }

    @Override
    public int channels() {
        return 1;
    }

    @Override
    public String describe(int index) {
        return name + "[" + index + "]";
    }

    @Override
    public Image load(int index) {
        int n = SIDE * SIDE;
        return new Image(SIDE, SIDE, 1, Arrays.copyOfRange(images, index * n, (index + 1) * n));
    }

    @Override
    public String toString() {
        return "FashionMnistDataset[" + name + ", " + size() + " images]";
    }
}
