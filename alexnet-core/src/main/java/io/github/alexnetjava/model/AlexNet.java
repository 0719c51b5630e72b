package io.github.alexnetjava.model;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.backend.Conv2dSpec;
import io.github.alexnetjava.backend.LrnSpec;
import io.github.alexnetjava.backend.PoolSpec;
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
import java.util.List;
import java.util.Set;

/**
 * Builders for the AlexNet family.
 *
 * <ul>
 *   <li>{@link #paper}: the network of Krizhevsky, Sutskever and Hinton (2012), figure 2, on one device. The paper
 *   says 224x224 inputs, but conv1 (11x11, stride 4, no padding) only yields its stated 55x55 maps from 227x227,
 *   so the input is 3x227x227. The two-GPU split is expressed with groups: conv2, conv4 and conv5 have 2 groups
 *   (each GPU's kernels see only that GPU's maps), conv3 and the fully connected layers see everything, and both
 *   LRN layers normalise within each half of the channels (each GPU normalises its own maps). 60,965,224
 *   parameters with 1000 classes.</li>
 *   <li>{@link #torchvision}: torchvision's {@code alexnet} (from "One weird trick", 2014): 224 input, 64/192/384/
 *   256/256 maps, no LRN, no groups, dropout before fc6 and fc7; 61,100,840 parameters.</li>
 *   <li>{@link #small}: the same layer types scaled down for 28x28 grey or 32x32 colour images.</li>
 *   <li>{@link #small3x3}: the small network with AlexNet's five conv layers moved up to the larger maps (two 3x3
 *   convs before each of the first two LRN + pools, the fifth on the 6x6 maps, no pool5), which learns
 *   Fashion-MNIST faster: 92% test top-1 in 3 epochs where {@link #small} reaches 90%.</li>
 * </ul>
 */
public final class AlexNet {
    /** Model names accepted by {@link #create}. */
    public static final List<String> MODELS = List.of("alexnet", "alexnet-torchvision", "alexnet-small",
            "alexnet-small-3x3");

    /** The small models, which take 28x28 grey (Fashion-MNIST) or 32x32 colour images. */
    public static final List<String> SMALL_MODELS = List.of("alexnet-small", "alexnet-small-3x3");

    private AlexNet() {
    }

    /** Builds a model by name with the default input for that model (small: 1x28x28). */
    public static Network create(String model, Backend backend, int classes, long seed) {
        switch (model) {
            case "alexnet":
                return paper(backend, classes, seed);
            case "alexnet-torchvision":
                return torchvision(backend, classes, seed);
            case "alexnet-small":
                return small(backend, 1, 28, classes, seed);
            case "alexnet-small-3x3":
                return small3x3(backend, 1, 28, classes, seed);
            default:
                throw new IllegalArgumentException("unknown model '" + model + "'; choose one of " + MODELS);
        }
    }

    /** The paper's AlexNet (3x227x227 input), LRN within each of the two GPUs' halves. */
    public static Network paper(Backend b, int classes, long seed) {
        return paper(b, classes, seed, 2);
    }

    /**
     * @param lrnGroups 2 normalises within each GPU's maps as in the paper's two-GPU network; 1 across all maps
     */
    public static Network paper(Backend b, int classes, long seed, int lrnGroups) {
        LrnSpec lrn = LrnSpec.paper().withGroups(lrnGroups);
        PoolSpec pool = PoolSpec.overlapping();
        List<Layer> l = new ArrayList<>();
        convRelu(b, l, 1, Conv2dSpec.of(3, 96, 11, 4, 0, 1));
        l.add(new LocalResponseNorm("norm1", lrn));
        l.add(new MaxPool2d("pool1", pool));
        convRelu(b, l, 2, Conv2dSpec.of(96, 256, 5, 1, 2, 2));
        l.add(new LocalResponseNorm("norm2", lrn));
        l.add(new MaxPool2d("pool2", pool));
        convRelu(b, l, 3, Conv2dSpec.of(256, 384, 3, 1, 1, 1));
        convRelu(b, l, 4, Conv2dSpec.of(384, 384, 3, 1, 1, 2));
        convRelu(b, l, 5, Conv2dSpec.of(384, 256, 3, 1, 1, 2));
        l.add(new MaxPool2d("pool5", pool));
        addClassifier(b, l, 256 * 6 * 6, 4096, classes, false);
        return init(new Network("alexnet", b, new int[] {3, 227, 227}, l, seed), seed);
    }

    /** torchvision's AlexNet variant (3x224x224 input). */
    public static Network torchvision(Backend b, int classes, long seed) {
        PoolSpec pool = PoolSpec.overlapping();
        List<Layer> l = new ArrayList<>();
        convRelu(b, l, 1, Conv2dSpec.of(3, 64, 11, 4, 2, 1));
        l.add(new MaxPool2d("pool1", pool));
        convRelu(b, l, 2, Conv2dSpec.of(64, 192, 5, 1, 2, 1));
        l.add(new MaxPool2d("pool2", pool));
        convRelu(b, l, 3, Conv2dSpec.of(192, 384, 3, 1, 1, 1));
        convRelu(b, l, 4, Conv2dSpec.of(384, 256, 3, 1, 1, 1));
        convRelu(b, l, 5, Conv2dSpec.of(256, 256, 3, 1, 1, 1));
        l.add(new MaxPool2d("pool5", pool));
        addClassifier(b, l, 256 * 6 * 6, 4096, classes, true);
        return init(new Network("alexnet-torchvision", b, new int[] {3, 224, 224}, l, seed), seed);
    }

    /**
     * AlexNet's layer types, scaled down for small images: conv 32@5x5 → LRN → pool, conv 64@5x5 (2 groups) → LRN →
     * pool, conv 96@3x3, conv 96@3x3 (2 groups), conv 64@3x3 (2 groups) → pool, fc 256 → dropout, fc 256 → dropout,
     * fc classes.
     *
     * @param channels 1 (grey) or 3 (colour)
     * @param size     image side, e.g. 28 (Fashion-MNIST) or 32 (CIFAR)
     */
    public static Network small(Backend b, int channels, int size, int classes, long seed) {
        return small(b, channels, size, classes, seed, 0.5f);
    }

    /**
     * As {@link #small(Backend, int, int, int, long)} with another dropout probability after fc6 and fc7 (0: no
     * dropout, which learns faster in a short run on small data sets).
     */
    public static Network small(Backend b, int channels, int size, int classes, long seed, float dropout) {
        checkDropout(dropout);
        LrnSpec lrn = LrnSpec.paper().withGroups(2);
        PoolSpec pool = PoolSpec.overlapping();
        List<Layer> l = new ArrayList<>();
        convRelu(b, l, 1, Conv2dSpec.of(channels, 32, 5, 1, 2, 1));
        l.add(new LocalResponseNorm("norm1", lrn));
        l.add(new MaxPool2d("pool1", pool));
        convRelu(b, l, 2, Conv2dSpec.of(32, 64, 5, 1, 2, 2));
        l.add(new LocalResponseNorm("norm2", lrn));
        l.add(new MaxPool2d("pool2", pool));
        convRelu(b, l, 3, Conv2dSpec.of(64, 96, 3, 1, 1, 1));
        convRelu(b, l, 4, Conv2dSpec.of(96, 96, 3, 1, 1, 2));
        convRelu(b, l, 5, Conv2dSpec.of(96, 64, 3, 1, 1, 2));
        l.add(new MaxPool2d("pool5", pool));
        int s = pool.out(pool.out(pool.out(size)));
        if (s < 1) {
            throw new IllegalArgumentException("alexnet-small needs images of at least 15x15, got " + size);
        }
        addClassifier(b, l, 64 * s * s, 256, classes, false, dropout);
        return init(new Network("alexnet-small", b, new int[] {channels, size, size}, l, seed), seed);
    }

    /**
     * A small AlexNet with its five conv layers on larger maps: conv 32@3x3, conv 32@3x3 → LRN → pool 3/2, conv
     * 64@3x3, conv 64@3x3 → LRN → pool 3/2, conv 128@3x3, fc 256 → dropout, fc 256 → dropout, fc classes; every
     * conv has stride 1, padding 1 and one group and is followed by a ReLU, and the LRN is the paper's within each
     * half of the channels (as {@link #small}). On 1x28x28 the maps are 28, 13 and 6 pixels wide, and fc6 sees
     * 128x6x6. {@link #small} pools after every conv stage down to 2x2 and reaches about 90% on Fashion-MNIST in 3
     * epochs; this one about 92% (docs/training.md).
     *
     * @param channels 1 (grey) or 3 (colour)
     * @param size     image side, e.g. 28 (Fashion-MNIST) or 32 (CIFAR); at least 7
     * @param dropout  dropout probability after fc6 and fc7 (0: none)
     */
    public static Network small3x3(Backend b, int channels, int size, int classes, long seed, float dropout) {
        checkDropout(dropout);
        LrnSpec lrn = LrnSpec.paper().withGroups(2);
        PoolSpec pool = PoolSpec.overlapping();
        int s = pool.out(pool.out(size));
        if (s < 1) {
            throw new IllegalArgumentException("alexnet-small-3x3 needs images of at least 7x7, got " + size);
        }
        List<Layer> l = new ArrayList<>();
        convRelu(b, l, 1, Conv2dSpec.of(channels, 32, 3, 1, 1, 1));
        convRelu(b, l, 2, Conv2dSpec.of(32, 32, 3, 1, 1, 1));
        l.add(new LocalResponseNorm("norm2", lrn));
        l.add(new MaxPool2d("pool2", pool));
        convRelu(b, l, 3, Conv2dSpec.of(32, 64, 3, 1, 1, 1));
        convRelu(b, l, 4, Conv2dSpec.of(64, 64, 3, 1, 1, 1));
        l.add(new LocalResponseNorm("norm4", lrn));
        l.add(new MaxPool2d("pool4", pool));
        convRelu(b, l, 5, Conv2dSpec.of(64, 128, 3, 1, 1, 1));
        addClassifier(b, l, 128 * s * s, 256, classes, false, dropout);
        return init(new Network("alexnet-small-3x3", b, new int[] {channels, size, size}, l, seed), seed);
    }

    /** {@link #small3x3(Backend, int, int, int, long, float)} with the paper's dropout, 0.5. */
    public static Network small3x3(Backend b, int channels, int size, int classes, long seed) {
        return small3x3(b, channels, size, classes, seed, 0.5f);
    }

    private static void checkDropout(float p) {
        if (!(p >= 0f && p < 1f)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        }
    }

    /** conv{i} followed by relu{i}. */
    private static void convRelu(Backend b, List<Layer> l, int i, Conv2dSpec spec) {
        l.add(new Conv2d(b, "conv" + i, spec));
        l.add(new Relu("relu" + i));
    }

    private static void addClassifier(Backend b, List<Layer> l, int in, int hidden, int classes,
            boolean dropoutFirst) {
        addClassifier(b, l, in, hidden, classes, dropoutFirst, 0.5f);
    }

    private static void addClassifier(Backend b, List<Layer> l, int in, int hidden, int classes,
            boolean dropoutFirst, float p) {
        if (classes < 2) {
            throw new IllegalArgumentException("a classifier needs at least 2 classes, got " + classes);
        }
        l.add(new Flatten("flatten"));
        if (dropoutFirst) {
            l.add(new Dropout("drop6", 0.5f, 6));
            l.add(new Dense(b, "fc6", in, hidden));
            l.add(new Relu("relu6"));
            l.add(new Dropout("drop7", 0.5f, 7));
            l.add(new Dense(b, "fc7", hidden, hidden));
            l.add(new Relu("relu7"));
        } else {
            l.add(new Dense(b, "fc6", in, hidden));
            l.add(new Relu("relu6"));
            if (p > 0) {
                l.add(new Dropout("drop6", p, 6));
            }
            l.add(new Dense(b, "fc7", hidden, hidden));
            l.add(new Relu("relu7"));
            if (p > 0) {
                l.add(new Dropout("drop7", p, 7));
            }
        }
        l.add(new Dense(b, "fc8", hidden, classes));
    }

    private static Network init(Network n, long seed) {
        Initialization.paper(n.parameters(), seed, 0.01, Set.of("conv2", "conv4", "conv5", "fc6", "fc7"));
        return n;
    }
}
