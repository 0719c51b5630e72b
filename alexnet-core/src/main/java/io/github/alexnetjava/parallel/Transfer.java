package io.github.alexnetjava.parallel;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.backend.cpu.CpuTensor;
import io.github.alexnetjava.tensor.ShapeMismatchException;
import io.github.alexnetjava.tensor.Tensor;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The explicit transfer op: copies a channel slice of one tensor into a channel slice of another, on the same
 * device or across devices, and counts the bytes and time of every cross-device copy. Tensors are viewed as
 * {@code [N, C, rest]} (rank 2 {@code [N, F]} is {@code [N, F, 1]}), so a "channel" of an activation
 * {@code [N, C, H, W]} is one map and a "channel" of {@code [N, F]} one feature.
 *
 * <p>How bytes move:
 * <ul>
 *   <li>two CPU tensors (any {@link io.github.alexnetjava.backend.cpu.CpuBackend}s): {@code System.arraycopy} of
 *   each sample's contiguous run, straight between the two devices' arrays;</li>
 *   <li>whole tensors on other backends: {@link Backend#copyFrom} on the destination (a CUDA backend implements
 *   it as a peer copy) then {@link Backend#copy};</li>
 *   <li>slices on other backends: staged through the host with {@link Backend#download} and
 *   {@link Backend#upload} (correct everywhere, slow; a backend with strided device copies can replace it).</li>
 * </ul>
 * Thread-safe: the device threads copy concurrently.
 */
public final class Transfer {
    /** The counter a copy is booked under. */
    public enum Kind { FORWARD, BACKWARD, INPUT }

    private final boolean hostStaging;
    private final LongAdder forward = new LongAdder();
    private final LongAdder backward = new LongAdder();
    private final LongAdder input = new LongAdder();
    private final LongAdder copies = new LongAdder();
    private final LongAdder nanos = new LongAdder();
    private final Map<String, LongAdder> edges = new ConcurrentHashMap<>();

    public Transfer() {
        this(false);
    }

    /**
     * @param hostStaging always stage through the host (download/upload), even between CPU tensors: the path
     *                    non-CPU backends take, so CPU tests can prove it correct
     */
    public Transfer(boolean hostStaging) {
        this.hostStaging = hostStaging;
    }

    /**
     * Copies channels {@code [srcOff, srcOff+channels)} of {@code src} to {@code [dstOff, dstOff+channels)} of
     * {@code dst}. A copy between different backends is counted under {@code kind} and {@code edge}; a copy on one
     * backend is not a transfer and is not counted.
     */
    public void copyChannels(String edge, Kind kind, Tensor src, int srcOff, Tensor dst, int dstOff, int channels) {
        int n = src.dim(0);
        int cs = src.dim(1);
        int cd = dst.dim(1);
        int inner = src.size() / (n * cs);
        if (dst.dim(0) != n || dst.size() / (n * cd) != inner || srcOff < 0 || dstOff < 0
                || srcOff + channels > cs || dstOff + channels > cd) {
            throw new ShapeMismatchException("transfer " + edge + ": cannot copy channels [" + srcOff + ", "
                    + (srcOff + channels) + ") of " + src.shapeString() + " to channels [" + dstOff + ", "
                    + (dstOff + channels) + ") of " + dst.shapeString());
        }
        boolean cross = src.backend() != dst.backend();
        long t0 = cross ? System.nanoTime() : 0L;
        if (!hostStaging && src instanceof CpuTensor s && dst instanceof CpuTensor d) {
            float[] a = s.data();
            float[] b = d.data();
            int run = channels * inner;
            for (int i = 0; i < n; i++) {
                System.arraycopy(a, (i * cs + srcOff) * inner, b, (i * cd + dstOff) * inner, run);
            }
        } else if (channels == cs && channels == cd) {
            wholeCopy(src, dst, cross);
        } else {
            float[] a = src.backend().download(src);
            float[] b = dst.backend().download(dst);
            int run = channels * inner;
            for (int i = 0; i < n; i++) {
                System.arraycopy(a, (i * cs + srcOff) * inner, b, (i * cd + dstOff) * inner, run);
            }
            dst.backend().upload(b, dst);
        }
        if (cross) {
            nanos.add(System.nanoTime() - t0);
            long bytes = 4L * n * channels * inner;
            copies.increment();
            switch (kind) {
                case FORWARD -> forward.add(bytes);
                case BACKWARD -> backward.add(bytes);
                case INPUT -> input.add(bytes);
                default -> throw new AssertionError(kind);
            }
            if (kind != Kind.INPUT) {
                edges.computeIfAbsent(edge + " " + kind.name().toLowerCase(java.util.Locale.ROOT),
                        e -> new LongAdder()).add(bytes);
            }
        }
    }

    /** Copies the whole of {@code src} into {@code dst} (same element count). */
    public void copy(String edge, Kind kind, Tensor src, Tensor dst) {
        if (src.size() != dst.size()) {
            throw new ShapeMismatchException("transfer " + edge + ": " + src.shapeString() + " into "
                    + dst.shapeString());
        }
        int n = src.dim(0);
        copyChannels(edge, kind, src.reshape(n, src.size() / n), 0, dst.reshape(n, dst.size() / n), 0,
                src.size() / n);
    }

    private void wholeCopy(Tensor src, Tensor dst, boolean cross) {
        Backend to = dst.backend();
        if (!cross) {
            to.copy(src, dst);
        } else if (hostStaging) {
            to.upload(src.backend().download(src), dst);
        } else {
            to.copy(to.copyFrom(src), dst);
        }
    }

    /** The counts since the last {@link #reset()}. */
    public TransferStats stats() {
        Map<String, Long> m = new TreeMap<>();
        edges.forEach((k, v) -> m.put(k, v.sum()));
        return new TransferStats(forward.sum(), backward.sum(), input.sum(), copies.sum(), nanos.sum(),
                java.util.Collections.unmodifiableMap(m));
    }

    public void reset() {
        forward.reset();
        backward.reset();
        input.reset();
        copies.reset();
        nanos.reset();
        edges.clear();
    }
}
