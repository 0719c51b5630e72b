package io.github.alexnetjava.cuda;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.backend.BackendOptions;
import io.github.alexnetjava.backend.Conv2dSpec;
import io.github.alexnetjava.backend.LrnSpec;
import io.github.alexnetjava.backend.PoolSpec;
import io.github.alexnetjava.backend.cpu.CpuBackend;
import io.github.alexnetjava.model.AlexNet;
import io.github.alexnetjava.model.Initialization;
import io.github.alexnetjava.nn.Network;
import io.github.alexnetjava.nn.Parameter;
import io.github.alexnetjava.optim.LearningRateSchedule;
import io.github.alexnetjava.optim.Sgd;
import io.github.alexnetjava.random.CounterRng;
import io.github.alexnetjava.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every op and a whole small-AlexNet training step on CUDA against the CPU backend with the same inputs, for each
 * tier on its own: own kernels only, cuBLAS (fp32 and TF32) and cuDNN. Relative error = max|gpu - cpu| /
 * max|cpu| per tensor, at most 1e-4 in fp32 and 5e-3 with TF32; dropout, SGD, axpy, ReLU and the copies are
 * compared bit for bit. Skips, with the reason, where there is no usable driver or GPU; a tier whose library is
 * missing skips its own runs. {@code -Dalexnet.cuda.parity.modes=KERNELS,CUDNN} runs only those modes (the GPU
 * bundle runs each tier in its own JVM, so a fault in one cannot hide the results of another).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CudaParityTest {
    static final double FP32 = 1e-4;
    static final double TF32 = 5e-3;
    static final String MODES_PROPERTY = "alexnet.cuda.parity.modes";

    /** The tier configurations run on their own. */
    enum Mode {
        KERNELS(CudaConfig.kernelsOnly(), null),
        CUBLAS(CudaConfig.kernelsOnly().withCublas(true), Tier.CUBLAS),
        CUBLAS_TF32(CudaConfig.kernelsOnly().withCublas(true).withTf32(true), Tier.CUBLAS),
        CUDNN(CudaConfig.kernelsOnly().withCudnn(true), Tier.CUDNN);

        final CudaConfig config;
        final Tier needs;

        Mode(CudaConfig config, Tier needs) {
            this.config = config;
            this.needs = needs;
        }

        double tol() {
            return config.tf32() ? TF32 : FP32;
        }
    }

    private CpuBackend cpu;
    private final Map<Mode, CudaBackend> gpus = new EnumMap<>(Mode.class);
    private final List<String> report = new ArrayList<>();
    /** The failed checks of the current test: every check runs, then the test fails listing all of them. */
    private final List<String> failures = new ArrayList<>();

    private String why;

    @BeforeAll
    void open() {
        why = new CudaBackendProvider().unavailableReason();
        if (why == null) {
            cpu = new CpuBackend(BackendOptions.defaults());
        }
    }

    /** Per test, so each one is reported as skipped with the reason. */
    @BeforeEach
    void requireGpu() {
        failures.clear();
        assumeTrue(why == null, "CUDA parity suite skipped: " + why);
    }

    @AfterEach
    void reportFailures() {
        if (!failures.isEmpty()) {
            fail(failures.size() + " check(s) failed:\n" + String.join("\n", failures));
        }
    }

    @AfterAll
    void close() {
        gpus.values().forEach(CudaBackend::close);
        if (cpu != null) {
            cpu.close();
        }
        report.forEach(System.out::println);
    }

    CudaBackend gpu(Mode m) {
        String only = System.getProperty(MODES_PROPERTY, "").trim();
        assumeTrue(only.isEmpty() || List.of(only.split("\\s*,\\s*")).contains(m.name()),
                m + " not selected (-D" + MODES_PROPERTY + "=" + only + ")");
        CudaBackend b = gpus.computeIfAbsent(m, k -> new CudaBackend(new BackendOptions(0, 0), k.config));
        if (m.needs != null) {
            TierStatus s = b.tiers().stream().filter(t -> t.tier() == m.needs).findFirst().orElseThrow();
            assumeTrue(s.loaded(), m + " skipped: " + s.logLine());
        }
        return b;
    }

    static float[] random(SplittableRandom r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
        }
        return a;
    }

    void check(Mode m, String what, float[] want, float[] got, double tol) {
        assertEquals(want.length, got.length, what + " length");
        double max = 0;
        double err = 0;
        int at = -1;
        for (int i = 0; i < want.length; i++) {
            max = Math.max(max, Math.abs(want[i]));
            double d = Math.abs((double) want[i] - got[i]);
            if (Float.isNaN(want[i]) != Float.isNaN(got[i])) {
                d = Double.POSITIVE_INFINITY;
            }
            if (d > err) {
                err = d;
                at = i;
            }
        }
        double rel = err / Math.max(max, 1e-30);
        String line = String.format(Locale.ROOT, "[cuda parity] %-12s %-44s rel %.2e%s%s", m, what, rel,
                at >= 0 ? " (worst at " + at + ": cpu " + want[at] + " gpu " + got[at] + ")" : "",
                tol != m.tol() && tol != 0 && tol != FP32 ? String.format(Locale.ROOT, " [bar %.2e]", tol) : "");
        report.add(line);
        if (tol == 0 ? err != 0 : rel > tol) {
            failures.add(line + " exceeds " + tol);
        }
    }

    Tensor up(Backend b, float[] a, int... shape) {
        return b.fromArray(a, shape);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void gemmAllTransposes(Mode m) {
        CudaBackend g = gpu(m);
        SplittableRandom r = new SplittableRandom(1);
        // The last two have so few tiles for their K that the own kernels split K (GemmPlan).
        int[][] sizes = {{67, 45, 33}, {1, 1, 1}, {128, 1000, 512}, {300, 129, 257}, {64, 96, 5000},
                {200, 33, 3001}};
        for (int[] s : sizes) {
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0;
                boolean tb = (t & 2) != 0;
                checkGemm(m, g, r, ta, tb, s[0], s[1], s[2],
                        "gemm " + (ta ? "T" : "N") + (tb ? "T" : "N") + " " + s[0] + "x" + s[1] + "x" + s[2]);
            }
        }
    }

    /** C = 0.75 op(A) op(B) + 0.5 C with random operands on the CPU and the GPU, compared. */
    void checkGemm(Mode m, CudaBackend g, SplittableRandom r, boolean ta, boolean tb, int mm, int nn, int kk,
                   String what) {
        int[] as = ta ? new int[] {kk, mm} : new int[] {mm, kk};
        int[] bs = tb ? new int[] {nn, kk} : new int[] {kk, nn};
        float[] a = random(r, mm * kk, 1);
        float[] b = random(r, kk * nn, 1);
        float[] c = random(r, mm * nn, 1);
        Tensor cc = up(cpu, c, mm, nn);
        Tensor gc = up(g, c, mm, nn);
        cpu.gemm(ta, tb, 0.75f, up(cpu, a, as), up(cpu, b, bs), 0.5f, cc);
        g.gemm(ta, tb, 0.75f, up(g, a, as), up(g, b, bs), 0.5f, gc);
        check(m, what, cc.toArray(), gc.toArray(), m.tol());
    }

    /** Every own SGEMM kernel: both tiles, the two-block variant, with and without split-K, all transposes. */
    @Test
    void ownGemmKernelVariants() {
        Mode m = Mode.KERNELS;
        CudaBackend g = gpu(m);
        SplittableRandom r = new SplittableRandom(11);
        int mm = 150;
        int nn = 170;
        int kk = 1100;
        try {
            for (int tile : new int[] {64, 128}) {
                for (boolean two : new boolean[] {false, true}) {
                    for (int split : new int[] {1, 3}) {
                        System.setProperty(GemmPlan.TILE_PROPERTY, Integer.toString(tile));
                        System.setProperty(GemmPlan.TWO_BLOCKS_PROPERTY, Boolean.toString(two));
                        System.setProperty(GemmPlan.SPLIT_PROPERTY, Integer.toString(split));
                        for (int t = 0; t < 4; t++) {
                            boolean ta = (t & 1) != 0;
                            boolean tb = (t & 2) != 0;
                            String k = GemmPlan.choose(mm, nn, kk, g.device().multiprocessors()).kernel(ta, tb);
                            checkGemm(m, g, r, ta, tb, mm, nn, kk, "gemm " + k + " split " + split);
                        }
                    }
                }
            }
        } finally {
            System.clearProperty(GemmPlan.TILE_PROPERTY);
            System.clearProperty(GemmPlan.TWO_BLOCKS_PROPERTY);
            System.clearProperty(GemmPlan.SPLIT_PROPERTY);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void convolutionForwardAndBackward(Mode m) {
        CudaBackend g = gpu(m);
        SplittableRandom r = new SplittableRandom(2);
        Conv2dSpec[] specs = {Conv2dSpec.of(3, 16, 11, 4, 2, 1), Conv2dSpec.of(16, 32, 5, 1, 2, 2),
                Conv2dSpec.of(32, 24, 3, 1, 1, 2), new Conv2dSpec(4, 6, 3, 2, 2, 1, 0, 1, 1)};
        int[][] inputs = {{2, 3, 35, 35}, {3, 16, 13, 13}, {2, 32, 7, 7}, {2, 4, 9, 8}};
        for (int i = 0; i < specs.length; i++) {
            Conv2dSpec s = specs[i];
            int[] xs = inputs[i];
            int[] ys = s.outputShape("test", xs);
            float[] x = random(r, xs[0] * xs[1] * xs[2] * xs[3], 1);
            float[] w = random(r, s.outChannels() * s.inPerGroup() * s.kernelH() * s.kernelW(), 0.2);
            float[] bias = random(r, s.outChannels(), 1);
            float[] dy = random(r, ys[0] * ys[1] * ys[2] * ys[3], 1);
            Tensor cy = cpu.allocate(ys);
            Tensor gy = g.allocate(ys);
            cpu.conv2dForward(s, up(cpu, x, xs), up(cpu, w, s.weightShape()), up(cpu, bias, s.outChannels()), cy);
            g.conv2dForward(s, up(g, x, xs), up(g, w, s.weightShape()), up(g, bias, s.outChannels()), gy);
            check(m, "conv fwd " + s, cy.toArray(), gy.toArray(), m.tol());
            Tensor cdx = cpu.allocate(xs);
            Tensor gdx = g.allocate(xs);
            cpu.conv2dBackwardData(s, up(cpu, dy, ys), up(cpu, w, s.weightShape()), cdx);
            g.conv2dBackwardData(s, up(g, dy, ys), up(g, w, s.weightShape()), gdx);
            check(m, "conv bwd-data " + s, cdx.toArray(), gdx.toArray(), m.tol());
            Tensor cdw = cpu.allocate(s.weightShape());
            Tensor gdw = g.allocate(s.weightShape());
            Tensor cdb = cpu.allocate(s.outChannels());
            Tensor gdb = g.allocate(s.outChannels());
            cpu.conv2dBackwardFilter(s, up(cpu, x, xs), up(cpu, dy, ys), cdw, cdb);
            g.conv2dBackwardFilter(s, up(g, x, xs), up(g, dy, ys), gdw, gdb);
            check(m, "conv bwd-filter " + s, cdw.toArray(), gdw.toArray(), m.tol());
            check(m, "conv bwd-bias " + s, cdb.toArray(), gdb.toArray(), FP32);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void lrnBothConventionsGroupedAndEven(Mode m) {
        CudaBackend g = gpu(m);
        SplittableRandom r = new SplittableRandom(3);
        LrnSpec[] specs = {LrnSpec.paper(), LrnSpec.pytorch(5, 1e-4, 0.75, 1.0), LrnSpec.paper().withGroups(2),
                LrnSpec.pytorch(4, 2e-3, 0.6, 1.5), new LrnSpec(3, 0.5, 0.75, 2, false, 1)};
        int[] xs = {2, 12, 5, 7};
        int n = 2 * 12 * 5 * 7;
        for (LrnSpec s : specs) {
            float[] x = random(r, n, 3);
            float[] dy = random(r, n, 1);
            Tensor cx = up(cpu, x, xs);
            Tensor gx = up(g, x, xs);
            Tensor cyy = cpu.allocate(xs);
            Tensor gyy = g.allocate(xs);
            Tensor cs = cpu.allocate(xs);
            Tensor gs = g.allocate(xs);
            cpu.lrnForward(s, cx, cyy, cs);
            g.lrnForward(s, gx, gyy, gs);
            check(m, "lrn fwd " + s, cyy.toArray(), gyy.toArray(), FP32);
            check(m, "lrn scale " + s, cs.toArray(), gs.toArray(), FP32);
            Tensor cdx = cpu.allocate(xs);
            Tensor gdx = g.allocate(xs);
            cpu.lrnBackward(s, cx, cyy, cs, up(cpu, dy, xs), cdx);
            g.lrnBackward(s, gx, gyy, gs, up(g, dy, xs), gdx);
            check(m, "lrn bwd " + s, cdx.toArray(), gdx.toArray(), FP32);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void maxPoolForwardBackward(Mode m) {
        CudaBackend g = gpu(m);
        SplittableRandom r = new SplittableRandom(4);
        PoolSpec[] specs = {PoolSpec.overlapping(), new PoolSpec(2, 2, 0), new PoolSpec(3, 2, 1)};
        int[] xs = {2, 3, 13, 11};
        for (PoolSpec s : specs) {
            float[] x = random(r, 2 * 3 * 13 * 11, 1); // distinct values: no ties
            int[] ys = s.outputShape("test", xs);
            float[] dy = random(r, ys[0] * ys[1] * ys[2] * ys[3], 1);
            Tensor cx = up(cpu, x, xs);
            Tensor gx = up(g, x, xs);
            Tensor cyy = cpu.allocate(ys);
            Tensor gyy = g.allocate(ys);
            cpu.maxPoolForward(s, cx, cyy);
            g.maxPoolForward(s, gx, gyy);
            check(m, "maxpool fwd " + s, cyy.toArray(), gyy.toArray(), 0);
            Tensor cdx = cpu.allocate(xs);
            Tensor gdx = g.allocate(xs);
            cpu.maxPoolBackward(s, cx, cyy, up(cpu, dy, ys), cdx);
            g.maxPoolBackward(s, gx, gyy, up(g, dy, ys), gdx);
            check(m, "maxpool bwd " + s, cdx.toArray(), gdx.toArray(), FP32);
        }
    }

    @Test
    void elementwiseOpsAreBitExact() {
        Mode m = Mode.KERNELS;
        CudaBackend g = gpu(m);
        SplittableRandom r = new SplittableRandom(5);
        int n = 100_003;
        float[] x = random(r, n, 2);
        float[] y = random(r, n, 2);
        float[] v = random(r, n, 0.1);
        // relu
        Tensor cy = cpu.allocate(n);
        Tensor gy = g.allocate(n);
        cpu.reluForward(up(cpu, x, n), cy);
        g.reluForward(up(g, x, n), gy);
        check(m, "relu fwd", cy.toArray(), gy.toArray(), 0);
        Tensor cdx = cpu.allocate(n);
        Tensor gdx = g.allocate(n);
        cpu.reluBackward(cy, up(cpu, y, n), cdx);
        g.reluBackward(gy, up(g, y, n), gdx);
        check(m, "relu bwd", cdx.toArray(), gdx.toArray(), 0);
        // dropout: the CounterRng mask bit for bit
        long stream = CounterRng.stream(42, 6, 3);
        for (float p : new float[] {0.5f, 0.1f, 0f}) {
            Tensor c1 = cpu.allocate(n);
            Tensor g1 = g.allocate(n);
            cpu.dropoutForward(p, stream, up(cpu, x, n), c1);
            g.dropoutForward(p, stream, up(g, x, n), g1);
            check(m, "dropout fwd p=" + p, c1.toArray(), g1.toArray(), 0);
            cpu.dropoutBackward(p, stream, up(cpu, y, n), c1);
            g.dropoutBackward(p, stream, up(g, y, n), g1);
            check(m, "dropout bwd p=" + p, c1.toArray(), g1.toArray(), 0);
        }
        // axpy, sgd, fill, copy
        Tensor ca = up(cpu, y, n);
        Tensor ga = up(g, y, n);
        cpu.axpy(-0.3f, up(cpu, x, n), ca);
        g.axpy(-0.3f, up(g, x, n), ga);
        check(m, "axpy", ca.toArray(), ga.toArray(), 0);
        Tensor cw = up(cpu, x, n);
        Tensor gw = up(g, x, n);
        Tensor cv = up(cpu, v, n);
        Tensor gv = up(g, v, n);
        for (int step = 0; step < 3; step++) {
            cpu.sgdUpdate(0.01f, 0.9f, 5e-4f, cw, up(cpu, y, n), cv);
            g.sgdUpdate(0.01f, 0.9f, 5e-4f, gw, up(g, y, n), gv);
        }
        check(m, "sgd weights", cw.toArray(), gw.toArray(), 0);
        check(m, "sgd velocity", cv.toArray(), gv.toArray(), 0);
        g.fill(gw, 1.5f);
        cpu.fill(cw, 1.5f);
        check(m, "fill", cw.toArray(), gw.toArray(), 0);
        Tensor gc = g.allocate(n);
        g.copy(ga, gc);
        check(m, "copy", ca.toArray(), gc.toArray(), 0);
        // bias
        int[] shape = {4, 7, 9, 11};
        int sz = 4 * 7 * 9 * 11;
        float[] t = random(r, sz, 1);
        float[] b = random(r, 7, 1);
        Tensor ct = up(cpu, t, shape);
        Tensor gt = up(g, t, shape);
        cpu.biasAdd(ct, up(cpu, b, 7));
        g.biasAdd(gt, up(g, b, 7));
        check(m, "bias add", ct.toArray(), gt.toArray(), 0);
        Tensor cdb = cpu.allocate(7);
        Tensor gdb = g.allocate(7);
        cpu.biasGrad(ct, cdb);
        g.biasGrad(gt, gdb);
        check(m, "bias grad", cdb.toArray(), gdb.toArray(), FP32);
        // allFinite
        assertTrue(g.allFinite(gt));
        float[] bad = t.clone();
        bad[sz - 1] = Float.NaN;
        assertFalse(g.allFinite(up(g, bad, shape)));
        bad[sz - 1] = Float.NEGATIVE_INFINITY;
        assertFalse(g.allFinite(up(g, bad, shape)));
        // a round trip bigger than one staging chunk
        float[] big = random(r, (int) (Staging.CHUNK / 4) * 2 + 12345, 1);
        check(m, "upload/download 2 chunks", big, g.fromArray(big, big.length).toArray(), 0);
        MemoryStats ms = g.memoryStats();
        assertTrue(ms.allocatedBytes() > 0 && ms.reservedBytes() >= ms.allocatedBytes(), ms.toString());
        report.add("[cuda parity] memory " + ms);
    }

    @Test
    void softmaxCrossEntropy() {
        Mode m = Mode.KERNELS;
        CudaBackend g = gpu(m);
        SplittableRandom r = new SplittableRandom(6);
        int n = 37;
        int k = 1000;
        float[] z = random(r, n * k, 8);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = r.nextInt(k);
        }
        Tensor cp = cpu.allocate(n, k);
        Tensor gp = g.allocate(n, k);
        Tensor cd = cpu.allocate(n, k);
        Tensor gd = g.allocate(n, k);
        float cl = cpu.softmaxCrossEntropy(up(cpu, z, n, k), labels, cp, cd);
        float gl = g.softmaxCrossEntropy(up(g, z, n, k), labels, gp, gd);
        check(m, "softmax CE loss", new float[] {cl}, new float[] {gl}, FP32);
        check(m, "softmax probs", cp.toArray(), gp.toArray(), FP32);
        check(m, "softmax dlogits", cd.toArray(), gd.toArray(), FP32);
        assertEquals(cl, g.softmaxCrossEntropy(up(g, z, n, k), labels, null, null), Math.abs(cl) * 1e-6);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void smallAlexNetTrainingStep(Mode m) {
        CudaBackend g = gpu(m);
        int batch = 8;
        int classes = 10;
        long seed = 7;
        Network cn = AlexNet.small(cpu, 3, 32, classes, seed);
        // He weights, not the paper's N(0, 0.01): with the paper's, conv1's weight gradient is ~1e-7 and so
        // ill-conditioned that a 1e-6 relative change of the input moves it by ~1.6e-2 on the CPU alone (the
        // first GPU run saw exactly that with cuBLAS and cuDNN, whose sums run in another order). He weights give
        // gradients of order 0.1 that a 1e-6 input change moves by ~7e-7, so the 1e-4 bar tests the arithmetic.
        Initialization.he(cn.parameters(), seed + 1);
        Network gn = AlexNet.small(g, 3, 32, classes, seed);
        for (Parameter p : cn.parameters()) {
            g.upload(p.value().toArray(), gn.parameter(p.name()).value());
        }
        SplittableRandom r = new SplittableRandom(8);
        float[] x = random(r, batch * 3 * 32 * 32, 1);
        int[] labels = new int[batch];
        for (int i = 0; i < batch; i++) {
            labels[i] = r.nextInt(classes);
        }
        Sgd cs = Sgd.paper(LearningRateSchedule.constant(0.01));
        Sgd gs = Sgd.paper(LearningRateSchedule.constant(0.01));
        // TF32 rounds every GEMM operand to 10 mantissa bits, which moves pre-activations by ~1e-3 relative and
        // flips some max-pool and ReLU decisions, so a whole step's gradients cannot agree to 5e-3 with any
        // correct TF32 implementation. The bar there is the CPU's own sensitivity: the same steps on the CPU with
        // the input and weights perturbed by TF32's rounding unit (2^-11, random signs) give a deviation d per
        // tensor; the GPU must stay within max(5e-3, 10 d). The losses (smooth averages) must meet 5e-3.
        Network pn = null;
        Sgd ps = null;
        float[] px = x;
        if (m.config.tf32()) {
            SplittableRandom noise = new SplittableRandom(9);
            pn = AlexNet.small(cpu, 3, 32, classes, seed);
            for (Parameter p : cn.parameters()) {
                cpu.upload(tf32Noise(p.value().toArray(), noise), pn.parameter(p.name()).value());
            }
            ps = Sgd.paper(LearningRateSchedule.constant(0.01));
            px = tf32Noise(x, noise);
        }
        for (int step = 0; step < 2; step++) {
            float cl = cn.trainStep(up(cpu, x, batch, 3, 32, 32), labels, cs);
            float gl = gn.trainStep(up(g, x, batch, 3, 32, 32), labels, gs);
            check(m, "step " + step + " loss", new float[] {cl}, new float[] {gl}, m.tol());
            if (pn != null) {
                pn.trainStep(up(cpu, px, batch, 3, 32, 32), labels, ps);
            }
            for (Parameter p : cn.parameters()) {
                Parameter q = gn.parameter(p.name());
                double gradTol = m.tol();
                double valueTol = m.tol();
                if (pn != null) {
                    Parameter pp = pn.parameter(p.name());
                    gradTol = Math.max(m.tol(), 10 * rel(p.grad().toArray(), pp.grad().toArray()));
                    valueTol = Math.max(m.tol(), 10 * rel(p.value().toArray(), pp.value().toArray()));
                }
                check(m, "step " + step + " grad " + p.name(), p.grad().toArray(), q.grad().toArray(), gradTol);
                check(m, "step " + step + " value " + p.name(), p.value().toArray(), q.value().toArray(), valueTol);
            }
        }
    }

    /** Multiplies each value by 1 + s 2^-11 with a random sign s: TF32's rounding unit. */
    static float[] tf32Noise(float[] v, SplittableRandom r) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * (1f + (r.nextBoolean() ? 1f : -1f) * 0x1p-11f);
        }
        return out;
    }

    /** max|a - b| / max|a|. */
    static double rel(float[] a, float[] b) {
        double max = 0;
        double err = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i]));
            err = Math.max(err, Math.abs((double) a[i] - b[i]));
        }
        return err / Math.max(max, 1e-30);
    }
}
