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
}
