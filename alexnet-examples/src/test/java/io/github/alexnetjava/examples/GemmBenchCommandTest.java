package io.github.alexnetjava.examples;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code alexnet bench-gemm}: the AlexNet GEMM shapes, their table and JSON, and a bad filter's error. */
class GemmBenchCommandTest {

    @Test
    void shapesAreThoseOfAPaperAlexNetStep() {
        List<AlexNetGemmShapes.Shape> s = AlexNetGemmShapes.forBatch(2);
        assertEquals(14, s.size());
        // conv1 forward: 96 filters of 3x11x11 over 55x55 positions per image
        assertEquals(new AlexNetGemmShapes.Shape("conv1.fwd", false, false, 96, 2 * 55 * 55, 3 * 11 * 11), s.get(0));
        // conv2 per group: 128 filters of 48x5x5 over 27x27 positions
        assertEquals(48 * 5 * 5, s.get(1).k());
        assertEquals(2 * 27 * 27, s.get(1).n());
        // fc6 forward: x[batch, 9216] times W[4096, 9216]^T
        AlexNetGemmShapes.Shape fc6 = s.stream().filter(x -> x.name().equals("fc6.fwd")).findFirst().orElseThrow();
        assertEquals(List.of(2, 4096, 256 * 6 * 6), List.of(fc6.m(), fc6.n(), fc6.k()));
        assertEquals("NT", fc6.ops());
    }

    @Test
    void timesTheSelectedShapesAndPrintsJson() {
        AlexNetCliTest.Run r = AlexNetCliTest.run("bench-gemm", "--backend", "cpu", "--threads", "1", "--batch", "1",
                "--only", "fc8", "--iters", "1", "--warmup", "0", "--json");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertTrue(lines[1].startsWith("fc8.fwd"), r.out());
        assertTrue(lines[lines.length - 1].startsWith("{\"backend\": \"cpu\""), r.out());
        assertTrue(lines[lines.length - 1].contains("\"name\": \"fc8.fwd\""), r.out());
    }

    @Test
    void aFilterThatMatchesNothingNamesTheShapes() {
        AlexNetCliTest.Run r = AlexNetCliTest.run("bench-gemm", "--only", "conv9");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("no GEMM shape name contains 'conv9'") && r.err().contains("conv1.fwd"), r.err());
    }
}
