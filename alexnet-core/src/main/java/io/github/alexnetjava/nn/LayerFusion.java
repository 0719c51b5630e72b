package io.github.alexnetjava.nn;

import java.util.List;

/**
 * Fuses the in-place ReLUs of a chain of layers into their neighbours, so that no pass over memory is left for the
 * ReLU itself: a {@link Conv2d} right before one rectifies its output in the pass that adds the bias, while each
 * image's output is still in cache ({@link io.github.alexnetjava.backend.Backend#conv2dForwardRelu}), and a
 * {@link LocalResponseNorm}, {@link MaxPool2d}, {@link Conv2d} or {@link Dropout} right after one applies the ReLU's
 * gradient to the input gradient it writes ({@code ...BackwardRelu} in the backend). The ReLU layer then does
 * nothing in that direction. Results are bit for bit those of the layers run apart. On by default;
 * {@code -Dalexnet.fuseRelu=false} turns it off for networks built afterwards (e.g. to time the layers apart).
 */
public final class LayerFusion {
    private LayerFusion() {
    }

    /** Whether networks fuse their ReLUs ({@code alexnet.fuseRelu}, default true). */
    public static boolean enabled() {
        return Boolean.parseBoolean(System.getProperty("alexnet.fuseRelu", "true"));
    }

    /**
     * Fuses every in-place {@link Relu} of {@code layers} (a chain run in list order) with the layer before and the
     * layer after where they can take it, when {@link #enabled()}; returns the number of fusions made.
     */
    public static int fuseRelus(List<? extends Layer> layers) {
        if (!enabled()) {
            return 0;
        }
        int fused = 0;
        for (int i = 0; i < layers.size(); i++) {
            if (!(layers.get(i) instanceof Relu relu) || !relu.inPlace()) {
                continue;
            }
            if (i > 0 && layers.get(i - 1) instanceof Conv2d conv) {
                conv.fuseRelu();
                relu.appliedByProducer();
                fused++;
            }
            if (i + 1 < layers.size() && takesReluGradient(layers.get(i + 1))) {
                relu.gradientAppliedByConsumer();
                fused++;
            }
        }
        return fused;
    }

    /** Tells {@code next} to apply the ReLU gradient if it can; returns whether it will. */
    private static boolean takesReluGradient(Layer next) {
        if (next instanceof LocalResponseNorm lrn) {
            lrn.applyReluGradient();
            return true;
        }
        if (next instanceof MaxPool2d pool) {
            pool.applyReluGradient();
            return true;
        }
        if (next instanceof Conv2d conv && conv.inputGradientNeeded()) {
            conv.applyReluGradient();
            return true;
        }
        if (next instanceof Dropout dropout) {
            dropout.applyReluGradient();
            return true;
        }
        return false;
    }
}
