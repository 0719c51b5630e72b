package io.github.alexnetjava.backend.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The CPU backend's one pool of worker threads. Work is split statically into as many contiguous chunks as there
 * are threads, so every output element is always computed by the same sequence of floating-point operations:
 * results are bit-identical from run to run (for a fixed thread count). The calling thread runs chunk 0.
 * Calls from inside a worker run serially, so ops may nest without deadlock.
 */
public final class WorkerPool implements AutoCloseable {

    /** A body run on {@code [start, end)} by worker {@code worker} (0 &le; worker &lt; threads). */
    @FunctionalInterface
    public interface RangeBody {
        void run(int worker, int start, int end);
    }

    private final int threads;
    private final Worker[] workers;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile Thread caller;
    private volatile RangeBody body;
    private volatile int total;
    private volatile int chunks;
    private volatile Throwable failure;
    private volatile boolean closed;
    private final Object lock = new Object();
    private static final ThreadLocal<Boolean> IN_POOL = ThreadLocal.withInitial(() -> Boolean.FALSE);

    public WorkerPool(int threads) {
        this.threads = threads <= 0 ? Runtime.getRuntime().availableProcessors() : threads;
        this.workers = new Worker[this.threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i + 1);
            workers[i].start();
        }
    }

    public int threads() {
        return threads;
    }

    /** Runs {@code body} over {@code [0, n)} split into at most {@link #threads()} contiguous chunks. */
    public void parallelFor(int n, RangeBody body) {
        parallelFor(n, 1, body);
    }

    /**
     * As {@link #parallelFor(int, RangeBody)}, but chunk boundaries are multiples of {@code grain} (except the end)
     * and no more chunks than {@code ceil(n / grain)} are used.
     */
    public void parallelFor(int n, int grain, RangeBody body) {
        if (n <= 0) {
            return;
        }
        int blocks = (n + grain - 1) / grain;
        int k = Math.min(threads, blocks);
        if (k <= 1 || IN_POOL.get()) {
            body.run(0, 0, n);
            return;
        }
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("worker pool is closed");
            }
            this.body = body;
            this.total = n;
            this.chunks = k;
            this.failure = null;
            this.caller = Thread.currentThread();
            pending.set(k - 1);
            for (int i = 1; i < k; i++) {
                workers[i - 1].go(grain);
            }
            IN_POOL.set(Boolean.TRUE);
            try {
                runChunk(0, grain);
            } finally {
                IN_POOL.set(Boolean.FALSE);
            }
            while (pending.get() > 0) {
                LockSupport.park(this);
            }
            this.body = null;
            Throwable t = failure;
            if (t != null) {
                if (t instanceof RuntimeException re) {
                    throw re;
                }
                if (t instanceof Error e) {
                    throw e;
                }
                throw new RuntimeException(t);
            }
        }
    }

    /** Chunk {@code c} of {@code k} over {@code n} items in units of {@code grain}: [start, end). */
    static int chunkStart(int c, int k, int n, int grain) {
        int blocks = (n + grain - 1) / grain;
        long b = (long) blocks * c / k;
        return (int) Math.min((long) n, b * grain);
    }

    private void runChunk(int c, int grain) {
        int k = chunks;
        int n = total;
        int s = chunkStart(c, k, n, grain);
        int e = chunkStart(c + 1, k, n, grain);
        if (s < e) {
            body.run(c, s, e);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) {
            w.interrupt();
        }
    }

    private final class Worker extends Thread {
        private final int index;
        private volatile int grain;
        private volatile boolean hasWork;

        Worker(int index) {
            super("alexnet-cpu-" + index);
            this.index = index;
            setDaemon(true);
        }

        void go(int g) {
            this.grain = g;
            this.hasWork = true;
            LockSupport.unpark(this);
        }

        @Override
        public void run() {
            IN_POOL.set(Boolean.TRUE);
            int spins = 0;
            while (!closed) {
                if (!hasWork) {
                    // Spin briefly (ops come back to back in a training step), then park.
                    if (++spins < 20_000) {
                        Thread.onSpinWait();
                    } else {
                        LockSupport.park(this);
                    }
                    if (isInterrupted() && closed) {
                        return;
                    }
                    continue;
                }
                spins = 0;
                hasWork = false;
                try {
                    runChunk(index, grain);
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    if (pending.decrementAndGet() == 0) {
                        LockSupport.unpark(caller);
                    }
                }
            }
        }
    }
}
