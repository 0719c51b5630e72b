package io.github.alexnetjava.backend.cpu;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.backend.BackendOptions;
import io.github.alexnetjava.backend.Conv2dSpec;
import io.github.alexnetjava.backend.LrnSpec;
import io.github.alexnetjava.backend.OpChecks;
import io.github.alexnetjava.backend.PoolSpec;
import io.github.alexnetjava.backend.cpu.gemm.Sgemm;
import io.github.alexnetjava.backend.cpu.vector.VectorSupport;
import io.github.alexnetjava.tensor.Shapes;
import io.github.alexnetjava.tensor.Tensor;

/**
 * The embedded default backend: pure Java, one worker pool sized to the cores, packed GEMM with a Vector API
 * micro-kernel (scalar fallback), convolution by im2col + GEMM. Ops run synchronously on the calling thread and
 * the pool.
 */
public final class CpuBackend implements Backend {
    private final WorkerPool pool;
    private final CpuConvolution conv;
    private final CpuLrn lrn;
    private final CpuMaxPool maxPool;
    private final CpuElementwise ew;

    public CpuBackend(BackendOptions options) {
        this.pool = new WorkerPool(options.threads());
        this.conv = new CpuConvolution(pool);
        this.lrn = new CpuLrn(pool);
        this.maxPool = new CpuMaxPool(pool);
        this.ew = new CpuElementwise(pool);
    }

    public CpuBackend() {
        this(BackendOptions.defaults());
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public String description() {
        return "cpu (" + pool.threads() + " threads, " + VectorSupport.description() + ")";
    }

    public int threads() {
        return pool.threads();
    }

    /** The worker pool, for code that runs its own parallel loops next to the backend's (e.g. data loading). */
    public WorkerPool pool() {
        return pool;
    }

    private CpuTensor t(String op, Tensor x) {
        if (x == null) {
            return null;
        }
        if (!(x instanceof CpuTensor ct) || ct.backend() != this) {
            throw new IllegalArgumentException(op + ": tensor " + x.shapeString() + " belongs to backend '"
                    + x.backend().name() + "', not to this cpu backend; copy it with Backend.copyFrom");
        }
        return ct;
    }

    private float[] d(String op, Tensor x) {
        CpuTensor ct = t(op, x);
        return ct == null ? null : ct.data;
    }

    // ----- memory -----

    @Override
    public CpuTensor allocate(int... shape) {
        return new CpuTensor(this, new float[Shapes.size(shape)], shape);
    }

    @Override
    public CpuTensor fromArray(float[] data, int... shape) {
        if (data.length != Shapes.size(shape)) {
            throw new IllegalArgumentException("fromArray: " + data.length + " values cannot fill shape "
                    + Shapes.toString(shape) + " (" + Shapes.size(shape) + " elements)");
        }
        return new CpuTensor(this, data.clone(), shape);
    }

    /** Wraps {@code data} without copying: the tensor and the caller share the array. */
    public CpuTensor wrap(float[] data, int... shape) {
        return new CpuTensor(this, data, shape);
    }

    @Override
    public float[] download(Tensor x) {
        return d("download", x).clone();
    }

    @Override
    public void upload(float[] src, Tensor dst) {
        float[] d = d("upload", dst);
        if (src.length != d.length) {
            throw new IllegalArgumentException("upload: " + src.length + " values for a tensor of shape "
                    + dst.shapeString() + " (" + d.length + " elements)");
        }
        System.arraycopy(src, 0, d, 0, d.length);
    }

    @Override
    public void fill(Tensor x, float value) {
        ew.fill(d("fill", x), value, x.size());
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        OpChecks.sameSize("copy", src, dst);
        ew.copy(d("copy", src), d("copy", dst), src.size());
    }

    @Override
    public void axpy(float alpha, Tensor x, Tensor y) {
        OpChecks.sameSize("axpy", x, y);
        ew.axpy(alpha, d("axpy", x), d("axpy", y), x.size());
    }

    // ----- dense algebra -----

    @Override
    public void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        OpChecks.gemm(transA, transB, a, b, c);
        int m = c.dim(0);
        int n = c.dim(1);
        int k = transA ? a.dim(0) : a.dim(1);
        Sgemm.sgemm(pool, transA, transB, m, n, k, alpha, d("gemm", a), 0, a.dim(1), d("gemm", b), 0, b.dim(1),
                beta, d("gemm", c), 0, n);
    }

    @Override
    public void biasAdd(Tensor y, Tensor bias) {
        OpChecks.channelBias("biasAdd", y, bias);
        ew.biasAdd(d("biasAdd", y), d("biasAdd", bias), y.dim(0), y.dim(1), y.size() / (y.dim(0) * y.dim(1)));
    }

    @Override
    public void biasGrad(Tensor dy, Tensor dbias) {
        OpChecks.channelBias("biasGrad", dy, dbias);
        ew.biasGrad(d("biasGrad", dy), d("biasGrad", dbias), dy.dim(0), dy.dim(1),
                dy.size() / (dy.dim(0) * dy.dim(1)));
    }

    // ----- convolution -----

    @Override
    public void conv2dForward(Conv2dSpec spec, Tensor x, Tensor w, Tensor bias, Tensor y) {
        conv2dForward("conv2d forward " + spec, spec, x, w, bias, y, false);
    }

    @Override
    public void conv2dForwardRelu(Conv2dSpec spec, Tensor x, Tensor w, Tensor bias, Tensor y) {
        conv2dForward("conv2d forward + relu " + spec, spec, x, w, bias, y, true);
    }

    private void conv2dForward(String op, Conv2dSpec spec, Tensor x, Tensor w, Tensor bias, Tensor y, boolean relu) {
        OpChecks.conv(op, spec, x, w, bias, y);
        conv.forward(spec, d(op, x), x.shape(), d(op, w), d(op, bias), d(op, y), relu);
    }

    @Override
    public void conv2dBackwardData(Conv2dSpec spec, Tensor dy, Tensor w, Tensor dx) {
        conv2dBackwardData("conv2d backward-data " + spec, spec, dy, w, null, dx);
    }

    @Override
    public void conv2dBackwardDataRelu(Conv2dSpec spec, Tensor dy, Tensor w, Tensor x, Tensor dx) {
        String op = "conv2d backward-data + relu " + spec;
        Shapes.requireSame(op, "x", x, dx);
        conv2dBackwardData(op, spec, dy, w, x, dx);
    }

    /** With {@code reluOut} not null, also the gradient of the in-place ReLU whose output it is. */
    private void conv2dBackwardData(String op, Conv2dSpec spec, Tensor dy, Tensor w, Tensor reluOut, Tensor dx) {
        OpChecks.conv(op, spec, dx, w, null, dy);
        conv.backwardData(spec, d(op, dy), d(op, w), d(op, dx), dx.shape(), reluOut == null ? null : d(op, reluOut));
    }

    @Override
    public void conv2dBackwardFilter(Conv2dSpec spec, Tensor x, Tensor dy, Tensor dw, Tensor dbias) {
        String op = "conv2d backward-filter " + spec;
        OpChecks.conv(op, spec, x, dw, dbias, dy);
        conv.backwardFilter(spec, d(op, x), x.shape(), d(op, dy), d(op, dw), d(op, dbias));
    }

    // ----- element-wise and normalisation -----

    @Override
    public void reluForward(Tensor x, Tensor y) {
        Shapes.requireSame("relu forward", "output", y, x);
        ew.relu(d("relu", x), d("relu", y), x.size());
    }

    @Override
    public void reluBackward(Tensor y, Tensor dy, Tensor dx) {
        Shapes.requireSame("relu backward", "dy", dy, y);
        Shapes.requireSame("relu backward", "dx", dx, y);
        ew.reluBackward(d("relu", y), d("relu", dy), d("relu", dx), y.size());
    }

    @Override
    public void tanhForward(Tensor x, Tensor y) {
        Shapes.requireSame("tanh forward", "output", y, x);
        ew.tanh(d("tanh", x), d("tanh", y), x.size());
    }

    @Override
    public void tanhBackward(Tensor y, Tensor dy, Tensor dx) {
        Shapes.requireSame("tanh backward", "dy", dy, y);
        Shapes.requireSame("tanh backward", "dx", dx, y);
        ew.tanhBackward(d("tanh", y), d("tanh", dy), d("tanh", dx), y.size());
    }

    @Override
    public void lrnForward(LrnSpec spec, Tensor x, Tensor y, Tensor scale) {
        OpChecks.lrn("lrn forward", spec, x, y, scale);
        lrn.forward(spec, x.shape(), d("lrn", x), d("lrn", y), d("lrn", scale));
    }

    @Override
    public void lrnBackward(LrnSpec spec, Tensor x, Tensor y, Tensor scale, Tensor dy, Tensor dx) {
        lrnBackward("lrn backward", spec, x, y, scale, dy, dx, false);
    }

    @Override
    public void lrnBackwardRelu(LrnSpec spec, Tensor x, Tensor y, Tensor scale, Tensor dy, Tensor dx) {
        lrnBackward("lrn backward + relu", spec, x, y, scale, dy, dx, true);
    }

    private void lrnBackward(String op, LrnSpec spec, Tensor x, Tensor y, Tensor scale, Tensor dy, Tensor dx,
            boolean relu) {
        OpChecks.lrn(op, spec, x, y, scale, dy, dx);
        lrn.backward(spec, x.shape(), d(op, x), d(op, y), d(op, scale), d(op, dy), d(op, dx), relu);
    }

    @Override
    public void maxPoolForward(PoolSpec spec, Tensor x, Tensor y) {
        OpChecks.pool("max-pool forward", spec, x, y);
        maxPool.forward(spec, x.shape(), d("max-pool", x), d("max-pool", y));
    }

    @Override
    public void maxPoolBackward(PoolSpec spec, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        maxPoolBackward("max-pool backward", spec, x, y, dy, dx, false);
    }

    @Override
    public void maxPoolBackwardRelu(PoolSpec spec, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        maxPoolBackward("max-pool backward + relu", spec, x, y, dy, dx, true);
    }

    private void maxPoolBackward(String op, PoolSpec spec, Tensor x, Tensor y, Tensor dy, Tensor dx, boolean relu) {
        OpChecks.pool(op, spec, x, y);
        Shapes.requireSame(op, "dy", dy, y);
        Shapes.requireSame(op, "dx", dx, x);
        maxPool.backward(spec, x.shape(), d(op, x), d(op, y), d(op, dy), d(op, dx), relu);
    }

    @Override
    public void dropoutForward(float p, long stream, Tensor x, Tensor y) {
        OpChecks.dropout("dropout forward", p);
        Shapes.requireSame("dropout forward", "output", y, x);
        ew.dropout(p, stream, d("dropout", x), d("dropout", y), x.size());
    }

    @Override
    public void dropoutBackward(float p, long stream, Tensor dy, Tensor dx) {
        OpChecks.dropout("dropout backward", p);
        Shapes.requireSame("dropout backward", "dx", dx, dy);
        ew.dropout(p, stream, d("dropout", dy), d("dropout", dx), dy.size());
    }

    @Override
    public void dropoutBackwardRelu(float p, long stream, Tensor x, Tensor dy, Tensor dx) {
        String op = "dropout backward + relu";
        OpChecks.dropout(op, p);
        Shapes.requireSame(op, "dy", dy, x);
        Shapes.requireSame(op, "dx", dx, x);
        ew.dropoutRelu(p, stream, d(op, x), d(op, dy), d(op, dx), x.size());
    }

    @Override
    public float softmaxCrossEntropy(Tensor logits, int[] labels, Tensor probs, Tensor dlogits) {
        String op = "softmax cross-entropy";
        OpChecks.softmax(op, logits, labels, probs, dlogits);
        float[] z = d(op, logits);
        float[] pr = d(op, probs);
        float[] dz = d(op, dlogits);
        int n = logits.dim(0);
        int k = logits.dim(1);
        double total = 0;
        for (int i = 0; i < n; i++) {
            int off = i * k;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                max = Math.max(max, z[off + j]);
            }
            double sum = 0;
            for (int j = 0; j < k; j++) {
                sum += Math.exp(z[off + j] - max);
            }
            double logSum = Math.log(sum) + max;
            total += logSum - z[off + labels[i]];
            for (int j = 0; j < k; j++) {
                double pj = Math.exp(z[off + j] - logSum);
                if (pr != null) {
                    pr[off + j] = (float) pj;
                }
                if (dz != null) {
                    dz[off + j] = (float) ((pj - (j == labels[i] ? 1.0 : 0.0)) / n);
                }
            }
        }
        return (float) (total / n);
    }

    @Override
    public void sgdUpdate(float lr, float momentum, float weightDecay, Tensor w, Tensor g, Tensor v) {
        Shapes.requireSame("sgd update", "gradient", g, w);
        Shapes.requireSame("sgd update", "velocity", v, w);
        ew.sgd(lr, momentum, weightDecay, d("sgd", w), d("sgd", g), d("sgd", v), w.size());
    }

    @Override
    public boolean allFinite(Tensor x) {
        return ew.allFinite(d("allFinite", x), x.size());
    }

    @Override
    public void close() {
        pool.close();
    }
}
