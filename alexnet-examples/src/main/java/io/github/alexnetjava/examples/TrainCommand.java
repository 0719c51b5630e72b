package io.github.alexnetjava.examples;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.backend.BackendOptions;
import io.github.alexnetjava.backend.Backends;
import io.github.alexnetjava.model.AlexNet;
import io.github.alexnetjava.model.Initialization;
import io.github.alexnetjava.nn.Network;
import io.github.alexnetjava.nn.Pass;
import io.github.alexnetjava.optim.LearningRateSchedule;
import io.github.alexnetjava.optim.Sgd;
import io.github.alexnetjava.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@code alexnet train}: trains {@code alexnet-small} (1x28x28, 10 classes) with the paper's SGD. Until real data
 * sources land, the only data is {@code --synthetic}: a seeded, learnable {@link SyntheticDataset} of 1,024
 * training and 256 validation images (about 95% validation top-1 after the default 3 epochs).
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train alexnet-small on a synthetic, learnable 10-class dataset (--synthetic).")
final class TrainCommand extends CliCommand {
    static final String MODEL = "alexnet-small";
    static final int CLASSES = 10;
    static final int SIZE = 28;
    /** Prototype peak value and pixel noise: noisy enough that single pixels do not give the class away. */
    static final float AMPLITUDE = 1f;
    static final float NOISE = 0.5f;

    @Option(names = "--synthetic", description = "Train on generated data (the only data source in this version).")
    boolean synthetic;

    @Option(names = "--data", paramLabel = "DIR", description = "Not supported yet in this version.")
    String data;

    @Option(names = "--dataset", paramLabel = "NAME", description = "Not supported yet in this version.")
    String dataset;

    @Option(names = "--epochs", defaultValue = "3", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch", defaultValue = "64", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "0.01", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--momentum", defaultValue = "0.9", description = "Momentum (default: ${DEFAULT-VALUE}).")
    float momentum;

    @Option(names = "--weight-decay", defaultValue = "5e-4",
            description = "Weight decay (default: ${DEFAULT-VALUE}).")
    float weightDecay;

    enum Init { he, paper }

    @Option(names = "--init", defaultValue = "he",
            description = "Weight initialisation: he (N(0, 2/fan-in), biases 0) or paper (N(0, 0.01^2), biases 0/1;"
                    + " learns too slowly for a short run of alexnet-small) (default: ${DEFAULT-VALUE}).")
    Init init;

    @Option(names = "--seed", defaultValue = "42",
            description = "Seed of the data, initialisation and dropout (default: ${DEFAULT-VALUE}).")
    long seed;

    // 1,024 + 256 images keep the default run (3 epochs, 48 steps) well under a minute on two cores.
    @Option(names = "--train-size", defaultValue = "1024",
            description = "Synthetic training images (default: ${DEFAULT-VALUE}).")
    int trainSize;

    @Option(names = "--val-size", defaultValue = "256",
            description = "Synthetic validation images (default: ${DEFAULT-VALUE}).")
    int valSize;

    @Option(names = "--backend",
            description = "Backend name (default: -Dalexnet.backend, ALEXNET_BACKEND or cpu).")
    String backendName;

    @Option(names = "--threads",
            description = "Worker threads (default: -Dalexnet.threads, else one per core).")
    Integer threads;

    @Option(names = "--devices", defaultValue = "1",
            description = "1, or 2 to train the paper's two-tower split over two devices (default: ${DEFAULT-VALUE}).")
    int devices;

    @Option(names = "--json", description = "Print the final figures as one JSON object on the last line.")
    boolean json;

    @Override
    protected int execute() {
        if (data != null || dataset != null) {
            err().println("error: " + (data != null ? "--data" : "--dataset")
                    + " is not supported yet in this version; real data sources come with a later release."
                    + " Use --synthetic.");
            return CliErrors.USAGE;
        }
        if (!synthetic) {
            err().println("error: train needs a data source; this version has only --synthetic");
            return CliErrors.USAGE;
        }
        if (epochs < 1 || batch < 1 || trainSize < 1 || valSize < 1) {
            throw new IllegalArgumentException("need --epochs, --batch, --train-size and --val-size >= 1, got "
                    + epochs + ", " + batch + ", " + trainSize + ", " + valSize);
        }
        if (!(lr > 0)) {
            throw new IllegalArgumentException("--lr must be positive, got " + lr);
        }

        SyntheticDataset gen = new SyntheticDataset(CLASSES, 1, SIZE, AMPLITUDE, NOISE, 0, seed);
        SyntheticDataset.Split train = gen.generate(trainSize, seed + 1);
        SyntheticDataset.Split val = gen.generate(valSize, seed + 2);

        String name = backendName != null ? backendName : Backends.configuredName();
        BackendOptions options = new BackendOptions(
                threads != null ? threads : BackendOptions.defaults().threads(), 0);
        try (Backend backend = Backends.create(name, options)) {
            Network net = AlexNet.create(MODEL, backend, CLASSES, seed);
            if (init == Init.he) {
                Initialization.he(net.parameters(), seed);
            }
            Sgd sgd = new Sgd(momentum, weightDecay, LearningRateSchedule.constant(lr));
            try (TrainDevices model = TrainDevices.of(net, MODEL, CLASSES, devices, name, threads)) {
            out().printf(Locale.ROOT, "train: %s on synthetic data (%d train, %d validation, %d classes, 1x%dx%d),"
                            + " %d epochs, batch %d, lr %s, momentum %s, weight decay %s, %s init, %s%n",
                    MODEL, train.count(), val.count(), CLASSES, SIZE, SIZE, epochs, batch, lr, momentum,
                    weightDecay, init, model.describe());
            out().flush();

            SplittableRandom shuffle = new SplittableRandom(seed + 3);
            int[] order = new int[train.count()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            long start = System.nanoTime();
            double trainLoss = Double.NaN;
            double[] acc = {Double.NaN, Double.NaN};
            double trainSeconds = 0;
            long trainedImages = 0;
            for (int epoch = 1; epoch <= epochs; epoch++) {
                for (int i = order.length - 1; i > 0; i--) {
                    int j = shuffle.nextInt(i + 1);
                    int t = order[i];
                    order[i] = order[j];
                    order[j] = t;
                }
                long t0 = System.nanoTime();
                double lossSum = 0;
                int seen = 0;
                for (int from = 0; from < order.length; from += batch) {
                    int n = Math.min(batch, order.length - from);
                    int[] labels = new int[n];
                    float[] xs = train.batch(order, from, n, labels);
                    Tensor x = model.inputBackend().fromArray(xs, n, 1, SIZE, SIZE);
                    float loss = model.trainStep(x, labels, sgd);
                    lossSum += (double) loss * n;
                    seen += n;
                }
                backend.synchronize();
                double epochSeconds = (System.nanoTime() - t0) / 1e9;
                trainSeconds += epochSeconds;
                trainedImages += seen;
                trainLoss = lossSum / seen;
                acc = evaluate(model, val);
                sgd.schedule().epochEnd(epoch, 1 - acc[0]);
                double elapsed = (System.nanoTime() - start) / 1e9;
                double eta = elapsed / epoch * (epochs - epoch);
                out().printf(Locale.ROOT, "epoch %d/%d  loss %.4f  %.1f images/s  val top-1 %.2f%%  top-5 %.2f%%"
                                + "  elapsed %s  ETA %s%n", epoch, epochs, trainLoss, seen / epochSeconds,
                        100 * acc[0], 100 * acc[1], clock(elapsed), clock(eta));
                out().flush();
            }
            double ips = trainedImages / trainSeconds;
            out().printf(Locale.ROOT, "done: %d epochs  train loss %.4f  val top-1 %.2f%%  top-5 %.2f%%"
                            + "  %.1f images/s  %s total%n", epochs, trainLoss, 100 * acc[0], 100 * acc[1], ips,
                    clock((System.nanoTime() - start) / 1e9));
            if (json) {
                out().println(new Json()
                        .put("model", MODEL)
                        .put("data", "synthetic")
                        .put("epochs", epochs)
                        .put("batch", batch)
                        .put("train_loss", trainLoss)
                        .put("val_top1", acc[0])
                        .put("val_top5", acc[1])
                        .put("images_per_s", ips)
                        .put("backend", backend.name())
                        .put("devices", devices));
            }
            }
        }
        return 0;
    }

    /** Top-1 and top-5 accuracy (fractions) on a split, without dropout. */
    private double[] evaluate(TrainDevices net, SyntheticDataset.Split split) {
        int top1 = 0;
        int top5 = 0;
        for (int from = 0; from < split.count(); from += batch) {
            int n = Math.min(batch, split.count() - from);
            int[] labels = new int[n];
            float[] xs = split.batch(null, from, n, labels);
            float[] z = net.forward(net.inputBackend().fromArray(xs, n, 1, SIZE, SIZE), Pass.inference()).toArray();
            int k = z.length / n;
            for (int i = 0; i < n; i++) {
                float target = z[i * k + labels[i]];
                int above = 0;
                for (int j = 0; j < k; j++) {
                    float v = z[i * k + j];
                    if (v > target || (v == target && j < labels[i])) {
                        above++;
                    }
                }
                top1 += above == 0 ? 1 : 0;
                top5 += above < 5 ? 1 : 0;
            }
        }
        return new double[] {top1 / (double) split.count(), top5 / (double) split.count()};
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
