package io.github.alexnetjava.backend.cpu.vector;

/** Plain-Java element-wise kernels: the fallback without the Vector API. */
final class ScalarElementwise implements ElementwiseKernels {
    @Override
    public void reluBackward(float[] y, float[] dy, float[] dx, int from, int to) {
        for (int i = from; i < to; i++) {
            dx[i] = y[i] > 0f ? dy[i] : 0f;
        }
    }
}
