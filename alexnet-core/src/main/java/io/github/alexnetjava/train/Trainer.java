package io.github.alexnetjava.train;

import io.github.alexnetjava.data.Batch;
import io.github.alexnetjava.data.DataLoader;
import io.github.alexnetjava.data.Dataset;
import io.github.alexnetjava.data.Transform;
import io.github.alexnetjava.nn.TrainableModel;
import io.github.alexnetjava.optim.Sgd;
import io.github.alexnetjava.tensor.Tensor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The training loop: epochs of SGD over a {@link DataLoader}, validation after each epoch, the learning-rate
 * schedule's {@code epochEnd} with the validation top-1 error, and hooks for progress, metrics and checkpoints.
 *
 * <p>Exact resumption: {@link #run} starts at any {@link TrainState} a previous run handed to
 * {@link Listener#checkpoint}; if the network and optimiser were restored from the checkpoint written then, the
 * resumed run computes bit for bit what the uninterrupted run would have (same thread count and backend). The
 * order of the end-of-epoch work is: validation, schedule, {@link Listener#epochEnd} (metrics), then
 * {@link Listener#checkpoint} for the next epoch's start, so a crash between the two leaves metrics the
 * checkpoint does not cover, which a resuming caller drops (rows with {@code epoch > state.epoch()}).
 *
 * <p>{@link #requestStop()} (e.g. from a shutdown hook) ends the run after the current batch without writing
 * anything: the last checkpoint stays the resumption point.
 */
public final class Trainer {

    /**
     * @param batchSize       examples per SGD step
     * @param epochs          total epochs of the run (the loop ends before epoch index {@code epochs})
     * @param seed            data order and augmentation seed
     * @param loaderThreads   decoding threads
     * @param strict          unreadable images are fatal instead of skipped
     * @param checkpointEvery also checkpoint every this many batches inside an epoch (0: at epoch ends only)
     * @param tenCrop         validate with the 10-crop average instead of the centre crop
     */
    public record Config(int batchSize, int epochs, long seed, int loaderThreads, boolean strict,
                         int checkpointEvery, boolean tenCrop) {
        public Config {
            if (batchSize < 1 || epochs < 1 || loaderThreads < 1 || checkpointEvery < 0) {
                throw new IllegalArgumentException("need batch size, epochs and loader threads >= 1 and"
                        + " checkpointEvery >= 0; got " + batchSize + ", " + epochs + ", " + loaderThreads + ", "
                        + checkpointEvery);
            }
        }
    }

    /** Callbacks, all on the training thread. */
    public interface Listener {
        /** A training epoch (0-based) begins or resumes at {@code batch}. */
        default void epochStart(int epoch, int batch, int batches) {
        }

        /** After each training step; {@code meanLoss} is the epoch's running mean. */
        default void batchEnd(int epoch, int batch, int batches, double meanLoss, double imagesPerSecond) {
        }

        /** Training of the epoch is done; validation begins. */
        default void validationStart(int epoch) {
        }

        /** The epoch's figures; {@code history} holds every finished epoch including this one. */
        default void epochEnd(EpochMetrics metrics, List<EpochMetrics> history) throws IOException {
        }

        /** A consistent point to checkpoint: the network and optimiser are exactly at {@code state}. */
        default void checkpoint(TrainState state, List<EpochMetrics> history) throws IOException {
        }
    }

    private final TrainableModel net;
    private final Sgd sgd;
    private final Dataset train;
    private final Transform trainTransform;
    private final Dataset val;
    private final Transform valTransform;
    private final Config config;
    private volatile boolean stopRequested;
    private volatile boolean stopped;

    /**
     * @param val validation data, or null to skip validation (the schedule then sees NaN)
     */
    public Trainer(TrainableModel net, Sgd sgd, Dataset train, Transform trainTransform, Dataset val,
            Transform valTransform, Config config) {
        this.net = Objects.requireNonNull(net, "net");
        this.sgd = Objects.requireNonNull(sgd, "sgd");
        this.train = Objects.requireNonNull(train, "train");
        this.trainTransform = Objects.requireNonNull(trainTransform, "trainTransform");
        this.val = val;
        this.valTransform = valTransform;
        this.config = Objects.requireNonNull(config, "config");
    }

    /** Asks the loop to stop after the current batch; nothing more is written. */
    public void requestStop() {
        stopRequested = true;
    }

    /** True if {@link #run} returned because of {@link #requestStop()} before finishing. */
    public boolean stopped() {
        return stopped;
    }

    /** Training batches per epoch (the last partial batch is dropped). */
    public int batchesPerEpoch() {
        return train.size() / config.batchSize();
    }

    /**
     * Trains from {@code state} to the end of epoch {@code config.epochs() - 1}.
     *
     * @param history the metrics of the epochs before {@code state.epoch()} (empty for a fresh run)
     * @return every epoch's metrics, {@code history} included
     */
    public List<EpochMetrics> run(TrainState state, List<EpochMetrics> history, Listener listener)
            throws IOException {
        List<EpochMetrics> rows = new ArrayList<>(history);
        if (state.epoch() >= config.epochs()) {
            return rows;
        }
        int batches = batchesPerEpoch();
        if (batches == 0) {
            throw new IllegalArgumentException("the training set has " + train.size()
                    + " examples, fewer than one batch of " + config.batchSize());
        }
        int k = net.classes();
        TrainState s = state;
        try (DataLoader loader = DataLoader.builder(train, trainTransform).seed(config.seed())
                .batchSize(config.batchSize()).threads(config.loaderThreads()).strict(config.strict())
                .startAt(s.epoch(), s.batch()).endEpoch(config.epochs()).build()) {
            long epochStartNanos = System.nanoTime();
            double epochSecondsBefore = s.trainSeconds();
            float lr = sgd.schedule().learningRate();
            listener.epochStart(s.epoch(), s.batch(), batches);
            while (loader.hasNext()) {
                if (stopRequested) {
                    stopped = true;
                    return rows;
                }
                long t0 = System.nanoTime();
                Batch b = loader.next();
                double lossSum = s.lossSum();
                long correct = s.correct();
                if (b.size() > 0) {
                    Tensor x = net.backend().fromArray(b.data(), b.tensorShape());
                    float loss = net.trainStep(x, b.labels(), sgd);
                    float[] p = net.lastTrainingProbabilities().toArray();
                    for (int i = 0; i < b.size(); i++) {
                        correct += Evaluator.rank(p, i * k, k, b.labels()[i]) == 0 ? 1 : 0;
                    }
                    lossSum += (double) loss * b.size();
                }
                double seconds = s.trainSeconds() + (System.nanoTime() - t0) / 1e9;
                s = new TrainState(b.epoch(), b.index() + 1, lossSum, correct, s.seen() + b.size(),
                        s.skipped() + b.skipped(), seconds);
                listener.batchEnd(b.epoch(), b.index(), batches, s.seen() == 0 ? Double.NaN : lossSum / s.seen(),
                        s.seen() / Math.max(seconds, 1e-9));
                if (!b.lastInEpoch()) {
                    if (config.checkpointEvery() > 0 && s.batch() % config.checkpointEvery() == 0) {
                        listener.checkpoint(s, rows);
                    }
                    continue;
                }
                // end of the epoch: validate, step the schedule, record, checkpoint the next epoch's start
                listener.validationStart(b.epoch());
                EvalResult v = validate();
                sgd.schedule().epochEnd(b.epoch() + 1, v == null ? Double.NaN : 1 - v.top1());
                double wall = epochSecondsBefore + (System.nanoTime() - epochStartNanos) / 1e9;
                EpochMetrics m = new EpochMetrics(b.epoch() + 1, s.seen() == 0 ? Double.NaN : lossSum / s.seen(),
                        s.seen() == 0 ? Double.NaN : correct / (double) s.seen(),
                        v == null ? Double.NaN : v.loss(), v == null ? Double.NaN : v.top1(),
                        v == null ? Double.NaN : v.top5(), lr, s.seen() / Math.max(seconds, 1e-9), wall,
                        s.skipped() + (v == null ? 0 : v.skipped()));
                rows.add(m);
                listener.epochEnd(m, rows);
                s = TrainState.atEpoch(b.epoch() + 1);
                listener.checkpoint(s, rows);
                if (s.epoch() < config.epochs()) {
                    epochStartNanos = System.nanoTime();
                    epochSecondsBefore = 0;
                    lr = sgd.schedule().learningRate();
                    listener.epochStart(s.epoch(), 0, batches);
                }
            }
        }
        return rows;
    }

    /** Validation figures now, or null without validation data. */
    public EvalResult validate() {
        if (val == null) {
            return null;
        }
        try (DataLoader loader = DataLoader.builder(val, valTransform)
                .mode(config.tenCrop() ? DataLoader.Mode.EVAL_TEN_CROP : DataLoader.Mode.EVAL_CENTER)
                .batchSize(config.batchSize()).threads(config.loaderThreads()).strict(config.strict()).build()) {
            return Evaluator.evaluate(net, loader);
        }
    }
}
