package io.github.alexnetjava.optim;

/** A fixed learning rate. */
public final class ConstantSchedule implements LearningRateSchedule {
    private final double lr;

    public ConstantSchedule(double lr) {
        if (!(lr > 0)) {
            throw new IllegalArgumentException("learning rate must be positive, got " + lr);
        }
        this.lr = lr;
    }

    @Override
    public float learningRate() {
        return (float) lr;
    }

    @Override
    public String describe() {
        return "constant(" + lr + ")";
    }

    @Override
    public double[] state() {
        return new double[0];
    }

    @Override
    public void restore(double[] state) {
    }
}
