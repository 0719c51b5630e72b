package io.github.alexnetjava.examples;

import java.util.List;

/**
 * The GEMMs of a paper-AlexNet training step as the im2col convolution and the dense layers issue them, for a batch
 * of {@code b} images: row-major {@code C[M, N] = op(A)[M, K] * op(B)[K, N]} (per channel group where the layer is
 * grouped). scripts/bench_gemm_pytorch.py times the same list (keep the two in step).
 */
final class AlexNetGemmShapes {
    private AlexNetGemmShapes() {
    }

    /** One GEMM: its name, the transposes and the sizes. */
    record Shape(String name, boolean transA, boolean transB, int m, int n, int k) {
        double gflop() {
            return 2.0 * m * n * k / 1e9;
        }

        String ops() {
            return (transA ? "T" : "N") + (transB ? "T" : "N");
        }
    }

    static List<Shape> forBatch(int b) {
        return List.of(
                new Shape("conv1.fwd", false, false, 96, 3025 * b, 363),
                new Shape("conv2.fwd", false, false, 128, 729 * b, 1200),
                new Shape("conv3.fwd", false, false, 384, 169 * b, 2304),
                new Shape("conv4.fwd", false, false, 192, 169 * b, 1728),
                new Shape("conv5.fwd", false, false, 128, 169 * b, 1728),
                new Shape("conv2.bwd-data", true, false, 1200, 729 * b, 128),
                new Shape("conv2.bwd-filter", false, true, 128, 1200, 729 * b),
                new Shape("conv3.bwd-data", true, false, 2304, 169 * b, 384),
                new Shape("conv3.bwd-filter", false, true, 384, 2304, 169 * b),
                new Shape("fc6.fwd", false, true, b, 4096, 9216),
                new Shape("fc6.bwd-data", false, false, b, 9216, 4096),
                new Shape("fc6.bwd-weight", true, false, 4096, 9216, b),
                new Shape("fc7.fwd", false, true, b, 4096, 4096),
                new Shape("fc8.fwd", false, true, b, 1000, 4096));
    }
}
