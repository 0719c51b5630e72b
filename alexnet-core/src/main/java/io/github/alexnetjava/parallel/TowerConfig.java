package io.github.alexnetjava.parallel;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.backend.Conv2dSpec;
import io.github.alexnetjava.backend.LrnSpec;
import io.github.alexnetjava.backend.PoolSpec;
import io.github.alexnetjava.model.Initialization;
import io.github.alexnetjava.nn.Conv2d;
import io.github.alexnetjava.nn.Dense;
import io.github.alexnetjava.nn.Dropout;
import io.github.alexnetjava.nn.Flatten;
import io.github.alexnetjava.nn.Layer;
import io.github.alexnetjava.nn.LocalResponseNorm;
import io.github.alexnetjava.nn.MaxPool2d;
import io.github.alexnetjava.nn.Network;
import io.github.alexnetjava.nn.Relu;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The topology of the paper's network, independent of how it is placed: five conv layers (conv1, conv2 and conv5
 * followed by max-pooling; conv1 and conv2 by LRN), then fc6, fc7 (with ReLU and dropout) and fc8. {@link #paper}
 * is figure 2 of the paper; {@link #tiny} keeps the topology with few maps and small images for fast tests.
 *
 * @param maps    output maps of conv1..conv5 summed over both towers (paper: 96, 256, 384, 384, 256); each even
 * @param kernels square kernel of conv1..conv5
 * @param strides stride of conv1..conv5
 * @param pads    zero padding of conv1..conv5
 * @param hidden  neurons of fc6 and fc7 over both towers (paper: 4096); even
 * @param lrn     the LRN of one tower (groups 1); on one device it runs with 2 groups
 */
public record TowerConfig(String name, int inChannels, int imageSize, int[] maps, int[] kernels, int[] strides,
                          int[] pads, int hidden, int classes, LrnSpec lrn, float dropout) {

    public static final PoolSpec POOL = PoolSpec.overlapping();

    public TowerConfig {
        maps = maps.clone();
        kernels = kernels.clone();
        strides = strides.clone();
        pads = pads.clone();
        if (maps.length != 5 || kernels.length != 5 || strides.length != 5 || pads.length != 5) {
            throw new IllegalArgumentException("a tower config needs 5 conv layers");
        }
        for (int m : maps) {
            if (m <= 0 || m % 2 != 0) {
                throw new IllegalArgumentException("conv map counts must be positive and even (two towers), got "
                        + Arrays.toString(maps));
            }
        }
        if (hidden <= 0 || hidden % 2 != 0 || classes < 2) {
            throw new IllegalArgumentException("hidden must be positive and even and classes >= 2, got hidden "
                    + hidden + ", classes " + classes);
        }
        if (lrn.groups() != 1) {
            throw new IllegalArgumentException("give the LRN of one tower (groups 1), got groups " + lrn.groups());
        }
        if (spatial(imageSize, kernels, strides, pads)[7] < 1) {
            throw new IllegalArgumentException("image size " + imageSize + " is too small for this topology");
        }
    }

    /** The paper's network (figure 2): 3x227x227 input. */
    public static TowerConfig paper(int classes) {
        return new TowerConfig("alexnet", 3, 227, new int[] {96, 256, 384, 384, 256}, new int[] {11, 5, 3, 3, 3},
                new int[] {4, 1, 1, 1, 1}, new int[] {0, 2, 1, 1, 1}, 4096, classes, LrnSpec.paper(), 0.5f);
    }

    /**
     * The paper's topology shrunk for tests: 3x51x51 input, conv1 7x7 stride 2, maps 8/16/24/24/16, pool5 2x2, 32
     * hidden neurons (about 50,000 parameters).
     */
    public static TowerConfig tiny(int classes) {
        return new TowerConfig("alexnet-tiny", 3, 51, new int[] {8, 16, 24, 24, 16}, new int[] {7, 5, 3, 3, 3},
                new int[] {2, 1, 1, 1, 1}, new int[] {0, 2, 1, 1, 1}, 32, classes, LrnSpec.paper(), 0.5f);
    }

    /**
     * {@code AlexNet.small}'s topology (5x5 convs with padding 2, maps 32/64/96/96/64, 256 hidden): for
     * {@link Connectivity#PAPER} {@link #singleDevice} is exactly {@code AlexNet.small(b, channels, size, ...)}.
     */
    public static TowerConfig small(int channels, int size, int classes) {
        return new TowerConfig("alexnet-small", channels, size, new int[] {32, 64, 96, 96, 64},
                new int[] {5, 5, 3, 3, 3}, new int[] {1, 1, 1, 1, 1}, new int[] {2, 2, 1, 1, 1}, 256, classes,
                LrnSpec.paper(), 0.5f);
    }

    /**
     * The two-tower config of a model {@link io.github.alexnetjava.model.AlexNet#create} builds: {@code alexnet}
     * or {@code alexnet-small} (1x28x28); {@code alexnet-torchvision} has no two-tower form.
     */
    public static TowerConfig forModel(String model, int classes) {
        switch (model) {
            case "alexnet":
                return paper(classes);
            case "alexnet-small":
                return small(1, 28, classes);
            default:
                throw new IllegalArgumentException("model '" + model + "' has no two-tower form; use alexnet or"
                        + " alexnet-small");
        }
    }

    /** The conv spec of conv {@code i} (1..5) on one device with the given groups and input channels. */
    Conv2dSpec conv(int i, int in, int out, int groups) {
        return Conv2dSpec.of(in, out, kernels[i - 1], strides[i - 1], pads[i - 1], groups);
    }

    /** Input channels of conv {@code i} (1..5) over both towers. */
    public int convInputs(int i) {
        return i == 1 ? inChannels : maps[i - 2];
    }

    /**
     * Spatial sizes: {@code [conv1, pool1, conv2, pool2, conv3, conv4, conv5, pool5]}.
     */
    public int[] spatial() {
        return spatial(imageSize, kernels, strides, pads);
    }

    private static int[] spatial(int size, int[] k, int[] s, int[] p) {
        int c1 = (size + 2 * p[0] - k[0]) / s[0] + 1;
        int p1 = POOL.out(c1);
        int c2 = (p1 + 2 * p[1] - k[1]) / s[1] + 1;
        int p2 = POOL.out(c2);
        int c3 = (p2 + 2 * p[2] - k[2]) / s[2] + 1;
        int c4 = (c3 + 2 * p[3] - k[3]) / s[3] + 1;
        int c5 = (c4 + 2 * p[4] - k[4]) / s[4] + 1;
        int p5 = c5 >= POOL.kernel() ? POOL.out(c5) : 0;
        return new int[] {c1, p1, c2, p2, c3, c4, c5, p5};
    }

    /** Inputs of fc6: all of pool5 over both towers. */
    public int fc6Inputs() {
        int p5 = spatial()[7];
        return maps[4] * p5 * p5;
    }

    /** One example's input shape {@code [C, H, W]}. */
    public int[] inputShape() {
        return new int[] {inChannels, imageSize, imageSize};
    }

    /**
     * The single-device network this placement is equivalent to: conv layers that read both towers are ungrouped,
     * the others have 2 groups, both LRNs normalise within 2 groups, and the layer names, order and initialisation
     * (the paper's, keyed by {@code seed}) are those of {@link io.github.alexnetjava.model.AlexNet#paper}: for
     * {@link #paper} with {@link Connectivity#PAPER} this is exactly {@code AlexNet.paper(b, classes, seed)}.
     */
    public Network singleDevice(Backend b, Connectivity c, long seed) {
        LrnSpec lrn2 = lrn.withGroups(2);
        List<Layer> l = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            l.add(new Conv2d(b, "conv" + i, conv(i, convInputs(i), maps[i - 1], c.singleDeviceGroups(i))));
            l.add(new Relu("relu" + i));
            if (i <= 2) {
                l.add(new LocalResponseNorm("norm" + i, lrn2));
            }
            if (i == 1 || i == 2 || i == 5) {
                l.add(new MaxPool2d("pool" + i, POOL));
            }
        }
        l.add(new Flatten("flatten"));
        l.add(new Dense(b, "fc6", fc6Inputs(), hidden));
        l.add(new Relu("relu6"));
        l.add(new Dropout("drop6", dropout, 6));
        l.add(new Dense(b, "fc7", hidden, hidden));
        l.add(new Relu("relu7"));
        l.add(new Dropout("drop7", dropout, 7));
        l.add(new Dense(b, "fc8", hidden, classes));
        String netName = c == Connectivity.PAPER ? name : name + "-" + c.label();
        Network n = new Network(netName, b, inputShape(), l, seed);
        Initialization.paper(n.parameters(), seed, 0.01, ONES_BIAS);
        return n;
    }

    /** Layers whose bias starts at 1 in the paper's initialisation. */
    static final Set<String> ONES_BIAS = Set.of("conv2", "conv4", "conv5", "fc6", "fc7");

    @Override
    public boolean equals(Object o) {
        return o instanceof TowerConfig t && name.equals(t.name) && inChannels == t.inChannels
                && imageSize == t.imageSize && Arrays.equals(maps, t.maps) && Arrays.equals(kernels, t.kernels)
                && Arrays.equals(strides, t.strides) && Arrays.equals(pads, t.pads) && hidden == t.hidden
                && classes == t.classes && lrn.equals(t.lrn) && dropout == t.dropout;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(maps);
    }

    @Override
    public int[] maps() {
        return maps.clone();
    }
}
