package io.github.alexnetjava.backend.cpu;

import io.github.alexnetjava.backend.Conv2dSpec;
import io.github.alexnetjava.testutil.Json;
import io.github.alexnetjava.testutil.Parity;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CPU backend's Winograd convolution (forward, backward-data, filter gradient) against PyTorch's float64
 * references, on one and two workers. (The backend-level {@code ConvParityTest} batches are too small for this path.)
 */
class WinogradParityTest {
    /**
     * Tighter than the suite's 1e-4: these are single small convolutions. F(2x2, 3x3) measures 1.3-5.2e-7 here,
     * F(2x2, 5x5) (conv_winograd5) 1.3-6.1e-6 (max |diff| / max |ref|).
     */
    private static final double TOL = 1e-5;

    @ParameterizedTest
    @ValueSource(strings = {"conv_winograd3", "conv_winograd5"})
    void matchesPyTorch(String name) {
        Parity.Case c = new Parity.Case(name);
        Json p = c.params();
        int k = p.ints("kernel")[0];
        Conv2dSpec spec = Conv2dSpec.of(p.integer("in_channels"), p.integer("out_channels"), k, 1, p.ints("pad")[0],
                p.integer("groups"));
        int[] xs = c.shape("x");
        float[] x = c.floats("x");
        float[] w = c.floats("w");
        float[] b = c.floats("b");
        float[] dy = c.floats("dy");
        for (int threads = 1; threads <= 2; threads++) {
            try (WorkerPool pool = new WorkerPool(threads)) {
                CpuWinograd wino = new CpuWinograd(pool);
                float[] y = new float[dy.length];
                wino.forward(spec, x, xs, w, b, y, false);
                c.check("y", y, TOL);
                float[] dx = new float[x.length];
                wino.backwardData(spec, dy, w, dx, xs, null);
                c.check("dx", dx, TOL);
                float[] dw = new float[w.length];
                wino.backwardFilter(spec, x, xs, dy, dw);
                c.check("dw", dw, TOL);
            }
        }
    }
}
