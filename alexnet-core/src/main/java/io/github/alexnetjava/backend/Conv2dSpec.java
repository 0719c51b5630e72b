package io.github.alexnetjava.backend;

import io.github.alexnetjava.tensor.Shapes;
import io.github.alexnetjava.tensor.ShapeMismatchException;
import io.github.alexnetjava.tensor.Tensor;

/**
 * A 2-D convolution's hyper-parameters (cross-correlation, as in every framework). Weights are
 * {@code [outChannels, inChannels/groups, kernelH, kernelW]}; group {@code g} connects input channels
 * {@code [g*C/G, (g+1)*C/G)} to output channels {@code [g*M/G, (g+1)*M/G)}.
 */
public record Conv2dSpec(int inChannels, int outChannels, int kernelH, int kernelW, int strideH, int strideW,
                         int padH, int padW, int groups) {

    public Conv2dSpec {
        if (inChannels <= 0 || outChannels <= 0 || kernelH <= 0 || kernelW <= 0 || strideH <= 0 || strideW <= 0
                || padH < 0 || padW < 0 || groups <= 0) {
            throw new IllegalArgumentException("invalid convolution " + describe(inChannels, outChannels, kernelH,
                    kernelW, strideH, padH, groups) + ": sizes and strides must be positive, padding non-negative");
        }
        if (inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException("convolution with " + groups + " groups needs in-channels ("
                    + inChannels + ") and out-channels (" + outChannels + ") divisible by the group count");
        }
    }

    /** Square kernel, equal stride and padding. */
    public static Conv2dSpec of(int inChannels, int outChannels, int kernel, int stride, int pad, int groups) {
        return new Conv2dSpec(inChannels, outChannels, kernel, kernel, stride, stride, pad, pad, groups);
    }

    public int outH(int h) {
        return (h + 2 * padH - kernelH) / strideH + 1;
    }

    public int outW(int w) {
        return (w + 2 * padW - kernelW) / strideW + 1;
    }

    public int inPerGroup() {
        return inChannels / groups;
    }

    public int outPerGroup() {
        return outChannels / groups;
    }

    public int[] weightShape() {
        return new int[] {outChannels, inChannels / groups, kernelH, kernelW};
    }

    /** Output shape for an {@code [N, C, H, W]} input; fails with a clear message if the input does not fit. */
    public int[] outputShape(String op, int[] x) {
        if (x.length != 4) {
            throw new ShapeMismatchException(op + ": input must be rank 4 [N, C, H, W] but has shape "
                    + Shapes.toString(x));
        }
        if (x[1] != inChannels) {
            throw new ShapeMismatchException(op + ": input " + Shapes.toString(x) + " has " + x[1]
                    + " channels but the layer expects " + inChannels);
        }
        if (x[2] + 2 * padH < kernelH || x[3] + 2 * padW < kernelW) {
            throw new ShapeMismatchException(op + ": input " + Shapes.toString(x) + " is smaller than the "
                    + kernelH + "x" + kernelW + " kernel (padding " + padH + ")");
        }
        return new int[] {x[0], outChannels, outH(x[2]), outW(x[3])};
    }

    /** Checks input, weight and output tensors of one convolution call. */
    public void check(String op, Tensor x, Tensor w, Tensor y) {
        int[] out = outputShape(op, x.shape());
        Shapes.require(op, "weight", w, weightShape());
        Shapes.require(op, "output", y, out);
    }

    /** Multiply-adds x2 of the forward pass for a batch of {@code n} images of size h x w. */
    public double forwardFlops(int n, int h, int w) {
        return 2.0 * n * outChannels * outH(h) * outW(w) * (double) inPerGroup() * kernelH * kernelW;
    }

    private static String describe(int c, int m, int kh, int kw, int s, int p, int g) {
        return c + "->" + m + " " + kh + "x" + kw + " stride " + s + " pad " + p + " groups " + g;
    }

    @Override
    public String toString() {
        return describe(inChannels, outChannels, kernelH, kernelW, strideH, padH, groups);
    }
}
