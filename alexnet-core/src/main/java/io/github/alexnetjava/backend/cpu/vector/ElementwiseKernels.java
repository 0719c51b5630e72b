package io.github.alexnetjava.backend.cpu.vector;

/**
 * Element-wise loops that the JIT does not vectorise on its own (conditional selects), with a Vector API
 * implementation and a scalar one, chosen once by {@link VectorSupport}.
 */
public interface ElementwiseKernels {

    /** {@code dx[i] = y[i] > 0 ? dy[i] : 0} for i in [from, to); dx may be dy. */
    void reluBackward(float[] y, float[] dy, float[] dx, int from, int to);

    /** The implementation for this JVM. */
    static ElementwiseKernels get() {
        return Holder.INSTANCE;
    }

    /** Lazily picks the implementation so the Vector API classes load only when the module is present. */
    final class Holder {
        static final ElementwiseKernels INSTANCE = VectorSupport.enabled() ? new VectorElementwise()
                : new ScalarElementwise();

        private Holder() {
        }
    }
}
