package io.github.alexnetjava.backend.cpu;

/**
 * Per-worker scratch arrays that grow on demand and are reused across calls, so the hot path allocates only
 * the first time a larger buffer is needed.
 */
final class Workspace {
    private final float[][][] buffers;
    private final double[][][] doubles;

    Workspace(int workers, int slots) {
        buffers = new float[workers][slots][];
        doubles = new double[workers][slots][];
    }

    float[] floats(int worker, int slot, int size) {
        float[] b = buffers[worker][slot];
        if (b == null || b.length < size) {
            b = new float[size];
            buffers[worker][slot] = b;
        }
        return b;
    }

    double[] doubles(int worker, int slot, int size) {
        double[] b = doubles[worker][slot];
        if (b == null || b.length < size) {
            b = new double[size];
            doubles[worker][slot] = b;
        }
        return b;
    }

    /**
     * The fixed-order reduction of per-worker partial sums: {@code dst[i] += floats(k, slot)[i]} for workers
     * {@code k = 1 .. workers-1} in that order, {@code i < size}, split over {@code pool} by element (worker 0's
     * partial is {@code dst} itself). Deterministic for a given worker count.
     */
    void addPartials(WorkerPool pool, int slot, int workers, float[] dst, int size) {
        if (workers <= 1) {
            return;
        }
        pool.parallelFor(size, 1024, (w, s, e) -> {
            for (int k = 1; k < workers; k++) {
                float[] part = buffers[k][slot];
                for (int i = s; i < e; i++) {
                    dst[i] += part[i];
                }
            }
        });
    }

    /** {@code dst[c] = (float)} the sum of {@code doubles(k, slot)[c]} over workers {@code k < workers}, in order. */
    void sumDoubles(int slot, int workers, float[] dst, int size) {
        for (int c = 0; c < size; c++) {
            double sum = 0;
            for (int k = 0; k < workers; k++) {
                sum += doubles[k][slot][c];
            }
            dst[c] = (float) sum;
        }
    }
}
