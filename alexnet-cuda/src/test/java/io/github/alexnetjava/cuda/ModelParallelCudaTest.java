package io.github.alexnetjava.cuda;

import io.github.alexnetjava.backend.BackendOptions;
import io.github.alexnetjava.backend.cpu.CpuBackend;
import io.github.alexnetjava.model.Initialization;
import io.github.alexnetjava.nn.Network;
import io.github.alexnetjava.nn.Parameter;
import io.github.alexnetjava.nn.Pass;
import io.github.alexnetjava.optim.LearningRateSchedule;
import io.github.alexnetjava.optim.Sgd;
import io.github.alexnetjava.parallel.Connectivity;
import io.github.alexnetjava.parallel.DeviceGroup;
import io.github.alexnetjava.parallel.ExchangeCount;
import io.github.alexnetjava.parallel.ModelParallelAlexNet;
import io.github.alexnetjava.parallel.TowerConfig;
import io.github.alexnetjava.tensor.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The paper's two-tower split on CUDA (two logical devices on GPU 0, {@code -Dalexnet.cuda.deviceMap=0,0}, with
 * the tiers the system properties allow) against the single-device grouped network on the CPU backend: same
 * logits, loss, every gradient and the weights after several SGD steps (relative error ≤ 1e-4), and exchange
 * bytes equal to the analytic count. Skips where there is no GPU; selected in the GPU bundle as parity mode SPLIT.
 */
class ModelParallelCudaTest {
    static final long SEED = 7;
    static final int BATCH = 4;
    static final TowerConfig TINY = TowerConfig.tiny(10);
    static final double TOL = 1e-4;

    @BeforeEach
    void requireGpu() {
        String why = new CudaBackendProvider().unavailableReason();
        assumeTrue(why == null, "CUDA model-parallel test skipped: " + why);
        String only = System.getProperty(CudaParityTest.MODES_PROPERTY, "").trim();
        assumeTrue(only.isEmpty() || List.of(only.split("\\s*,\\s*")).contains("SPLIT"),
                "SPLIT not selected (-D" + CudaParityTest.MODES_PROPERTY + "=" + only + ")");
    }

    static void assertClose(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + " length");
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < expected.length; i++) {
            diff = Math.max(diff, Math.abs((double) actual[i] - expected[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        double rel = scale == 0 ? diff : diff / scale;
        System.out.printf(Locale.ROOT, "[cuda parity] SPLIT        %-44s rel %.2e%n", what, rel);
        assertTrue(rel <= TOL, what + ": relative error " + rel + " > " + TOL);
    }

    static Tensor images(CpuBackend b, int n, long seed) {
        int[] s = TINY.inputShape();
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n * s[0] * s[1] * s[2]];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return b.fromArray(v, n, s[0], s[1], s[2]);
    }

    static int[] labels(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] l = new int[n];
        for (int i = 0; i < n; i++) {
            l[i] = r.nextInt(10);
        }
        return l;
    }

    @ParameterizedTest
    @EnumSource(Connectivity.class)
    void splitOnCudaEqualsTheSingleDeviceNetworkOnCpu(Connectivity c) {
        String old = System.getProperty(CudaBackend.DEVICE_MAP_PROPERTY);
        System.setProperty(CudaBackend.DEVICE_MAP_PROPERTY, "0,0");
        try (CpuBackend host = new CpuBackend(new BackendOptions(1, 0));
             DeviceGroup g = DeviceGroup.of("cuda", 2, d -> new BackendOptions(0, d))) {
            Network net = TINY.singleDevice(host, c, SEED);
            Initialization.he(net.parameters(), SEED + 1);
            ModelParallelAlexNet split = ModelParallelAlexNet.fromNetwork(g, TINY, c, net);
            Tensor x = images(host, BATCH, 11);
            assertClose(c + " inference logits", net.forward(x, Pass.inference()).toArray(),
                    split.forward(x, Pass.inference()).toArray());
            assertEquals(ExchangeCount.inferenceBytesPerBatch(TINY, c, BATCH), split.lastStats().exchangeBytes());
            int[] y = labels(BATCH, 12);
            float l1 = net.computeGradients(x, y, 3);
            float l2 = split.computeGradients(x, y, 3);
            assertClose(c + " loss", new float[] {l1}, new float[] {l2});
            Map<String, float[]> grads = split.gradients();
            for (Parameter p : net.parameters()) {
                assertClose(c + " grad " + p.name(), p.grad().toArray(), grads.get(p.name()));
            }
            Sgd s1 = Sgd.paper(LearningRateSchedule.constant(0.01));
            Sgd s2 = Sgd.paper(LearningRateSchedule.constant(0.01));
            for (int step = 0; step < 3; step++) {
                Tensor xs = images(host, BATCH, 100 + step);
                int[] ys = labels(BATCH, 200 + step);
                net.trainStep(xs, ys, s1);
                split.trainStep(xs, ys, s2);
            }
            Map<String, float[]> w = split.weights();
            for (Parameter p : net.parameters()) {
                assertClose(c + " weights after 3 steps " + p.name(), p.value().toArray(), w.get(p.name()));
            }
        } finally {
            if (old == null) {
                System.clearProperty(CudaBackend.DEVICE_MAP_PROPERTY);
            } else {
                System.setProperty(CudaBackend.DEVICE_MAP_PROPERTY, old);
            }
        }
    }
}
