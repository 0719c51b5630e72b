package io.github.alexnetjava.parallel;

import io.github.alexnetjava.backend.BackendOptions;
import io.github.alexnetjava.backend.cpu.CpuBackend;
import io.github.alexnetjava.model.AlexNet;
import io.github.alexnetjava.nn.Network;
import io.github.alexnetjava.nn.Parameter;
import io.github.alexnetjava.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.github.alexnetjava.parallel.SplitAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The real paper network ({@code AlexNet.paper}, 60,965,224 parameters) split over two CPU devices: one training
 * step at batch 2 gives the same loss and gradients as on one device, and the exchange is the documented
 * 468,992 bytes per image.
 */
class PaperShapesSplitTest {

    @Test
    void paperAlexNetSplitOverTwoDevicesMatchesOneDeviceForOneStep() {
        TowerConfig cfg = TowerConfig.paper(1000);
        try (CpuBackend host = new CpuBackend(new BackendOptions(2, 0)); DeviceGroup g = DeviceGroup.cpu(2)) {
            Network net = AlexNet.paper(host, 1000, 3);
            ModelParallelAlexNet split = ModelParallelAlexNet.fromNetwork(g, cfg, Connectivity.PAPER, net);
            assertEquals(net.parameterCount(), split.parameterCount());
            assertEquals(List.of("conv1", "conv3", "fc6", "fc7", "fc8"), split.stageNames());
            int n = 2;
            Tensor x = SplitAssert.randomImages(host, n, cfg.inputShape(), 4);
            int[] labels = {17, 923};
            float l1 = net.computeGradients(x, labels, 5);
            float l2 = split.computeGradients(x, labels, 5);
            assertEquals(l1, l2, 1e-4 * Math.abs(l1), "loss");
            Map<String, float[]> grads = split.gradients();
            for (Parameter p : net.parameters()) {
                assertClose(p.name() + " gradient", p.grad().toArray(), grads.get(p.name()));
            }
            assertEquals(468_992L, ExchangeCount.trainingBytesPerStep(cfg, Connectivity.PAPER, 1));
            assertEquals(n * 468_992L, split.lastStats().exchangeBytes());
        }
    }
}
