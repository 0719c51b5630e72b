package io.github.alexnetjava.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * A dataset's images in the paper's "prepared" form: shorter side rescaled to {@code size}, centre
 * {@code size x size} crop ({@link Resize}).
 *
 * <p>With {@link #cached}, prepared images are also kept in one file, {@code dir/prepared-<size>.u8}: a 64-byte
 * header (magic "ANXPREP1", size, channels, example count, a hash of the example names) followed by one fixed
 * record per example: {@code size*size*channels} raw bytes (HWC) and a status byte (0 = not yet, 1 = ready,
 * 2 = corrupt). Records are filled on first use (so the first epoch fills the cache and later epochs only read it)
 * with positional I/O, safe from several threads and processes writing the same bytes. The file is sparse until
 * filled; a header that does not match the dataset (other size or examples) makes it start over.
 */
public final class PreparedDataset implements Dataset, AutoCloseable {
    private static final byte[] MAGIC = "ANXPREP1".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = 64;

    private final Dataset inner;
    private final int size;
    private final FileChannel cache;
    private final int record;

    private PreparedDataset(Dataset inner, int size, FileChannel cache) {
        this.inner = inner;
        this.size = size;
        this.cache = cache;
        this.record = size * size * inner.channels() + 1;
    }

    /** Resizes on every load (no cache). */
    public static PreparedDataset of(Dataset inner, int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("prepared size must be positive: " + size);
        }
        return new PreparedDataset(inner, size, null);
    }

    /** Resizes once per example and keeps the result in {@code dir/prepared-<size>.u8}. */
    public static PreparedDataset cached(Dataset inner, int size, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve("prepared-" + size + ".u8");
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        ByteBuffer want = header(inner, size);
        ByteBuffer have = ByteBuffer.allocate(HEADER);
        ch.read(have, 0);
        long length = HEADER + (long) inner.size() * (size * size * inner.channels() + 1);
        if (!have.flip().equals(want.duplicate()) || ch.size() != length) {
            ch.truncate(0);
            ch.write(want.duplicate(), 0);
            // extend to full length: sparse, reads as zeros = "not yet"
            ch.write(ByteBuffer.wrap(new byte[1]), length - 1);
        }
        return new PreparedDataset(inner, size, ch);
    }

    private static ByteBuffer header(Dataset d, int size) {
        long h = 1125899906842597L;
        for (int i = 0; i < d.size(); i++) {
            h = 31 * h + d.describe(i).hashCode();
            h = 31 * h + d.label(i);
        }
        ByteBuffer b = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putInt(size).putInt(d.channels()).putLong(d.size()).putLong(h);
        b.position(0);
        return b;
    }

    /** The wrapped (raw) dataset. */
    public Dataset source() {
        return inner;
    }

    /** Side of the prepared square. */
    public int preparedSize() {
        return size;
    }

    @Override
    public int size() {
        return inner.size();
    }

    @Override
    public List<String> classNames() {
        return inner.classNames();
    }

    @Override
    public int label(int index) {
        return inner.label(index);
    }

    @Override
    public int channels() {
        return inner.channels();
    }

    @Override
    public String describe(int index) {
        return inner.describe(index);
    }

    @Override
    public Image load(int index) throws IOException {
        if (cache == null) {
            return prepare(index);
        }
        long pos = HEADER + (long) index * record;
        ByteBuffer buf = ByteBuffer.allocate(record);
        while (buf.hasRemaining() && cache.read(buf, pos + buf.position()) >= 0) {
            // positional reads until full
        }
        byte status = buf.get(record - 1);
        if (status == 1) {
            return new Image(size, size, inner.channels(), java.util.Arrays.copyOf(buf.array(), record - 1));
        }
        if (status == 2) {
            throw new CorruptImageException(describe(index), "marked corrupt in the prepared-image cache", null);
        }
        Image img;
        try {
            img = prepare(index);
        } catch (CorruptImageException e) {
            cache.write(ByteBuffer.wrap(new byte[] {2}), pos + record - 1);
            throw e;
        }
        ByteBuffer out = ByteBuffer.allocate(record);
        out.put(img.pixels()).put((byte) 1).flip();
        while (out.hasRemaining()) {
            cache.write(out, pos + out.position());
        }
        return img;
    }

    private Image prepare(int index) throws IOException {
        Image raw = inner.load(index);
        if (raw.channels() != inner.channels()) {
            throw new IllegalStateException(describe(index) + " decoded to " + raw.channels() + " channels, the "
                    + "dataset declares " + inner.channels());
        }
        return Resize.shorterSideAndCenterCrop(raw, size);
    }

    @Override
    public void close() throws IOException {
        if (cache != null) {
            cache.close();
        }
    }

    @Override
    public String toString() {
        return "PreparedDataset[" + size + "x" + size + (cache != null ? ", cached" : "") + ", " + inner + "]";
    }
}
