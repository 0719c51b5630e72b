package io.github.alexnetjava.examples;

import static io.github.alexnetjava.examples.AlexNetCliTest.parseFlatJson;
import static io.github.alexnetjava.examples.AlexNetCliTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.backend.Backends;
import io.github.alexnetjava.checkpoint.Checkpoint;
import io.github.alexnetjava.data.FashionMnistDataset;
import io.github.alexnetjava.examples.AlexNetCliTest.Run;
import io.github.alexnetjava.nn.Parameter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The train, eval and predict commands on the bundled images (and on Fashion-MNIST where it is installed). */
class TrainCommandTest {
    static final Path DATA = Path.of(System.getProperty("alexnet.testData", "../src-test-data"), "images");
    static final Path MINI = DATA.resolve("fashion-mini");
    static final Path BROKEN = DATA.resolve("broken");
    /** A tiny, fast configuration: 64 training and 40 validation images at 1 compute thread. */
    static final String[] TINY = {"--model", "alexnet-small", "--limit-train", "64", "--limit-val", "40",
            "--batch", "16", "--threads", "1", "--loader-threads", "1", "--lr", "0.02"};

    @TempDir
    static Path shared;
    static Path trained;
    static Run trainedRun;

    static String[] args(String[] base, String... more) {
        List<String> a = new ArrayList<>(List.of(more));
        a.addAll(List.of(base));
        return a.toArray(new String[0]);
    }

    @BeforeAll
    static void trainTwoEpochs() {
        trained = shared.resolve("run");
        trainedRun = run(args(TINY, "train", "--data", MINI.toString(), "--epochs", "2", "--out", trained.toString(),
                "--json"));
    }

    @Test
    void trainsOnTheBundledFolderAndWritesTheRunFiles() throws IOException {
        Run r = trainedRun;
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("epoch 1/2") && r.out().contains("epoch 2/2"), r.out());
        assertTrue(r.out().contains("done: 2 epochs"), r.out());
        Map<String, String> j = parseFlatJson(r.lastLine());
        for (String key : new String[] {"epochs", "train_loss", "val_top1", "val_top5", "images_per_s",
                "skipped_images"}) {
            assertTrue(j.containsKey(key), "missing " + key + " in " + r.lastLine());
        }
        assertEquals("2", j.get("epochs"));
        assertEquals("0", j.get("skipped_images"));
        double top5 = Double.parseDouble(j.get("val_top5"));
        assertTrue(top5 >= 0 && top5 <= 1);
        assertTrue(Double.parseDouble(j.get("images_per_s")) > 0);
        // progress on stderr, periodic lines (not a terminal here)
        assertTrue(r.err().contains("img/s") && r.err().contains("ETA"), r.err());

        List<String> csv = Files.readAllLines(trained.resolve("metrics.csv"));
        assertEquals("epoch,train_loss,train_top1,val_loss,val_top1,val_top5,lr,images_per_s,seconds,"
                + "skipped_images", csv.get(0));
        assertEquals(3, csv.size(), csv.toString());
        assertTrue(csv.get(2).startsWith("2,"), csv.toString());
        byte[] png = Files.readAllBytes(trained.resolve("curves.png"));
        assertTrue(png.length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G');
        Map<String, String> meta = Checkpoint.read(trained.resolve("checkpoint.ckpt")).metadata();
        assertEquals("2", meta.get("epoch"));
        assertEquals("0", meta.get("next_batch"));
        assertEquals("alexnet-small", meta.get("run.model"));
        assertEquals("folder", meta.get("run.source"));
        assertEquals("3x32x32", meta.get("run.input"));
        assertEquals("Ankle_boot", meta.get("run.classes").split("\n")[0]);
        assertEquals("42", meta.get("run.seed"));
        assertTrue(meta.get("run.schedule_description").startsWith("constant"), meta.toString());
        assertTrue(meta.get("run.preprocessing").contains("crop 32"), meta.toString());
        assertFalse(meta.get("run.channel_stats").isEmpty());
    }

    @Test
    void resumedRunsMatchAnUninterruptedOneBitForBit(@TempDir Path dir) throws IOException {
        Path whole = dir.resolve("whole");
        Path cut = dir.resolve("cut");
        Path byEpoch = dir.resolve("by-epoch");
        String data = MINI.toString();
        // uninterrupted: 2 epochs of 4 batches, with mid-epoch checkpoints every 2 batches
        assertEquals(0, run(args(TINY, "train", "--data", data, "--epochs", "2", "--checkpoint-every", "2",
                "--out", whole.toString())).code());
        // interrupted after 3 steps (the last checkpoint is at batch 2 of epoch 1), then resumed
        Run stopped = run(args(TINY, "train", "--data", data, "--epochs", "2", "--checkpoint-every", "2",
                "--out", cut.toString(), "--stop-after", "3"));
        assertEquals(130, stopped.code(), stopped.err());
        assertTrue(stopped.err().contains("(epoch 1, batch 2) is intact") && stopped.err().contains("--resume"),
                stopped.err());
        Run resumed = run("train", "--resume", cut.toString());
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("resuming at epoch 1 batch 2"), resumed.out());
        // stopped at an epoch end (1 epoch), extended to 2
        assertEquals(0, run(args(TINY, "train", "--data", data, "--epochs", "1", "--checkpoint-every", "2",
                "--out", byEpoch.toString())).code());
        Run changed = run("train", "--resume", byEpoch.toString(), "--epochs", "2", "--lr", "0.1");
        assertEquals(2, changed.code());
        assertTrue(changed.err().contains("--lr cannot be changed"), changed.err());
        assertEquals(0, run("train", "--resume", byEpoch.toString(), "--epochs", "2").code());

        List<float[]> expected = weightsAndMomentum(whole);
        for (Path other : new Path[] {cut, byEpoch}) {
            List<float[]> got = weightsAndMomentum(other);
            assertEquals(expected.size(), got.size());
            for (int i = 0; i < expected.size(); i++) {
                assertArrayEquals(expected.get(i), got.get(i), "tensor " + i + " of " + other);
            }
            assertEquals(deterministicColumns(whole), deterministicColumns(other), other.toString());
        }
    }

    @Test
    void twoDeviceRunsCheckpointAndResumeBitForBit(@TempDir Path dir) throws IOException {
        Path whole = dir.resolve("whole");
        Path byEpoch = dir.resolve("by-epoch");
        String data = MINI.toString();
        Run first = run(args(TINY, "train", "--data", data, "--epochs", "2", "--devices", "2", "--out",
                whole.toString()));
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().contains("model parallel: 2 devices"), first.out());
        assertEquals(0, run(args(TINY, "train", "--data", data, "--epochs", "1", "--devices", "2", "--out",
                byEpoch.toString())).code());
        Run resumed = run("train", "--resume", byEpoch.toString(), "--epochs", "2", "--devices", "2");
        assertEquals(0, resumed.code(), resumed.err());
        List<float[]> expected = weightsAndMomentum(whole);
        List<float[]> got = weightsAndMomentum(byEpoch);
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), got.get(i), "tensor " + i);
        }
        assertEquals(deterministicColumns(whole), deterministicColumns(byEpoch));
        Run bad = run(args(TINY, "train", "--data", data, "--epochs", "1", "--devices", "3", "--out",
                dir.resolve("bad").toString()));
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--devices must be 1 or 2"), bad.err());
    }

    /** Weights and momentum buffers, exactly as stored. */
    static List<float[]> weightsAndMomentum(Path runDir) throws IOException {
        List<float[]> out = new ArrayList<>();
        try (Backend b = Backends.create("cpu")) {
            LoadedRun lr = LoadedRun.load(runDir.resolve("checkpoint.ckpt"), b);
            io.github.alexnetjava.optim.Sgd sgd = new io.github.alexnetjava.optim.Sgd(lr.spec().momentum(),
                    lr.spec().weightDecay(), lr.spec().newSchedule());
            Checkpoint.load(runDir.resolve("checkpoint.ckpt"), lr.net(), sgd);
            for (Parameter p : lr.net().parameters()) {
                out.add(p.value().toArray());
                out.add(sgd.velocity(p).toArray());
            }
            out.add(new float[] {sgd.iteration(), sgd.schedule().learningRate()});
        }
        return out;
    }

    /** metrics.csv without the timing columns (images/s, seconds). */
    static List<String> deterministicColumns(Path runDir) throws IOException {
        List<String> rows = new ArrayList<>();
        for (String line : Files.readAllLines(runDir.resolve("metrics.csv"))) {
            String[] f = line.split(",");
            rows.add(String.join(",", f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[9]));
        }
        return rows;
    }

    @Test
    void evalAndPredictOnTheSavedCheckpoint() {
        assertEquals(0, trainedRun.code(), trainedRun.err());
        String ckpt = trained.resolve("checkpoint.ckpt").toString();
        Run e = run("eval", "--checkpoint", ckpt, "--data", MINI.toString(), "--limit", "40", "--json");
        assertEquals(0, e.code(), e.err());
        Map<String, String> j = parseFlatJson(e.lastLine());
        assertEquals("40", j.get("images"));
        assertTrue(j.containsKey("top1") && j.containsKey("top5") && j.containsKey("loss"), e.lastLine());
        // the same images as the run's validation: same top-1 as its last epoch
        Map<String, String> t = parseFlatJson(trainedRun.lastLine());
        assertEquals(Double.parseDouble(t.get("val_top1")), Double.parseDouble(j.get("top1")), 1e-9);
        Run ten = run("eval", "--checkpoint", ckpt, "--data", MINI.toString(), "--limit", "20", "--ten-crop");
        assertEquals(0, ten.code(), ten.err());
        assertTrue(ten.out().contains("10-crop average") && ten.out().contains("top-5"), ten.out());

        Path img1 = MINI.resolve("val/Trouser").toFile().listFiles()[0].toPath();
        Path img2 = MINI.resolve("val/Bag").toFile().listFiles()[0].toPath();
        Run p = run("predict", "--checkpoint", ckpt, img1.toString(), img2.toString());
        assertEquals(0, p.code(), p.err());
        assertTrue(p.out().contains(img1 + ":") && p.out().contains(img2 + ":"), p.out());
        assertEquals(2 * 6, p.out().strip().split("\\R").length, p.out());
        assertTrue(p.out().contains("  1. ") && p.out().contains("  5. ") && p.out().contains("%"), p.out());
        Run bad = run("predict", "--checkpoint", ckpt, BROKEN.resolve("train/bad/not_an_image.jpg").toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("not_an_image.jpg"), bad.err());
    }

    @Test
    void loaderAloneAndThePreparedImageCache(@TempDir Path dir) {
        Run r = run(args(TINY, "train", "--data", MINI.toString(), "--loader-only", "--cache",
                dir.resolve("cache").toString(), "--out", dir.resolve("r").toString(), "--json"));
        assertEquals(0, r.code(), r.err());
        Map<String, String> j = parseFlatJson(r.lastLine());
        assertEquals("64", j.get("images"));
        assertTrue(Double.parseDouble(j.get("loader_images_per_s")) > 0, r.lastLine());
        assertTrue(Files.isRegularFile(dir.resolve("cache/train/prepared-32.u8")));
        assertTrue(Files.isRegularFile(dir.resolve("cache/val/prepared-32.u8")));
    }

    @Test
    void emptyOrMalformedRootsAreOneLineErrors(@TempDir Path dir) throws IOException {
        Run empty = run("train", "--data", dir.toString(), "--out", dir.resolve("r").toString());
        assertEquals(2, empty.code());
        assertTrue(empty.err().startsWith("error: ") && empty.err().contains("expected"), empty.err());
        assertEquals(1, empty.err().strip().split("\\R").length, empty.err());
        Files.createDirectories(dir.resolve("m/train/cat"));
        Files.writeString(dir.resolve("m/notes.txt"), "x");
        Run malformed = run("train", "--data", dir.resolve("m").toString(), "--out", dir.resolve("r2").toString());
        assertEquals(2, malformed.code());
        assertTrue(malformed.err().contains("expected") && malformed.err().contains("found"), malformed.err());
        assertFalse(malformed.err().contains("\tat "), malformed.err());
        Run missing = run("train", "--resume", dir.resolve("nothing").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("no checkpoint.ckpt"), missing.err());
        Run nowhere = run("train", "--data", dir.resolve("does-not-exist").toString());
        assertEquals(2, nowhere.code());
        assertTrue(nowhere.err().startsWith("error: ") && nowhere.err().contains("expected"), nowhere.err());
    }

    @Test
    void brokenImagesAreSkippedAndCountedOrFatalWithStrict(@TempDir Path dir) {
        // the loader's warnings are log lines (slf4j-simple writes them to System.err)
        java.io.PrintStream saved = System.err;
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        Run r;
        try {
            System.setErr(new java.io.PrintStream(log, true));
            r = run("train", "--data", BROKEN.toString(), "--epochs", "1", "--batch", "2", "--threads", "1",
                    "--image-size", "16", "--out", dir.resolve("a").toString(), "--json");
        } finally {
            System.setErr(saved);
        }
        String warnings = log.toString();
        assertEquals(0, r.code(), r.err());
        Map<String, String> j = parseFlatJson(r.lastLine());
        assertEquals("3", j.get("skipped_images"), r.out() + r.err());
        assertTrue(warnings.contains("skipping unreadable image") && warnings.contains("truncated.jpg")
                && warnings.contains("not_an_image.jpg"), warnings);
        assertTrue(r.out().contains("skipped 3"), r.out());
        Run strict = run("train", "--data", BROKEN.toString(), "--epochs", "1", "--batch", "2", "--threads", "1",
                "--image-size", "16", "--out", dir.resolve("b").toString(), "--strict");
        assertEquals(2, strict.code(), strict.err());
        String[] errLines = strict.err().strip().split("\\R");
        String last = errLines[errLines.length - 1];
        assertTrue(last.startsWith("error: ") && last.contains("truncated.jpg"), strict.err());
        assertFalse(strict.err().contains("\tat "), strict.err());
    }

    @Test
    void wrongFashionMnistMagicNamesTheFile(@TempDir Path dir) throws IOException {
        ByteBuffer images = ByteBuffer.allocate(16 + 2 * 28 * 28);
        images.putInt(0x00000801).putInt(2).putInt(28).putInt(28); // the labels' magic in the images file
        Files.write(dir.resolve("train-images-idx3-ubyte"), images.array());
        ByteBuffer labels = ByteBuffer.allocate(8 + 2);
        labels.putInt(0x00000801).putInt(2);
        Files.write(dir.resolve("train-labels-idx1-ubyte"), labels.array());
        Files.copy(dir.resolve("train-images-idx3-ubyte"), dir.resolve("t10k-images-idx3-ubyte"));
        Files.copy(dir.resolve("train-labels-idx1-ubyte"), dir.resolve("t10k-labels-idx1-ubyte"));
        Run r = run("train", "--dataset", "fashion-mnist", "--data", dir.toString(), "--out",
                dir.resolve("r").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("train-images-idx3-ubyte") && r.err().contains("magic"), r.err());
        Run none = run("train", "--dataset", "fashion-mnist", "--data", dir.resolve("nope").toString());
        assertEquals(2, none.code());
        assertTrue(none.err().contains("not found") && none.err().contains("apt-get install dataset-fashion-mnist"),
                none.err());
    }

    /** The planned run for these arguments (no data is read). */
    static RunSpec plan(String... argv) {
        TrainCommand cmd = new TrainCommand();
        new CommandLine(cmd).parseArgs(argv);
        return cmd.plan();
    }

    @Test
    void fashionMnistDefaultsToAlexNetSmall3x3WithoutFlips() {
        RunSpec fm = plan("--dataset", "fashion-mnist");
        assertEquals("alexnet-small-3x3", fm.model());
        assertArrayEquals(new int[] {1, 28, 28}, fm.inputShape());
        assertFalse(fm.pre().flip(), "no flips on Fashion-MNIST by default");
        assertEquals(32, fm.batch());
        assertEquals(3, fm.epochs());
        assertEquals(0.02, fm.lr());
        assertEquals("step", fm.schedule());
        assertEquals(2, fm.stepEpochs());
        assertEquals(0f, fm.dropout());
        assertEquals("he", fm.init());
        assertTrue(plan("--dataset", "fashion-mnist", "--flip").pre().flip());
        assertFalse(plan("--dataset", "fashion-mnist", "--no-flip").pre().flip());
        RunSpec small = plan("--dataset", "fashion-mnist", "--model", "alexnet-small");
        assertEquals("alexnet-small", small.model());
        assertEquals(0.02, small.lr());
        assertFalse(small.pre().flip());
        // a folder keeps alexnet-small with flips
        RunSpec folder = plan("--data", MINI.toString());
        assertEquals("alexnet-small", folder.model());
        assertTrue(folder.pre().flip());
        assertFalse(plan("--data", MINI.toString(), "--no-flip").pre().flip());
        assertEquals(0.5f, plan("--data", MINI.toString(), "--model", "alexnet-small-3x3").dropout());
    }

    @Test
    void fashionMnistSubsetTrainsAndEvaluates(@TempDir Path dir) {
        assumeTrue(Files.isDirectory(FashionMnistDataset.DEFAULT_DIR), "Fashion-MNIST is not installed in "
                + FashionMnistDataset.DEFAULT_DIR + " (apt-get install dataset-fashion-mnist); skipping");
        Run r = run("train", "--dataset", "fashion-mnist", "--limit-train", "256", "--limit-val", "128",
                "--epochs", "1", "--threads", "1", "--out", dir.resolve("fm").toString(), "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("1x28x28"), r.out());
        assertEquals("1", parseFlatJson(r.lastLine()).get("epochs"));
        assertEquals("\"alexnet-small-3x3\"", parseFlatJson(r.lastLine()).get("model"), "the Fashion-MNIST default");
        Run e = run("eval", "--checkpoint", dir.resolve("fm").toString(), "--limit", "64", "--json");
        assertEquals(0, e.code(), e.err());
        assertEquals("64", parseFlatJson(e.lastLine()).get("images"));
    }
}
