package io.github.alexnetjava.train;

/**
 * Figures of one evaluation pass.
 *
 * @param images  examples evaluated (unreadable ones excluded)
 * @param loss    mean cross-entropy of the (view-averaged) softmax at the true class
 * @param top1    fraction whose most probable class is the label
 * @param top5    fraction whose label is among the five most probable classes
 * @param skipped unreadable examples skipped
 */
public record EvalResult(long images, double loss, double top1, double top5, int skipped) {
}
