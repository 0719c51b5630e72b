package io.github.alexnetjava.optim;

/**
 * The learning rate ε over training. Schedules change only at epoch ends, so their whole state is a few numbers
 * that checkpoints store ({@link #state()} / {@link #restore(double[])}).
 */
public interface LearningRateSchedule {

    /** The current learning rate. */
    float learningRate();

    /** Called after each epoch with the validation error (top-1, in [0, 1]; NaN if not measured). */
    default void epochEnd(int epoch, double validationError) {
    }

    /** A short description, e.g. {@code step(0.01, every 30 epochs x0.1)}. */
    String describe();

    /** The mutable state, for checkpoints. */
    double[] state();

    void restore(double[] state);

    static LearningRateSchedule constant(double lr) {
        return new ConstantSchedule(lr);
    }

    static LearningRateSchedule step(double lr, int everyEpochs, double factor) {
        return new StepSchedule(lr, everyEpochs, factor);
    }

    /** The paper's rule: divide by 10 when the validation error stops improving. */
    static LearningRateSchedule plateau(double lr) {
        return new PlateauSchedule(lr, 0.1, 1, 1e-4);
    }
}
