package io.github.alexnetjava.examples;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.model.AlexNet;
import io.github.alexnetjava.model.Initialization;
import io.github.alexnetjava.nn.Network;
import io.github.alexnetjava.nn.Pass;
import io.github.alexnetjava.optim.LearningRateSchedule;
import io.github.alexnetjava.optim.Sgd;
import io.github.alexnetjava.tensor.Tensor;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@code train --synthetic}: alexnet-small (1x28x28, 10 classes) on a seeded, learnable {@link SyntheticDataset}
 * of 1,024 training and 256 validation images (about 95% validation top-1 after the default 3 epochs); needs no
 * files at all.
 */
final class SyntheticTraining {
    static final String MODEL = "alexnet-small";
    static final int CLASSES = 10;
    static final int SIZE = 28;
    /** Prototype peak value and pixel noise: noisy enough that single pixels do not give the class away. */
    static final float AMPLITUDE = 1f;
    static final float NOISE = 0.5f;

    private final int epochs;
    private final int batch;
    private final double lr;
    private final float momentum;
    private final float weightDecay;
    private final String init;
    private final long seed;
    private final int trainSize;
    private final int valSize;
    private final boolean json;

    SyntheticTraining(int epochs, int batch, double lr, float momentum, float weightDecay, String init, long seed,
            int trainSize, int valSize, boolean json) {
        if (epochs < 1 || batch < 1 || trainSize < 1 || valSize < 1) {
            throw new IllegalArgumentException("need --epochs, --batch, --train-size and --val-size >= 1, got "
                    + epochs + ", " + batch + ", " + trainSize + ", " + valSize);
        }
        if (!(lr > 0)) {
            throw new IllegalArgumentException("--lr must be positive, got " + lr);
        }
        this.epochs = epochs;
        this.batch = batch;
        this.lr = lr;
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        this.init = init;
        this.seed = seed;
        this.trainSize = trainSize;
        this.valSize = valSize;
        this.json = json;
    }

    int run(Backend backend, PrintWriter out) {
        SyntheticDataset gen = new SyntheticDataset(CLASSES, 1, SIZE, AMPLITUDE, NOISE, 0, seed);
        SyntheticDataset.Split train = gen.generate(trainSize, seed + 1);
        SyntheticDataset.Split val = gen.generate(valSize, seed + 2);

        try (backend) {
            Network net = AlexNet.create(MODEL, backend, CLASSES, seed);
            if ("he".equals(init)) {
                Initialization.he(net.parameters(), seed);
            }
            Sgd sgd = new Sgd(momentum, weightDecay, LearningRateSchedule.constant(lr));
            out.printf(Locale.ROOT, "train: %s on synthetic data (%d train, %d validation, %d classes, 1x%dx%d),"
                            + " %d epochs, batch %d, lr %s, momentum %s, weight decay %s, %s init, %s%n",
                    MODEL, train.count(), val.count(), CLASSES, SIZE, SIZE, epochs, batch, lr, momentum,
                    weightDecay, init, backend.description());
            out.flush();

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
                    Tensor x = backend.fromArray(xs, n, 1, SIZE, SIZE);
                    float loss = net.trainStep(x, labels, sgd);
                    lossSum += (double) loss * n;
                    seen += n;
                }
                backend.synchronize();
                double epochSeconds = (System.nanoTime() - t0) / 1e9;
                trainSeconds += epochSeconds;
                trainedImages += seen;
                trainLoss = lossSum / seen;
                acc = evaluate(net, backend, val);
                sgd.schedule().epochEnd(epoch, 1 - acc[0]);
                double elapsed = (System.nanoTime() - start) / 1e9;
                double eta = elapsed / epoch * (epochs - epoch);
                out.printf(Locale.ROOT, "epoch %d/%d  loss %.4f  %.1f images/s  val top-1 %.2f%%  top-5 %.2f%%"
                                + "  elapsed %s  ETA %s%n", epoch, epochs, trainLoss, seen / epochSeconds,
                        100 * acc[0], 100 * acc[1], clock(elapsed), clock(eta));
                out.flush();
            }
            double ips = trainedImages / trainSeconds;
            out.printf(Locale.ROOT, "done: %d epochs  train loss %.4f  val top-1 %.2f%%  top-5 %.2f%%"
                            + "  %.1f images/s  %s total%n", epochs, trainLoss, 100 * acc[0], 100 * acc[1], ips,
                    clock((System.nanoTime() - start) / 1e9));
            if (json) {
                out.println(new Json()
                        .put("model", MODEL)
                        .put("data", "synthetic")
                        .put("epochs", epochs)
                        .put("batch", batch)
                        .put("train_loss", trainLoss)
                        .put("val_top1", acc[0])
                        .put("val_top5", acc[1])
                        .put("images_per_s", ips)
                        .put("backend", backend.name()));
            }
        }
        return 0;
    }

    /** Top-1 and top-5 accuracy (fractions) on a split, without dropout. */
    private double[] evaluate(Network net, Backend backend, SyntheticDataset.Split split) {
        int top1 = 0;
        int top5 = 0;
        for (int from = 0; from < split.count(); from += batch) {
            int n = Math.min(batch, split.count() - from);
            int[] labels = new int[n];
            float[] xs = split.batch(null, from, n, labels);
            float[] z = net.forward(backend.fromArray(xs, n, 1, SIZE, SIZE), Pass.inference()).toArray();
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
