package io.github.alexnetjava.model;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.backend.Conv2dSpec;
import io.github.alexnetjava.backend.PoolSpec;
import io.github.alexnetjava.nn.Conv2d;
import io.github.alexnetjava.nn.Dense;
import io.github.alexnetjava.nn.Flatten;
import io.github.alexnetjava.nn.Layer;
import io.github.alexnetjava.nn.MaxPool2d;
import io.github.alexnetjava.nn.Network;
import io.github.alexnetjava.nn.Relu;
import io.github.alexnetjava.nn.Tanh;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The small networks of the paper's experiments. {@link #fourLayer} is the "four-layer convolutional neural
 * network" of figure 1 (ReLU against tanh): two convolutional and two fully connected layers, for 1x28x28 input
 * (Fashion-MNIST; the paper used CIFAR-10, whose exact layer sizes it does not give):
 * <pre>
 *   conv1 32@5x5 pad 2 → act → max-pool 2/2 → conv2 64@5x5 pad 2 → act → max-pool 2/2 → flatten (64x7x7)
 *   → fc3 256 → act → fc4 10
 * </pre>
 * There is deliberately no dropout, no LRN and (set by the caller) no weight decay: figure 1 compares the
 * non-linearities alone, "no regularization of any kind was employed".
 */
public final class SmallCnn {
    /** The non-linearity after each hidden layer. */
    public enum Activation { RELU, TANH }

    /** How the weights (and biases) start. */
    public enum Init {
        /** He et al.: N(0, 2/fan_in), biases 0 ({@link Initialization#he}). */
        HE,
        /** The paper's N(0, 0.01²) with every bias 0 (figure 1's network has no "bias 1" layers here). */
        PAPER,
        /** PyTorch's default U(±1/sqrt(fan_in)) for weights and biases ({@link Initialization#pytorchDefault}). */
        PYTORCH_DEFAULT;

        /** Parses {@code he}, {@code paper} or {@code pytorch-default}. */
        public static Init parse(String s) {
            return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private SmallCnn() {
    }

    /** The figure-1 network for 1x28x28 input and 10 classes. */
    public static Network fourLayer(Backend b, Activation activation, long seed, Init init) {
        return fourLayer(b, activation, seed, init, 1, 28, 10);
    }

    /**
     * @param size image side; must be divisible by 4
     */
    public static Network fourLayer(Backend b, Activation activation, long seed, Init init, int channels, int size,
            int classes) {
        if (size % 4 != 0 || size < 4) {
            throw new IllegalArgumentException("the four-layer CNN needs a side divisible by 4, got " + size);
        }
        PoolSpec pool = new PoolSpec(2, 2, 0);
        List<Layer> l = new ArrayList<>();
        l.add(new Conv2d(b, "conv1", Conv2dSpec.of(channels, 32, 5, 1, 2, 1)));
        l.add(act(activation, "act1"));
        l.add(new MaxPool2d("pool1", pool));
        l.add(new Conv2d(b, "conv2", Conv2dSpec.of(32, 64, 5, 1, 2, 1)));
        l.add(act(activation, "act2"));
        l.add(new MaxPool2d("pool2", pool));
        l.add(new Flatten("flatten"));
        int s = size / 4;
        l.add(new Dense(b, "fc3", 64 * s * s, 256));
        l.add(act(activation, "act3"));
        l.add(new Dense(b, "fc4", 256, classes));
        Network n = new Network("cnn4-" + activation.name().toLowerCase(Locale.ROOT), b,
                new int[] {channels, size, size}, l, seed);
        switch (init) {
            case HE -> Initialization.he(n.parameters(), seed);
            case PAPER -> Initialization.paper(n.parameters(), seed, 0.01, Set.of());
            case PYTORCH_DEFAULT -> Initialization.pytorchDefault(n.parameters(), seed);
            default -> throw new IllegalArgumentException("unknown init " + init);
        }
        return n;
    }

    private static Layer act(Activation a, String name) {
        return a == Activation.RELU ? new Relu(name) : new Tanh(name);
    }
}
