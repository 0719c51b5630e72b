package io.github.alexnetjava.backend;

import io.github.alexnetjava.tensor.Tensor;

/**
 * The compute SPI: every operation one AlexNet training step needs, on tensors this backend owns.
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader} through {@link BackendProvider} and chosen by
 * name ({@link Backends}). All ops check their arguments' shapes and throw
 * {@link io.github.alexnetjava.tensor.ShapeMismatchException} naming the op, the expected and the actual shape.
 * Outputs are overwritten, never accumulated, unless a method says otherwise. Ops may run asynchronously; any call
 * that returns data to the host ({@link #download}, {@link #softmaxCrossEntropy}, {@link #allFinite}) waits for
 * the work queued before it.
 */
public interface Backend extends AutoCloseable {

    /** The name this backend is selected by, e.g. {@code "cpu"}. */
    String name();

    /** A short description for logs: device, threads, vectorisation. */
    String description();

    // ----- memory -----

    /** A new zero-filled tensor. */
    Tensor allocate(int... shape);

    /** A new tensor holding a copy of {@code data} (row-major). */
    Tensor fromArray(float[] data, int... shape);

    /** A copy of a tensor owned by any backend, owned by this one. */
    default Tensor copyFrom(Tensor other) {
        return fromArray(other.toArray(), other.shape());
    }

    /** Host copy of the tensor's contents. */
    float[] download(Tensor t);

    /** Overwrites {@code dst} with {@code src}; lengths must match. */
    void upload(float[] src, Tensor dst);

    void fill(Tensor t, float value);

    /** {@code dst = src}; same element count on this backend. */
    void copy(Tensor src, Tensor dst);

    /** {@code y += alpha * x}. */
    void axpy(float alpha, Tensor x, Tensor y);

    // ----- dense algebra -----

    /**
     * {@code C = alpha * op(A) * op(B) + beta * C} on rank-2 row-major tensors, where {@code op(X)} is X or its
     * transpose.
     */
    void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c);

    /** {@code y[n, c, ...] += bias[c]} for rank-2 {@code [N, C]} or rank-4 {@code [N, C, H, W]} tensors. */
    void biasAdd(Tensor y, Tensor bias);

    /** {@code dbias[c] = sum over n and spatial positions of dy[n, c, ...]}. */
    void biasGrad(Tensor dy, Tensor dbias);

    // ----- convolution -----

    /** {@code y = conv(x, w) + bias}; bias may be null. */
    void conv2dForward(Conv2dSpec spec, Tensor x, Tensor w, Tensor bias, Tensor y);

    /**
     * {@code y = max(conv(x, w) + bias, 0)}: the convolution with the ReLU after it fused, so that the output is
     * rectified while it is still in cache instead of in a separate pass over memory. The result must equal
     * {@link #conv2dForward} followed by {@link #reluForward} in place, which is what backends without a fused
     * kernel run.
     */
    default void conv2dForwardRelu(Conv2dSpec spec, Tensor x, Tensor w, Tensor bias, Tensor y) {
        conv2dForward(spec, x, w, bias, y);
        reluForward(y, y);
    }

    /** {@code dx = dL/dx} given {@code dy}. */
    void conv2dBackwardData(Conv2dSpec spec, Tensor dy, Tensor w, Tensor dx);

    /**
     * {@link #conv2dBackwardData} with the gradient of an in-place ReLU before the convolution applied as well:
     * {@code dx = dL/dx * (x > 0)}, where {@code x} (the convolution's input) is the ReLU's output. Must equal the
     * two ops run apart, which is what backends without a fused kernel do.
     */
    default void conv2dBackwardDataRelu(Conv2dSpec spec, Tensor dy, Tensor w, Tensor x, Tensor dx) {
        conv2dBackwardData(spec, dy, w, dx);
        reluBackward(x, dx, dx);
    }

    /** {@code dw = dL/dw} and (if non-null) {@code dbias = dL/dbias}. */
    void conv2dBackwardFilter(Conv2dSpec spec, Tensor x, Tensor dy, Tensor dw, Tensor dbias);

    // ----- element-wise and normalisation -----

    /** {@code y = max(x, 0)}; y may be x. */
    void reluForward(Tensor x, Tensor y);

    /** {@code dx = dy * (y > 0)}; dx may be dy. */
    void reluBackward(Tensor y, Tensor dy, Tensor dx);

    /**
     * {@code y = tanh(x)}; y may be x. The default goes through host memory (download, compute, upload) so that
     * every backend supports it; backends override it with a device kernel.
     */
    default void tanhForward(Tensor x, Tensor y) {
        io.github.alexnetjava.tensor.Shapes.requireSame("tanh forward", "output", y, x);
        float[] v = download(x);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) Math.tanh(v[i]);
        }
        upload(v, y);
    }

    /**
     * {@code dx = dy * (1 - y^2)} from the forward output; dx may be dy. Host-memory default as
     * {@link #tanhForward}.
     */
    default void tanhBackward(Tensor y, Tensor dy, Tensor dx) {
        io.github.alexnetjava.tensor.Shapes.requireSame("tanh backward", "dy", dy, y);
        io.github.alexnetjava.tensor.Shapes.requireSame("tanh backward", "dx", dx, y);
        float[] yv = download(y);
        float[] g = download(dy);
        for (int i = 0; i < g.length; i++) {
            g[i] = g[i] * (1f - yv[i] * yv[i]);
        }
        upload(g, dx);
    }

    /**
     * Local response normalisation. {@code scale} (shape of x) receives {@code k + alpha' * sum a^2}, which the
     * backward pass reuses.
     */
    void lrnForward(LrnSpec spec, Tensor x, Tensor y, Tensor scale);

    void lrnBackward(LrnSpec spec, Tensor x, Tensor y, Tensor scale, Tensor dy, Tensor dx);

    /**
     * {@link #lrnBackward} followed by the gradient of the in-place ReLU whose output {@code x} is:
     * {@code dx = dL/dx * (x > 0)}, fused where the backend can (the default runs the two ops).
     */
    default void lrnBackwardRelu(LrnSpec spec, Tensor x, Tensor y, Tensor scale, Tensor dy, Tensor dx) {
        lrnBackward(spec, x, y, scale, dy, dx);
        reluBackward(x, dx, dx);
    }

    void maxPoolForward(PoolSpec spec, Tensor x, Tensor y);

    /** Routes each {@code dy} to the first maximum of its window (recomputed from x and y). */
    void maxPoolBackward(PoolSpec spec, Tensor x, Tensor y, Tensor dy, Tensor dx);

    /**
     * {@link #maxPoolBackward} followed by the gradient of the in-place ReLU whose output {@code x} is:
     * {@code dx = dL/dx * (x > 0)}, fused where the backend can (the default runs the two ops).
     */
    default void maxPoolBackwardRelu(PoolSpec spec, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        maxPoolBackward(spec, x, y, dy, dx);
        reluBackward(x, dx, dx);
    }

    /**
     * Inverted dropout: {@code y = x * keep / (1 - p)} where {@code keep_i = uniform(stream, i) >= p} from
     * {@link io.github.alexnetjava.random.CounterRng}; the mask depends only on {@code stream} and the element
     * index, never on threads or devices.
     */
    void dropoutForward(float p, long stream, Tensor x, Tensor y);

    void dropoutBackward(float p, long stream, Tensor dy, Tensor dx);

    /**
     * {@link #dropoutBackward} followed by the gradient of the in-place ReLU whose output {@code x} (the dropout's
     * input) is: {@code dx = dL/dx * (x > 0)}, fused where the backend can (the default runs the two ops).
     */
    default void dropoutBackwardRelu(float p, long stream, Tensor x, Tensor dy, Tensor dx) {
        dropoutBackward(p, stream, dy, dx);
        reluBackward(x, dx, dx);
    }

    /**
     * Mean softmax cross-entropy of {@code logits [N, K]} against {@code labels} (N class indices). Writes
     * {@code probs} (softmax) if non-null and {@code dlogits = (probs - onehot) / N} if non-null.
     *
     * @return the mean loss over the batch
     */
    float softmaxCrossEntropy(Tensor logits, int[] labels, Tensor probs, Tensor dlogits);

    /**
     * The paper's update: {@code v = momentum*v - weightDecay*lr*w - lr*g; w = w + v}.
     */
    void sgdUpdate(float lr, float momentum, float weightDecay, Tensor w, Tensor g, Tensor v);

    /** True when no element is NaN or infinite. */
    boolean allFinite(Tensor t);

    /** Waits for queued work. */
    default void synchronize() {
    }

    @Override
    default void close() {
    }
}
