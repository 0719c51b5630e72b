package io.github.alexnetjava.optim;

/**
 * The paper's heuristic: "divide the learning rate by 10 when the validation error rate stopped improving with
 * the current learning rate". After {@code patience} epochs without an improvement larger than
 * {@code minDelta}, the rate is multiplied by {@code factor}.
 */
public final class PlateauSchedule implements LearningRateSchedule {
    private final double factor;
    private final int patience;
    private final double minDelta;
    private double lr;
    private double best = Double.POSITIVE_INFINITY;
    private int bad;

    public PlateauSchedule(double lr, double factor, int patience, double minDelta) {
        if (!(lr > 0) || !(factor > 0 && factor < 1) || patience < 1) {
            throw new IllegalArgumentException("plateau schedule needs lr > 0, 0 < factor < 1, patience >= 1; got "
                    + lr + ", " + factor + ", " + patience);
        }
        this.lr = lr;
        this.factor = factor;
        this.patience = patience;
        this.minDelta = minDelta;
    }

    @Override
    public float learningRate() {
        return (float) lr;
    }

    @Override
    public void epochEnd(int epoch, double validationError) {
        if (Double.isNaN(validationError)) {
            return;
        }
        if (validationError < best - minDelta) {
            best = validationError;
            bad = 0;
        } else if (++bad >= patience) {
            lr *= factor;
            bad = 0;
        }
    }

    @Override
    public String describe() {
        return "plateau(" + lr + ", x" + factor + " after " + patience + " epochs without improvement)";
    }

    @Override
    public double[] state() {
        return new double[] {lr, best, bad};
    }

    @Override
    public void restore(double[] state) {
        lr = state[0];
        best = state[1];
        bad = (int) state[2];
    }
}
