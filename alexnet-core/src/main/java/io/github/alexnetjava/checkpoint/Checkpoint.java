package io.github.alexnetjava.checkpoint;

import io.github.alexnetjava.checkpoint.CheckpointException.Problem;
import io.github.alexnetjava.checkpoint.CheckpointInfo.OptimizerState;
import io.github.alexnetjava.checkpoint.CheckpointInfo.TensorEntry;
import io.github.alexnetjava.nn.Network;
import io.github.alexnetjava.nn.Parameter;
import io.github.alexnetjava.optim.LearningRateSchedule;
import io.github.alexnetjava.optim.Sgd;
import io.github.alexnetjava.tensor.Shapes;
import io.github.alexnetjava.tensor.Tensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * Saves and restores a network's weights and, optionally, the SGD state (momentum buffers, iteration, learning-rate
 * schedule), so that training resumes bit for bit where it stopped.
 *
 * <h2>File format, version 1</h2>
 * All numbers are big-endian ({@link DataOutputStream}); a <i>string</i> is an int32 byte length followed by that
 * many UTF-8 bytes; a <i>shape</i> is an int32 rank (1..8) followed by rank int32 dimensions (each &gt; 0).
 * <pre>
 *  magic          8 bytes   "ALEXNETC"
 *  version        int32     1
 *  model          string    network name, e.g. "alexnet-small"
 *  seed           int64     network seed (keys dropout masks)
 *  input shape    shape     one example, e.g. [1, 28, 28]
 *  "META"         int32     section tag 0x4D455441
 *  count          int32     then count x (key string, value string), caller's metadata in insertion order
 *  "TENS"         int32     section tag 0x54454E53
 *  count          int32     then count x tensor, parameters in network order
 *  "OPTM"         int32     section tag 0x4F50544D
 *  present        uint8     0: weights only, nothing follows; 1: followed by
 *    momentum     float32
 *    weight decay float32
 *    iteration    int64
 *    schedule     string    the schedule's class name
 *    description  string    its describe() at save time
 *    n            int32     then n x float64, the schedule's state()
 *    count        int32     then count x tensor, the momentum buffers (named after their parameters)
 *  crc            uint32    CRC32C (java.util.zip.CRC32C) of every byte before it
 *
 *  tensor:  name string, kind uint8 (0 = weight, 1 = bias), shape, float32 x product(dims), row-major
 * </pre>
 *
 * <h2>Writing</h2>
 * {@link #save} streams into {@code <name>.tmp-<random>} in the target's directory (one tensor's
 * {@link Tensor#toArray()} in memory at a time), forces it to disk, renames it over the target with
 * {@code ATOMIC_MOVE} and then forces the directory. If anything fails, the temporary file is deleted and an
 * existing checkpoint is left untouched.
 *
 * <h2>Loading</h2>
 * {@link #load} reads the file twice. The first pass checks the structure and the checksum and compares names,
 * kinds and shapes with the network and optimiser without touching them; only then does the second pass upload
 * the data, one tensor at a time. A damaged or mismatched file therefore never half-overwrites a network. (If the
 * file is replaced between the two passes, the second pass notices the different checksum and reports
 * {@link Problem#CORRUPTED}, but the network may then be partly overwritten.)
 */
public final class Checkpoint {
    /** The first eight bytes of every checkpoint. */
    static final byte[] MAGIC = "ALEXNETC".getBytes(StandardCharsets.US_ASCII);
    /** The format version written and the only one read. */
    public static final int FORMAT_VERSION = 1;
    static final int TAG_METADATA = 0x4D455441; // "META"
    static final int TAG_TENSORS = 0x54454E53; // "TENS"
    static final int TAG_OPTIMIZER = 0x4F50544D; // "OPTM"
    static final int KIND_WEIGHT = 0;
    static final int KIND_BIAS = 1;
    static final int CHUNK_BYTES = 1 << 16;

    private static final Logger LOG = LoggerFactory.getLogger(Checkpoint.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_LISTED_MISMATCHES = 8;

    private Checkpoint() {
    }

    /**
     * Writes a checkpoint atomically.
     *
     * @param sgd      the optimiser whose state to store, or null for a weights-only checkpoint
     * @param metadata free-form strings (epoch, class names, data position, RNG state...); may be null
     * @throws IOException naming the file if it cannot be written; an existing file is then unchanged
     */
    public static void save(Path file, Network net, Sgd sgd, Map<String, String> metadata) throws IOException {
        save(file, net, sgd, metadata, UnaryOperator.identity());
    }

    /** As {@link #save(Path, Network, Sgd, Map)}; {@code wrap} wraps the file's stream (a test hook). */
    static void save(Path file, Network net, Sgd sgd, Map<String, String> metadata, UnaryOperator<OutputStream> wrap)
            throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(net, "net");
        Map<String, String> meta = new LinkedHashMap<>();
        if (metadata != null) {
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                if (e.getKey() == null || e.getValue() == null) {
                    throw new IllegalArgumentException("checkpoint metadata may not hold null keys or values, got "
                            + e.getKey() + " = " + e.getValue());
                }
                meta.put(e.getKey(), e.getValue());
            }
        }
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Path tmp = dir.resolve(target.getFileName() + ".tmp-" + Long.toHexString(RANDOM.nextLong()));
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                CRC32C crc = new CRC32C();
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                        new CheckedOutputStream(wrap.apply(Channels.newOutputStream(ch)), crc), CHUNK_BYTES));
                writeBody(out, net, sgd, meta);
                out.flush();
                out.writeInt((int) crc.getValue());
                out.flush();
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
        } catch (IOException e) {
            throw new IOException("could not write checkpoint " + target + ": " + e, e);
        } finally {
            if (!moved) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    LOG.warn("could not delete the temporary checkpoint file {}: {}", tmp, e.toString());
                }
            }
        }
        syncDirectory(dir);
        LOG.debug("saved checkpoint {} ({} bytes)", target, Files.size(target));
    }

    /**
     * Restores the network's weights and, if {@code sgd} is non-null, its momentum buffers, iteration and schedule
     * state. Nothing is modified unless the whole file is intact and matches.
     *
     * @param sgd the optimiser to restore, or null to load the weights only (any optimiser state is ignored)
     * @return the metadata stored with the checkpoint
     * @throws CheckpointException if the file is missing, damaged or written for another network or schedule; a
     *                             checkpoint without optimiser state cannot restore a non-null {@code sgd}
     */
    public static Map<String, String> load(Path file, Network net, Sgd sgd) throws IOException {
        Objects.requireNonNull(net, "net");
        CheckpointInfo info = CheckpointReader.read(file, null);
        checkMatches(info, net, sgd);

        Map<String, Parameter> params = new HashMap<>();
        for (Parameter p : net.parameters()) {
            params.put(p.name(), p);
        }
        CheckpointReader.Sink sink = new CheckpointReader.Sink() {
            @Override
            public void weight(TensorEntry e, float[] data) throws IOException {
                Tensor t = target(e).value();
                t.backend().upload(data, t);
            }

            @Override
            public void velocity(TensorEntry e, float[] data) throws IOException {
                if (sgd != null) {
                    Tensor v = sgd.velocity(target(e));
                    v.backend().upload(data, v);
                }
            }

            private Parameter target(TensorEntry e) throws CheckpointException {
                Parameter p = params.get(e.name());
                if (p == null || !Arrays.equals(p.shape(), e.shape())) {
                    throw changedWhileLoading(file);
                }
                return p;
            }
        };
        CheckpointInfo second;
        try {
            second = CheckpointReader.read(file, sink);
        } catch (CheckpointException e) {
            if (e.getMessage().contains("changed while it was being loaded")) {
                throw e;
            }
            throw new CheckpointException(file, e.problem(), e.getMessage()
                    + " (the file changed after it was verified; the network may be partly overwritten)", e);
        }
        if (second.crc32c() != info.crc32c()) {
            throw changedWhileLoading(file);
        }
        if (info.networkSeed() != net.seed()) {
            LOG.warn("checkpoint {} was saved from a network with seed {} but is loaded into one with seed {};"
                    + " dropout masks will differ from the original run", file, info.networkSeed(), net.seed());
        }
        if (sgd != null) {
            OptimizerState o = info.optimizer();
            sgd.setIteration(o.iteration());
            LearningRateSchedule s = sgd.schedule();
            s.restore(o.scheduleState());
            if (!s.describe().equals(o.scheduleDescription())) {
                LOG.warn("checkpoint {}: the schedule was saved as {} but is restored as {}", file,
                        o.scheduleDescription(), s.describe());
            }
            if (Float.compare(o.momentum(), sgd.momentum()) != 0
                    || Float.compare(o.weightDecay(), sgd.weightDecay()) != 0) {
                LOG.warn("checkpoint {} was saved with momentum {} and weight decay {}; continuing with {} and {}",
                        file, o.momentum(), o.weightDecay(), sgd.momentum(), sgd.weightDecay());
            }
        }
        LOG.debug("loaded checkpoint {} into '{}' (iteration {})", file, net.name(),
                info.hasOptimizer() ? info.optimizer().iteration() : "n/a");
        return info.metadata();
    }

    /**
     * Reads a checkpoint's header, metadata and tensor list without a network, verifying its structure and
     * checksum (the whole file is streamed; tensor data is not kept).
     */
    public static CheckpointInfo read(Path file) throws IOException {
        return CheckpointReader.read(file, null);
    }

    // ----- writing -----

    private static void writeBody(DataOutputStream out, Network net, Sgd sgd, Map<String, String> meta)
            throws IOException {
        byte[] buf = new byte[CHUNK_BYTES];
        out.write(MAGIC);
        out.writeInt(FORMAT_VERSION);
        writeString(out, net.name());
        out.writeLong(net.seed());
        writeShape(out, net.inputShape());

        out.writeInt(TAG_METADATA);
        out.writeInt(meta.size());
        for (Map.Entry<String, String> e : meta.entrySet()) {
            writeString(out, e.getKey());
            writeString(out, e.getValue());
        }

        List<Parameter> params = net.parameters();
        out.writeInt(TAG_TENSORS);
        out.writeInt(params.size());
        for (Parameter p : params) {
            writeTensor(out, p, p.value(), buf);
        }

        out.writeInt(TAG_OPTIMIZER);
        if (sgd == null) {
            out.writeByte(0);
            return;
        }
        out.writeByte(1);
        out.writeFloat(sgd.momentum());
        out.writeFloat(sgd.weightDecay());
        out.writeLong(sgd.iteration());
        LearningRateSchedule s = sgd.schedule();
        writeString(out, s.getClass().getName());
        writeString(out, s.describe());
        double[] state = s.state();
        out.writeInt(state.length);
        for (double d : state) {
            out.writeLong(Double.doubleToRawLongBits(d));
        }
        out.writeInt(params.size());
        for (Parameter p : params) {
            writeTensor(out, p, sgd.velocity(p), buf);
        }
    }

    private static void writeTensor(DataOutputStream out, Parameter p, Tensor t, byte[] buf) throws IOException {
        writeString(out, p.name());
        out.writeByte(p.kind() == Parameter.Kind.WEIGHT ? KIND_WEIGHT : KIND_BIAS);
        writeShape(out, t.shape());
        float[] a = t.toArray();
        int perChunk = buf.length / 4;
        for (int off = 0; off < a.length; off += perChunk) {
            int n = Math.min(perChunk, a.length - off);
            ByteBuffer.wrap(buf).asFloatBuffer().put(a, off, n);
            out.write(buf, 0, 4 * n);
        }
    }

    private static void writeShape(DataOutputStream out, int[] shape) throws IOException {
        out.writeInt(shape.length);
        for (int d : shape) {
            out.writeInt(d);
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > CheckpointReader.MAX_STRING_BYTES) {
            throw new IllegalArgumentException("checkpoint strings are limited to "
                    + CheckpointReader.MAX_STRING_BYTES + " bytes, got " + b.length);
        }
        out.writeInt(b.length);
        out.write(b);
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.trace("cannot fsync directory {} on this platform: {}", dir, e.toString());
        }
    }

    // ----- matching -----

    private static void checkMatches(CheckpointInfo info, Network net, Sgd sgd) throws CheckpointException {
        Path file = info.file();
        List<String> problems = new ArrayList<>();
        if (!info.model().equals(net.name())) {
            problems.add("it holds model '" + info.model() + "'");
        }
        if (!Arrays.equals(info.inputShape(), net.inputShape())) {
            problems.add("the input shape is " + Shapes.toString(info.inputShape()) + " in the file but "
                    + Shapes.toString(net.inputShape()) + " in the network");
        }
        compareTensors("parameter ", info.tensors(), net.parameters(), problems);
        if (sgd != null) {
            OptimizerState o = info.optimizer();
            if (o == null) {
                problems.add("it has no optimiser state (it was saved without an Sgd); pass a null Sgd to load"
                        + " the weights only");
            } else {
                String cls = sgd.schedule().getClass().getName();
                if (!o.scheduleClass().equals(cls)) {
                    problems.add("its learning-rate schedule is " + o.scheduleClass() + " ("
                            + o.scheduleDescription() + ") but the optimiser's is " + cls + " ("
                            + sgd.schedule().describe() + ")");
                } else if (o.scheduleState().length != sgd.schedule().state().length) {
                    problems.add("its schedule state has " + o.scheduleState().length + " values but "
                            + cls + " has " + sgd.schedule().state().length);
                }
                compareTensors("velocity of ", o.velocities(), net.parameters(), problems);
            }
        }
        if (problems.isEmpty()) {
            return;
        }
        StringBuilder msg = new StringBuilder("checkpoint " + file + " does not match network '" + net.name()
                + "': ");
        for (int i = 0; i < Math.min(problems.size(), MAX_LISTED_MISMATCHES); i++) {
            msg.append(i > 0 ? "; " : "").append(problems.get(i));
        }
        if (problems.size() > MAX_LISTED_MISMATCHES) {
            msg.append("; and ").append(problems.size() - MAX_LISTED_MISMATCHES).append(" more differences");
        }
        throw new CheckpointException(file, Problem.MISMATCH, msg.toString());
    }

    private static void compareTensors(String what, List<TensorEntry> stored, List<Parameter> params,
            List<String> problems) {
        Map<String, TensorEntry> byName = new LinkedHashMap<>();
        for (TensorEntry e : stored) {
            if (byName.put(e.name(), e) != null) {
                problems.add(what + e.name() + " appears twice in the file");
            }
        }
        Set<String> seen = new HashSet<>();
        for (Parameter p : params) {
            seen.add(p.name());
            TensorEntry e = byName.get(p.name());
            if (e == null) {
                problems.add(what + p.name() + " " + Shapes.toString(p.shape()) + " is missing from the file");
            } else if (!Arrays.equals(e.shape(), p.shape())) {
                problems.add(what + p.name() + " has shape " + Shapes.toString(e.shape()) + " in the file but "
                        + Shapes.toString(p.shape()) + " in the network");
            } else if (e.kind() != p.kind()) {
                problems.add(what + p.name() + " is a " + e.kind() + " in the file but a " + p.kind()
                        + " in the network");
            }
        }
        for (TensorEntry e : stored) {
            if (!seen.contains(e.name())) {
                problems.add(what + e.name() + " " + Shapes.toString(e.shape()) + " is in the file but not in the"
                        + " network");
            }
        }
    }

    private static CheckpointException changedWhileLoading(Path file) {
        return new CheckpointException(file, Problem.CORRUPTED, "checkpoint " + file + " changed while it was"
                + " being loaded; the network may be partly overwritten");
    }
}
