package io.github.alexnetjava.nn;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.backend.Backends;
import io.github.alexnetjava.model.AlexNet;
import io.github.alexnetjava.model.Initialization;
import io.github.alexnetjava.optim.LearningRateSchedule;
import io.github.alexnetjava.optim.Sgd;
import io.github.alexnetjava.random.CounterRng;
import io.github.alexnetjava.tensor.Tensor;
import io.github.alexnetjava.testutil.SystemProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A network with its ReLUs fused into their neighbours (forward into the convolution before, backward into the
 * LRN, max-pool, convolution or dropout after) trains bit for bit as the same network with the layers run apart
 * ({@code -Dalexnet.fuseRelu=false} at construction): outputs, losses and every parameter after three SGD steps.
 */
class LayerFusionTest {
    private static Backend cpu;

    @BeforeAll
    static void setUp() {
        cpu = Backends.create("cpu");
    }

    @AfterAll
    static void tearDown() {
        cpu.close();
    }

    private static Network build(boolean fuse) {
        Network net = SystemProperties.with("alexnet.fuseRelu", Boolean.toString(fuse),
                () -> AlexNet.small(cpu, 1, 28, 10, 5));
        Initialization.he(net.parameters(), 5);
        return net;
    }

    private static List<Relu> relus(Network net) {
        return net.layers().stream().filter(l -> l instanceof Relu).map(l -> (Relu) l).toList();
    }

    private static List<Conv2d> convs(Network net) {
        return net.layers().stream().filter(l -> l instanceof Conv2d).map(l -> (Conv2d) l).toList();
    }

    @Test
    void fusedTrainsBitForBitAsApart() {
        Network fused = build(true);
        Network apart = build(false);
        assertFalse(convs(fused).isEmpty());
        convs(fused).forEach(c -> assertTrue(c.reluFused(), c.name() + " fused"));
        convs(apart).forEach(c -> assertFalse(c.reluFused(), c.name() + " not fused"));
        // Each ReLU's gradient goes to the LRN, max-pool, convolution or dropout after it (the two after fc6, fc7).
        assertEquals(convs(fused).size() + 2, relus(fused).stream().filter(Relu::gradientFused).count());
        assertEquals(0, relus(apart).stream().filter(Relu::gradientFused).count());
        float[] data = new float[20 * 28 * 28];
        long stream = CounterRng.stream(9, 1, 2);
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) CounterRng.gaussian(stream, i);
        }
        Tensor x = cpu.fromArray(data, 20, 1, 28, 28);
        int[] y = TrainingTest.labels(20);
        assertArrayEquals(apart.predict(x).toArray(), fused.predict(x).toArray(), "inference");
        Sgd s1 = Sgd.paper(LearningRateSchedule.constant(0.01));
        Sgd s2 = Sgd.paper(LearningRateSchedule.constant(0.01));
        for (int step = 0; step < 3; step++) {
            assertEquals(apart.trainStep(x, y, s1), fused.trainStep(x, y, s2), "loss at step " + step);
        }
        List<Parameter> pa = apart.parameters();
        List<Parameter> pf = fused.parameters();
        for (int i = 0; i < pa.size(); i++) {
            assertArrayEquals(pa.get(i).value().toArray(), pf.get(i).value().toArray(), pa.get(i).name());
        }
    }

    /**
     * A ReLU fused into the dropout after it: the input gradient equals the two layers' run apart, in a training pass
     * (dropout's mask and the ReLU's) and outside one (dropout the identity, the ReLU's mask alone).
     */
    @Test
    void reluGradientFusedIntoDropout() {
        float[] data = new float[6 * 50];
        float[] grad = new float[data.length];
        long stream = CounterRng.stream(3, 1, 2);
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) CounterRng.gaussian(stream, i);
            grad[i] = (float) CounterRng.gaussian(stream, data.length + i);
        }
        for (Pass pass : new Pass[] {Pass.training(4, 7), Pass.inference()}) {
            float[][] dx = new float[2][];
            for (int fuse = 0; fuse < 2; fuse++) {
                List<Layer> chain = List.of(new Relu("relu"), new Dropout("drop", 0.5f, 6));
                assertEquals(fuse, SystemProperties.with("alexnet.fuseRelu", Boolean.toString(fuse == 1),
                        () -> LayerFusion.fuseRelus(chain)));
                Tensor y = cpu.fromArray(data, 6, 50);
                for (Layer l : chain) {
                    y = l.forward(y, pass);
                }
                Tensor g = cpu.fromArray(grad, 6, 50);
                for (int i = chain.size() - 1; i >= 0; i--) {
                    g = chain.get(i).backward(g);
                }
                dx[fuse] = g.toArray();
            }
            assertArrayEquals(dx[0], dx[1], "fused and apart, training " + pass.training());
            int zeros = 0;
            for (int i = 0; i < data.length; i++) {
                zeros += data[i] <= 0f && dx[1][i] == 0f ? 1 : 0;
            }
            assertTrue(zeros > data.length / 4, "the ReLU's mask is applied");
        }
    }
}
