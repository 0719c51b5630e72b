package io.github.alexnetjava.cuda;

import io.github.alexnetjava.backend.Conv2dSpec;
import io.github.alexnetjava.backend.LrnSpec;
import io.github.alexnetjava.backend.PoolSpec;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;
import jcuda.jcudnn.JCudnn;
import jcuda.jcudnn.cudnnConvolutionBwdDataAlgo;
import jcuda.jcudnn.cudnnConvolutionBwdDataAlgoPerf;
import jcuda.jcudnn.cudnnConvolutionBwdFilterAlgo;
import jcuda.jcudnn.cudnnConvolutionBwdFilterAlgoPerf;
import jcuda.jcudnn.cudnnConvolutionDescriptor;
import jcuda.jcudnn.cudnnConvolutionFwdAlgo;
import jcuda.jcudnn.cudnnConvolutionFwdAlgoPerf;
import jcuda.jcudnn.cudnnConvolutionMode;
import jcuda.jcudnn.cudnnDataType;
import jcuda.jcudnn.cudnnDeterminism;
import jcuda.jcudnn.cudnnFilterDescriptor;
import jcuda.jcudnn.cudnnHandle;
import jcuda.jcudnn.cudnnLRNDescriptor;
import jcuda.jcudnn.cudnnLRNMode;
import jcuda.jcudnn.cudnnMathType;
import jcuda.jcudnn.cudnnNanPropagation;
import jcuda.jcudnn.cudnnPoolingDescriptor;
import jcuda.jcudnn.cudnnPoolingMode;
import jcuda.jcudnn.cudnnStatus;
import jcuda.jcudnn.cudnnTensorDescriptor;
import jcuda.jcudnn.cudnnTensorFormat;
import jcuda.runtime.cudaStream_t;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tier 3: cuDNN convolution (forward, backward data, backward filter), LRN and max pooling on the backend's
 * stream, through the JCudnn 11.7 Java API with the 12.6 natives (libcudnn.so.9).
 *
 * <p>Convolution algorithms come from the {@code cudnnGet*Algorithm_v7} heuristics (the algorithm-descriptor
 * calls have no natives in this combination) once per (layer, input shape), or, with
 * {@code -Dalexnet.cuda.cudnn.benchmark=true}, from {@code cudnnFind*Algorithm}, which runs every algorithm once
 * and ranks them by measured time (PyTorch's {@code cudnn.benchmark}): the first algorithm that succeeds,
 * fits the workspace limit and uses the wanted math (FMA-only fp32 by default, so no TF32 sneaks in on Ampere and
 * newer; any math with TF32 on), preferring deterministic ones. Workspaces come from the caching allocator.
 * Each method returns false when cuDNN cannot do the case (a shape or parameter it does not support, a plan that
 * failed to build); the backend then uses its own kernels, and the reason is logged once.
 *
 * <p>LRN: cuDNN computes {@code y = x / (k + (lrnAlpha/n) * sum x^2)^beta} over a centred window of n channels,
 * so both conventions map to {@code lrnAlpha = effectiveAlpha * n}; only odd n (a centred window like ours) in
 * cuDNN's range [1, 16], and only ungrouped LRN, go to cuDNN. Max pooling uses the deterministic mode with NaN
 * propagation; where a window holds ties, cuDNN may route the gradient to a different maximum than the CPU's
 * first one (equal values, so only the gradient's position differs).
 */
final class CudnnTier implements AutoCloseable, TierSelector.Described {
    private static final Logger LOG = LoggerFactory.getLogger(CudnnTier.class);
    /** The largest convolution workspace an algorithm may ask for. */
    static final long WORKSPACE_LIMIT = 1L << 30;
    /** Allow the FFT and Winograd algorithms in fp32 (they are always allowed with TF32). */
    static final String TRANSFORMS_PROPERTY = "alexnet.cuda.cudnn.transforms";
    /** Choose convolution algorithms by timing them (cudnnFind*) instead of by heuristics. */
    static final String BENCHMARK_PROPERTY = "alexnet.cuda.cudnn.benchmark";
    private static final Pointer ONE = Pointer.to(new float[] {1f});
    private static final Pointer ZERO = Pointer.to(new float[] {0f});

    /** Temporary device memory from the backend's allocator. */
    interface Workspace {
        CachingAllocator.Block<CUdeviceptr> acquire(long bytes, String what);

        void release(CachingAllocator.Block<CUdeviceptr> b);
    }

    private final cudnnHandle handle = new cudnnHandle();
    private final boolean tf32;
    private final Workspace workspace;
    private final long version;
    private final boolean benchmark = Boolean.getBoolean(BENCHMARK_PROPERTY);
    /** FFT and Winograd algorithms allowed (with TF32, or asked for). */
    private final boolean transforms;
    private final Map<List<Integer>, cudnnTensorDescriptor> tensors = new HashMap<>();
    private final Map<Object, ConvPlan> convPlans = new HashMap<>();
    private final Map<Object, Object> other = new HashMap<>();
    private final List<Runnable> destroy = new ArrayList<>();
    private boolean open;

    CudnnTier(CUstream stream, boolean tf32, Workspace workspace) {
        this.tf32 = tf32;
        this.transforms = tf32 || Boolean.getBoolean(TRANSFORMS_PROPERTY);
        this.workspace = workspace;
        JCudnn.setExceptionsEnabled(false); // loads libJCudnn-12.6.0 -> libcudnn.so.9
        this.version = JCudnn.cudnnGetVersion();
        if (version < 9000) {
            throw new IllegalStateException("cuDNN " + version + " found; the JCudnn 12.6 natives need cuDNN 9");
        }
        CudaCheck.cudnn(JCudnn.cudnnCreate(handle), "cudnnCreate");
        open = true;
        try {
            CudaCheck.cudnn(JCudnn.cudnnSetStream(handle, new cudaStream_t(stream)), "cudnnSetStream");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public String describe() {
        return "cuDNN " + version / 10000 + "." + (version % 10000) / 100 + "." + version % 100 + " ("
                + version + "), " + (tf32 ? "TF32 allowed" : "fp32 FMA math") + ", convolution algorithms by "
                + (benchmark ? "measured time (cudnnFind)" : "heuristics") + (transforms ? ", FFT/Winograd allowed"
                : ", GEMM-type algorithms only") + "; convolution, LRN, pooling";
    }

    /** Whether algorithms are chosen by measured time (cudnnFind). */
    boolean benchmark() {
        return benchmark;
    }

    // ----- descriptors -----

    private cudnnTensorDescriptor tensor(int n, int c, int h, int w) {
        return tensors.computeIfAbsent(List.of(n, c, h, w), k -> {
            cudnnTensorDescriptor d = new cudnnTensorDescriptor();
            CudaCheck.cudnn(JCudnn.cudnnCreateTensorDescriptor(d), "cudnnCreateTensorDescriptor");
            destroy.add(() -> JCudnn.cudnnDestroyTensorDescriptor(d));
            CudaCheck.cudnn(JCudnn.cudnnSetTensor4dDescriptor(d, cudnnTensorFormat.CUDNN_TENSOR_NCHW,
                    cudnnDataType.CUDNN_DATA_FLOAT, n, c, h, w), "cudnnSetTensor4dDescriptor" + k);
            return d;
        });
    }

    private cudnnConvolutionDescriptor convDesc(Conv2dSpec s) {
        cudnnConvolutionDescriptor d = new cudnnConvolutionDescriptor();
        CudaCheck.cudnn(JCudnn.cudnnCreateConvolutionDescriptor(d), "cudnnCreateConvolutionDescriptor");
        destroy.add(() -> JCudnn.cudnnDestroyConvolutionDescriptor(d));
        CudaCheck.cudnn(JCudnn.cudnnSetConvolution2dDescriptor(d, s.padH(), s.padW(), s.strideH(), s.strideW(), 1,
                1, cudnnConvolutionMode.CUDNN_CROSS_CORRELATION, cudnnDataType.CUDNN_DATA_FLOAT),
                "cudnnSetConvolution2dDescriptor");
        CudaCheck.cudnn(JCudnn.cudnnSetConvolutionGroupCount(d, s.groups()), "cudnnSetConvolutionGroupCount");
        CudaCheck.cudnn(JCudnn.cudnnSetConvolutionMathType(d, wantedMath()), "cudnnSetConvolutionMathType");
        return d;
    }

    private int wantedMath() {
        return tf32 ? cudnnMathType.CUDNN_DEFAULT_MATH : cudnnMathType.CUDNN_FMA_MATH;
    }

    private boolean mathOk(int mathType) {
        return tf32 || mathType == cudnnMathType.CUDNN_FMA_MATH;
    }

    // ----- convolution -----

    /** Descriptors and chosen algorithms of one (layer, input shape). A direction's algo is -1 if unsupported. */
    private static final class ConvPlan {
        cudnnTensorDescriptor x;
        cudnnTensorDescriptor y;
        cudnnFilterDescriptor w;
        cudnnConvolutionDescriptor fwdDesc;
        cudnnConvolutionDescriptor dataDesc;
        cudnnConvolutionDescriptor filterDesc;
        boolean fwdRan;
        boolean dataRan;
        boolean filterRan;
        int fwdAlgo = -1;
        int dataAlgo = -1;
        int filterAlgo = -1;
        long fwdWs;
        long dataWs;
        long filterWs;
    }

    private ConvPlan plan(Conv2dSpec s, int[] xShape) {
        List<Integer> key = List.of(s.inChannels(), s.outChannels(), s.kernelH(), s.kernelW(), s.strideH(),
                s.strideW(), s.padH(), s.padW(), s.groups(), xShape[0], xShape[1], xShape[2], xShape[3]);
        ConvPlan cached = convPlans.get(key);
        if (cached != null || convPlans.containsKey(key)) {
            return cached;
        }
        ConvPlan p = null;
        try {
            p = buildPlan(s, xShape);
        } catch (RuntimeException e) {
            LOG.warn("cuDNN cannot plan convolution {} on input {}: {}; using the own kernels for it", s,
                    Arrays.toString(xShape), e.getMessage());
        }
        convPlans.put(key, p);
        return p;
    }

    private ConvPlan buildPlan(Conv2dSpec s, int[] xs) {
        ConvPlan p = new ConvPlan();
        int n = xs[0];
        int ho = s.outH(xs[2]);
        int wo = s.outW(xs[3]);
        p.x = tensor(n, xs[1], xs[2], xs[3]);
        p.y = tensor(n, s.outChannels(), ho, wo);
        cudnnFilterDescriptor w = new cudnnFilterDescriptor();
        CudaCheck.cudnn(JCudnn.cudnnCreateFilterDescriptor(w), "cudnnCreateFilterDescriptor");
        destroy.add(() -> JCudnn.cudnnDestroyFilterDescriptor(w));
        CudaCheck.cudnn(JCudnn.cudnnSetFilter4dDescriptor(w, cudnnDataType.CUDNN_DATA_FLOAT,
                cudnnTensorFormat.CUDNN_TENSOR_NCHW, s.outChannels(), s.inPerGroup(), s.kernelH(), s.kernelW()),
                "cudnnSetFilter4dDescriptor");
        p.w = w;
        p.fwdDesc = convDesc(s);
        int[] dn = new int[1];
        int[] dc = new int[1];
        int[] dh = new int[1];
        int[] dw = new int[1];
        CudaCheck.cudnn(JCudnn.cudnnGetConvolution2dForwardOutputDim(p.fwdDesc, p.x, p.w, dn, dc, dh, dw),
                "cudnnGetConvolution2dForwardOutputDim");
        if (dn[0] != n || dc[0] != s.outChannels() || dh[0] != ho || dw[0] != wo) {
            throw new IllegalStateException("cuDNN output shape [" + dn[0] + ", " + dc[0] + ", " + dh[0] + ", "
                    + dw[0] + "] differs from [" + n + ", " + s.outChannels() + ", " + ho + ", " + wo + "]");
        }
        p.dataDesc = convDesc(s);
        p.filterDesc = convDesc(s);
        int[] count = new int[1];
        int[] got = new int[1];

        CudaCheck.cudnn(JCudnn.cudnnGetConvolutionForwardAlgorithmMaxCount(handle, count),
                "cudnnGetConvolutionForwardAlgorithmMaxCount");
        cudnnConvolutionFwdAlgoPerf[] fwd = new cudnnConvolutionFwdAlgoPerf[Math.max(count[0], 1)];
        for (int i = 0; i < fwd.length; i++) {
            fwd[i] = new cudnnConvolutionFwdAlgoPerf();
        }
        if (benchmark) {
            CudaCheck.cudnn(JCudnn.cudnnFindConvolutionForwardAlgorithm(handle, p.x, p.w, p.fwdDesc, p.y, fwd.length,
                    got, fwd), "cudnnFindConvolutionForwardAlgorithm");
        } else {
            CudaCheck.cudnn(JCudnn.cudnnGetConvolutionForwardAlgorithm_v7(handle, p.x, p.w, p.fwdDesc, p.y,
                    fwd.length, got, fwd), "cudnnGetConvolutionForwardAlgorithm_v7");
        }
        List<Candidate> fc = new ArrayList<>();
        for (int i = 0; i < got[0]; i++) {
            fc.add(new Candidate(fwd[i].algo, fwd[i].status, fwd[i].memory, fwd[i].determinism, fwd[i].mathType));
        }
        Candidate f = pick(fc, Direction.FORWARD);
        if (f != null) {
            p.fwdWs = workspace(Direction.FORWARD, s, f, p.fwdDesc, ws -> JCudnn
                    .cudnnGetConvolutionForwardWorkspaceSize(handle, p.x, p.w, p.fwdDesc, p.y, f.algo(), ws));
            p.fwdAlgo = p.fwdWs >= 0 ? f.algo() : -1;
        }

        CudaCheck.cudnn(JCudnn.cudnnGetConvolutionBackwardDataAlgorithmMaxCount(handle, count),
                "cudnnGetConvolutionBackwardDataAlgorithmMaxCount");
        cudnnConvolutionBwdDataAlgoPerf[] bd = new cudnnConvolutionBwdDataAlgoPerf[Math.max(count[0], 1)];
        for (int i = 0; i < bd.length; i++) {
            bd[i] = new cudnnConvolutionBwdDataAlgoPerf();
        }
        if (benchmark) {
            CudaCheck.cudnn(JCudnn.cudnnFindConvolutionBackwardDataAlgorithm(handle, p.w, p.y, p.dataDesc, p.x,
                    bd.length, got, bd), "cudnnFindConvolutionBackwardDataAlgorithm");
        } else {
            CudaCheck.cudnn(JCudnn.cudnnGetConvolutionBackwardDataAlgorithm_v7(handle, p.w, p.y, p.dataDesc, p.x,
                    bd.length, got, bd), "cudnnGetConvolutionBackwardDataAlgorithm_v7");
        }
        List<Candidate> dc2 = new ArrayList<>();
        for (int i = 0; i < got[0]; i++) {
            dc2.add(new Candidate(bd[i].algo, bd[i].status, bd[i].memory, bd[i].determinism, bd[i].mathType));
        }
        Candidate d = pick(dc2, Direction.BACKWARD_DATA);
        if (d != null) {
            p.dataWs = workspace(Direction.BACKWARD_DATA, s, d, p.dataDesc, ws -> JCudnn
                    .cudnnGetConvolutionBackwardDataWorkspaceSize(handle, p.w, p.y, p.dataDesc, p.x, d.algo(), ws));
            p.dataAlgo = p.dataWs >= 0 ? d.algo() : -1;
        }

        CudaCheck.cudnn(JCudnn.cudnnGetConvolutionBackwardFilterAlgorithmMaxCount(handle, count),
                "cudnnGetConvolutionBackwardFilterAlgorithmMaxCount");
        cudnnConvolutionBwdFilterAlgoPerf[] bf = new cudnnConvolutionBwdFilterAlgoPerf[Math.max(count[0], 1)];
        for (int i = 0; i < bf.length; i++) {
            bf[i] = new cudnnConvolutionBwdFilterAlgoPerf();
        }
        if (benchmark) {
            CudaCheck.cudnn(JCudnn.cudnnFindConvolutionBackwardFilterAlgorithm(handle, p.x, p.y, p.filterDesc, p.w,
                    bf.length, got, bf), "cudnnFindConvolutionBackwardFilterAlgorithm");
        } else {
            CudaCheck.cudnn(JCudnn.cudnnGetConvolutionBackwardFilterAlgorithm_v7(handle, p.x, p.y, p.filterDesc,
                    p.w, bf.length, got, bf), "cudnnGetConvolutionBackwardFilterAlgorithm_v7");
        }
        List<Candidate> wc = new ArrayList<>();
        for (int i = 0; i < got[0]; i++) {
            wc.add(new Candidate(bf[i].algo, bf[i].status, bf[i].memory, bf[i].determinism, bf[i].mathType));
        }
        Candidate w2 = pick(wc, Direction.BACKWARD_FILTER);
        if (w2 != null) {
            p.filterWs = workspace(Direction.BACKWARD_FILTER, s, w2, p.filterDesc, ws -> JCudnn
                    .cudnnGetConvolutionBackwardFilterWorkspaceSize(handle, p.x, p.y, p.filterDesc, p.w, w2.algo(),
                            ws));
            p.filterAlgo = p.filterWs >= 0 ? w2.algo() : -1;
        }
        if (p.fwdAlgo < 0 || p.dataAlgo < 0 || p.filterAlgo < 0) {
            LOG.info("cuDNN candidates for {} on {} (algo:status:math:determinism:workspace): forward {}, backward-data"
                    + " {}, backward-filter {}", s, Arrays.toString(xs), Candidate.brief(fc), Candidate.brief(dc2),
                    Candidate.brief(wc));
        } else {
            LOG.debug("cuDNN candidates for {} on {}: forward {}, backward-data {}, backward-filter {}", s,
                    Arrays.toString(xs), Candidate.brief(fc), Candidate.brief(dc2), Candidate.brief(wc));
        }
        LOG.info("cuDNN plan for {} on {}: forward algo {} ({} B), backward-data algo {} ({} B), backward-filter"
                + " algo {} ({} B)", s, Arrays.toString(xs), p.fwdAlgo, p.fwdWs, p.dataAlgo, p.dataWs, p.filterAlgo,
                p.filterWs);
        return p;
    }

    /** The three convolution directions, for algorithm choice. */
    enum Direction { FORWARD, BACKWARD_DATA, BACKWARD_FILTER }

    /** One algorithm as cuDNN ranked it. */
    record Candidate(int algo, int status, long memory, int determinism, int mathType) {
        static String brief(List<Candidate> cs) {
            StringBuilder sb = new StringBuilder("[");
            for (Candidate c : cs) {
                sb.append(sb.length() > 1 ? " " : "").append(c.algo).append(':')
                        .append(c.status == cudnnStatus.CUDNN_STATUS_SUCCESS ? "ok" : "s" + c.status).append(":m")
                        .append(c.mathType).append(c.determinism == cudnnDeterminism.CUDNN_DETERMINISTIC ? ":det" : "")
                        .append(':').append(c.memory < 0 ? "?" : (c.memory >> 20) + "M");
            }
            return sb.append(']').toString();
        }
    }

    /**
     * Whether an algorithm computes the convolution as sums of products (implicit/explicit GEMM, direct), with
     * fp32 accuracy. FFT and Winograd transform the operands and lose about three digits (measured: a training
     * step's weight gradients off by 3e-3 relative with Winograd backward-filter), so they are used only with
     * TF32 allowed or {@code -Dalexnet.cuda.cudnn.transforms=true}.
     */
    static boolean exact(Direction d, int algo) {
        return switch (d) {
            case FORWARD -> algo == cudnnConvolutionFwdAlgo.CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM
                    || algo == cudnnConvolutionFwdAlgo.CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM
                    || algo == cudnnConvolutionFwdAlgo.CUDNN_CONVOLUTION_FWD_ALGO_GEMM
                    || algo == cudnnConvolutionFwdAlgo.CUDNN_CONVOLUTION_FWD_ALGO_DIRECT;
            case BACKWARD_DATA -> algo == cudnnConvolutionBwdDataAlgo.CUDNN_CONVOLUTION_BWD_DATA_ALGO_0
                    || algo == cudnnConvolutionBwdDataAlgo.CUDNN_CONVOLUTION_BWD_DATA_ALGO_1;
            case BACKWARD_FILTER -> algo == cudnnConvolutionBwdFilterAlgo.CUDNN_CONVOLUTION_BWD_FILTER_ALGO_0
                    || algo == cudnnConvolutionBwdFilterAlgo.CUDNN_CONVOLUTION_BWD_FILTER_ALGO_1
                    || algo == cudnnConvolutionBwdFilterAlgo.CUDNN_CONVOLUTION_BWD_FILTER_ALGO_3;
        };
    }

    /**
     * The first acceptable candidate in cuDNN's order, deterministic ones first: it ran (status), fits the
     * workspace limit, is exact (unless transforms are allowed) and uses allowed math. Without TF32 the descriptor
     * stays at FMA math, which keeps TF32 out whatever math the candidate reports (cuDNN 9 reports DEFAULT for
     * fp32 forward algorithms even under an FMA descriptor); with TF32 any math goes.
     */
    Candidate pick(List<Candidate> cs, Direction d) {
        for (int pass = 0; pass < 2; pass++) {
            for (Candidate c : cs) {
                if (c.status == cudnnStatus.CUDNN_STATUS_SUCCESS && c.memory >= 0 && c.memory <= WORKSPACE_LIMIT
                        && (transforms || exact(d, c.algo))
                        && (tf32 || c.mathType == cudnnMathType.CUDNN_FMA_MATH
                        || c.mathType == cudnnMathType.CUDNN_DEFAULT_MATH)
                        && (pass == 1 || c.determinism == cudnnDeterminism.CUDNN_DETERMINISTIC)) {
                    return c;
                }
            }
        }
        return null;
    }

    /** Call shape of the three cudnnGet*WorkspaceSize functions. */
    interface WorkspaceQuery {
        int query(long[] bytes);
    }

    /** Sets the chosen math and asks for the workspace: its size, or -1 if cuDNN refuses the algorithm. */
    private long workspace(Direction d, Conv2dSpec s, Candidate c, cudnnConvolutionDescriptor desc,
                           WorkspaceQuery q) {
        if (tf32) {
            CudaCheck.cudnn(JCudnn.cudnnSetConvolutionMathType(desc, c.mathType()), "cudnnSetConvolutionMathType");
        }
        long[] ws = new long[1];
        int status = q.query(ws);
        if (status != cudnnStatus.CUDNN_STATUS_SUCCESS) {
            LOG.warn("cuDNN refuses {} algorithm {} for {} (workspace query status {}); the own kernels do it", d,
                    c.algo(), s, status);
            return -1;
        }
        return ws[0];
    }

    /** A failed first run of a chosen algorithm: logged once, the direction falls back to the own kernels. */
    private boolean firstRunFailed(Direction d, Conv2dSpec s, int algo, CudaException e) {
        LOG.warn("cuDNN {} algorithm {} failed on its first run for {} ({}); the own kernels do it from now on", d,
                algo, s, e.getMessage());
        return false;
    }

    private CachingAllocator.Block<CUdeviceptr> ws(long bytes, String what) {
        return bytes > 0 ? workspace.acquire(bytes, what) : null;
    }

    private static CUdeviceptr ptr(CachingAllocator.Block<CUdeviceptr> b) {
        return b == null ? new CUdeviceptr() : b.ptr();
    }

    private void done(CachingAllocator.Block<CUdeviceptr> b) {
        if (b != null) {
            workspace.release(b);
        }
    }

    /** y = conv(x, w) (no bias). */
    boolean convForward(Conv2dSpec s, int[] xs, CUdeviceptr x, CUdeviceptr w, CUdeviceptr y) {
        ConvPlan p = plan(s, xs);
        if (p == null || p.fwdAlgo < 0) {
            return false;
        }
        CachingAllocator.Block<CUdeviceptr> ws = ws(p.fwdWs, "cuDNN forward workspace of " + s);
        try {
            CudaCheck.cudnn(JCudnn.cudnnConvolutionForward(handle, ONE, p.x, x, p.w, w, p.fwdDesc, p.fwdAlgo, ptr(ws),
                    p.fwdWs, ZERO, p.y, y), "cudnnConvolutionForward(" + s + ", algo " + p.fwdAlgo + ")");
            p.fwdRan = true;
        } catch (CudaException e) {
            if (p.fwdRan) {
                throw e;
            }
            int algo = p.fwdAlgo;
            p.fwdAlgo = -1;
            return firstRunFailed(Direction.FORWARD, s, algo, e);
        } finally {
            done(ws);
        }
        return true;
    }

    boolean convBackwardData(Conv2dSpec s, int[] xs, CUdeviceptr dy, CUdeviceptr w, CUdeviceptr dx) {
        ConvPlan p = plan(s, xs);
        if (p == null || p.dataAlgo < 0) {
            return false;
        }
        CachingAllocator.Block<CUdeviceptr> ws = ws(p.dataWs, "cuDNN backward-data workspace of " + s);
        try {
            CudaCheck.cudnn(JCudnn.cudnnConvolutionBackwardData(handle, ONE, p.w, w, p.y, dy, p.dataDesc, p.dataAlgo,
                    ptr(ws), p.dataWs, ZERO, p.x, dx),
                    "cudnnConvolutionBackwardData(" + s + ", algo " + p.dataAlgo + ")");
            p.dataRan = true;
        } catch (CudaException e) {
            if (p.dataRan) {
                throw e;
            }
            int algo = p.dataAlgo;
            p.dataAlgo = -1;
            return firstRunFailed(Direction.BACKWARD_DATA, s, algo, e);
        } finally {
            done(ws);
        }
        return true;
    }

    boolean convBackwardFilter(Conv2dSpec s, int[] xs, CUdeviceptr x, CUdeviceptr dy, CUdeviceptr dw) {
        ConvPlan p = plan(s, xs);
        if (p == null || p.filterAlgo < 0) {
            return false;
        }
        CachingAllocator.Block<CUdeviceptr> ws = ws(p.filterWs, "cuDNN backward-filter workspace of " + s);
        try {
            CudaCheck.cudnn(JCudnn.cudnnConvolutionBackwardFilter(handle, ONE, p.x, x, p.y, dy, p.filterDesc,
                    p.filterAlgo, ptr(ws), p.filterWs, ZERO, p.w, dw),
                    "cudnnConvolutionBackwardFilter(" + s + ", algo " + p.filterAlgo + ")");
            p.filterRan = true;
        } catch (CudaException e) {
            if (p.filterRan) {
                throw e;
            }
            int algo = p.filterAlgo;
            p.filterAlgo = -1;
            return firstRunFailed(Direction.BACKWARD_FILTER, s, algo, e);
        } finally {
            done(ws);
        }
        return true;
    }

    // ----- LRN -----

    /** Whether cuDNN computes this LRN exactly as the spec says (centred odd window, no groups, its ranges). */
    static boolean supportsLrn(LrnSpec s) {
        return s.groups() == 1 && s.size() % 2 == 1 && s.size() >= 1 && s.size() <= 16 && s.k() >= 1e-5
                && s.beta() >= 0.01;
    }

    private cudnnLRNDescriptor lrnDesc(LrnSpec s) {
        return (cudnnLRNDescriptor) other.computeIfAbsent(s, k -> {
            cudnnLRNDescriptor d = new cudnnLRNDescriptor();
            CudaCheck.cudnn(JCudnn.cudnnCreateLRNDescriptor(d), "cudnnCreateLRNDescriptor");
            destroy.add(() -> JCudnn.cudnnDestroyLRNDescriptor(d));
            // cuDNN divides its alpha by n: pass effectiveAlpha * n so both conventions come out right.
            CudaCheck.cudnn(JCudnn.cudnnSetLRNDescriptor(d, s.size(), s.effectiveAlpha() * s.size(), s.beta(), s.k()),
                    "cudnnSetLRNDescriptor(n=" + s.size() + ")");
            return d;
        });
    }

    boolean lrnForward(LrnSpec s, int[] xs, CUdeviceptr x, CUdeviceptr y) {
        if (!supportsLrn(s)) {
            return false;
        }
        cudnnTensorDescriptor d = tensor(xs[0], xs[1], xs[2], xs[3]);
        CudaCheck.cudnn(JCudnn.cudnnLRNCrossChannelForward(handle, lrnDesc(s),
                cudnnLRNMode.CUDNN_LRN_CROSS_CHANNEL_DIM1, ONE, d, x, ZERO, d, y), "cudnnLRNCrossChannelForward");
        return true;
    }

    boolean lrnBackward(LrnSpec s, int[] xs, CUdeviceptr x, CUdeviceptr y, CUdeviceptr dy, CUdeviceptr dx) {
        if (!supportsLrn(s)) {
            return false;
        }
        cudnnTensorDescriptor d = tensor(xs[0], xs[1], xs[2], xs[3]);
        CudaCheck.cudnn(JCudnn.cudnnLRNCrossChannelBackward(handle, lrnDesc(s),
                cudnnLRNMode.CUDNN_LRN_CROSS_CHANNEL_DIM1, ONE, d, y, d, dy, d, x, ZERO, d, dx),
                "cudnnLRNCrossChannelBackward");
        return true;
    }

    // ----- pooling -----

    private cudnnPoolingDescriptor poolDesc(PoolSpec s) {
        return (cudnnPoolingDescriptor) other.computeIfAbsent(s, k -> {
            cudnnPoolingDescriptor d = new cudnnPoolingDescriptor();
            CudaCheck.cudnn(JCudnn.cudnnCreatePoolingDescriptor(d), "cudnnCreatePoolingDescriptor");
            destroy.add(() -> JCudnn.cudnnDestroyPoolingDescriptor(d));
            CudaCheck.cudnn(JCudnn.cudnnSetPooling2dDescriptor(d, cudnnPoolingMode.CUDNN_POOLING_MAX_DETERMINISTIC,
                    cudnnNanPropagation.CUDNN_PROPAGATE_NAN, s.kernel(), s.kernel(), s.padding(), s.padding(),
                    s.stride(), s.stride()), "cudnnSetPooling2dDescriptor");
            return d;
        });
    }

    private boolean poolShapeOk(PoolSpec s, int[] xs) {
        Object key = List.of("poolcheck", s, List.of(xs[0], xs[1], xs[2], xs[3]));
        Boolean ok = (Boolean) other.get(key);
        if (ok == null) {
            int[] n = new int[1];
            int[] c = new int[1];
            int[] h = new int[1];
            int[] w = new int[1];
            CudaCheck.cudnn(JCudnn.cudnnGetPooling2dForwardOutputDim(poolDesc(s), tensor(xs[0], xs[1], xs[2], xs[3]),
                    n, c, h, w), "cudnnGetPooling2dForwardOutputDim");
            ok = n[0] == xs[0] && c[0] == xs[1] && h[0] == s.out(xs[2]) && w[0] == s.out(xs[3]);
            if (!ok) {
                LOG.warn("cuDNN pooling output [{}, {}, {}, {}] differs from the spec's for {}; using own kernels",
                        n[0], c[0], h[0], w[0], Arrays.toString(xs));
            }
            other.put(key, ok);
        }
        return ok;
    }

    boolean poolForward(PoolSpec s, int[] xs, CUdeviceptr x, CUdeviceptr y) {
        if (!poolShapeOk(s, xs)) {
            return false;
        }
        CudaCheck.cudnn(JCudnn.cudnnPoolingForward(handle, poolDesc(s), ONE, tensor(xs[0], xs[1], xs[2], xs[3]), x,
                ZERO, tensor(xs[0], xs[1], s.out(xs[2]), s.out(xs[3])), y), "cudnnPoolingForward");
        return true;
    }

    boolean poolBackward(PoolSpec s, int[] xs, CUdeviceptr x, CUdeviceptr y, CUdeviceptr dy, CUdeviceptr dx) {
        if (!poolShapeOk(s, xs)) {
            return false;
        }
        cudnnTensorDescriptor xd = tensor(xs[0], xs[1], xs[2], xs[3]);
        cudnnTensorDescriptor yd = tensor(xs[0], xs[1], s.out(xs[2]), s.out(xs[3]));
        CudaCheck.cudnn(JCudnn.cudnnPoolingBackward(handle, poolDesc(s), ONE, yd, y, yd, dy, xd, x, ZERO, xd, dx),
                "cudnnPoolingBackward");
        return true;
    }

    @Override
    public void close() {
        for (Runnable r : destroy) {
            try {
                r.run();
            } catch (RuntimeException | LinkageError ignored) {
                // best effort on close
            }
        }
        destroy.clear();
        tensors.clear();
        convPlans.clear();
        other.clear();
        if (open) {
            open = false;
            JCudnn.cudnnDestroy(handle);
        }
    }
}
