package io.github.alexnetjava.optim;

/** Multiplies the learning rate by {@code factor} every {@code everyEpochs} epochs. */
public final class StepSchedule implements LearningRateSchedule {
    private final double base;
    private final int every;
    private final double factor;
    private int epochs;

    public StepSchedule(double lr, int everyEpochs, double factor) {
        if (!(lr > 0) || everyEpochs <= 0 || !(factor > 0)) {
            throw new IllegalArgumentException("step schedule needs lr > 0, epochs > 0, factor > 0; got " + lr
                    + ", " + everyEpochs + ", " + factor);
        }
        this.base = lr;
        this.every = everyEpochs;
        this.factor = factor;
    }

    @Override
    public float learningRate() {
        return (float) (base * Math.pow(factor, epochs / every));
    }

    @Override
    public void epochEnd(int epoch, double validationError) {
        epochs++;
    }

    @Override
    public String describe() {
        return "step(" + base + ", x" + factor + " every " + every + " epochs)";
    }

    @Override
    public double[] state() {
        return new double[] {epochs};
    }

    @Override
    public void restore(double[] state) {
        epochs = (int) state[0];
    }
}
