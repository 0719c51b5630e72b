package io.github.alexnetjava.model;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.backend.Backends;
import io.github.alexnetjava.nn.Dropout;
import io.github.alexnetjava.nn.LayerSummary;
import io.github.alexnetjava.nn.Network;
import io.github.alexnetjava.nn.Parameter;
import io.github.alexnetjava.nn.Pass;
import io.github.alexnetjava.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AlexNetTest {
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
    void paperNetworkHasThePapersParameterCount() {
        // Counted by hand from the paper's figure 2: conv 34,944 + 307,456 + 885,120 + 663,936 + 442,624,
        // fc 37,752,832 + 16,781,312 + 4,097,000.
        Network net = AlexNet.paper(cpu, 1000, 1);
        assertEquals(60_965_224L, net.parameterCount());
        Map<String, Long> perLayer = new LinkedHashMap<>();
        for (LayerSummary s : net.summary(1)) {
            if (s.parameters() > 0) {
                perLayer.put(s.name(), s.parameters());
            }
        }
        assertEquals(Map.of("conv1", 34_944L, "conv2", 307_456L, "conv3", 885_120L, "conv4", 663_936L,
                "conv5", 442_624L, "fc6", 37_752_832L, "fc7", 16_781_312L, "fc8", 4_097_000L), perLayer);
    }

    @Test
    void torchvisionVariantHasTorchvisionsParameterCount() {
        // torchvision.models.alexnet(): sum(p.numel() for p in m.parameters()) == 61,100,840
        assertEquals(61_100_840L, AlexNet.torchvision(cpu, 1000, 1).parameterCount());
    }

    @Test
    void paperNetworkOutputShapesLayerByLayer() {
        Network net = AlexNet.paper(cpu, 1000, 1);
        Map<String, int[]> want = new LinkedHashMap<>();
        want.put("conv1", new int[] {2, 96, 55, 55});
        want.put("pool1", new int[] {2, 96, 27, 27});
        want.put("conv2", new int[] {2, 256, 27, 27});
        want.put("pool2", new int[] {2, 256, 13, 13});
        want.put("conv3", new int[] {2, 384, 13, 13});
        want.put("conv4", new int[] {2, 384, 13, 13});
        want.put("conv5", new int[] {2, 256, 13, 13});
        want.put("pool5", new int[] {2, 256, 6, 6});
        want.put("flatten", new int[] {2, 9216});
        want.put("fc6", new int[] {2, 4096});
        want.put("fc7", new int[] {2, 4096});
        want.put("fc8", new int[] {2, 1000});
        List<LayerSummary> rows = net.summary(2);
        int matched = 0;
        for (LayerSummary s : rows) {
            if (want.containsKey(s.name())) {
                assertArrayEquals(want.get(s.name()), s.outputShape(), s.name());
                matched++;
            }
        }
        assertEquals(want.size(), matched);
    }

    @Test
    void smallVariantsFitGreyAndColourImages() {
        Network grey = AlexNet.small(cpu, 1, 28, 10, 3);
        Network colour = AlexNet.small(cpu, 3, 32, 10, 3);
        Tensor g = grey.forward(cpu.allocate(2, 1, 28, 28), Pass.inference());
        Tensor c = colour.forward(cpu.allocate(2, 3, 32, 32), Pass.inference());
        assertArrayEquals(new int[] {2, 10}, g.shape());
        assertArrayEquals(new int[] {2, 10}, c.shape());
    }

    @Test
    void small3x3HasItsShapesAndParameterCount() {
        // Counted by hand (weights + biases; 3x3 kernels, one group; in PyTorch sum(p.numel()) of
        // scripts/fashion_mnist_pytorch.py --model alexnet-small-3x3 prints the same 1,387,114):
        // conv1 1*32*9+32, conv2 32*32*9+32, conv3 32*64*9+64, conv4 64*64*9+64, conv5 64*128*9+128,
        // fc6 (128*6*6)*256+256, fc7 256*256+256, fc8 256*10+10.
        Network net = AlexNet.small3x3(cpu, 1, 28, 10, 3, 0f);
        Map<String, Long> perLayer = new LinkedHashMap<>();
        for (LayerSummary s : net.summary(1)) {
            if (s.parameters() > 0) {
                perLayer.put(s.name(), s.parameters());
            }
        }
        assertEquals(Map.of("conv1", 320L, "conv2", 9_248L, "conv3", 18_496L, "conv4", 36_928L,
                "conv5", 73_856L, "fc6", 1_179_904L, "fc7", 65_792L, "fc8", 2_570L), perLayer);
        assertEquals(1_387_114L, net.parameterCount());
        // 3x3 convs with padding 1 keep the side; the overlapping pools take 28 -> 13 -> 6 (floor((s-3)/2)+1).
        Map<String, int[]> want = new LinkedHashMap<>();
        want.put("conv1", new int[] {2, 32, 28, 28});
        want.put("conv2", new int[] {2, 32, 28, 28});
        want.put("norm2", new int[] {2, 32, 28, 28});
        want.put("pool2", new int[] {2, 32, 13, 13});
        want.put("conv3", new int[] {2, 64, 13, 13});
        want.put("conv4", new int[] {2, 64, 13, 13});
        want.put("pool4", new int[] {2, 64, 6, 6});
        want.put("conv5", new int[] {2, 128, 6, 6});
        want.put("flatten", new int[] {2, 4608});
        want.put("fc6", new int[] {2, 256});
        want.put("fc7", new int[] {2, 256});
        want.put("fc8", new int[] {2, 10});
        int matched = 0;
        for (LayerSummary s : net.summary(2)) {
            if (want.containsKey(s.name())) {
                assertArrayEquals(want.get(s.name()), s.outputShape(), s.name());
                matched++;
            }
        }
        assertEquals(want.size(), matched);
        assertEquals(0, net.layers().stream().filter(l -> l instanceof Dropout).count(), "p = 0: no dropout");
        assertEquals(2, AlexNet.small3x3(cpu, 1, 28, 10, 3).layers().stream().filter(l -> l instanceof Dropout)
                .count(), "the paper's 0.5 after fc6 and fc7 by default");
        // colour 32x32: conv1 has 3*32*9 weights instead of 1*32*9; 32 -> 15 -> 7, so fc6 sees 128*7*7
        Network colour = AlexNet.small3x3(cpu, 3, 32, 10, 3, 0f);
        assertEquals(1_387_114L + 2 * 32 * 9 + 128L * (7 * 7 - 6 * 6) * 256, colour.parameterCount());
        assertArrayEquals(new int[] {2, 10}, colour.forward(cpu.allocate(2, 3, 32, 32), Pass.inference()).shape());
        assertEquals(net.parameterCount(), AlexNet.create("alexnet-small-3x3", cpu, 10, 3).parameterCount());
    }

    @Test
    void initialisationFollowsThePaper() {
        Network net = AlexNet.paper(cpu, 1000, 7);
        for (Parameter p : net.parameters()) {
            float[] v = p.value().toArray();
            String layer = p.name().substring(0, p.name().indexOf('.'));
            if (p.kind() == Parameter.Kind.BIAS) {
                float want = List.of("conv2", "conv4", "conv5", "fc6", "fc7").contains(layer) ? 1f : 0f;
                for (float x : v) {
                    assertEquals(want, x, p.name());
                }
            } else {
                double sum = 0;
                double sq = 0;
                for (float x : v) {
                    sum += x;
                    sq += (double) x * x;
                }
                double mean = sum / v.length;
                double std = Math.sqrt(sq / v.length - mean * mean);
                assertEquals(0.0, mean, 5.0 * 0.01 / Math.sqrt(v.length), p.name() + " mean");
                assertEquals(0.01, std, 0.01 * 0.05, p.name() + " std");
            }
        }
        // Same seed, same weights; other seed, other weights.
        float[] a = AlexNet.small(cpu, 1, 28, 10, 5).parameter("conv3.weight").value().toArray();
        float[] b = AlexNet.small(cpu, 1, 28, 10, 5).parameter("conv3.weight").value().toArray();
        float[] c = AlexNet.small(cpu, 1, 28, 10, 6).parameter("conv3.weight").value().toArray();
        assertArrayEquals(a, b);
        assertTrue(a[0] != c[0] || a[1] != c[1]);
    }
}
