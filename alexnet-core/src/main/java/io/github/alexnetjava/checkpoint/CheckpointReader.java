package io.github.alexnetjava.checkpoint;

import io.github.alexnetjava.checkpoint.CheckpointException.Problem;
import io.github.alexnetjava.checkpoint.CheckpointInfo.OptimizerState;
import io.github.alexnetjava.checkpoint.CheckpointInfo.TensorEntry;
import io.github.alexnetjava.nn.Parameter;
import io.github.alexnetjava.tensor.Shapes;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;

/**
 * One streaming pass over a checkpoint file: validates the structure, optionally hands each tensor's data to a
 * {@link Sink} (one tensor in memory at a time), and verifies the trailing CRC32C. Every failure becomes a
 * {@link CheckpointException} naming the file.
 */
final class CheckpointReader {

    /** Receives tensor data during a loading pass. */
    interface Sink {
        void weight(TensorEntry entry, float[] data) throws IOException;

        void velocity(TensorEntry entry, float[] data) throws IOException;
    }

    static final int MAX_STRING_BYTES = 16 << 20;
    static final int MAX_RANK = 8;
    static final int MAX_COUNT = 1 << 20;
    static final int MAX_SCHEDULE_STATE = 1 << 16;

    private final Path file;
    private final CRC32C crc = new CRC32C();
    private final InputStream in;
    private final byte[] buf = new byte[Checkpoint.CHUNK_BYTES];
    private final long size;
    private long pos;

    private CheckpointReader(Path file, InputStream raw, long size) {
        this.file = file;
        this.in = new CheckedInputStream(new BufferedInputStream(raw, Checkpoint.CHUNK_BYTES), crc);
        this.size = size;
    }

    /**
     * Reads the whole file. With a null sink tensor data is only checksummed; otherwise each tensor is decoded into
     * a fresh array and passed on.
     */
    static CheckpointInfo read(Path file, Sink sink) throws IOException {
        if (Files.isDirectory(file)) {
            throw new CheckpointException(file, Problem.NOT_A_CHECKPOINT,
                    "checkpoint " + file + " is a directory, not a checkpoint file");
        }
        InputStream raw;
        long size;
        try {
            raw = Files.newInputStream(file);
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file, Problem.NOT_FOUND, "checkpoint " + file + " does not exist", e);
        }
        try (InputStream closeMe = raw) {
            return new CheckpointReader(file, raw, size).parse(sink);
        }
    }

    private CheckpointInfo parse(Sink sink) throws IOException {
        readMagic();
        int version = readInt("format version");
        if (version != Checkpoint.FORMAT_VERSION) {
            throw new CheckpointException(file, Problem.UNSUPPORTED_VERSION, "checkpoint " + file
                    + " has format version " + version + " but this alexnet-java reads version "
                    + Checkpoint.FORMAT_VERSION + " only"
                    + (version > Checkpoint.FORMAT_VERSION ? " (was it written by a newer release?)" : ""));
        }
        String model = readString("model name");
        long seed = readLong("network seed");
        int[] inputShape = readShape("input shape");

        expectTag(Checkpoint.TAG_METADATA, "metadata section");
        int metaCount = readCount("metadata entry count", MAX_COUNT);
        Map<String, String> metadata = new LinkedHashMap<>();
        for (int i = 0; i < metaCount; i++) {
            String key = readString("metadata key #" + i);
            String value = readString("metadata value of '" + key + "'");
            if (metadata.put(key, value) != null) {
                throw corrupted("metadata key '" + key + "' appears twice");
            }
        }

        expectTag(Checkpoint.TAG_TENSORS, "tensor section");
        int tensorCount = readCount("tensor count", MAX_COUNT);
        List<TensorEntry> tensors = new ArrayList<>();
        for (int i = 0; i < tensorCount; i++) {
            TensorEntry e = readTensorHeader("tensor #" + i);
            float[] data = readData(e, "tensor " + e.name(), sink != null);
            if (sink != null) {
                sink.weight(e, data);
            }
            tensors.add(e);
        }

        expectTag(Checkpoint.TAG_OPTIMIZER, "optimiser section");
        int present = readByte("optimiser presence flag");
        OptimizerState opt = null;
        if (present == 1) {
            float momentum = readFloat("momentum");
            float weightDecay = readFloat("weight decay");
            long iteration = readLong("iteration");
            if (iteration < 0) {
                throw corrupted("the iteration is negative (" + iteration + ")");
            }
            String scheduleClass = readString("schedule class name");
            String scheduleDescription = readString("schedule description");
            int n = readCount("schedule state length", MAX_SCHEDULE_STATE);
            double[] state = new double[n];
            for (int i = 0; i < n; i++) {
                state[i] = Double.longBitsToDouble(readLong("schedule state value #" + i));
            }
            int velocityCount = readCount("velocity count", MAX_COUNT);
            List<TensorEntry> velocities = new ArrayList<>();
            for (int i = 0; i < velocityCount; i++) {
                TensorEntry e = readTensorHeader("velocity #" + i);
                float[] data = readData(e, "velocity of " + e.name(), sink != null);
                if (sink != null) {
                    sink.velocity(e, data);
                }
                velocities.add(e);
            }
            opt = new OptimizerState(momentum, weightDecay, iteration, scheduleClass, scheduleDescription, state,
                    velocities);
        } else if (present != 0) {
            throw corrupted("the optimiser presence flag is " + present + " (expected 0 or 1)");
        }

        long computed = crc.getValue();
        long stored = readInt("CRC32C checksum") & 0xFFFFFFFFL;
        if (stored != computed) {
            throw new CheckpointException(file, Problem.CORRUPTED, String.format(
                    "checkpoint %s is corrupted: its stored CRC32C is 0x%08x but its contents give 0x%08x",
                    file, stored, computed));
        }
        if (in.read() != -1) {
            throw new CheckpointException(file, Problem.CORRUPTED, "checkpoint " + file + " is corrupted: "
                    + (size - pos) + " unexpected bytes follow the checksum at byte " + pos);
        }
        return new CheckpointInfo(file, version, model, seed, inputShape, metadata, tensors, opt, pos, stored);
    }

    // ----- structure -----

    private void readMagic() throws IOException {
        byte[] magic = Checkpoint.MAGIC;
        byte[] got = new byte[magic.length];
        int n = fill(got, 0, got.length);
        boolean prefix = true;
        for (int i = 0; i < n; i++) {
            prefix &= got[i] == magic[i];
        }
        if (!prefix) {
            throw new CheckpointException(file, Problem.NOT_A_CHECKPOINT, "file " + file
                    + " is not an alexnet-java checkpoint: it starts with " + printable(got, n)
                    + " instead of the magic bytes \"ALEXNETC\"");
        }
        if (n < magic.length) {
            throw new CheckpointException(file, Problem.TRUNCATED, "checkpoint " + file + " is truncated: the file"
                    + " ends after " + n + " of the 8 magic bytes");
        }
    }

    private TensorEntry readTensorHeader(String what) throws IOException {
        String name = readString("name of " + what);
        int kindCode = readByte("kind of " + name);
        Parameter.Kind kind;
        if (kindCode == Checkpoint.KIND_WEIGHT) {
            kind = Parameter.Kind.WEIGHT;
        } else if (kindCode == Checkpoint.KIND_BIAS) {
            kind = Parameter.Kind.BIAS;
        } else {
            throw corrupted("tensor " + name + " has kind code " + kindCode + " (expected 0 or 1)");
        }
        int[] shape = readShape("shape of " + name);
        return new TensorEntry(name, kind, shape);
    }

    private int[] readShape(String what) throws IOException {
        long at = pos;
        int rank = readInt("rank of the " + what);
        if (rank < 1 || rank > MAX_RANK) {
            throw corruptedAt(at, "the rank of the " + what + " is " + rank + " (expected 1.." + MAX_RANK + ")");
        }
        int[] shape = new int[rank];
        long elements = 1;
        for (int i = 0; i < rank; i++) {
            shape[i] = readInt("dimension " + i + " of the " + what);
            if (shape[i] <= 0) {
                throw corrupted("dimension " + i + " of the " + what + " is " + shape[i]);
            }
            elements *= shape[i];
            if (elements > Integer.MAX_VALUE - 16) {
                throw corrupted("the " + what + " has more than 2^31 elements");
            }
        }
        return shape;
    }

    private float[] readData(TensorEntry e, String what, boolean keep) throws IOException {
        int n = (int) e.elements();
        long total = 4L * n;
        float[] data = keep ? new float[n] : null;
        long done = 0;
        while (done < total) {
            int chunk = (int) Math.min(buf.length, total - done);
            int got = fill(buf, 0, chunk);
            if (got < chunk) {
                throw new CheckpointException(file, Problem.TRUNCATED, "checkpoint " + file + " is truncated:"
                        + " expected " + total + " bytes of " + what + " " + Shapes.toString(e.shape())
                        + " but the file ended after " + (done + got));
            }
            if (keep) {
                ByteBuffer.wrap(buf, 0, chunk).asFloatBuffer().get(data, (int) (done / 4), chunk / 4);
            }
            done += chunk;
        }
        return data;
    }

    private void expectTag(int tag, String what) throws IOException {
        long at = pos;
        int got = readInt("tag of the " + what);
        if (got != tag) {
            throw corruptedAt(at, "expected the " + what + " (tag " + tagName(tag) + ") but found " + tagName(got));
        }
    }

    private int readCount(String what, int max) throws IOException {
        long at = pos;
        int n = readInt(what);
        if (n < 0 || n > max) {
            throw corruptedAt(at, "the " + what + " is " + n + " (expected 0.." + max + ")");
        }
        return n;
    }

    private String readString(String what) throws IOException {
        long at = pos;
        int len = readInt("length of the " + what);
        if (len < 0 || len > MAX_STRING_BYTES) {
            throw corruptedAt(at, "the length of the " + what + " is " + len + " bytes");
        }
        byte[] b = len <= buf.length ? buf : new byte[len];
        need(b, len, "the " + what + " (" + len + " bytes)");
        return new String(b, 0, len, StandardCharsets.UTF_8);
    }

    // ----- primitives -----

    private int readByte(String what) throws IOException {
        need(buf, 1, "the " + what + " (1 byte)");
        return buf[0] & 0xFF;
    }

    private int readInt(String what) throws IOException {
        need(buf, 4, "the " + what + " (4 bytes)");
        return ByteBuffer.wrap(buf, 0, 4).getInt();
    }

    private long readLong(String what) throws IOException {
        need(buf, 8, "the " + what + " (8 bytes)");
        return ByteBuffer.wrap(buf, 0, 8).getLong();
    }

    private float readFloat(String what) throws IOException {
        need(buf, 4, "the " + what + " (4 bytes)");
        return ByteBuffer.wrap(buf, 0, 4).getFloat();
    }

    private void need(byte[] b, int len, String what) throws IOException {
        long at = pos;
        int got = fill(b, 0, len);
        if (got < len) {
            throw new CheckpointException(file, Problem.TRUNCATED, "checkpoint " + file + " is truncated: the file"
                    + " ends at byte " + (at + got) + ", inside " + what);
        }
    }

    /** Reads up to len bytes, fewer only at the end of the file; returns the count. */
    private int fill(byte[] b, int off, int len) throws IOException {
        int got = 0;
        while (got < len) {
            int r = in.read(b, off + got, len - got);
            if (r < 0) {
                break;
            }
            got += r;
        }
        pos += got;
        return got;
    }

    private CheckpointException corrupted(String detail) {
        return new CheckpointException(file, Problem.CORRUPTED, "checkpoint " + file + " is corrupted: " + detail);
    }

    private CheckpointException corruptedAt(long at, String detail) {
        return corrupted(detail + " at byte " + at);
    }

    private static String tagName(int tag) {
        byte[] b = ByteBuffer.allocate(4).putInt(tag).array();
        return printable(b, 4);
    }

    private static String printable(byte[] b, int n) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < n; i++) {
            int c = b[i] & 0xFF;
            if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
                sb.append((char) c);
            } else {
                sb.append(String.format("\\x%02x", c));
            }
        }
        return sb.append('"').toString();
    }
}
