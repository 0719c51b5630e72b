package com.example.consumer;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.backend.Backends;
import io.github.alexnetjava.model.AlexNet;
import io.github.alexnetjava.nn.Network;
import io.github.alexnetjava.nn.Pass;
import io.github.alexnetjava.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Uses alexnet-core as a third party would: by its public API, found by Maven coordinates. */
class ConsumerTest {

    @Test
    void smallAlexNetForwardOnTheCpuBackend() {
        try (Backend backend = Backends.create("cpu")) {
            Network net = AlexNet.small(backend, 1, 28, 10, 42L);
            float[] pixels = new float[2 * 28 * 28];
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (i % 28) / 28f;
            }
            Tensor x = backend.fromArray(pixels, 2, 1, 28, 28);
            Tensor logits = net.forward(x, Pass.inference());
            assertArrayEquals(new int[] {2, 10}, logits.shape());
            for (float v : logits.toArray()) {
                assertTrue(Float.isFinite(v), "logit " + v);
            }
        }
    }
}
