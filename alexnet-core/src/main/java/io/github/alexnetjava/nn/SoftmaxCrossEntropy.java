package io.github.alexnetjava.nn;

import io.github.alexnetjava.tensor.Tensor;

/** Softmax followed by the mean cross-entropy over the batch; the loss the paper's network maximises (as log-probability). */
public final class SoftmaxCrossEntropy {
    private Tensor probs;
    private Tensor dlogits;
    private float loss;

    /** Computes the loss and keeps the gradient for {@link #backward()}. */
    public float forward(Tensor logits, int[] labels) {
        probs = Buffers.ensure(probs, logits.backend(), logits.shape());
        dlogits = Buffers.ensure(dlogits, logits.backend(), logits.shape());
        loss = logits.backend().softmaxCrossEntropy(logits, labels, probs, dlogits);
        return loss;
    }

    /** dL/dlogits of the last forward call. */
    public Tensor backward() {
        if (dlogits == null) {
            throw Buffers.noForward("softmax cross-entropy");
        }
        return dlogits;
    }

    /** Softmax probabilities of the last forward call. */
    public Tensor probabilities() {
        return probs;
    }

    public float loss() {
        return loss;
    }

    /** A new tensor on the logits' backend with the row-wise softmax of {@code logits [N, K]} (computed in double). */
    public static Tensor softmax(Tensor logits) {
        float[] z = logits.toArray();
        int n = logits.dim(0);
        int k = logits.dim(1);
        float[] p = new float[z.length];
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                max = Math.max(max, z[i * k + j]);
            }
            double sum = 0;
            for (int j = 0; j < k; j++) {
                sum += Math.exp(z[i * k + j] - max);
            }
            for (int j = 0; j < k; j++) {
                p[i * k + j] = (float) (Math.exp(z[i * k + j] - max) / sum);
            }
        }
        return logits.backend().fromArray(p, logits.shape());
    }
}
