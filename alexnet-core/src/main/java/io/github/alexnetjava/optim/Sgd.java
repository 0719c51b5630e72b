package io.github.alexnetjava.optim;

import io.github.alexnetjava.nn.Parameter;
import io.github.alexnetjava.tensor.Tensor;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with the paper's update rule (section 5):
 * <pre>  v ← momentum·v − weightDecay·ε·w − ε·∂L/∂w;   w ← w + v</pre>
 * with momentum 0.9 and weight decay 0.0005 by default. Weight decay applies to {@link Parameter.Kind#WEIGHT}
 * parameters only unless {@link #setDecayBiases(boolean)} is set (Caffe's AlexNet also leaves biases undecayed;
 * the paper does not say). For a constant ε this equals PyTorch's SGD (v' = m·v' + g + wd·w; w -= ε·v') with
 * v = −ε·v'.
 */
public final class Sgd {
    private final float momentum;
    private final float weightDecay;
    private final LearningRateSchedule schedule;
    private boolean decayBiases;
    private final Map<Parameter, Tensor> velocity = new IdentityHashMap<>();
    private long iteration;

    public Sgd(float momentum, float weightDecay, LearningRateSchedule schedule) {
        if (!(momentum >= 0f && momentum < 1f) || !(weightDecay >= 0f)) {
            throw new IllegalArgumentException("SGD needs 0 <= momentum < 1 and weight decay >= 0, got momentum "
                    + momentum + ", weight decay " + weightDecay);
        }
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        this.schedule = schedule;
    }

    /** The paper's optimiser: momentum 0.9, weight decay 0.0005. */
    public static Sgd paper(LearningRateSchedule schedule) {
        return new Sgd(0.9f, 0.0005f, schedule);
    }

    public void setDecayBiases(boolean on) {
        decayBiases = on;
    }

    /** Whether biases are decayed too (see {@link #setDecayBiases(boolean)}). */
    public boolean decayBiases() {
        return decayBiases;
    }

    public float momentum() {
        return momentum;
    }

    public float weightDecay() {
        return weightDecay;
    }

    public LearningRateSchedule schedule() {
        return schedule;
    }

    /** Updates performed so far; also the step that keys dropout masks. */
    public long iteration() {
        return iteration;
    }

    public void setIteration(long it) {
        iteration = it;
    }

    /** The momentum buffer of a parameter (zero until the first update). */
    public Tensor velocity(Parameter p) {
        return velocity.computeIfAbsent(p, q -> q.value().backend().allocate(q.shape()));
    }

    /** Applies one update to every parameter from its current gradient. */
    public void step(List<Parameter> params) {
        float lr = schedule.learningRate();
        for (Parameter p : params) {
            float decay = p.kind() == Parameter.Kind.WEIGHT || decayBiases ? weightDecay : 0f;
            p.value().backend().sgdUpdate(lr, momentum, decay, p.value(), p.grad(), velocity(p));
        }
        iteration++;
    }
}
