package io.github.alexnetjava.backend;

import io.github.alexnetjava.tensor.ShapeMismatchException;
import io.github.alexnetjava.tensor.Shapes;
import io.github.alexnetjava.tensor.Tensor;

/**
 * Argument checks shared by every backend, so an op fails with the same message whichever backend runs it.
 */
public final class OpChecks {
    private OpChecks() {
    }

    public static void owned(Backend b, String op, Tensor... ts) {
        for (Tensor t : ts) {
            if (t != null && t.backend() != b) {
                throw new IllegalArgumentException(op + ": tensor " + t.shapeString() + " belongs to backend '"
                        + t.backend().name() + "' but the op runs on '" + b.name()
                        + "'; copy it explicitly with Backend.copyFrom");
            }
        }
    }

    public static void conv(String op, Conv2dSpec s, Tensor x, Tensor w, Tensor bias, Tensor y) {
        Shapes.requireRank(op, "input", x, 4, "[N, C, H, W]");
        s.check(op, x, w, y);
        if (bias != null) {
            Shapes.require(op, "bias", bias, s.outChannels());
        }
    }

    public static void gemm(boolean transA, boolean transB, Tensor a, Tensor b, Tensor c) {
        String op = "gemm";
        Shapes.requireRank(op, "A", a, 2, "[rows, cols]");
        Shapes.requireRank(op, "B", b, 2, "[rows, cols]");
        Shapes.requireRank(op, "C", c, 2, "[rows, cols]");
        int m = transA ? a.dim(1) : a.dim(0);
        int k = transA ? a.dim(0) : a.dim(1);
        int kb = transB ? b.dim(1) : b.dim(0);
        int n = transB ? b.dim(0) : b.dim(1);
        if (k != kb) {
            throw new ShapeMismatchException("gemm: inner dimensions differ: op(A) is " + m + "x" + k
                    + " (A " + a.shapeString() + (transA ? " transposed" : "") + ") but op(B) is " + kb + "x" + n
                    + " (B " + b.shapeString() + (transB ? " transposed" : "") + ")");
        }
        Shapes.require(op, "C", c, m, n);
    }

    public static void channelBias(String op, Tensor y, Tensor bias) {
        if (y.rank() != 2 && y.rank() != 4) {
            throw new ShapeMismatchException(op + ": tensor must be [N, C] or [N, C, H, W] but has shape "
                    + y.shapeString());
        }
        Shapes.require(op, "bias", bias, y.dim(1));
    }

    public static void lrn(String op, LrnSpec s, Tensor x, Tensor... same) {
        Shapes.requireRank(op, "input", x, 4, "[N, C, H, W]");
        if (x.dim(1) % s.groups() != 0) {
            throw new ShapeMismatchException(op + ": " + x.dim(1) + " channels cannot be split into "
                    + s.groups() + " LRN groups");
        }
        for (Tensor t : same) {
            Shapes.requireSame(op, "tensor", t, x);
        }
    }

    public static void pool(String op, PoolSpec s, Tensor x, Tensor y) {
        Shapes.require(op, "output", y, s.outputShape(op, x.shape()));
    }

    public static void sameSize(String op, Tensor a, Tensor b) {
        if (a.size() != b.size()) {
            throw new ShapeMismatchException(op + ": element counts differ: " + a.shapeString() + " vs "
                    + b.shapeString());
        }
    }

    public static void dropout(String op, float p) {
        if (!(p >= 0f && p < 1f)) {
            throw new IllegalArgumentException(op + ": drop probability must be in [0, 1), got " + p);
        }
    }

    public static void softmax(String op, Tensor logits, int[] labels, Tensor probs, Tensor dlogits) {
        Shapes.requireRank(op, "logits", logits, 2, "[N, classes]");
        int n = logits.dim(0);
        int k = logits.dim(1);
        if (labels == null || labels.length != n) {
            throw new IllegalArgumentException(op + ": expected " + n + " labels (one per row of logits "
                    + logits.shapeString() + ") but got " + (labels == null ? "null" : labels.length));
        }
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= k) {
                throw new IllegalArgumentException(op + ": label " + labels[i] + " at batch index " + i
                        + " is outside [0, " + k + ") classes");
            }
        }
        if (probs != null) {
            Shapes.requireSame(op, "probs", probs, logits);
        }
        if (dlogits != null) {
            Shapes.requireSame(op, "dlogits", dlogits, logits);
        }
    }
}
