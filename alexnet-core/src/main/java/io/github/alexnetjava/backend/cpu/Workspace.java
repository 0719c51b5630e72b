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
}
