package io.github.alexnetjava.data;

import io.github.alexnetjava.random.CounterRng;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batches of a {@link Dataset} decoded and transformed by background threads, in a reproducible order.
 *
 * <ul>
 * <li><b>Order.</b> {@link Mode#TRAIN}: a new permutation every epoch, a Fisher-Yates shuffle driven by
 * {@code CounterRng.stream(seed, EPOCH_TAG, epoch)}; evaluation modes: dataset order.</li>
 * <li><b>Augmentation</b> of example i in epoch e: {@link Augmenter#train}{@code (e, i)}, from
 * {@code CounterRng.stream(seed, e, i)}.</li>
 * <li>Batch {@code b} of epoch {@code e} therefore depends only on (dataset, transform, seed, batch size, e, b):
 * not on the number of threads, the prefetch depth, or where the run started, so a run resumed with
 * {@link Builder#startAt}{@code (e, b)} produces exactly the batches an uninterrupted run would have.</li>
 * <li><b>Last partial batch:</b> dropped in training (every training batch has the full batch size, as in
 * the paper's fixed 128; the dropped examples differ every epoch), kept in evaluation (every example is seen);
 * {@link Builder#dropLast} overrides.</li>
 * <li><b>Unreadable images</b> are skipped with a WARN naming the file: the batch gets shorter (its
 * {@link Batch#skipped()} counts them) and {@link #skipped(int)} counts per epoch. With {@link Builder#strict}
 * the first one ends the iteration with an {@link UncheckedIOException} naming the file.</li>
 * <li><b>Threads and memory.</b> {@code threads} decoding threads (default {@code max(1, cores - 1)}); at most
 * {@code prefetch} batches (default 3) are being decoded or waiting to be taken.</li>
 * </ul>
 * Iterating runs from {@code startAt} to the end of epoch {@code endEpoch - 1}. Not thread-safe: one consumer.
 * Close it to stop the threads.
 */
public final class DataLoader implements Iterator<Batch>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DataLoader.class);
    /** The first key of the per-epoch permutation stream: {@code stream(seed, EPOCH_TAG, epoch)}. */
    public static final long EPOCH_TAG = 0x5045524D5554454EL; // "PERMUTEN"

    /** How examples are ordered and viewed. */
    public enum Mode {
        /** Shuffled each epoch; random crop, flip and colour shift per example per epoch. */
        TRAIN,
        /** Dataset order; the centre crop. */
        EVAL_CENTER,
        /** Dataset order; the 10 crops (corners + centre, and mirrored), 10 consecutive views per example. */
        EVAL_TEN_CROP
    }

    private final Dataset dataset;
    private final Transform transform;
    private final Augmenter augmenter;
    private final Mode mode;
    private final long seed;
    private final int batchSize;
    private final int threads;
    private final int prefetch;
    private final boolean strict;
    private final boolean dropLast;
    private final int endEpoch;
    private final int views;
    private final int sample;
    private final ExecutorService pool;
    private final ArrayDeque<CompletableFuture<Batch>> inFlight = new ArrayDeque<>();
    private final Map<Integer, AtomicInteger> skipped = new ConcurrentHashMap<>();
    private final Map<Integer, int[]> orders = new ConcurrentHashMap<>();
    private final AtomicLong delivered = new AtomicLong();
    private int nextEpoch; // next batch to schedule
    private int nextBatch;
    private long firstTakeNanos = -1;
    private volatile boolean closed;

    private DataLoader(Builder b) {
        this.dataset = b.dataset;
        this.transform = b.transform;
        this.mode = b.mode;
        this.seed = b.seed;
        this.batchSize = b.batchSize;
        this.threads = b.threads;
        this.prefetch = b.prefetch;
        this.strict = b.strict;
        this.dropLast = b.dropLast != null ? b.dropLast : mode == Mode.TRAIN;
        this.endEpoch = b.endEpoch != null ? b.endEpoch : b.startEpoch + 1;
        this.views = mode == Mode.EVAL_TEN_CROP ? Augmenter.TEN : 1;
        this.sample = transform.outputSize();
        this.augmenter = new Augmenter(transform, seed);
        if (batchesPerEpoch() == 0) {
            throw new IllegalArgumentException("dataset of " + dataset.size() + " examples gives no batch of "
                    + batchSize + (dropLast ? " (the last partial batch is dropped)" : ""));
        }
        if (b.startBatch < 0 || b.startBatch >= batchesPerEpoch() || b.startEpoch < 0) {
            throw new IllegalArgumentException("start (epoch " + b.startEpoch + ", batch " + b.startBatch
                    + ") out of range: an epoch has " + batchesPerEpoch() + " batches");
        }
        this.nextEpoch = b.startEpoch;
        this.nextBatch = b.startBatch;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "alexnet-data-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        for (int i = 0; i < prefetch; i++) {
            schedule();
        }
    }

    public static Builder builder(Dataset dataset, Transform transform) {
        return new Builder(dataset, transform);
    }

    /** Default decoding threads: {@code max(1, cores - 1)}. */
    public static int defaultThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    }

    /** Batches in one epoch. */
    public int batchesPerEpoch() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** The dataset order of an epoch: {@code order(e)[k]} is the dataset index of the k-th example. */
    public int[] order(int epoch) {
        return orderOf(epoch).clone();
    }

    /** Examples skipped (unreadable) in {@code epoch} so far, counting batches already decoded. */
    public int skipped(int epoch) {
        AtomicInteger a = skipped.get(epoch);
        return a == null ? 0 : a.get();
    }

    /** Images (views) delivered per second since the first batch was requested: the loader's throughput alone. */
    public double imagesPerSecond() {
        long t = System.nanoTime() - firstTakeNanos;
        return firstTakeNanos < 0 || t <= 0 ? 0 : delivered.get() * 1e9 / t;
    }

    public int threads() {
        return threads;
    }

    @Override
    public boolean hasNext() {
        return !closed && !inFlight.isEmpty();
    }

    @Override
    public Batch next() {
        if (!hasNext()) {
            throw new NoSuchElementException(closed ? "data loader closed" : "no more batches (end epoch "
                    + endEpoch + ")");
        }
        if (firstTakeNanos < 0) {
            firstTakeNanos = System.nanoTime();
        }
        CompletableFuture<Batch> f = inFlight.pollFirst();
        Batch b;
        try {
            b = f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("interrupted while waiting for a batch", e);
        } catch (ExecutionException e) {
            close();
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw new UncheckedIOException(io.getMessage(), io);
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(c);
        }
        schedule();
        if (b.lastInEpoch()) {
            orders.remove(b.epoch());
        }
        delivered.addAndGet((long) b.size() * views);
        return b;
    }

    private void schedule() {
        if (closed || nextEpoch >= endEpoch) {
            return;
        }
        int epoch = nextEpoch;
        int batch = nextBatch;
        if (++nextBatch == batchesPerEpoch()) {
            nextBatch = 0;
            nextEpoch++;
        }
        inFlight.addLast(submit(epoch, batch));
    }

    private int[] orderOf(int epoch) {
        return orders.computeIfAbsent(epoch, e -> mode == Mode.TRAIN ? permutation(dataset.size(), seed, e)
                : identity(dataset.size()));
    }

    /** The training permutation of an epoch (Fisher-Yates on {@code CounterRng.stream(seed, EPOCH_TAG, epoch)}). */
    public static int[] permutation(int n, long seed, int epoch) {
        int[] p = identity(n);
        long s = CounterRng.stream(seed, EPOCH_TAG, epoch);
        for (int i = n - 1; i > 0; i--) {
            int j = Augmenter.bounded(CounterRng.bits(s, i), i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static int[] identity(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        return p;
    }

    private CompletableFuture<Batch> submit(int epoch, int batch) {
        int[] order = orderOf(epoch);
        int from = batch * batchSize;
        int to = Math.min(order.length, from + batchSize);
        int n = to - from;
        int[] idx = Arrays.copyOfRange(order, from, to);
        float[] data = new float[n * views * sample];
        boolean[] bad = new boolean[n];
        int chunks = Math.min(n, threads * 2);
        CompletableFuture<?>[] parts = new CompletableFuture<?>[chunks];
        for (int c = 0; c < chunks; c++) {
            int lo = n * c / chunks;
            int hi = n * (c + 1) / chunks;
            parts[c] = CompletableFuture.runAsync(() -> {
                for (int k = lo; k < hi && !closed; k++) {
                    bad[k] = !decode(epoch, idx[k], data, k * views * sample);
                }
            }, pool);
        }
        boolean last = batch == batchesPerEpoch() - 1;
        return CompletableFuture.allOf(parts).thenApply(v -> assemble(epoch, batch, idx, data, bad, last));
    }

    /** Decodes one example's views into {@code data}; false if it was skipped. */
    private boolean decode(int epoch, int index, float[] data, int offset) {
        Image img;
        try {
            img = dataset.load(index);
        } catch (IOException e) {
            if (strict) {
                throw new UncheckedIOException(e instanceof CorruptImageException ? e.getMessage()
                        : "cannot read " + dataset.describe(index) + ": " + e.getMessage(), e);
            }
            LOG.warn("skipping unreadable image {} (epoch {}): {}", dataset.describe(index), epoch, e.getMessage());
            skipped.computeIfAbsent(epoch, k -> new AtomicInteger()).incrementAndGet();
            return false;
        }
        try {
            switch (mode) {
                case TRAIN -> transform.apply(img, augmenter.train(epoch, index), data, offset);
                case EVAL_CENTER -> transform.apply(img, augmenter.center(), data, offset);
                case EVAL_TEN_CROP -> {
                    for (int v = 0; v < Augmenter.TEN; v++) {
                        transform.apply(img, augmenter.tenCrop(v), data, offset + v * sample);
                    }
                }
                default -> throw new IllegalStateException();
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(dataset.describe(index) + ": " + e.getMessage(), e);
        }
        return true;
    }

    private Batch assemble(int epoch, int batch, int[] idx, float[] data, boolean[] bad, boolean last) {
        int n = idx.length;
        int good = 0;
        for (boolean b : bad) {
            good += b ? 0 : 1;
        }
        int[] indices = idx;
        float[] out = data;
        if (good < n) {
            indices = new int[good];
            out = new float[good * views * sample];
            int j = 0;
            for (int k = 0; k < n; k++) {
                if (!bad[k]) {
                    System.arraycopy(data, k * views * sample, out, j * views * sample, views * sample);
                    indices[j++] = idx[k];
                }
            }
        }
        int[] labels = new int[indices.length];
        for (int k = 0; k < labels.length; k++) {
            labels[k] = dataset.label(indices[k]);
        }
        return new Batch(out, labels, indices, views, transform.outputShape(), epoch, batch, n - good, last);
    }

    /** Stops the decoding threads; batches not yet taken are dropped. */
    @Override
    public void close() {
        closed = true;
        pool.shutdownNow();
        inFlight.clear();
    }

    /** Configures a {@link DataLoader}. */
    public static final class Builder {
        private final Dataset dataset;
        private final Transform transform;
        private Mode mode = Mode.TRAIN;
        private long seed;
        private int batchSize = 128;
        private int threads = defaultThreads();
        private int prefetch = 3;
        private boolean strict;
        private Boolean dropLast;
        private int startEpoch;
        private int startBatch;
        private Integer endEpoch;

        private Builder(Dataset dataset, Transform transform) {
            this.dataset = dataset;
            this.transform = transform;
        }

        public Builder mode(Mode m) {
            this.mode = m;
            return this;
        }

        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** Examples per batch (default 128). */
        public Builder batchSize(int n) {
            if (n <= 0) {
                throw new IllegalArgumentException("batch size must be positive: " + n);
            }
            this.batchSize = n;
            return this;
        }

        /** Decoding threads (default {@code max(1, cores - 1)}); does not change the batches. */
        public Builder threads(int n) {
            if (n <= 0) {
                throw new IllegalArgumentException("threads must be positive: " + n);
            }
            this.threads = n;
            return this;
        }

        /** Batches decoded ahead (default 3); does not change the batches. */
        public Builder prefetch(int n) {
            if (n <= 0) {
                throw new IllegalArgumentException("prefetch must be positive: " + n);
            }
            this.prefetch = n;
            return this;
        }

        /** Unreadable images are fatal instead of skipped. */
        public Builder strict(boolean on) {
            this.strict = on;
            return this;
        }

        /** Drop the last partial batch (default: in TRAIN yes, in evaluation no). */
        public Builder dropLast(boolean on) {
            this.dropLast = on;
            return this;
        }

        /** Start at batch {@code batch} of epoch {@code epoch} (resumption); default (0, 0). */
        public Builder startAt(int epoch, int batch) {
            this.startEpoch = epoch;
            this.startBatch = batch;
            return this;
        }

        /** Stop after epoch {@code endExclusive - 1} (default: the start epoch only). */
        public Builder endEpoch(int endExclusive) {
            this.endEpoch = endExclusive;
            return this;
        }

        public DataLoader build() {
            return new DataLoader(this);
        }
    }
}
