package io.github.alexnetjava.parallel;

import io.github.alexnetjava.backend.BackendOptions;
import io.github.alexnetjava.backend.cpu.CpuBackend;
import io.github.alexnetjava.nn.Network;
import io.github.alexnetjava.optim.LearningRateSchedule;
import io.github.alexnetjava.optim.Sgd;
import io.github.alexnetjava.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A split model's weights and momentum go through the single-device layout (what checkpoints hold) and come back
 * exactly: a model restored that way continues bit for bit like the one that kept running.
 */
class SplitStateTest {
    @Test
    void stateRoundTripsThroughTheSingleDeviceLayoutBitForBit() {
        TowerConfig cfg = ModelParallelEquivalenceTest.TINY;
        try (CpuBackend host = new CpuBackend(new BackendOptions(1, 0)); DeviceGroup g = DeviceGroup.cpu(2);
             DeviceGroup g2 = DeviceGroup.cpu(2)) {
            Network net = ModelParallelEquivalenceTest.single(host, Connectivity.PAPER);
            ModelParallelAlexNet a = ModelParallelAlexNet.fromNetwork(g, cfg, Connectivity.PAPER, net);
            Sgd sa = Sgd.paper(LearningRateSchedule.constant(0.01));
            for (int step = 0; step < 3; step++) {
                a.trainStep(batch(host, step), labels(step), sa);
            }
            // Save through the single-device layout, restore into a second split model on other devices.
            Network shadow = cfg.singleDevice(host, Connectivity.PAPER, ModelParallelEquivalenceTest.SEED);
            Sgd shadowSgd = Sgd.paper(LearningRateSchedule.constant(0.01));
            a.storeState(shadow, sa, shadowSgd);
            assertEquals(3, shadowSgd.iteration());
            ModelParallelAlexNet b = ModelParallelAlexNet.fromNetwork(g2, cfg, Connectivity.PAPER, shadow);
            Sgd sb = Sgd.paper(LearningRateSchedule.constant(0.01));
            b.loadState(shadow, shadowSgd, sb);
            for (int step = 3; step < 5; step++) {
                float la = a.trainStep(batch(host, step), labels(step), sa);
                float lb = b.trainStep(batch(host, step), labels(step), sb);
                assertEquals(la, lb, 0f, "loss at step " + step);
            }
            Map<String, float[]> wa = a.weights();
            Map<String, float[]> wb = b.weights();
            for (String name : wa.keySet()) {
                assertArrayEquals(wa.get(name), wb.get(name), name);
            }
        }
    }

    private static Tensor batch(CpuBackend host, int step) {
        return SplitAssert.randomImages(host, ModelParallelEquivalenceTest.BATCH,
                ModelParallelEquivalenceTest.TINY.inputShape(), 300 + step);
    }

    private static int[] labels(int step) {
        return SplitAssert.randomLabels(ModelParallelEquivalenceTest.BATCH, 10, 400 + step);
    }
}
