package io.github.alexnetjava.checkpoint;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.backend.Backends;
import io.github.alexnetjava.checkpoint.CheckpointException.Problem;
import io.github.alexnetjava.model.AlexNet;
import io.github.alexnetjava.nn.Network;
import io.github.alexnetjava.nn.Parameter;
import io.github.alexnetjava.optim.LearningRateSchedule;
import io.github.alexnetjava.optim.Sgd;
import io.github.alexnetjava.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointTest {
    private static final long SEED = 42;
    private static final int BATCH = 4;
    private static Backend backend;

    @TempDir
    Path dir;

    @BeforeAll
    static void createBackend() {
        backend = Backends.create("cpu");
    }

    @AfterAll
    static void closeBackend() {
        backend.close();
    }

    // ----- helpers -----

    private static Network smallNet() {
        return AlexNet.small(backend, 1, 28, 10, SEED);
    }

    private static Sgd newSgd() {
        return Sgd.paper(LearningRateSchedule.plateau(0.01));
    }

    private static Tensor batch(long seed) {
        Random r = new Random(seed);
        float[] x = new float[BATCH * 28 * 28];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return backend.fromArray(x, BATCH, 1, 28, 28);
    }

    private static int[] labels(long seed) {
        Random r = new Random(seed);
        int[] l = new int[BATCH];
        for (int i = 0; i < BATCH; i++) {
            l[i] = r.nextInt(10);
        }
        return l;
    }

    /** A network and optimiser after two training steps and two epochs of schedule history. */
    private record Trained(Network net, Sgd sgd) {
    }

    private static Trained trained() {
        Network net = smallNet();
        Sgd sgd = newSgd();
        net.trainStep(batch(1), labels(1), sgd);
        net.trainStep(batch(2), labels(2), sgd);
        sgd.schedule().epochEnd(0, 0.5); // best = 0.5
        sgd.schedule().epochEnd(1, 0.6); // no improvement: lr 0.01 -> 0.001
        return new Trained(net, sgd);
    }

    /** Every weight and velocity bit, the iteration and the schedule state. */
    private static List<String> state(Network net, Sgd sgd) {
        List<String> s = new ArrayList<>();
        for (Parameter p : net.parameters()) {
            s.add(p.name() + "=" + bits(p.value().toArray()));
            if (sgd != null) {
                s.add("v:" + p.name() + "=" + bits(sgd.velocity(p).toArray()));
            }
        }
        if (sgd != null) {
            s.add("iteration=" + sgd.iteration());
            s.add("schedule=" + Arrays.stream(sgd.schedule().state()).mapToObj(d -> Long.toHexString(
                    Double.doubleToRawLongBits(d))).collect(Collectors.joining(",")));
        }
        return s;
    }

    private static String bits(float[] a) {
        int[] b = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = Float.floatToRawIntBits(a[i]);
        }
        return Integer.toHexString(Arrays.hashCode(b)) + "/" + a.length + "/"
                + Integer.toHexString(b[0]) + "/" + Integer.toHexString(b[b.length - 1]);
    }

    private static void assertBitIdentical(Network a, Sgd sa, Network b, Sgd sb) {
        List<Parameter> pa = a.parameters();
        List<Parameter> pb = b.parameters();
        assertEquals(pa.size(), pb.size());
        for (int i = 0; i < pa.size(); i++) {
            assertBitsEqual(pa.get(i).value().toArray(), pb.get(i).value().toArray(), pa.get(i).name());
            if (sa != null) {
                assertBitsEqual(sa.velocity(pa.get(i)).toArray(), sb.velocity(pb.get(i)).toArray(),
                        "velocity of " + pa.get(i).name());
            }
        }
    }

    private static void assertBitsEqual(float[] x, float[] y, String what) {
        assertEquals(x.length, y.length, what);
        for (int i = 0; i < x.length; i++) {
            if (Float.floatToRawIntBits(x[i]) != Float.floatToRawIntBits(y[i])) {
                throw new AssertionError(what + " differs at " + i + ": " + x[i] + " vs " + y[i]);
            }
        }
    }

    private static CheckpointException loadFails(Path file, Network net, Sgd sgd, Problem expected) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(file, net, sgd));
        assertEquals(expected, e.problem(), e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), "message names the file: " + e.getMessage());
        assertEquals(file, e.file());
        return e;
    }

    private Path savedCheckpoint(Trained t) throws IOException {
        Path f = dir.resolve("run.ckpt");
        Checkpoint.save(f, t.net(), t.sgd(), Map.of("epoch", "2"));
        return f;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found: " + new String(needle, StandardCharsets.UTF_8));
    }

    /** Offset of the first data byte of the first tensor named {@code name}. */
    private static int dataOffset(byte[] file, String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        int at = indexOf(file, n);
        int rank = ((file[at + n.length + 1] & 0xFF) << 24) | ((file[at + n.length + 2] & 0xFF) << 16)
                | ((file[at + n.length + 3] & 0xFF) << 8) | (file[at + n.length + 4] & 0xFF);
        return at + n.length + 1 + 4 + 4 * rank;
    }

    // ----- round trip -----

    @Test
    void roundTripRestoresStateBitExactlyAndTrainingContinuesIdentically() throws IOException {
        Trained a = trained();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("epoch", "2");
        meta.put("classes", "T-shirt,Trouser,Pullover,Dress,Coat,Sandal,Shirt,Sneaker,Bag,Ankle boot");
        meta.put("rng", "\u00e9t\u00e9-\u2603");
        Path f = dir.resolve("run.ckpt");
        Checkpoint.save(f, a.net(), a.sgd(), meta);

        Network b = smallNet();
        Sgd sb = newSgd();
        assertNotEquals(state(a.net(), a.sgd()), state(b, sb), "the fresh network must differ before loading");

        Map<String, String> got = Checkpoint.load(f, b, sb);
        assertEquals(meta, got);
        assertEquals(List.copyOf(meta.keySet()), List.copyOf(got.keySet()), "metadata order is kept");
        assertEquals(2, sb.iteration());
        assertArrayEquals(a.sgd().schedule().state(), sb.schedule().state());
        assertEquals(0.001f, sb.schedule().learningRate(), 1e-9f);
        assertEquals(a.sgd().schedule().describe(), sb.schedule().describe());
        assertBitIdentical(a.net(), a.sgd(), b, sb);

        float la = a.net().trainStep(batch(3), labels(3), a.sgd());
        float lb = b.trainStep(batch(3), labels(3), sb);
        assertEquals(Float.floatToRawIntBits(la), Float.floatToRawIntBits(lb), "loss of the next step");
        assertBitIdentical(a.net(), a.sgd(), b, sb);
        assertEquals(a.sgd().iteration(), sb.iteration());
    }

    @Test
    void readDescribesTheFileWithoutANetwork() throws IOException {
        Trained a = trained();
        Path f = dir.resolve("info.ckpt");
        Checkpoint.save(f, a.net(), a.sgd(), Map.of("epoch", "7"));

        CheckpointInfo info = Checkpoint.read(f);
        assertEquals(Checkpoint.FORMAT_VERSION, info.version());
        assertEquals("alexnet-small", info.model());
        assertEquals(SEED, info.networkSeed());
        assertArrayEquals(new int[] {1, 28, 28}, info.inputShape());
        assertEquals(Map.of("epoch", "7"), info.metadata());
        assertEquals(Files.size(f), info.sizeBytes());
        assertEquals(a.net().parameterCount(), info.parameterCount());
        List<Parameter> ps = a.net().parameters();
        assertEquals(ps.size(), info.tensors().size());
        for (int i = 0; i < ps.size(); i++) {
            assertEquals(ps.get(i).name(), info.tensors().get(i).name());
            assertEquals(ps.get(i).kind(), info.tensors().get(i).kind());
            assertArrayEquals(ps.get(i).shape(), info.tensors().get(i).shape());
        }
        assertArrayEquals(new int[] {32, 1, 5, 5}, info.tensor("conv1.weight").shape());
        assertTrue(info.hasOptimizer());
        assertEquals(2, info.optimizer().iteration());
        assertEquals(0.9f, info.optimizer().momentum());
        assertEquals(0.0005f, info.optimizer().weightDecay());
        assertEquals("io.github.alexnetjava.optim.PlateauSchedule", info.optimizer().scheduleClass());
        assertEquals(a.sgd().schedule().describe(), info.optimizer().scheduleDescription());
        assertArrayEquals(a.sgd().schedule().state(), info.optimizer().scheduleState());
        assertEquals(ps.size(), info.optimizer().velocities().size());
        // header (no metadata) + 2 copies of the parameters as float32 + small fields: size is dominated by data
        long data = 2 * 4 * a.net().parameterCount();
        assertTrue(info.sizeBytes() > data && info.sizeBytes() < data + 4096, "size " + info.sizeBytes());
    }

    @Test
    void weightsOnlyCheckpointLoadsWithoutAnOptimiserButRefusesToRestoreOne() throws IOException {
        Trained a = trained();
        Path f = dir.resolve("weights.ckpt");
        Checkpoint.save(f, a.net(), null, null);
        CheckpointInfo info = Checkpoint.read(f);
        assertFalse(info.hasOptimizer());
        assertNull(info.optimizer());
        assertTrue(info.metadata().isEmpty());

        Network b = smallNet();
        Checkpoint.load(f, b, null);
        assertBitIdentical(a.net(), null, b, null);

        Network c = smallNet();
        Sgd sc = newSgd();
        List<String> before = state(c, sc);
        CheckpointException e = loadFails(f, c, sc, Problem.MISMATCH);
        assertTrue(e.getMessage().contains("no optimiser state"), e.getMessage());
        assertEquals(before, state(c, sc), "a refused load leaves network and optimiser alone");
    }

    @Test
    void loadingWithANullSgdIgnoresTheOptimiserState() throws IOException {
        Trained a = trained();
        Path f = savedCheckpoint(a);
        Network b = smallNet();
        assertEquals(Map.of("epoch", "2"), Checkpoint.load(f, b, null));
        assertBitIdentical(a.net(), null, b, null);
    }

    // ----- damaged files -----

    @Test
    void truncatedFilesAreReportedAsTruncatedAndLeaveTheNetworkAlone() throws IOException {
        Trained a = trained();
        Path f = savedCheckpoint(a);
        byte[] full = Files.readAllBytes(f);
        int conv1 = dataOffset(full, "conv1.weight");
        int[] cuts = {0, 4, 10, 20, 40, conv1 - 3, conv1 + 1000, full.length / 2, full.length - 4,
            full.length - 1};
        Network b = smallNet();
        Sgd sb = newSgd();
        List<String> before = state(b, sb);
        for (int cut : cuts) {
            Path t = dir.resolve("cut-" + cut + ".ckpt");
            Files.write(t, Arrays.copyOf(full, cut));
            CheckpointException e = loadFails(t, b, sb, Problem.TRUNCATED);
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
            CheckpointException r = assertThrows(CheckpointException.class, () -> Checkpoint.read(t));
            assertEquals(Problem.TRUNCATED, r.problem(), r.getMessage());
        }
        assertEquals(before, state(b, sb));

        Path inTensor = dir.resolve("cut-" + (conv1 + 1000) + ".ckpt");
        CheckpointException e = loadFails(inTensor, b, sb, Problem.TRUNCATED);
        assertTrue(e.getMessage().contains("expected 3200 bytes of tensor conv1.weight [32, 1, 5, 5] but the file"
                + " ended after 1000"), e.getMessage());
        Path inCrc = dir.resolve("cut-" + (full.length - 1) + ".ckpt");
        e = loadFails(inCrc, b, sb, Problem.TRUNCATED);
        assertTrue(e.getMessage().contains("CRC32C"), e.getMessage());
    }

    @Test
    void aFlippedByteIsReportedAsCorruptedBeforeAnythingIsOverwritten() throws IOException {
        Trained a = trained();
        Path f = savedCheckpoint(a);
        byte[] full = Files.readAllBytes(f);
        Network b = smallNet();
        Sgd sb = newSgd();
        List<String> before = state(b, sb);
        // one bit in fc8's weights (near the end, after the tensors loaded first), one in the last velocity,
        // one in the stored checksum itself
        int[] positions = {dataOffset(full, "fc8.weight") + 5, full.length - 10, full.length - 2};
        for (int p : positions) {
            byte[] bad = full.clone();
            bad[p] ^= 0x10;
            Path t = dir.resolve("flip-" + p + ".ckpt");
            Files.write(t, bad);
            CheckpointException e = loadFails(t, b, sb, Problem.CORRUPTED);
            assertTrue(e.getMessage().contains("CRC32C"), e.getMessage());
            assertEquals(before, state(b, sb), "network changed by a corrupted load (flip at " + p + ")");
        }
    }

    @Test
    void trailingBytesAreCorruption() throws IOException {
        Path f = savedCheckpoint(trained());
        Files.write(f, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        CheckpointException e = loadFails(f, smallNet(), null, Problem.CORRUPTED);
        assertTrue(e.getMessage().contains("3 unexpected bytes"), e.getMessage());
    }

    @Test
    void wrongMagicOrATextFileIsNotACheckpoint() throws IOException {
        Path f = savedCheckpoint(trained());
        byte[] bad = Files.readAllBytes(f);
        bad[0] = 'X';
        Path magic = dir.resolve("magic.ckpt");
        Files.write(magic, bad);
        CheckpointException e = loadFails(magic, smallNet(), null, Problem.NOT_A_CHECKPOINT);
        assertTrue(e.getMessage().contains("XLEXNETC"), e.getMessage());

        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "epoch 3: loss 0.41, accuracy 0.87\n");
        e = loadFails(text, smallNet(), null, Problem.NOT_A_CHECKPOINT);
        assertTrue(e.getMessage().contains("\"epoch 3"), e.getMessage());
        assertEquals(Problem.NOT_A_CHECKPOINT,
                assertThrows(CheckpointException.class, () -> Checkpoint.read(text)).problem());
    }

    @Test
    void anUnknownVersionIsUnsupported() throws IOException {
        Path f = savedCheckpoint(trained());
        byte[] bad = Files.readAllBytes(f);
        bad[8] = 0;
        bad[9] = 0;
        bad[10] = 0;
        bad[11] = 99;
        Files.write(f, bad);
        CheckpointException e = loadFails(f, smallNet(), null, Problem.UNSUPPORTED_VERSION);
        assertTrue(e.getMessage().contains("version 99"), e.getMessage());
    }

    @Test
    void aMissingFileIsNotFound() {
        Path f = dir.resolve("nope.ckpt");
        CheckpointException e = loadFails(f, smallNet(), null, Problem.NOT_FOUND);
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    // ----- mismatches -----

    @Test
    void aDifferentConv1ShapeIsAMismatchNamingTheParameterAndBothShapes() throws IOException {
        Path f = savedCheckpoint(trained());
        Network colour = AlexNet.small(backend, 3, 28, 10, SEED);
        Sgd sgd = newSgd();
        List<String> before = state(colour, sgd);
        CheckpointException e = loadFails(f, colour, sgd, Problem.MISMATCH);
        assertTrue(e.getMessage().contains("does not match network 'alexnet-small'"), e.getMessage());
        assertTrue(e.getMessage().contains(
                "parameter conv1.weight has shape [32, 1, 5, 5] in the file but [32, 3, 5, 5] in the network"),
                e.getMessage());
        assertEquals(before, state(colour, sgd), "a mismatched load leaves the network alone");
    }

    @Test
    void anotherModelNameOrScheduleIsAMismatch() throws IOException {
        Path f = savedCheckpoint(trained());
        Network small = smallNet();
        Network renamed = new Network("my-net", backend, new int[] {1, 28, 28}, small.layers(), SEED);
        CheckpointException e = loadFails(f, renamed, null, Problem.MISMATCH);
        assertTrue(e.getMessage().contains("'my-net'") && e.getMessage().contains("'alexnet-small'"),
                e.getMessage());

        Sgd constant = Sgd.paper(LearningRateSchedule.constant(0.01));
        e = loadFails(f, smallNet(), constant, Problem.MISMATCH);
        assertTrue(e.getMessage().contains("PlateauSchedule") && e.getMessage().contains("ConstantSchedule"),
                e.getMessage());
        assertEquals(0, constant.iteration());
    }

    // ----- atomic writes -----

    /** Throws after {@code limit} bytes have passed. */
    private static final class FailingStream extends FilterOutputStream {
        private long left;

        FailingStream(OutputStream out, long limit) {
            super(out);
            left = limit;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len > left) {
                out.write(b, off, (int) left);
                left = 0;
                throw new IOException("simulated disk failure");
            }
            out.write(b, off, len);
            left -= len;
        }
    }

    private List<String> filesInDir() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void aFailedSaveLeavesTheOldCheckpointByteIdenticalAndNoTemporaryFile() throws IOException {
        Trained a = trained();
        Path f = savedCheckpoint(a);
        byte[] old = Files.readAllBytes(f);
        a.net().trainStep(batch(9), labels(9), a.sgd()); // the new checkpoint would differ

        for (long limit : new long[] {0, 10, 5000, old.length / 2, old.length - 1}) {
            IOException e = assertThrows(IOException.class, () -> Checkpoint.save(f, a.net(), a.sgd(),
                    Map.of("epoch", "3"), out -> new FailingStream(out, limit)));
            assertTrue(e.getMessage().contains(f.toAbsolutePath().toString()), e.getMessage());
            assertTrue(e.getMessage().contains("simulated disk failure"), e.getMessage());
            assertArrayEquals(old, Files.readAllBytes(f), "old checkpoint changed (limit " + limit + ")");
            assertEquals(List.of("run.ckpt"), filesInDir(), "temporary file left behind (limit " + limit + ")");
        }

        Path fresh = dir.resolve("fresh.ckpt");
        assertThrows(IOException.class, () -> Checkpoint.save(fresh, a.net(), a.sgd(), null,
                out -> new FailingStream(out, 100)));
        assertEquals(List.of("run.ckpt"), filesInDir());

        // and the hook passes everything through when it does not fail
        Checkpoint.save(f, a.net(), a.sgd(), Map.of("epoch", "3"), out -> new FailingStream(out, Long.MAX_VALUE));
        assertEquals("3", Checkpoint.read(f).metadata().get("epoch"));
        assertEquals(List.of("run.ckpt"), filesInDir());
    }

    @Test
    void savingOverAnExistingCheckpointReplacesIt() throws IOException {
        Trained a = trained();
        Path f = savedCheckpoint(a);
        a.net().trainStep(batch(9), labels(9), a.sgd());
        Checkpoint.save(f, a.net(), a.sgd(), Map.of("epoch", "3"));
        assertEquals(List.of("run.ckpt"), filesInDir());
        Network b = smallNet();
        Sgd sb = newSgd();
        assertEquals("3", Checkpoint.load(f, b, sb).get("epoch"));
        assertEquals(3, sb.iteration());
        assertBitIdentical(a.net(), a.sgd(), b, sb);
    }
}
