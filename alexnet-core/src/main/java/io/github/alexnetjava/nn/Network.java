package io.github.alexnetjava.nn;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.optim.Sgd;
import io.github.alexnetjava.tensor.ShapeMismatchException;
import io.github.alexnetjava.tensor.Shapes;
import io.github.alexnetjava.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A feed-forward stack of layers ending in logits, trained with softmax cross-entropy. It runs forward, backward
 * and the optimiser update; its dropout masks are keyed by {@link #seed()} and the optimiser's iteration, so a
 * run is reproducible bit for bit and resumable from a checkpoint.
 *
 * <p>Finite checks: with {@link #setCheckFinite(boolean)} (or {@code -Dalexnet.checkFinite=true}) every training
 * batch and loss is checked for NaN/infinity and a {@link NonFiniteException} names the step.
 */
public final class Network implements TrainableModel {
    private final String name;
    private final Backend backend;
    private final int[] inputShape;
    private final List<Layer> layers;
    private final SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
    private final long seed;
    private boolean checkFinite = Boolean.getBoolean("alexnet.checkFinite");

    /**
     * @param inputShape one example's shape, e.g. {@code [3, 227, 227]}
     */
    public Network(String name, Backend backend, int[] inputShape, List<Layer> layers, long seed) {
        this.name = name;
        this.backend = backend;
        this.inputShape = inputShape.clone();
        this.layers = List.copyOf(layers);
        this.seed = seed;
        if (this.layers.isEmpty()) {
            throw new IllegalArgumentException("network '" + name + "' has no layers");
        }
        this.layers.get(0).setInputGradientNeeded(false);
        summary(1); // validates that the layers' shapes chain
        LayerFusion.fuseRelus(this.layers);
    }

    public String name() {
        return name;
    }

    @Override
    public Backend backend() {
        return backend;
    }

    /** One example's shape (without the batch dimension). */
    public int[] inputShape() {
        return inputShape.clone();
    }

    /** The number of output classes. */
    @Override
    public int classes() {
        int[] s = outputShape(1);
        return s[1];
    }

    public long seed() {
        return seed;
    }

    public List<Layer> layers() {
        return layers;
    }

    public Layer layer(String layerName) {
        for (Layer l : layers) {
            if (l.name().equals(layerName)) {
                return l;
            }
        }
        throw new IllegalArgumentException("network '" + name + "' has no layer '" + layerName + "'");
    }

    public void setCheckFinite(boolean on) {
        checkFinite = on;
    }

    /** All parameters in layer order. */
    public List<Parameter> parameters() {
        List<Parameter> ps = new ArrayList<>();
        for (Layer l : layers) {
            ps.addAll(l.parameters());
        }
        return Collections.unmodifiableList(ps);
    }

    public Parameter parameter(String paramName) {
        for (Parameter p : parameters()) {
            if (p.name().equals(paramName)) {
                return p;
            }
        }
        throw new IllegalArgumentException("network '" + name + "' has no parameter '" + paramName + "'");
    }

    public long parameterCount() {
        long n = 0;
        for (Parameter p : parameters()) {
            n += p.size();
        }
        return n;
    }

    public int[] outputShape(int batch) {
        int[] s = batchShape(batch);
        for (Layer l : layers) {
            s = l.outputShape(s);
        }
        return s;
    }

    /** Layer-by-layer output shapes and parameter counts for a batch size. */
    public List<LayerSummary> summary(int batch) {
        List<LayerSummary> rows = new ArrayList<>();
        int[] s = batchShape(batch);
        for (Layer l : layers) {
            s = l.outputShape(s);
            long params = 0;
            for (Parameter p : l.parameters()) {
                params += p.size();
            }
            rows.add(new LayerSummary(l.name(), l.getClass().getSimpleName(), s, params));
        }
        return rows;
    }

    private int[] batchShape(int batch) {
        int[] s = new int[inputShape.length + 1];
        s[0] = batch;
        System.arraycopy(inputShape, 0, s, 1, inputShape.length);
        return s;
    }

    /** Checks that {@code x} is a batch of this network's input. */
    public void checkInput(Tensor x) {
        int[] s = x.shape();
        boolean ok = s.length == inputShape.length + 1;
        for (int i = 0; ok && i < inputShape.length; i++) {
            ok = s[i + 1] == inputShape[i];
        }
        if (!ok) {
            throw new ShapeMismatchException(name + ": input batch expected shape [N, "
                    + Shapes.toString(inputShape).substring(1) + " but got " + x.shapeString());
        }
    }

    /** Runs all layers and returns the logits {@code [N, classes]}. */
    public Tensor forward(Tensor x, Pass pass) {
        checkInput(x);
        Tensor t = x;
        for (Layer l : layers) {
            t = l.forward(t, pass);
        }
        return t;
    }

    /** Backpropagates dL/dlogits through every layer, writing each parameter's gradient. */
    public void backward(Tensor dlogits) {
        Tensor g = dlogits;
        for (int i = layers.size() - 1; i >= 0 && g != null; i--) {
            g = layers.get(i).backward(g);
        }
    }

    /** Forward with dropout keyed by the optimiser's iteration, loss, backward: gradients are left in the parameters. */
    public float computeGradients(Tensor x, int[] labels, long step) {
        if (checkFinite && !backend.allFinite(x)) {
            throw new NonFiniteException(name + ": training batch at step " + step
                    + " contains NaN or infinite values; check the data source");
        }
        Tensor logits = forward(x, Pass.training(seed, step));
        float l = loss.forward(logits, labels);
        if (checkFinite && !Float.isFinite(l)) {
            throw new NonFiniteException(name + ": loss is " + l + " at step " + step
                    + "; the learning rate is probably too high");
        }
        backward(loss.backward());
        return l;
    }

    /** One SGD step on a batch; returns the batch's mean loss before the update. */
    @Override
    public float trainStep(Tensor x, int[] labels, Sgd sgd) {
        float l = computeGradients(x, labels, sgd.iteration());
        sgd.step(parameters());
        return l;
    }

    /**
     * The softmax probabilities {@code [N, classes]} of the last training forward pass ({@link #trainStep} or
     * {@link #computeGradients}), with that pass's dropout; for training accuracy. Overwritten by the next training
     * step; null before the first.
     */
    @Override
    public Tensor lastTrainingProbabilities() {
        return loss.probabilities();
    }

    /** Softmax probabilities for a batch, without dropout. */
    @Override
    public Tensor predict(Tensor x) {
        return SoftmaxCrossEntropy.softmax(forward(x, Pass.inference()));
    }
}
