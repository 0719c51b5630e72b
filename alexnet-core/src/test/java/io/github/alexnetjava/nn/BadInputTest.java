package io.github.alexnetjava.nn;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.backend.Backends;
import io.github.alexnetjava.backend.Conv2dSpec;
import io.github.alexnetjava.model.AlexNet;
import io.github.alexnetjava.optim.LearningRateSchedule;
import io.github.alexnetjava.optim.Sgd;
import io.github.alexnetjava.tensor.ShapeMismatchException;
import io.github.alexnetjava.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BadInputTest {
    private static Backend cpu;

    @BeforeAll
    static void setUp() {
        cpu = Backends.create("cpu");
    }

    @AfterAll
    static void tearDown() {
        cpu.close();
    }

    private static void assertMentions(RuntimeException e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message should mention '" + p + "': " + e.getMessage());
        }
    }

    @Test
    void wrongImageSizeNamesNetworkAndShapes() {
        Network net = AlexNet.small(cpu, 1, 28, 10, 1);
        RuntimeException e = assertThrows(ShapeMismatchException.class,
                () -> net.forward(cpu.allocate(2, 1, 32, 32), Pass.inference()));
        assertMentions(e, "alexnet-small", "[N, 1, 28, 28]", "[2, 1, 32, 32]");
    }

    @Test
    void wrongRankNamesTheOp() {
        Conv2d conv = new Conv2d(cpu, "conv1", Conv2dSpec.of(3, 8, 3, 1, 1, 1));
        RuntimeException e = assertThrows(ShapeMismatchException.class,
                () -> conv.forward(cpu.allocate(3, 32, 32), Pass.inference()));
        assertMentions(e, "conv1", "rank 4", "[3, 32, 32]");
    }

    @Test
    void wrongChannelCountNamesExpectedChannels() {
        Conv2d conv = new Conv2d(cpu, "conv2", Conv2dSpec.of(96, 256, 5, 1, 2, 2));
        RuntimeException e = assertThrows(ShapeMismatchException.class,
                () -> conv.forward(cpu.allocate(1, 48, 27, 27), Pass.inference()));
        assertMentions(e, "conv2", "48 channels", "expects 96");
    }

    @Test
    void backendOpChecksOutputShape() {
        Conv2dSpec spec = Conv2dSpec.of(3, 4, 3, 1, 0, 1);
        Tensor x = cpu.allocate(1, 3, 8, 8);
        RuntimeException e = assertThrows(ShapeMismatchException.class,
                () -> cpu.conv2dForward(spec, x, cpu.allocate(spec.weightShape()), null, cpu.allocate(1, 4, 8, 8)));
        assertMentions(e, "conv2d forward", "output", "[1, 4, 6, 6]", "[1, 4, 8, 8]");
        RuntimeException g = assertThrows(ShapeMismatchException.class,
                () -> cpu.gemm(false, false, 1f, cpu.allocate(2, 3), cpu.allocate(4, 5), 0f, cpu.allocate(2, 5)));
        assertMentions(g, "gemm", "inner dimensions");
    }

    @Test
    void invalidGroupsAreRejectedAtConstruction() {
        RuntimeException e = assertThrows(IllegalArgumentException.class, () -> Conv2dSpec.of(3, 8, 3, 1, 1, 2));
        assertMentions(e, "2 groups", "in-channels (3)");
    }

    @Test
    void labelOutOfRangeNamesIndexAndValue() {
        Network net = AlexNet.small(cpu, 1, 28, 10, 1);
        Sgd sgd = Sgd.paper(LearningRateSchedule.constant(0.01));
        RuntimeException e = assertThrows(IllegalArgumentException.class,
                () -> net.trainStep(cpu.allocate(2, 1, 28, 28), new int[] {3, 10}, sgd));
        assertMentions(e, "label 10", "batch index 1", "[0, 10)");
    }

    @Test
    void nanInBatchIsDetectedWhenCheckingIsOn() {
        Network net = AlexNet.small(cpu, 1, 28, 10, 1);
        Sgd sgd = Sgd.paper(LearningRateSchedule.constant(0.01));
        float[] data = new float[2 * 28 * 28];
        data[100] = Float.NaN;
        Tensor x = cpu.fromArray(data, 2, 1, 28, 28);
        net.setCheckFinite(true);
        RuntimeException e = assertThrows(NonFiniteException.class, () -> net.trainStep(x, new int[] {1, 2}, sgd));
        assertMentions(e, "NaN", "step 0");
        assertTrue(sgd.iteration() == 0, "no update may happen on a bad batch");
    }

    @Test
    void tensorsFromAnotherBackendNeedAnExplicitCopy() {
        try (Backend other = Backends.create("cpu")) {
            Tensor foreign = other.allocate(2, 3);
            RuntimeException e = assertThrows(IllegalArgumentException.class,
                    () -> cpu.reluForward(foreign, cpu.allocate(2, 3)));
            assertMentions(e, "copy");
            Tensor copied = cpu.copyFrom(foreign);
            cpu.reluForward(copied, cpu.allocate(2, 3));
        }
    }
}
