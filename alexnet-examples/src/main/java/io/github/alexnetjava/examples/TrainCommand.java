package io.github.alexnetjava.examples;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.checkpoint.Checkpoint;
import io.github.alexnetjava.checkpoint.CheckpointException;
import io.github.alexnetjava.data.ChannelStats;
import io.github.alexnetjava.data.DataLoader;
import io.github.alexnetjava.data.Dataset;
import io.github.alexnetjava.data.DatasetException;
import io.github.alexnetjava.data.FashionMnistDataset;
import io.github.alexnetjava.data.Preprocessing;
import io.github.alexnetjava.data.Transform;
import io.github.alexnetjava.model.AlexNet;
import io.github.alexnetjava.nn.Network;
import io.github.alexnetjava.optim.Sgd;
import io.github.alexnetjava.train.EpochMetrics;
import io.github.alexnetjava.train.MetricsCsv;
import io.github.alexnetjava.train.TrainState;
import io.github.alexnetjava.train.Trainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code alexnet train}: trains on an ImageNet-style folder ({@code --data DIR}), Fashion-MNIST
 * ({@code --dataset fashion-mnist}) or generated data ({@code --synthetic}), writing {@code RUN_DIR/checkpoint.ckpt}
 * (atomically, each epoch), {@code metrics.csv} and {@code curves.png}; {@code --resume RUN_DIR} continues a run
 * exactly. The steps: {@link #plan} (options to a {@link RunSpec}), {@link #openData}, {@link #createBackend},
 * then {@link Trainer#run} with a {@link Listener} that prints, records and checkpoints.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train AlexNet on an ImageNet-style folder (--data DIR), Fashion-MNIST (--dataset "
                + "fashion-mnist) or synthetic data (--synthetic); resume a run exactly with --resume RUN_DIR.",
                "Defaults depend on the model and data: on Fashion-MNIST alexnet-small-3x3, on a folder "
                        + "alexnet-small. The small models (alexnet-small, alexnet-small-3x3): He init, batch 32; "
                        + "on Fashion-MNIST 1x28x28, 3 epochs, lr 0.02 x0.1 after 2 epochs, no dropout, no flips; "
                        + "on a folder 3x32x32, flips, 10 epochs, constant lr 0.01. alexnet/alexnet-torchvision "
                        + "(paper init, 256-prepared images, random "
                        + "227/224 crops + flips + PCA colour, lr 0.01 divided by 10 on plateaus, batch 128, "
                        + "90 epochs)."})
final class TrainCommand extends CliCommand {
    static final String CHECKPOINT = "checkpoint.ckpt";
    static final String METRICS = "metrics.csv";
    static final String CURVES = "curves.png";
    static final String STATS = "channel-stats.txt";

    // ----- data -----
    @Option(names = "--data", paramLabel = "DIR",
            description = "ImageNet-style root (DIR/train/<class>/*.jpg, DIR/val/<class>/...); with --dataset "
                    + "fashion-mnist the directory of its IDX files (default " + "/usr/share/datasets/fashion-mnist).")
    String data;

    @Option(names = "--dataset", paramLabel = "NAME", description = "A known dataset: fashion-mnist.")
    String dataset;

    @Option(names = "--synthetic", description = "Train alexnet-small on generated data (no files needed).")
    boolean synthetic;

    @Option(names = "--model", description = "alexnet, alexnet-torchvision, alexnet-small or alexnet-small-3x3 "
            + "(default: alexnet-small-3x3 on Fashion-MNIST, where it reaches 92%% in 3 epochs and alexnet-small "
            + "90%%; else alexnet-small).")
    String model;

    @Option(names = "--image-size", paramLabel = "S",
            description = "The small models' input side (default: 28 on Fashion-MNIST, 32 on a folder).")
    Integer imageSize;

    @Option(names = "--padding", paramLabel = "P",
            description = "Small models: random S x S crops of the image padded by P pixels (default: 0).")
    Integer padding;

    @Option(names = "--flip", negatable = true, description = "Random horizontal flips in training, or "
            + "--no-flip: none (default: flips, except on Fashion-MNIST, where in 3 epochs they cost both small "
            + "models 0.4 points of test accuracy).")
    Boolean flip;

    @Option(names = "--limit-train", paramLabel = "N", description = "Use only the first N training images.")
    Integer limitTrain;

    @Option(names = "--limit-val", paramLabel = "N", description = "Use only the first N validation images.")
    Integer limitVal;

    @Option(names = "--strict", description = "Stop at the first unreadable image instead of skipping it.")
    boolean strict;

    @Option(names = "--cache", paramLabel = "DIR", description = "Keep the rescaled (prepared) images in "
            + "DIR/train and DIR/val, so later epochs and runs skip decoding and resizing (not for Fashion-MNIST"
            + " at 28x28, which is in memory).")
    Path cache;

    @Option(names = "--loader-only", description = "Measure the data loader alone: one training epoch of "
            + "decoding and augmentation without the network; prints its images/s.")
    boolean loaderOnly;

    // ----- optimisation -----
    @Option(names = "--epochs", description = "Epochs in all (with --resume: extend the run to this many).")
    Integer epochs;

    @Option(names = "--batch", description = "Batch size.")
    Integer batch;

    @Option(names = "--lr", description = "Initial learning rate.")
    Double lr;

    @Option(names = "--momentum", description = "Momentum (default: 0.9).")
    Float momentum;

    @Option(names = "--weight-decay", description = "Weight decay (default: 5e-4).")
    Float weightDecay;

    @Option(names = "--schedule", description = "constant, step (x0.1 every --step-epochs) or plateau (the "
            + "paper: x0.1 when the validation error stops improving).")
    String schedule;

    @Option(names = "--step-epochs", paramLabel = "N", description = "Period of the step schedule.")
    Integer stepEpochs;

    @Option(names = "--init", description = "Weight initialisation: he (N(0, 2/fan-in)) or paper (N(0, 0.01^2),"
            + " biases 0/1).")
    String init;

    @Option(names = "--dropout", paramLabel = "P", description = "Small models: dropout probability after fc6"
            + " and fc7 (default: 0 on Fashion-MNIST, where 3 epochs do not overfit and dropout only slows"
            + " learning; else 0.5, the paper's).")
    Float dropout;

    @Option(names = "--seed", description = "Seed of the initialisation, data order, augmentation and dropout"
            + " (default: 42).")
    Long seed;

    // ----- run directory -----
    @Option(names = "--out", paramLabel = "RUN_DIR",
            description = "Run directory for checkpoint.ckpt, metrics.csv, curves.png (default: runs/train-<time>).")
    Path out;

    @Option(names = "--resume", paramLabel = "RUN_DIR",
            description = "Continue the run in RUN_DIR exactly where its last checkpoint stopped.")
    Path resume;

    @Option(names = "--checkpoint-every", paramLabel = "N",
            description = "Also checkpoint every N batches inside an epoch (default: 0, at epoch ends only).")
    Integer checkpointEvery;

    // ----- compute -----
    @Mixin
    ComputeOptions computeOptions = new ComputeOptions();

    @Option(names = "--devices", paramLabel = "N", description = "1, or 2 for the paper's two-tower model-parallel "
            + "split over two devices of the backend (alexnet and alexnet-small; default: 1).")
    Integer devices;

    @Option(names = "--loader-threads", paramLabel = "N", description = "Image decoding threads (default: 1 per "
            + "core minus one, at least 1).")
    Integer loaderThreads;

    // ----- synthetic only -----
    @Option(names = "--train-size", defaultValue = "1024",
            description = "--synthetic: training images (default: ${DEFAULT-VALUE}).")
    int trainSize;

    @Option(names = "--val-size", defaultValue = "256",
            description = "--synthetic: validation images (default: ${DEFAULT-VALUE}).")
    int valSize;

    // ----- output -----
    @Option(names = "--progress", description = "auto (a redrawn bar on a terminal, else periodic lines), bar, "
            + "lines or none (default: auto).")
    String progressMode;

    @Option(names = "--json", description = "Print the final figures as one JSON object on the last line.")
    boolean json;

    /** Test hook: act as if interrupted (Ctrl-C) after this many training steps of this invocation. */
    @Option(names = "--stop-after", hidden = true)
    Integer stopAfter;

    @Override
    protected int execute() throws Exception {
        if (synthetic) {
            if (data != null || dataset != null || resume != null) {
                throw new IllegalArgumentException("--synthetic takes no --data, --dataset or --resume");
            }
            return new SyntheticTraining(orDefault(epochs, 3), orDefault(batch, 64), orDefault(lr, 0.01),
                    orDefault(momentum, 0.9f), orDefault(weightDecay, 5e-4f), orDefault(init, "he"),
                    orDefault(seed, 42L), trainSize, valSize, json).run(createBackend(), out());
        }
        try {
            return trainReal();
        } catch (DatasetException | CheckpointException | UncheckedIOException e) {
            // bad input: one line naming what is wrong, exit 2
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private int trainReal() throws IOException {
        Path runDir;
        RunSpec spec;
        Map<String, String> resumeMeta = null;
        if (resume != null) {
            checkResumeOptions();
            runDir = resume;
            Path ckpt = runDir.resolve(CHECKPOINT);
            if (!Files.isRegularFile(ckpt)) {
                throw new IllegalArgumentException("--resume " + runDir + ": no " + CHECKPOINT + " there (expected"
                        + " the run directory of an earlier 'alexnet train --out RUN_DIR')");
            }
            resumeMeta = Checkpoint.read(ckpt).metadata();
            spec = RunSpec.fromMetadata(resumeMeta, ckpt.toString());
            if (epochs != null) {
                spec = spec.withEpochs(epochs);
            }
            if (data != null) {
                spec = spec.withDataPath(Path.of(data).toAbsolutePath().normalize().toString());
            }
        } else {
            runDir = out != null ? out : Path.of("runs", "train-"
                    + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)));
            if (Files.exists(runDir.resolve(CHECKPOINT))) {
                throw new IllegalArgumentException("run directory " + runDir + " already holds a run; continue it"
                        + " with --resume " + runDir + " or choose another --out");
            }
            spec = null;
        }
        RunInputs in = openData(spec);
        spec = in.spec;
        Files.createDirectories(runDir);
        if (computeOptions.threads == null && resumeMeta != null) {
            computeOptions.threads = spec.threads(); // bit-exact resumption needs the run's thread count
        }
        int compute = computeOptions.threads();
        int decoders = loaderThreads != null ? loaderThreads : DataLoader.defaultThreads();
        ChannelStats stats;
        if (resumeMeta != null) {
            stats = RunData.stats(resumeMeta, runDir.resolve(CHECKPOINT).toString());
            if (compute != spec.threads()) {
                err().printf(Locale.ROOT, "warning: the run used %d compute threads, this one %d: results will"
                        + " not be bit-identical to an uninterrupted run%n", spec.threads(), compute);
            }
        } else {
            spec = new RunSpec(spec.model(), spec.source(), spec.dataPath(), spec.classes(), spec.inputShape(),
                    spec.preparedSize(), spec.pre(), spec.init(), spec.seed(), spec.batch(), spec.epochs(),
                    spec.lr(), spec.momentum(), spec.weightDecay(), spec.schedule(), spec.stepEpochs(),
                    spec.limitTrain(), spec.limitVal(), spec.checkpointEvery(), compute, spec.dropout());
            stats = RunData.stats(runDir.resolve(STATS), in.train, decoders);
        }
        String statsText = Files.exists(runDir.resolve(STATS)) ? Files.readString(runDir.resolve(STATS))
                : resumeMeta.get(RunData.STATS_KEY);
        Transform trainT = RunData.transform(spec, stats, in.train.channels());
        Transform valT = RunData.transform(spec, stats, in.val.channels());
        if (loaderOnly) {
            return benchLoader(spec, in.train, trainT, decoders);
        }

        try (Backend backend = createBackend()) {
            Network net = RunData.network(spec, backend);
            Sgd sgd = new Sgd(spec.momentum(), spec.weightDecay(), spec.newSchedule());
            TrainState state = TrainState.start();
            List<EpochMetrics> history = new ArrayList<>();
            if (resumeMeta != null) {
                Map<String, String> meta = Checkpoint.load(runDir.resolve(CHECKPOINT), net, sgd);
                state = TrainState.fromMetadata(meta);
                int done = state.epoch();
                for (EpochMetrics m : MetricsCsv.read(runDir.resolve(METRICS))) {
                    if (m.epoch() <= done) {
                        history.add(m);
                    }
                }
            }
            out().printf(Locale.ROOT, "train: %s (%s, %,d parameters) on %s %s: %,d train / %,d validation images,"
                            + " %d classes; %s%n", spec.model(), spec.inputString(), net.parameterCount(),
                    spec.source(), spec.dataPath(), in.train.size(), in.val.size(), spec.classes().size(),
                    spec.describePreprocessing());
            out().printf(Locale.ROOT, "  %d epochs, batch %d, %s, momentum %s, weight decay %s, %s init, seed %d,"
                            + " %s, run dir %s%s%n", spec.epochs(), spec.batch(), spec.describeSchedule(),
                    spec.momentum(), spec.weightDecay(), spec.init(), spec.seed(), backend.description(), runDir,
                    resumeMeta != null ? ", resuming at epoch " + (state.epoch() + 1) + " batch " + state.batch()
                            : "");
            out().flush();

            int nDevices = orDefault(devices, 1);
            if (nDevices != 1 && nDevices != 2) {
                throw new IllegalArgumentException("--devices must be 1 or 2, got " + nDevices);
            }
            SplitTraining split = nDevices == 2 ? new SplitTraining(spec, backend, net, sgd, compute) : null;
            if (split != null) {
                out().println("  model parallel: " + split.describe());
                out().flush();
            }
            Trainer trainer = new Trainer(split != null ? split.model() : net, split != null ? split.sgd() : sgd,
                    in.train, trainT, in.val, valT, new Trainer.Config(spec.batch(),
                    spec.epochs(), spec.seed(), decoders, strict, spec.checkpointEvery(), false));
            Listener listener = new Listener(runDir, spec, statsText, net, sgd, trainer, state, split);
            CountDownLatch finished = new CountDownLatch(1);
            Thread hook = new Thread(() -> onInterrupt(trainer, finished, listener, runDir), "alexnet-train-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            List<EpochMetrics> rows;
            try {
                rows = trainer.run(state, history, listener);
            } finally {
                if (split != null) {
                    split.close();
                }
                finished.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running: it prints the resume hint
                }
            }
            listener.progress.endLine();
            if (trainer.stopped()) {
                if (!listener.interrupted) { // the shutdown hook prints its own hint
                    err().println("stopped: " + resumeHint(listener, runDir));
                }
                return 130;
            }
            printFinal(spec, runDir, rows);
        }
        return 0;
    }

    /** A resumed run keeps its own settings: reject options that would silently be ignored. */
    private void checkResumeOptions() {
        Map<String, Object> fixed = new LinkedHashMap<>();
        fixed.put("--dataset", dataset);
        fixed.put("--model", model);
        fixed.put("--image-size", imageSize);
        fixed.put("--padding", padding);
        fixed.put("--flip/--no-flip", flip);
        fixed.put("--limit-train", limitTrain);
        fixed.put("--limit-val", limitVal);
        fixed.put("--batch", batch);
        fixed.put("--lr", lr);
        fixed.put("--momentum", momentum);
        fixed.put("--weight-decay", weightDecay);
        fixed.put("--schedule", schedule);
        fixed.put("--step-epochs", stepEpochs);
        fixed.put("--init", init);
        fixed.put("--seed", seed);
        fixed.put("--dropout", dropout);
        fixed.put("--out", out);
        fixed.put("--checkpoint-every", checkpointEvery);
        List<String> given = new ArrayList<>();
        fixed.forEach((k, v) -> {
            if (v != null) {
                given.add(k);
            }
        });
        if (!given.isEmpty()) {
            throw new IllegalArgumentException("--resume continues the run with the settings stored in its"
                    + " checkpoint; " + String.join(", ", given) + " cannot be changed (only --epochs, --data,"
                    + " --threads, --backend, --loader-threads, --cache, --strict, --progress and --json)");
        }
    }

    /** {@code --loader-only}: one epoch of the training loader, no network. */
    private int benchLoader(RunSpec spec, Dataset train, Transform t, int decoders) {
        long images = 0;
        int skipped = 0;
        double ips;
        try (DataLoader loader = DataLoader.builder(train, t).seed(spec.seed()).batchSize(spec.batch())
                .threads(decoders).strict(strict).build()) {
            while (loader.hasNext()) {
                var b = loader.next();
                images += b.size();
                skipped += b.skipped();
            }
            ips = loader.imagesPerSecond();
        }
        out().printf(Locale.ROOT, "loader: %s, %s  %,d images  %.1f images/s  (%d decoding threads, batch %d,"
                + " skipped %d)%n", spec.source(), spec.describePreprocessing(), images, ips, decoders, spec.batch(),
                skipped);
        if (json) {
            out().println(new Json().put("data", spec.source()).put("input", spec.inputString())
                    .put("loader_threads", decoders).put("batch", spec.batch()).put("images", images)
                    .put("loader_images_per_s", ips).put("skipped_images", skipped));
        }
        return 0;
    }

    /** Ctrl-C: stop after the current batch (and any checkpoint being written), keep the last checkpoint. */
    private void onInterrupt(Trainer trainer, CountDownLatch finished, Listener listener, Path runDir) {
        if (finished.getCount() == 0) {
            return;
        }
        listener.interrupted = true;
        trainer.requestStop();
        try {
            finished.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        listener.progress.endLine();
        err().println();
        err().println("interrupted: " + resumeHint(listener, runDir));
        err().flush();
    }

    static String resumeHint(Listener l, Path runDir) {
        TrainState s = l.lastSaved;
        if (s == null) {
            return "no checkpoint was written yet; start the run again";
        }
        return String.format(Locale.ROOT, "the last checkpoint %s (epoch %d, batch %d) is intact; continue with:"
                        + " java --add-modules jdk.incubator.vector -jar alexnet.jar train --resume %s",
                runDir.resolve(CHECKPOINT), s.epoch() + 1, s.batch(), runDir);
    }

    /** Prints, records and checkpoints as the trainer goes. */
    final class Listener implements Trainer.Listener {
        final Progress progress;
        final Path runDir;
        final RunSpec spec;
        final String statsText;
        final Network net;
        final Sgd sgd;
        final Trainer trainer;
        final SplitTraining split;
        volatile TrainState lastSaved;
        volatile boolean interrupted;
        int steps;

        Listener(Path runDir, RunSpec spec, String statsText, Network net, Sgd sgd, Trainer trainer,
                TrainState start, SplitTraining split) {
            this.split = split;
            String mode = progressMode == null ? "auto" : progressMode;
            this.progress = new Progress("none".equals(mode) ? new PrintWriter(Writer.nullWriter()) : err(),
                    "bar".equals(mode) || "auto".equals(mode) && Progress.stderrIsTerminal(), spec.epochs());
            this.runDir = runDir;
            this.spec = spec;
            this.statsText = statsText;
            this.net = net;
            this.sgd = sgd;
            this.trainer = trainer;
            this.lastSaved = start.epoch() > 0 || start.batch() > 0 ? start : null;
        }

        @Override
        public void epochStart(int epoch, int batch, int batches) {
            progress.epochStart(epoch, batch, batches);
        }

        @Override
        public void batchEnd(int epoch, int batch, int batches, double meanLoss, double imagesPerSecond) {
            progress.batch(batch, batches, meanLoss, imagesPerSecond, spec.batch());
            if (stopAfter != null && ++steps >= stopAfter) {
                trainer.requestStop();
            }
        }

        @Override
        public void validationStart(int epoch) {
            progress.validating();
        }

        @Override
        public void epochEnd(EpochMetrics m, List<EpochMetrics> all) throws IOException {
            out().printf(Locale.ROOT, "epoch %d/%d  train loss %.4f  top-1 %.2f%%  val loss %.4f  top-1 %.2f%%"
                            + "  top-5 %.2f%%  lr %s  %.1f images/s  %s  skipped %d%n", m.epoch(), spec.epochs(),
                    m.trainLoss(), 100 * m.trainTop1(), m.valLoss(), 100 * m.valTop1(), 100 * m.valTop5(),
                    (float) m.lr(), m.imagesPerSecond(), Progress.clock(m.seconds()), m.skippedImages());
            out().flush();
            MetricsCsv.write(runDir.resolve(METRICS), all);
            try {
                Curves.write(runDir.resolve(CURVES), all);
            } catch (RuntimeException | LinkageError | InternalError e) {
                // (InternalError is how AWT reports a font manager that cannot start.) Drawing needs AWT's native image and font libraries, which a minimal runtime or a machine
                // without fonts may lack; the numbers are in metrics.csv, so training goes on.
                err().printf(Locale.ROOT, "warning: %s not drawn (%s: %s); the figures are in %s%n", CURVES,
                        e.getClass().getSimpleName(), e.getMessage(), METRICS);
                err().flush();
            }
        }

        @Override
        public void checkpoint(TrainState s, List<EpochMetrics> all) throws IOException {
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("epoch", Integer.toString(s.epoch()));
            meta.put("next_batch", Integer.toString(s.batch()));
            meta.putAll(spec.toMetadata());
            meta.put(RunData.STATS_KEY, statsText);
            meta.putAll(s.toMetadata());
            if (split != null) {
                split.storeInto(net, sgd);
            }
            Checkpoint.save(runDir.resolve(CHECKPOINT), net, sgd, meta);
            lastSaved = s;
        }
    }

    private void printFinal(RunSpec spec, Path runDir, List<EpochMetrics> rows) {
        EpochMetrics last = rows.isEmpty() ? null : rows.get(rows.size() - 1);
        double ips = rows.stream().mapToDouble(EpochMetrics::imagesPerSecond).average().orElse(Double.NaN);
        int skipped = rows.stream().mapToInt(EpochMetrics::skippedImages).sum();
        double seconds = rows.stream().mapToDouble(EpochMetrics::seconds).sum();
        double loss = last == null ? Double.NaN : last.trainLoss();
        double top1 = last == null ? Double.NaN : last.valTop1();
        double top5 = last == null ? Double.NaN : last.valTop5();
        out().printf(Locale.ROOT, "done: %d epochs  train loss %.4f  val top-1 %.2f%%  top-5 %.2f%%  %.1f images/s"
                        + "  skipped %d  %s  checkpoint %s%n", rows.size(), loss, 100 * top1, 100 * top5, ips,
                skipped, Progress.clock(seconds), runDir.resolve(CHECKPOINT));
        if (json) {
            out().println(new Json()
                    .put("model", spec.model())
                    .put("data", spec.source())
                    .put("epochs", rows.size())
                    .put("batch", spec.batch())
                    .put("train_loss", loss)
                    .put("train_top1", last == null ? null : last.trainTop1())
                    .put("val_loss", last == null ? null : last.valLoss())
                    .put("val_top1", top1)
                    .put("val_top5", top5)
                    .put("images_per_s", ips)
                    .put("skipped_images", skipped)
                    .put("seconds", seconds)
                    .put("run_dir", runDir.toString()));
        }
    }

    /** The datasets of a run: for a fresh run also its {@link RunSpec}, planned from the options and the data. */
    record RunInputs(RunSpec spec, Dataset train, Dataset val) {
    }

    /** Opens the data; with {@code spec == null} plans a new run from the options. */
    RunInputs openData(RunSpec resumed) throws IOException {
        RunSpec spec = resumed != null ? resumed : plan();
        Dataset rawTrain = RunData.raw(spec, "train");
        Dataset rawVal = RunData.raw(spec, "val");
        if (resumed != null && !rawTrain.classNames().equals(spec.classes())) {
            throw new IllegalArgumentException("the data at " + spec.dataPath() + " has classes "
                    + rawTrain.classNames() + " but the run was trained on " + spec.classes());
        }
        if (resumed == null) {
            spec = new RunSpec(spec.model(), spec.source(), spec.dataPath(), rawTrain.classNames(),
                    spec.inputShape(), spec.preparedSize(), spec.pre(), spec.init(), spec.seed(), spec.batch(),
                    spec.epochs(), spec.lr(), spec.momentum(), spec.weightDecay(), spec.schedule(),
                    spec.stepEpochs(), spec.limitTrain(), spec.limitVal(), spec.checkpointEvery(), spec.threads(),
                    spec.dropout());
        }
        return new RunInputs(spec, RunData.prepared(spec, rawTrain, spec.limitTrain(), cacheDir("train")),
                RunData.prepared(spec, rawVal, spec.limitVal(), cacheDir("val")));
    }

    private Path cacheDir(String split) {
        return cache == null ? null : cache.resolve(split);
    }

    /** A new run's spec from the options and the model's and data's defaults (classes filled in later). */
    RunSpec plan() {
        String source;
        String path;
        if (dataset != null) {
            if (!RunData.FASHION.equals(dataset)) {
                throw new IllegalArgumentException("unknown --dataset '" + dataset + "'; known: fashion-mnist (or "
                        + "use --data DIR for an ImageNet-style folder)");
            }
            source = RunData.FASHION;
            path = data != null ? data : FashionMnistDataset.DEFAULT_DIR.toString();
        } else if (data != null) {
            source = RunData.FOLDER;
            path = data;
        } else {
            throw new IllegalArgumentException("train needs a data source: --data DIR (an ImageNet-style folder),"
                    + " --dataset fashion-mnist, --synthetic, or --resume RUN_DIR");
        }
        path = Path.of(path).toAbsolutePath().normalize().toString();
        boolean fashion = RunData.FASHION.equals(source);
        String m = orDefault(model, fashion ? "alexnet-small-3x3" : "alexnet-small");
        Models.check(m);
        boolean small = AlexNet.SMALL_MODELS.contains(m);
        boolean flips = orDefault(flip, !fashion);
        int channels = fashion ? 1 : 3;
        int[] input;
        int prepared;
        Preprocessing pre;
        if (small) {
            int s = orDefault(imageSize, fashion ? FashionMnistDataset.SIDE : 32);
            input = new int[] {channels, s, s};
            prepared = fashion && s == FashionMnistDataset.SIDE ? 0 : s;
            pre = new Preprocessing(s, orDefault(padding, 0), flips, 0, Preprocessing.MeanMode.PER_CHANNEL,
                    1f / 255f, 0);
        } else {
            if (imageSize != null || padding != null) {
                throw new IllegalArgumentException("--image-size and --padding are for the small models; " + m
                        + " takes random " + ("alexnet".equals(m) ? 227 : 224) + " crops of 256x256 images");
            }
            int crop = "alexnet".equals(m) ? 227 : 224;
            input = new int[] {3, crop, crop};
            prepared = 256;
            pre = Preprocessing.alexNet().withCrop(crop, 0).withPcaStd(fashion ? 0 : 0.1).withOutputChannels(3)
                    .withFlip(flips);
        }
        String sched = orDefault(schedule, small ? (fashion ? "step" : "constant") : "plateau");
        if (!RunSpec.SCHEDULES.contains(sched)) {
            throw new IllegalArgumentException("unknown --schedule '" + sched + "'; choose one of "
                    + String.join(", ", RunSpec.SCHEDULES));
        }
        String in = orDefault(init, small ? "he" : "paper");
        if (!"he".equals(in) && !"paper".equals(in)) {
            throw new IllegalArgumentException("unknown --init '" + in + "'; choose he or paper");
        }
        int e = orDefault(epochs, small ? (fashion ? 3 : 10) : 90);
        int b = orDefault(batch, small ? 32 : 128);
        double rate = orDefault(lr, small && fashion ? 0.02 : 0.01);
        if (e < 1 || b < 1 || !(rate > 0)) {
            throw new IllegalArgumentException("need --epochs >= 1, --batch >= 1 and --lr > 0, got " + e + ", " + b
                    + ", " + rate);
        }
        float d = orDefault(dropout, small && fashion ? 0f : 0.5f);
        if (!small && dropout != null) {
            throw new IllegalArgumentException("--dropout is for the small models; " + m + " keeps the paper's"
                    + " 0.5");
        }
        int lt = orDefault(limitTrain, 0);
        int lv = orDefault(limitVal, 0);
        int every = orDefault(checkpointEvery, 0);
        if (lt < 0 || lv < 0 || every < 0) {
            throw new IllegalArgumentException("--limit-train, --limit-val and --checkpoint-every must be >= 0");
        }
        return new RunSpec(m, source, path, List.of(), input, prepared, pre, in, orDefault(seed, 42L), b, e, rate,
                orDefault(momentum, 0.9f), orDefault(weightDecay, 5e-4f), sched,
                orDefault(stepEpochs, small && fashion ? 2 : 30), lt, lv, every, 0, d);
    }

    /** The compute backend from --backend and --threads. */
    Backend createBackend() {
        return computeOptions.create();
    }

    static <T> T orDefault(T value, T fallback) {
        return value != null ? value : fallback;
    }

    static boolean isModel(String m) {
        return AlexNet.MODELS.contains(m);
    }
}
