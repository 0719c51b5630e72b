package io.github.alexnetjava.nn;

import java.util.List;

/**
 * Fuses a convolution with the in-place ReLU that follows it: the convolution rectifies its output in the pass that
 * adds the bias, while each image's output is still in cache ({@link io.github.alexnetjava.backend.Backend#conv2dForwardRelu}),
 * and the ReLU layer's forward pass then has nothing left to do. Results are bit for bit those of the two layers run
 * apart; the ReLU's backward pass is unchanged (it reads the rectified output). On by default;
 * {@code -Dalexnet.fuseRelu=false} turns it off for networks built afterwards (e.g. to time the layers apart).
 */
public final class LayerFusion {
    private LayerFusion() {
    }

    /** Whether networks fuse their conv + ReLU pairs ({@code alexnet.fuseRelu}, default true). */
    public static boolean enabled() {
        return Boolean.parseBoolean(System.getProperty("alexnet.fuseRelu", "true"));
    }

    /**
     * Fuses every {@link Conv2d} directly followed by an in-place {@link Relu} in {@code layers} (a chain run in list
     * order), when {@link #enabled()}; returns the number of pairs fused.
     */
    public static int convRelu(List<? extends Layer> layers) {
        if (!enabled()) {
            return 0;
        }
        int fused = 0;
        for (int i = 0; i + 1 < layers.size(); i++) {
            if (layers.get(i) instanceof Conv2d conv && layers.get(i + 1) instanceof Relu relu && relu.inPlace()) {
                conv.fuseRelu();
                relu.appliedByProducer();
                fused++;
            }
        }
        return fused;
    }
}
