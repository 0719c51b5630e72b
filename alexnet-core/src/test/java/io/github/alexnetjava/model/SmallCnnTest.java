package io.github.alexnetjava.model;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.backend.Backends;
import io.github.alexnetjava.nn.Network;
import io.github.alexnetjava.nn.Parameter;
import io.github.alexnetjava.nn.Pass;
import io.github.alexnetjava.nn.SoftmaxCrossEntropy;
import io.github.alexnetjava.nn.Tanh;
import io.github.alexnetjava.optim.LearningRateSchedule;
import io.github.alexnetjava.optim.Sgd;
import io.github.alexnetjava.random.CounterRng;
import io.github.alexnetjava.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SmallCnnTest {
    private static Backend cpu;

    @BeforeAll
    static void setUp() {
        cpu = Backends.create("cpu");
    }

    @AfterAll
    static void tearDown() {
        cpu.close();
    }

    @Test
    void fourLayerShapesAndParameterCount() {
        Network n = SmallCnn.fourLayer(cpu, SmallCnn.Activation.TANH, 1, SmallCnn.Init.HE);
        // conv1 1*32*25+32, conv2 32*64*25+64, fc3 3136*256+256, fc4 256*10+10
        assertEquals(832 + 51_264 + 803_072 + 2_570, n.parameterCount());
        assertArrayEquals(new int[] {5, 10}, n.outputShape(5));
        assertEquals(4, n.layers().stream().filter(l -> !l.parameters().isEmpty()).count());
        assertEquals(3, n.layers().stream().filter(l -> l instanceof Tanh).count());
    }

    @Test
    void initialisationsHaveTheirScales() {
        Network torch = SmallCnn.fourLayer(cpu, SmallCnn.Activation.RELU, 3, SmallCnn.Init.PYTORCH_DEFAULT);
        for (Parameter p : torch.parameters()) {
            // the fan-in of the layer's weight; a bias shares its weight's bound
            String layer = p.name().substring(0, p.name().indexOf('.'));
            Parameter w = torch.parameter(layer + ".weight");
            double bound = 1 / Math.sqrt((double) w.size() / w.shape()[0]);
            float[] v = p.value().toArray();
            double max = 0;
            double sumSq = 0;
            for (float f : v) {
                max = Math.max(max, Math.abs(f));
                sumSq += f * f;
            }
            assertTrue(max <= bound, p.name() + " exceeds U(+-" + bound + "): " + max);
            if (v.length > 1000) {
                // uniform on [-b, b] has variance b^2/3
                assertEquals(bound * bound / 3, sumSq / v.length, 0.05 * bound * bound / 3, p.name());
            }
        }
        Network paper = SmallCnn.fourLayer(cpu, SmallCnn.Activation.RELU, 3, SmallCnn.Init.PAPER);
        float[] w = paper.parameter("fc3.weight").value().toArray();
        double s = 0;
        for (float f : w) {
            s += f * f;
        }
        assertEquals(0.01, Math.sqrt(s / w.length), 2e-4);
        for (float f : paper.parameter("conv2.bias").value().toArray()) {
            assertEquals(0f, f, "paper init: biases 0 in the figure-1 network");
        }
        assertEquals(SmallCnn.Init.PYTORCH_DEFAULT, SmallCnn.Init.parse("pytorch-default"));
        assertEquals("pytorch-default", SmallCnn.Init.PYTORCH_DEFAULT.label());
    }

    @ParameterizedTest
    @EnumSource(SmallCnn.Activation.class)
    void overfitsOneBatch(SmallCnn.Activation act) {
        Network net = SmallCnn.fourLayer(cpu, act, 5, SmallCnn.Init.PYTORCH_DEFAULT);
        int n = 20;
        float[] x = new float[n * 28 * 28];
        long st = CounterRng.stream(9, 1, 2);
        for (int i = 0; i < x.length; i++) {
            x[i] = CounterRng.uniform(st, i);
        }
        Tensor xt = cpu.fromArray(x, n, 1, 28, 28);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 10;
        }
        Sgd sgd = new Sgd(0.9f, 0f, LearningRateSchedule.constant(0.03));
        float first = net.trainStep(xt, y, sgd);
        for (int i = 0; i < 200; i++) {
            net.trainStep(xt, y, sgd);
        }
        float loss = new SoftmaxCrossEntropy().forward(net.forward(xt, Pass.inference()), y);
        assertTrue(first > 2f && loss < 0.05f, act + ": loss " + first + " -> " + loss);
    }
}
