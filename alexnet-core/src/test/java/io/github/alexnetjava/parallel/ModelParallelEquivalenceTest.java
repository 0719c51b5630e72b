package io.github.alexnetjava.parallel;

import io.github.alexnetjava.backend.BackendOptions;
import io.github.alexnetjava.backend.cpu.CpuBackend;
import io.github.alexnetjava.model.AlexNet;
import io.github.alexnetjava.model.Initialization;
import io.github.alexnetjava.nn.Network;
import io.github.alexnetjava.nn.Parameter;
import io.github.alexnetjava.nn.Pass;
import io.github.alexnetjava.optim.LearningRateSchedule;
import io.github.alexnetjava.optim.Sgd;
import io.github.alexnetjava.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Map;

import static io.github.alexnetjava.parallel.SplitAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The split model against its single-device grouped equivalent: same weights, inputs and dropout seed give the
 * same logits, loss and gradients (every parameter), and the same weights after several SGD steps, for every
 * connectivity pattern; the counted exchange bytes equal {@link ExchangeCount}'s.
 */
class ModelParallelEquivalenceTest {
    static final long SEED = 7;
    static final int BATCH = 4;
    static final TowerConfig TINY = TowerConfig.tiny(10);

    /** A single-device network with He weights (livelier than N(0, 0.01) in a tiny net). */
    static Network single(CpuBackend b, Connectivity c) {
        Network n = TINY.singleDevice(b, c, SEED);
        Initialization.he(n.parameters(), SEED + 1);
        return n;
    }

    /** One training step's loss, gradients and logits agree; returns nothing, fails with the tensor's name. */
    static void assertSameStep(Network net, ModelParallelAlexNet split, Tensor x, int[] labels, long step) {
        float l1 = net.computeGradients(x, labels, step);
        float l2 = split.computeGradients(x, labels, step);
        assertEquals(l1, l2, 1e-4 * Math.max(1, Math.abs(l1)), "loss");
        Map<String, float[]> g = split.gradients();
        assertEquals(net.parameters().size(), g.size());
        for (Parameter p : net.parameters()) {
            assertClose(p.name() + " gradient", p.grad().toArray(), g.get(p.name()));
        }
        Pass pass = Pass.training(net.seed(), step);
        assertClose("training logits", net.forward(x, pass).toArray(), split.forward(x, pass).toArray());
    }

    @Test
    void thePaperPatternsSingleDeviceEquivalentIsAlexNetItself() {
        // AlexNet.small has the paper's layer structure; AlexNet.paper is checked the same way (by importing its
        // weights layer by layer) in PaperShapesSplitTest.
        try (CpuBackend b = new CpuBackend(new BackendOptions(1, 0))) {
            Network a = AlexNet.small(b, 1, 28, 10, 5);
            Network s = TowerConfig.small(1, 28, 10).singleDevice(b, Connectivity.PAPER, 5);
            assertEquals(a.name(), s.name());
            assertEquals(a.layers().size(), s.layers().size());
            for (int i = 0; i < a.layers().size(); i++) {
                assertEquals(a.layers().get(i).name(), s.layers().get(i).name());
                assertEquals(a.layers().get(i).getClass(), s.layers().get(i).getClass());
            }
            for (Parameter p : a.parameters()) {
                Parameter q = s.parameter(p.name());
                assertArrayEquals(p.shape(), q.shape(), p.name());
                assertArrayEquals(p.value().toArray(), q.value().toArray(), p.name());
            }
            assertArrayEquals(a.outputShape(2), s.outputShape(2));
        }
    }

    @ParameterizedTest
    @EnumSource(Connectivity.class)
    void logitsLossAndEveryGradientEqualTheSingleDeviceNetwork(Connectivity c) {
        try (CpuBackend host = new CpuBackend(new BackendOptions(1, 0)); DeviceGroup g = DeviceGroup.cpu(2)) {
            Network net = single(host, c);
            ModelParallelAlexNet split = ModelParallelAlexNet.fromNetwork(g, TINY, c, net);
            Tensor x = SplitAssert.randomImages(host, BATCH, TINY.inputShape(), 11);
            int[] labels = SplitAssert.randomLabels(BATCH, 10, 12);
            assertClose("inference logits", net.forward(x, Pass.inference()).toArray(),
                    split.forward(x, Pass.inference()).toArray());
            assertEquals(ExchangeCount.inferenceBytesPerBatch(TINY, c, BATCH), split.lastStats().exchangeBytes());
            assertSameStep(net, split, x, labels, 3);
        }
    }

    @ParameterizedTest
    @EnumSource(Connectivity.class)
    void countedExchangeBytesEqualTheAnalyticCountPerEdge(Connectivity c) {
        try (DeviceGroup g = DeviceGroup.cpu(2)) {
            ModelParallelAlexNet split = ModelParallelAlexNet.create(g, TINY, c, SEED);
            int n = 3;
            Tensor x = SplitAssert.randomImages(g.device(0), n, TINY.inputShape(), 1);
            split.computeGradients(x, SplitAssert.randomLabels(n, 10, 2), 0);
            TransferStats s = split.lastStats();
            assertEquals(ExchangeCount.trainingBytesPerStep(TINY, c, n), s.exchangeBytes());
            assertEquals(s.forwardBytes(), s.backwardBytes());
            for (Map.Entry<String, Long> e : ExchangeCount.forwardBytesPerImageByEdge(TINY, c).entrySet()) {
                assertEquals(n * e.getValue(), s.bytesByEdge().get(e.getKey() + " forward"), e.getKey());
                assertEquals(n * e.getValue(), s.bytesByEdge().get(e.getKey() + " backward"), e.getKey());
            }
            assertEquals(2 * ExchangeCount.forwardBytesPerImageByEdge(TINY, c).size(), s.bytesByEdge().size());
            // The batch lives on device 0: only device 1 needs a copy of it.
            assertEquals(4L * x.size(), s.inputBytes());
        }
    }

    @Test
    void hostStagedTransfersGiveTheSameResults() {
        // The path a non-CPU backend takes (copyFrom for whole tensors, download/upload for slices).
        Connectivity c = Connectivity.PAPER;
        try (CpuBackend host = new CpuBackend(new BackendOptions(1, 0)); DeviceGroup g = DeviceGroup.cpu(2)) {
            Network net = single(host, c);
            ModelParallelAlexNet split = ModelParallelAlexNet.fromNetwork(g, TINY, c, net, new Transfer(true));
            Tensor x = SplitAssert.randomImages(host, BATCH, TINY.inputShape(), 5);
            assertSameStep(net, split, x, SplitAssert.randomLabels(BATCH, 10, 6), 0);
        }
    }

    @ParameterizedTest
    @EnumSource(Connectivity.class)
    void trainingStepsSplitAndUnsplitGiveTheSameWeights(Connectivity c) {
        try (CpuBackend host = new CpuBackend(new BackendOptions(1, 0)); DeviceGroup g = DeviceGroup.cpu(2)) {
            Network net = single(host, c);
            ModelParallelAlexNet split = ModelParallelAlexNet.fromNetwork(g, TINY, c, net);
            Sgd sgd1 = Sgd.paper(LearningRateSchedule.constant(0.01));
            Sgd sgd2 = Sgd.paper(LearningRateSchedule.constant(0.01));
            float[] losses = new float[2];
            for (int step = 0; step < 4; step++) {
                Tensor x = SplitAssert.randomImages(host, BATCH, TINY.inputShape(), 100 + step);
                int[] labels = SplitAssert.randomLabels(BATCH, 10, 200 + step);
                losses[0] = net.trainStep(x, labels, sgd1);
                losses[1] = split.trainStep(x, labels, sgd2);
                assertEquals(losses[0], losses[1], 1e-4 * Math.max(1, Math.abs(losses[0])), "loss at " + step);
            }
            assertEquals(sgd1.iteration(), sgd2.iteration());
            Map<String, float[]> w = split.weights();
            for (Parameter p : net.parameters()) {
                assertClose(p.name() + " after 4 steps", p.value().toArray(), w.get(p.name()));
            }
            // And back: the split weights stored into a fresh single-device network reproduce its logits.
            Network copy = TINY.singleDevice(host, c, SEED);
            split.storeWeights(copy);
            Tensor x = SplitAssert.randomImages(host, 2, TINY.inputShape(), 9);
            assertClose("logits after storeWeights", net.forward(x, Pass.inference()).toArray(),
                    copy.forward(x, Pass.inference()).toArray());
        }
    }
}
