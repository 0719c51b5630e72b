package io.github.alexnetjava.nn;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.optim.Sgd;
import io.github.alexnetjava.tensor.Tensor;

/**
 * What a training loop needs of a model: one SGD step on a batch, the softmax of that step, and predictions.
 * Implemented by the single-device {@link Network} and the two-tower
 * {@link io.github.alexnetjava.parallel.ModelParallelAlexNet}, so the same trainer and evaluator drive both.
 */
public interface TrainableModel {

    /** The backend that input batches must be on (device 0 of a model-parallel model). */
    Backend backend();

    int classes();

    /** One SGD step (dropout keyed by {@code sgd.iteration()}); returns the batch's mean loss before the update. */
    float trainStep(Tensor x, int[] labels, Sgd sgd);

    /** Softmax probabilities of the last training step's batch. */
    Tensor lastTrainingProbabilities();

    /** Softmax probabilities for a batch, without dropout. */
    Tensor predict(Tensor x);
}
