package io.github.alexnetjava.cuda;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.backend.BackendOptions;
import io.github.alexnetjava.backend.Conv2dSpec;
import io.github.alexnetjava.backend.LrnSpec;
import io.github.alexnetjava.backend.OpChecks;
import io.github.alexnetjava.backend.PoolSpec;
import io.github.alexnetjava.tensor.Shapes;
import io.github.alexnetjava.tensor.Tensor;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUfunction;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The CUDA backend: every op of the core SPI on one GPU, on one stream, asynchronously. Only {@link #download},
 * {@link #softmaxCrossEntropy}, {@link #allFinite} and {@link #synchronize} wait for the GPU.
 *
 * <p>Three tiers are loaded at start-up, each logged in one line: own kernels (always; {@link Kernels}), cuBLAS
 * for GEMM ({@link CublasTier}) and cuDNN for convolution, LRN and pooling ({@link CudnnTier}); a tier that is
 * switched off or fails to load leaves its ops to the own kernels. Memory comes from a {@link CachingAllocator}
 * that is freed on {@link #close}.
 */
public final class CudaBackend implements Backend {
    private static final Logger LOG = LoggerFactory.getLogger(CudaBackend.class);
    private static final int THREADS = 256;
    /**
     * Maps logical device indices ({@link BackendOptions#device()}) to GPUs, e.g. {@code 0,0} runs both towers of
     * the two-device model-parallel AlexNet on GPU 0 as two logical devices (own stream and memory pool each).
     * Unset: logical device k is GPU k.
     */
    public static final String DEVICE_MAP_PROPERTY = "alexnet.cuda.deviceMap";
    /** Upper bound of an im2col buffer (the convolution runs in chunks of images to stay below it). */
    static final long COL_LIMIT_BYTES = 256L << 20;

    private final CudaConfig config;
    private final int deviceIndex;
    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final CUstream stream = new CUstream();
    private final CudaProbe.Device info;
    private final CachingAllocator<CUdeviceptr> allocator;
    private final Staging staging;
    private final Kernels kernels;
    private final CublasTier cublas;
    private final CudnnTier cudnn;
    private final GemmEngine gemm;
    private final List<TierStatus> tiers = new ArrayList<>();
    /** Per (direction, layer, input shape): whether cuDNN runs it (else im2col + GEMM); see convByChoice. */
    private final Map<List<Object>, Boolean> convChoice = new HashMap<>();
    private final CachingAllocator.Block<CUdeviceptr> flag;
    private boolean contextRetained;
    private boolean streamCreated;
    private volatile boolean closed;

    /** A backend with the tiers the system properties allow. */
    public CudaBackend(BackendOptions options) {
        this(options, CudaConfig.fromSystemProperties());
    }

    public CudaBackend(BackendOptions options, CudaConfig config) {
        this.config = config;
        CudaProbe.Report probe = CudaProbe.get();
        if (probe.driverProblem() != null) {
            throw new IllegalStateException("CUDA backend unavailable: " + probe.driverProblem());
        }
        this.deviceIndex = physicalDevice(options.device(), System.getProperty(DEVICE_MAP_PROPERTY));
        if (deviceIndex < 0 || deviceIndex >= probe.devices().size()) {
            throw new IllegalArgumentException("CUDA device " + deviceIndex + " does not exist; this machine has "
                    + probe.devices().size() + " GPU(s): " + probe.devices() + (probe.devices().size() == 1
                    ? "; to run two logical devices (e.g. the two-tower split) on one GPU pass -D"
                    + DEVICE_MAP_PROPERTY + "=0,0" : ""));
        }
        this.info = probe.devices().get(deviceIndex);
        CachingAllocator<CUdeviceptr> alloc = null;
        Staging stg = null;
        Kernels k = null;
        CublasTier cb = null;
        CudnnTier cd = null;
        CachingAllocator.Block<CUdeviceptr> f = null;
        try {
            CudaCheck.driver(JCudaDriver.cuDeviceGet(device, deviceIndex), "cuDeviceGet(" + deviceIndex + ")");
            CudaCheck.driver(JCudaDriver.cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain");
            contextRetained = true;
            CudaCheck.driver(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
            CudaCheck.driver(JCudaDriver.cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING),
                    "cuStreamCreate");
            streamCreated = true;
            alloc = new CachingAllocator<>(new DeviceMemory(stream), CudaBackend::collectGarbage);
            stg = new Staging(stream);

            TierSelector.Result<Kernels> t1 = TierSelector.load(Tier.KERNELS, true, () -> new Kernels(
                    config.kernelDir()));
            tiers.add(t1.status());
            if (t1.value() == null) {
                throw new IllegalStateException("CUDA backend cannot start: " + t1.status().detail());
            }
            k = t1.value();
            TierSelector.Result<CublasTier> t2 = TierSelector.load(Tier.CUBLAS, config.cublas(),
                    () -> new CublasTier(stream, config.tf32()));
            tiers.add(t2.status());
            cb = t2.value();
            final CachingAllocator<CUdeviceptr> a = alloc;
            TierSelector.Result<CudnnTier> t3 = TierSelector.load(Tier.CUDNN, config.cudnn(),
                    () -> new CudnnTier(stream, config.tf32(), new CudnnTier.Workspace() {
                        @Override
                        public CachingAllocator.Block<CUdeviceptr> acquire(long bytes, String what) {
                            return a.allocate(bytes, what);
                        }

                        @Override
                        public void release(CachingAllocator.Block<CUdeviceptr> b) {
                            a.release(b);
                        }
                    }));
            tiers.add(t3.status());
            cd = t3.value();
            f = alloc.allocate(4, "the allFinite flag");
        } catch (RuntimeException | LinkageError e) {
            closeQuietly(cd);
            closeQuietly(cb);
            closeQuietly(k);
            closeQuietly(stg);
            if (alloc != null) {
                try {
                    alloc.close();
                } catch (RuntimeException ignored) {
                    // best effort
                }
            }
            releaseContext();
            throw e;
        }
        this.allocator = alloc;
        this.staging = stg;
        this.kernels = k;
        this.cublas = cb;
        this.cudnn = cd;
        this.flag = f;
        this.gemm = cublas != null ? cublas : new OwnGemm();
        LOG.info("CUDA backend on {} (driver CUDA {}): GEMM by {}, convolution/LRN/pooling by {}", info,
                probe.driverVersionString(), gemm.name(), cudnn != null ? "cuDNN" : "own kernels");
    }

    /** The GPU of logical device {@code logical} under {@code map} (a comma list, or null for identity). */
    static int physicalDevice(int logical, String map) {
        if (map == null || map.isBlank()) {
            return logical;
        }
        String[] parts = map.trim().split("\\s*,\\s*");
        if (logical < 0 || logical >= parts.length) {
            throw new IllegalArgumentException("-D" + DEVICE_MAP_PROPERTY + "=" + map + " maps " + parts.length
                    + " logical device(s); device " + logical + " was asked for");
        }
        try {
            return Integer.parseInt(parts[logical]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + DEVICE_MAP_PROPERTY + "=" + map + ": '" + parts[logical]
                    + "' is not a GPU index (expected e.g. 0,0 or 0,1)");
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    private void releaseContext() {
        if (streamCreated) {
            JCudaDriver.cuStreamDestroy(stream);
            streamCreated = false;
        }
        if (contextRetained) {
            JCudaDriver.cuDevicePrimaryCtxRelease(device);
            contextRetained = false;
        }
    }

    /** Lets the JVM collect unreachable tensors so their cleaners return device memory (out-of-memory retry). */
    private static void collectGarbage() {
        System.gc();
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.gc();
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ----- information -----

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public String description() {
        StringBuilder sb = new StringBuilder("cuda (").append(info.name()).append(", sm_").append(info.major())
                .append(info.minor()).append(", GEMM: ").append(gemm.name()).append(", conv/LRN/pool: ")
                .append(cudnn != null ? "cuDNN" : "own kernels").append(')');
        return sb.toString();
    }

    /** The start-up status of each tier. */
    public List<TierStatus> tiers() {
        return List.copyOf(tiers);
    }

    public boolean usesCublas() {
        return cublas != null;
    }

    public boolean usesCudnn() {
        return cudnn != null;
    }

    public CudaConfig config() {
        return config;
    }

    public CudaProbe.Device device() {
        return info;
    }

    /** Device memory statistics of this backend's caching allocator. */
    public MemoryStats memoryStats() {
        return allocator.stats();
    }

    /** Returns the allocator's cached free blocks to the driver. */
    public void emptyCache() {
        enter();
        allocator.emptyCache();
    }

    // ----- plumbing -----

    private void enter() {
        if (closed) {
            throw new IllegalStateException("the CUDA backend is closed");
        }
        CudaCheck.driver(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    private CudaTensor t(String op, Tensor x) {
        if (x == null) {
            return null;
        }
        if (!(x instanceof CudaTensor ct) || ct.backend() != this) {
            throw new IllegalArgumentException(op + ": tensor " + x.shapeString() + " belongs to backend '"
                    + x.backend().name() + "', not to this cuda backend; copy it with Backend.copyFrom");
        }
        return ct;
    }

    private CUdeviceptr p(String op, Tensor x) {
        CudaTensor ct = t(op, x);
        return ct == null ? null : ct.ptr();
    }

    private static CUdeviceptr off(CUdeviceptr p, long floats) {
        return floats == 0 ? p : p.withByteOffset(floats * Float.BYTES);
    }

    private int blocks(long n) {
        long b = (n + THREADS - 1) / THREADS;
        return (int) Math.max(1, Math.min(b, (long) Math.max(info.multiprocessors(), 1) * 32));
    }

    /** Converts kernel arguments to the driver's parameter array; the boxed type decides the C type. */
    private static Pointer params(Object... args) {
        NativePointerObject[] ps = new NativePointerObject[args.length];
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a == null) {
                ps[i] = Pointer.to(new long[] {0L}); // a null device pointer
            } else if (a instanceof CUdeviceptr d) {
                ps[i] = Pointer.to(d);
            } else if (a instanceof Integer v) {
                ps[i] = Pointer.to(new int[] {v});
            } else if (a instanceof Long v) {
                ps[i] = Pointer.to(new long[] {v});
            } else if (a instanceof Float v) {
                ps[i] = Pointer.to(new float[] {v});
            } else if (a instanceof Double v) {
                ps[i] = Pointer.to(new double[] {v});
            } else {
                throw new IllegalArgumentException("unsupported kernel argument type " + a.getClass());
            }
        }
        return Pointer.to(ps);
    }

    private void launch(String kernel, int gridX, int gridY, int block, Object... args) {
        launch3d(kernel, gridX, gridY, 1, block, args);
    }

    private void launch3d(String kernel, int gridX, int gridY, int gridZ, int block, Object... args) {
        CUfunction f = kernels.get(kernel);
        CudaCheck.driver(JCudaDriver.cuLaunchKernel(f, gridX, gridY, gridZ, block, 1, 1, 0, stream, params(args),
                null), "cuLaunchKernel(" + kernel + ", grid " + gridX + "x" + gridY + "x" + gridZ + ", block " + block
                + ")");
    }

    /** A grid-stride element-wise launch over n elements (nothing for n == 0). */
    private void launchN(String kernel, long n, Object... args) {
        if (n > 0) {
            launch(kernel, blocks(n), 1, THREADS, args);
        }
    }

    private CachingAllocator.Block<CUdeviceptr> temp(long floats, String what) {
        return allocator.allocate(Math.max(floats, 1) * Float.BYTES, what);
    }

    // ----- memory -----

    @Override
    public CudaTensor allocate(int... shape) {
        CudaTensor t = newTensor(shape);
        fill(t, 0f);
        return t;
    }

    private CudaTensor newTensor(int[] shape) {
        enter();
        int[] s = shape.clone();
        long bytes = (long) Shapes.size(s) * Float.BYTES;
        CachingAllocator.Block<CUdeviceptr> b = allocator.allocate(bytes, "tensor " + Shapes.toString(s));
        return new CudaTensor(this, new CudaTensor.Storage(allocator, b, Math.max(bytes, 0)), s);
    }

    @Override
    public CudaTensor fromArray(float[] data, int... shape) {
        if (data.length != Shapes.size(shape)) {
            throw new IllegalArgumentException("fromArray: " + data.length + " values cannot fill shape "
                    + Shapes.toString(shape) + " (" + Shapes.size(shape) + " elements)");
        }
        CudaTensor t = newTensor(shape);
        upload(data, t);
        return t;
    }

    @Override
    public float[] download(Tensor x) {
        CUdeviceptr src = p("download", x);
        enter();
        float[] out = new float[x.size()];
        staging.download(src, (long) out.length * Float.BYTES,
                (bb, from, n) -> bb.asFloatBuffer().get(out, (int) (from / Float.BYTES), (int) (n / Float.BYTES)));
        return out;
    }

    @Override
    public void upload(float[] src, Tensor dst) {
        CUdeviceptr d = p("upload", dst);
        if (src.length != dst.size()) {
            throw new IllegalArgumentException("upload: " + src.length + " values for a tensor of shape "
                    + dst.shapeString() + " (" + dst.size() + " elements)");
        }
        enter();
        if (src.length == 0) {
            return;
        }
        staging.upload((ByteBuffer bb, long from, long n) -> bb.asFloatBuffer().put(src, (int) (from / Float.BYTES),
                (int) (n / Float.BYTES)), d, (long) src.length * Float.BYTES);
    }

    @Override
    public void fill(Tensor x, float value) {
        CUdeviceptr d = p("fill", x);
        enter();
        launchN("fill_f32", x.size(), d, value, (long) x.size());
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        OpChecks.sameSize("copy", src, dst);
        CUdeviceptr s = p("copy", src);
        CUdeviceptr d = p("copy", dst);
        enter();
        if (src.size() > 0) {
            CudaCheck.driver(JCudaDriver.cuMemcpyDtoDAsync(d, s, (long) src.size() * Float.BYTES, stream),
                    "cuMemcpyDtoDAsync");
        }
    }

    @Override
    public void axpy(float alpha, Tensor x, Tensor y) {
        OpChecks.sameSize("axpy", x, y);
        CUdeviceptr px = p("axpy", x);
        CUdeviceptr py = p("axpy", y);
        enter();
        launchN("axpy_f32", x.size(), alpha, px, py, (long) x.size());
    }

    // ----- dense algebra -----

    @Override
    public void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        OpChecks.gemm(transA, transB, a, b, c);
        CUdeviceptr pa = p("gemm", a);
        CUdeviceptr pb = p("gemm", b);
        CUdeviceptr pc = p("gemm", c);
        enter();
        int m = c.dim(0);
        int n = c.dim(1);
        int k = transA ? a.dim(0) : a.dim(1);
        gemm.sgemm(transA, transB, m, n, k, alpha, pa, a.dim(1), pb, b.dim(1), beta, pc, n);
    }

    /** The own register-blocked SGEMM kernels, tiled and split along K as {@link GemmPlan} decides. */
    private final class OwnGemm implements GemmEngine {
        @Override
        public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, CUdeviceptr a, int lda,
                          CUdeviceptr b, int ldb, float beta, CUdeviceptr c, int ldc) {
            if (m == 0 || n == 0) {
                return;
            }
            GemmPlan plan = GemmPlan.choose(m, n, k, info.multiprocessors());
            String kernel = plan.kernel(transA, transB);
            int gx = ceilDiv(n, plan.tile());
            int gy = ceilDiv(m, plan.tile());
            if (plan.split() == 1) {
                launch3d(kernel, gx, gy, 1, plan.threads(), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc,
                        Math.max(k, 1), null);
                return;
            }
            CachingAllocator.Block<CUdeviceptr> partial = temp((long) plan.split() * m * n,
                    "split-K partial products of a " + m + "x" + n + "x" + k + " GEMM");
            try {
                launch3d(kernel, gx, gy, plan.split(), plan.threads(), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc,
                        plan.kChunk(), partial.ptr());
                launchN("sgemm_splitk_reduce", (long) m * n, partial.ptr(), c, m, n, ldc, plan.split(), alpha,
                        beta);
            } finally {
                allocator.release(partial); // stream-ordered: reused only by work queued after the reduction
            }
        }

        @Override
        public String name() {
            return "own SGEMM kernels";
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    @Override
    public void biasAdd(Tensor y, Tensor bias) {
        OpChecks.channelBias("biasAdd", y, bias);
        CUdeviceptr py = p("biasAdd", y);
        CUdeviceptr pb = p("biasAdd", bias);
        enter();
        int plane = y.size() / (y.dim(0) * y.dim(1));
        launchN("bias_add", y.size(), py, pb, (long) y.size(), y.dim(1), plane);
    }

    @Override
    public void biasGrad(Tensor dy, Tensor dbias) {
        OpChecks.channelBias("biasGrad", dy, dbias);
        CUdeviceptr pdy = p("biasGrad", dy);
        CUdeviceptr pdb = p("biasGrad", dbias);
        enter();
        biasGrad(pdy, pdb, dy.dim(0), dy.dim(1), dy.size() / (dy.dim(0) * dy.dim(1)));
    }

    private void biasGrad(CUdeviceptr dy, CUdeviceptr db, int n, int c, int plane) {
        if (c > 0) {
            launch("bias_grad", c, 1, THREADS, dy, db, n, c, plane);
        }
    }

    // ----- convolution -----

    /** Images per im2col chunk so the column buffer stays under {@link #COL_LIMIT_BYTES}. */
    static int chunkImages(int n, long rowsPerImage, long positions) {
        long perImage = Math.max(1, rowsPerImage * positions * Float.BYTES);
        return (int) Math.max(1, Math.min(n, COL_LIMIT_BYTES / perImage));
    }

    /** The im2col view of one convolution: sizes per image, per group and per chunk of images. */
    private record ConvGeometry(int n, int cIn, int h, int w, int ho, int wo, int pl, int g, int cg, int mg, int kk,
                                int chunk) {
        static ConvGeometry of(Conv2dSpec s, int[] xs) {
            int ho = s.outH(xs[2]);
            int wo = s.outW(xs[3]);
            int kk = s.inPerGroup() * s.kernelH() * s.kernelW();
            return new ConvGeometry(xs[0], xs[1], xs[2], xs[3], ho, wo, ho * wo, s.groups(), s.inPerGroup(),
                    s.outPerGroup(), kk, chunkImages(xs[0], Math.max(kk, s.outPerGroup()), (long) ho * wo));
        }
    }

    /**
     * Runs one convolution direction by cuDNN or by the own im2col + GEMM path. With cuDNN's heuristics, cuDNN
     * does whatever it has an algorithm for. In benchmark mode ({@code -Dalexnet.cuda.cudnn.benchmark=true}) the
     * first call of each (direction, layer, input shape) also times the own path (im2col + the GEMM tier, cuBLAS
     * where it loaded): each path runs twice, the second run timed with CUDA events, and the faster is kept. Both
     * compute the same sums of products in fp32, so the choice changes speed, not the parity bar.
     */
    private void convByChoice(String direction, Conv2dSpec spec, int[] xs, BooleanSupplier viaCudnn, Runnable own) {
        if (cudnn == null) {
            own.run();
            return;
        }
        List<Object> key = List.of(direction, spec, List.of(xs[0], xs[1], xs[2], xs[3]));
        Boolean useCudnn = convChoice.get(key);
        if (useCudnn == null) {
            if (!cudnn.benchmark() || !viaCudnn.getAsBoolean()) {
                useCudnn = !cudnn.benchmark(); // heuristics: cuDNN whenever it has an algorithm
            } else {
                float cudnnMs = timed(() -> viaCudnn.getAsBoolean());
                own.run();
                float ownMs = timed(own);
                useCudnn = cudnnMs <= ownMs;
                LOG.info("{} {} on {}: cuDNN {} ms, im2col + {} {} ms: {}", direction, spec, Arrays.toString(xs),
                        String.format(Locale.ROOT, "%.3f", cudnnMs), gemm.name(),
                        String.format(Locale.ROOT, "%.3f", ownMs), useCudnn ? "cuDNN" : "im2col + GEMM");
            }
            convChoice.put(key, useCudnn);
        }
        if (!useCudnn || !viaCudnn.getAsBoolean()) {
            own.run();
        }
    }

    /** Milliseconds the GPU spends on what {@code work} queues (CUDA events around it on the stream). */
    private float timed(Runnable work) {
        CUevent start = new CUevent();
        CUevent end = new CUevent();
        CudaCheck.driver(JCudaDriver.cuEventCreate(start, 0), "cuEventCreate");
        CudaCheck.driver(JCudaDriver.cuEventCreate(end, 0), "cuEventCreate");
        try {
            CudaCheck.driver(JCudaDriver.cuEventRecord(start, stream), "cuEventRecord");
            work.run();
            CudaCheck.driver(JCudaDriver.cuEventRecord(end, stream), "cuEventRecord");
            CudaCheck.driver(JCudaDriver.cuEventSynchronize(end), "cuEventSynchronize");
            float[] ms = new float[1];
            CudaCheck.driver(JCudaDriver.cuEventElapsedTime(ms, start, end), "cuEventElapsedTime");
            return ms[0];
        } finally {
            JCudaDriver.cuEventDestroy(start);
            JCudaDriver.cuEventDestroy(end);
        }
    }

    @Override
    public void conv2dForward(Conv2dSpec spec, Tensor x, Tensor w, Tensor bias, Tensor y) {
        String op = "conv2d forward " + spec;
        OpChecks.conv(op, spec, x, w, bias, y);
        CUdeviceptr px = p(op, x);
        CUdeviceptr pw = p(op, w);
        CUdeviceptr pb = p(op, bias);
        CUdeviceptr py = p(op, y);
        enter();
        int[] xs = x.shape();
        convByChoice("forward", spec, xs, () -> {
            if (!cudnn.convForward(spec, xs, px, pw, py)) {
                return false;
            }
            if (pb != null) {
                launchN("bias_add", y.size(), py, pb, (long) y.size(), y.dim(1), y.dim(2) * y.dim(3));
            }
            return true;
        }, () -> ownConvForward(op, spec, ConvGeometry.of(spec, xs), px, pw, pb, py));
    }

    /** One (chunk of images, channel group) step of the own im2col + GEMM path. */
    private interface ChunkStep {
        void run(CUdeviceptr cols, CUdeviceptr outs, int n0, int b, int width, int gi);
    }

    /**
     * Runs {@code step} for every chunk of images and every group, with two temporary buffers: one of K x columns
     * (the column matrix or its gradient) and one of Mg x columns (the GEMM output or the gathered dy).
     */
    private void overChunksAndGroups(ConvGeometry q, String colsWhat, String outsWhat, ChunkStep step) {
        CachingAllocator.Block<CUdeviceptr> cols = temp((long) q.kk() * q.chunk() * q.pl(), colsWhat);
        CachingAllocator.Block<CUdeviceptr> outs = temp((long) q.mg() * q.chunk() * q.pl(), outsWhat);
        try {
            for (int n0 = 0; n0 < q.n(); n0 += q.chunk()) {
                int b = Math.min(q.chunk(), q.n() - n0);
                for (int gi = 0; gi < q.g(); gi++) {
                    step.run(cols.ptr(), outs.ptr(), n0, b, b * q.pl(), gi);
                }
            }
        } finally {
            allocator.release(cols);
            allocator.release(outs);
        }
    }

    private void ownConvForward(String op, Conv2dSpec spec, ConvGeometry q, CUdeviceptr px, CUdeviceptr pw,
                                CUdeviceptr pb, CUdeviceptr py) {
        overChunksAndGroups(q, "im2col buffer of " + op, "GEMM output of " + op, (col, tmp, n0, b, cols, gi) -> {
            im2col(px, col, q, gi * q.cg(), spec, n0, b);
            gemm.sgemm(false, false, q.mg(), cols, q.kk(), 1f, off(pw, (long) gi * q.mg() * q.kk()), q.kk(), col,
                    cols, 0f, tmp, cols);
            launchN("scatter_output", (long) q.mg() * cols, tmp, py, pb, spec.outChannels(), gi * q.mg(), q.mg(),
                    q.pl(), n0, b);
        });
    }

    private void im2col(CUdeviceptr x, CUdeviceptr col, ConvGeometry q, int cBase, Conv2dSpec s, int n0, int b) {
        long total = (long) q.cg() * s.kernelH() * s.kernelW() * b * q.pl();
        launchN("im2col_batched", total, x, col, q.cIn(), q.h(), q.w(), cBase, q.cg(), s.kernelH(), s.kernelW(),
                s.strideH(), s.strideW(), s.padH(), s.padW(), q.ho(), q.wo(), n0, b);
    }

    @Override
    public void conv2dBackwardData(Conv2dSpec spec, Tensor dy, Tensor w, Tensor dx) {
        String op = "conv2d backward-data " + spec;
        OpChecks.conv(op, spec, dx, w, null, dy);
        CUdeviceptr pdy = p(op, dy);
        CUdeviceptr pw = p(op, w);
        CUdeviceptr pdx = p(op, dx);
        enter();
        int[] xs = dx.shape();
        convByChoice("backward-data", spec, xs, () -> cudnn.convBackwardData(spec, xs, pdy, pw, pdx),
                () -> ownConvBackwardData(op, spec, ConvGeometry.of(spec, xs), pdy, pw, pdx));
    }

    private void ownConvBackwardData(String op, Conv2dSpec spec, ConvGeometry q, CUdeviceptr pdy, CUdeviceptr pw,
                                     CUdeviceptr pdx) {
        overChunksAndGroups(q, "column gradient of " + op, "gathered dy of " + op, (dcol, dyt, n0, b, cols, gi) -> {
            launchN("gather_output", (long) q.mg() * cols, pdy, dyt, spec.outChannels(), gi * q.mg(), q.mg(),
                    q.pl(), n0, b);
            gemm.sgemm(true, false, q.kk(), cols, q.mg(), 1f, off(pw, (long) gi * q.mg() * q.kk()), q.kk(), dyt,
                    cols, 0f, dcol, cols);
            launchN("col2im_batched", (long) b * q.cg() * q.h() * q.w(), dcol, pdx, q.cIn(), q.h(), q.w(),
                    gi * q.cg(), q.cg(), spec.kernelH(), spec.kernelW(), spec.strideH(), spec.strideW(), spec.padH(),
                    spec.padW(), q.ho(), q.wo(), n0, b);
        });
    }

    @Override
    public void conv2dBackwardFilter(Conv2dSpec spec, Tensor x, Tensor dy, Tensor dw, Tensor dbias) {
        String op = "conv2d backward-filter " + spec;
        OpChecks.conv(op, spec, x, dw, dbias, dy);
        CUdeviceptr px = p(op, x);
        CUdeviceptr pdy = p(op, dy);
        CUdeviceptr pdw = p(op, dw);
        CUdeviceptr pdb = p(op, dbias);
        enter();
        int[] xs = x.shape();
        ConvGeometry q = ConvGeometry.of(spec, xs);
        if (pdb != null) {
            biasGrad(pdy, pdb, q.n(), spec.outChannels(), q.pl());
        }
        convByChoice("backward-filter", spec, xs, () -> cudnn.convBackwardFilter(spec, xs, px, pdy, pdw),
                () -> ownConvBackwardFilter(op, spec, q, px, pdy, pdw));
    }

    private void ownConvBackwardFilter(String op, Conv2dSpec spec, ConvGeometry q, CUdeviceptr px, CUdeviceptr pdy,
                                       CUdeviceptr pdw) {
        overChunksAndGroups(q, "im2col buffer of " + op, "gathered dy of " + op, (col, dyt, n0, b, cols, gi) -> {
            im2col(px, col, q, gi * q.cg(), spec, n0, b);
            launchN("gather_output", (long) q.mg() * cols, pdy, dyt, spec.outChannels(), gi * q.mg(), q.mg(),
                    q.pl(), n0, b);
            gemm.sgemm(false, true, q.mg(), q.kk(), cols, 1f, dyt, cols, col, cols, n0 == 0 ? 0f : 1f,
                    off(pdw, (long) gi * q.mg() * q.kk()), q.kk());
        });
    }

    // ----- element-wise and normalisation -----

    @Override
    public void reluForward(Tensor x, Tensor y) {
        Shapes.requireSame("relu forward", "output", y, x);
        CUdeviceptr px = p("relu", x);
        CUdeviceptr py = p("relu", y);
        enter();
        launchN("relu_forward", x.size(), px, py, (long) x.size());
    }

    @Override
    public void reluBackward(Tensor y, Tensor dy, Tensor dx) {
        Shapes.requireSame("relu backward", "dy", dy, y);
        Shapes.requireSame("relu backward", "dx", dx, y);
        CUdeviceptr py = p("relu", y);
        CUdeviceptr pdy = p("relu", dy);
        CUdeviceptr pdx = p("relu", dx);
        enter();
        launchN("relu_backward", y.size(), py, pdy, pdx, (long) y.size());
    }

    private void lrnKernel(LrnSpec s, Tensor x, CUdeviceptr px, CUdeviceptr py, CUdeviceptr pscale, boolean writeY) {
        launchN("lrn_forward", x.size(), px, writeY ? py : null, pscale, x.dim(0), x.dim(1), s.groups(),
                x.dim(2) * x.dim(3), s.windowLo(), s.windowHi(), (float) s.k(), (float) s.effectiveAlpha(),
                (float) s.beta(), s.beta() == 0.75 ? 1 : 0, writeY ? 1 : 0);
    }

    @Override
    public void lrnForward(LrnSpec spec, Tensor x, Tensor y, Tensor scale) {
        OpChecks.lrn("lrn forward", spec, x, y, scale);
        CUdeviceptr px = p("lrn", x);
        CUdeviceptr py = p("lrn", y);
        CUdeviceptr ps = p("lrn", scale);
        enter();
        if (cudnn != null && cudnn.lrnForward(spec, x.shape(), px, py)) {
            lrnKernel(spec, x, px, py, ps, false); // the SPI also returns the scale
            return;
        }
        lrnKernel(spec, x, px, py, ps, true);
    }

    @Override
    public void lrnBackward(LrnSpec spec, Tensor x, Tensor y, Tensor scale, Tensor dy, Tensor dx) {
        OpChecks.lrn("lrn backward", spec, x, y, scale, dy, dx);
        CUdeviceptr px = p("lrn", x);
        CUdeviceptr py = p("lrn", y);
        CUdeviceptr ps = p("lrn", scale);
        CUdeviceptr pdy = p("lrn", dy);
        CUdeviceptr pdx = p("lrn", dx);
        enter();
        if (cudnn != null && cudnn.lrnBackward(spec, x.shape(), px, py, pdy, pdx)) {
            return;
        }
        launchN("lrn_backward", x.size(), px, py, ps, pdy, pdx, x.dim(0), x.dim(1), spec.groups(),
                x.dim(2) * x.dim(3), spec.windowLo(), spec.windowHi(),
                (float) (2.0 * spec.effectiveAlpha() * spec.beta()), (float) spec.beta(), spec.beta() == 0.75 ? 1 : 0);
    }

    @Override
    public void maxPoolForward(PoolSpec spec, Tensor x, Tensor y) {
        OpChecks.pool("max-pool forward", spec, x, y);
        CUdeviceptr px = p("max-pool", x);
        CUdeviceptr py = p("max-pool", y);
        enter();
        if (cudnn != null && cudnn.poolForward(spec, x.shape(), px, py)) {
            return;
        }
        launchN("maxpool_forward", y.size(), px, py, (long) x.dim(0) * x.dim(1), x.dim(2), x.dim(3), y.dim(2),
                y.dim(3), spec.kernel(), spec.stride(), spec.padding());
    }

    @Override
    public void maxPoolBackward(PoolSpec spec, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        OpChecks.pool("max-pool backward", spec, x, y);
        Shapes.requireSame("max-pool backward", "dy", dy, y);
        Shapes.requireSame("max-pool backward", "dx", dx, x);
        String op = "max-pool backward";
        CUdeviceptr px = p(op, x);
        CUdeviceptr py = p(op, y);
        CUdeviceptr pdy = p(op, dy);
        CUdeviceptr pdx = p(op, dx);
        enter();
        if (cudnn != null && cudnn.poolBackward(spec, x.shape(), px, py, pdy, pdx)) {
            return;
        }
        launchN("maxpool_backward", x.size(), px, py, pdy, pdx, (long) x.dim(0) * x.dim(1), x.dim(2), x.dim(3),
                y.dim(2), y.dim(3), spec.kernel(), spec.stride(), spec.padding());
    }

    @Override
    public void dropoutForward(float p, long stream, Tensor x, Tensor y) {
        OpChecks.dropout("dropout forward", p);
        Shapes.requireSame("dropout forward", "output", y, x);
        dropout(p, stream, p("dropout", x), p("dropout", y), x.size());
    }

    @Override
    public void dropoutBackward(float p, long stream, Tensor dy, Tensor dx) {
        OpChecks.dropout("dropout backward", p);
        Shapes.requireSame("dropout backward", "dx", dx, dy);
        dropout(p, stream, p("dropout", dy), p("dropout", dx), dy.size());
    }

    private void dropout(float p, long rngStream, CUdeviceptr x, CUdeviceptr y, int n) {
        enter();
        float scale = 1f / (1f - p); // the CPU backend's expression, in float
        launchN("dropout_f32", n, x, y, (long) n, p, scale, rngStream);
    }

    @Override
    public float softmaxCrossEntropy(Tensor logits, int[] labels, Tensor probs, Tensor dlogits) {
        String op = "softmax cross-entropy";
        OpChecks.softmax(op, logits, labels, probs, dlogits);
        CUdeviceptr pz = p(op, logits);
        CUdeviceptr pp = p(op, probs);
        CUdeviceptr pd = p(op, dlogits);
        enter();
        int n = logits.dim(0);
        int k = logits.dim(1);
        if (n == 0) {
            return Float.NaN;
        }
        CachingAllocator.Block<CUdeviceptr> lab = allocator.allocate((long) n * Integer.BYTES, "labels of " + op);
        CachingAllocator.Block<CUdeviceptr> loss = allocator.allocate((long) n * Double.BYTES, "row losses of " + op);
        try {
            staging.upload((bb, from, bytes) -> bb.asIntBuffer().put(labels, (int) (from / Integer.BYTES),
                    (int) (bytes / Integer.BYTES)), lab.ptr(), (long) n * Integer.BYTES);
            launch("softmax_xent", n, 1, THREADS, pz, lab.ptr(), pp, pd, loss.ptr(), n, k);
            double[] rows = new double[n];
            staging.download(loss.ptr(), (long) n * Double.BYTES, (bb, from, bytes) -> bb.asDoubleBuffer()
                    .get(rows, (int) (from / Double.BYTES), (int) (bytes / Double.BYTES)));
            double total = 0;
            for (double r : rows) {
                total += r;
            }
            return (float) (total / n);
        } finally {
            allocator.release(lab);
            allocator.release(loss);
        }
    }

    @Override
    public void sgdUpdate(float lr, float momentum, float weightDecay, Tensor w, Tensor g, Tensor v) {
        Shapes.requireSame("sgd update", "gradient", g, w);
        Shapes.requireSame("sgd update", "velocity", v, w);
        CUdeviceptr pw = p("sgd", w);
        CUdeviceptr pg = p("sgd", g);
        CUdeviceptr pv = p("sgd", v);
        enter();
        float decay = weightDecay * lr; // as the CPU backend
        launchN("sgd_update", w.size(), pw, pg, pv, (long) w.size(), lr, momentum, decay);
    }

    @Override
    public boolean allFinite(Tensor x) {
        CUdeviceptr px = p("allFinite", x);
        enter();
        if (x.size() == 0) {
            return true;
        }
        CudaCheck.driver(JCudaDriver.cuMemsetD32Async(flag.ptr(), 0, 1, stream), "cuMemsetD32Async");
        launchN("all_finite", x.size(), px, (long) x.size(), flag.ptr());
        int[] f = new int[1];
        staging.download(flag.ptr(), Integer.BYTES, (bb, from, n) -> f[0] = bb.getInt(0));
        return f[0] == 0;
    }

    @Override
    public void synchronize() {
        enter();
        CudaCheck.driver(JCudaDriver.cuStreamSynchronize(stream), "cuStreamSynchronize");
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        try {
            JCudaDriver.cuCtxSetCurrent(context);
            JCudaDriver.cuStreamSynchronize(stream);
            MemoryStats s = allocator.stats();
            LOG.debug("closing CUDA backend; memory: {}", s);
        } finally {
            closed = true;
            closeQuietly(cudnn);
            closeQuietly(cublas);
            closeQuietly(staging);
            try {
                allocator.close();
            } catch (RuntimeException e) {
                LOG.warn("freeing device memory failed: {}", e.getMessage());
            }
            closeQuietly(kernels);
            releaseContext();
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s; %s", description(), memoryStats());
    }
}
