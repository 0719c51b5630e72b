package io.github.alexnetjava.backend.cpu;

import io.github.alexnetjava.backend.Conv2dSpec;

import java.util.Arrays;
import java.util.Random;

/**
 * Time of {@link CpuConvolution}'s three passes at the paper AlexNet's five convolution shapes (not a unit test).
 * Usage: {@code java --add-modules jdk.incubator.vector -cp alexnet-core/target/classes:alexnet-core/target/test-classes:SLF4J
 * io.github.alexnetjava.backend.cpu.ConvBench [batch] [threads]} (default 64, 2), where SLF4J is slf4j-api's jar
 * (plus slf4j-nop's to silence it). {@code -Dbench.reps=5} sets the timed repetitions (the best is reported: the
 * machine is shared; {@code -Dbench.median=true} reports the median), {@code -Dbench.only=conv4} restricts the
 * layers, {@code -Dbench.parts=true} also times im2col, col2im and the plain GEMMs apart ({@code -Dbench.nb=4}:
 * images per GEMM in the batched variant), {@code -Dbench.nobias=true} the filter gradient without the bias's.
 * The {@code alexnet.conv.*} and {@code alexnet.sgemm.*} properties tune the code under test.
 * {@code -Dbench.ab=PROPERTY} compares two settings of a boolean property read at each call: the repetitions of
 * each pass alternate between {@code false} and {@code true} in the same JVM (the machine is shared and its speed
 * drifts between runs), and both are printed.
 */
public final class ConvBench {
    private record Layer(String name, Conv2dSpec spec, int size) {
    }

    private static final Layer[] LAYERS = {
        new Layer("conv1", Conv2dSpec.of(3, 96, 11, 4, 0, 1), 227),
        new Layer("conv2", Conv2dSpec.of(96, 256, 5, 1, 2, 2), 27),
        new Layer("conv3", Conv2dSpec.of(256, 384, 3, 1, 1, 1), 13),
        new Layer("conv4", Conv2dSpec.of(384, 384, 3, 1, 1, 2), 13),
        new Layer("conv5", Conv2dSpec.of(384, 256, 3, 1, 1, 2), 13),
    };

    private ConvBench() {
    }

    public static void main(String[] args) {
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int reps = Integer.getInteger("bench.reps", 5);
        String only = System.getProperty("bench.only", "");
        Random rnd = new Random(1);
        try (WorkerPool pool = new WorkerPool(threads)) {
            CpuConvolution conv = new CpuConvolution(pool);
            System.out.printf("batch %d, %d threads; ms (best of %d), GFLOP/s%n", batch, threads, reps);
            System.out.printf("%-6s %9s %7s %9s %7s %9s %7s %9s%n", "layer", "fwd", "GF/s", "bwdData", "GF/s",
                    "bwdFilt", "GF/s", "bwd sum");
            for (Layer l : LAYERS) {
                if (!l.name.contains(only)) {
                    continue;
                }
                Conv2dSpec s = l.spec;
                int[] xs = {batch, s.inChannels(), l.size, l.size};
                int[] ys = s.outputShape("bench", xs);
                float[] x = rand(rnd, xs[0] * xs[1] * xs[2] * xs[3]);
                float[] w = rand(rnd, s.outChannels() * s.inPerGroup() * s.kernelH() * s.kernelW());
                float[] b = rand(rnd, s.outChannels());
                float[] dy = rand(rnd, ys[0] * ys[1] * ys[2] * ys[3]);
                float[] y = new float[dy.length];
                float[] dx = new float[x.length];
                float[] dw = new float[w.length];
                float[] db = new float[b.length];
                double gflop = 2.0 * batch * ys[1] * ys[2] * ys[3] * s.inPerGroup() * s.kernelH() * s.kernelW()
                        / 1e9;
                String ab = System.getProperty("bench.ab");
                if (ab != null) {
                    abLine(l.name + " fwd", ab, reps, () -> conv.forward(s, x, xs, w, b, y, false));
                    abLine(l.name + " bwdData", ab, reps, () -> conv.backwardData(s, dy, w, dx, xs, null));
                    abLine(l.name + " bwdFilt", ab, reps, () -> conv.backwardFilter(s, x, xs, dy, dw, db));
                    continue;
                }
                double f = time(reps, () -> conv.forward(s, x, xs, w, b, y, false));
                double d = time(reps, () -> conv.backwardData(s, dy, w, dx, xs, null));
                double wf = time(reps, () -> conv.backwardFilter(s, x, xs, dy, dw, db));
                if (Boolean.getBoolean("bench.nobias")) {
                    System.out.printf("   backward-filter without dbias: %.1f%n",
                            time(reps, () -> conv.backwardFilter(s, x, xs, dy, dw, null)));
                }
                System.out.printf("%-6s %9.1f %7.0f %9.1f %7.0f %9.1f %7.0f %9.1f%n", l.name, f, gflop / f * 1e3, d,
                        gflop / d * 1e3, wf, gflop / wf * 1e3, d + wf);
                if (Boolean.getBoolean("bench.parts")) {
                    parts(pool, s, xs, ys, x, w, dy, reps, gflop);
                }
            }
        }
    }

    /** The im2col, col2im and plain GEMM parts of the passes, each over the whole batch. */
    private static void parts(WorkerPool pool, Conv2dSpec s, int[] xs, int[] ys, float[] x, float[] w, float[] dy,
            int reps, double gflop) {
        int n = xs[0];
        int cg = s.inPerGroup();
        int h = xs[2];
        int wd = xs[3];
        int oh = ys[2];
        int ow = ys[3];
        int p = oh * ow;
        int kg = cg * s.kernelH() * s.kernelW();
        int mg = s.outPerGroup();
        int groups = s.groups();
        float[][] cols = new float[pool.threads()][kg * p];
        float[] dx = new float[x.length];
        float[][] cs = new float[pool.threads()][mg * p];
        double im = time(reps, () -> pool.parallelFor(n, (wk, a, e) -> {
            for (int i = a; i < e; i++) {
                for (int g = 0; g < groups; g++) {
                    Im2col.im2col(x, (i * xs[1] + g * cg) * h * wd, cg, h, wd, s.kernelH(), s.kernelW(), s.strideH(),
                            s.strideW(), s.padH(), s.padW(), oh, ow, cols[wk]);
                }
            }
        }));
        int tile = 512;
        double imt = time(reps, () -> pool.parallelFor(n, (wk, a, e) -> {
            for (int i = a; i < e; i++) {
                for (int g = 0; g < groups; g++) {
                    for (int j0 = 0; j0 < p; j0 += tile) {
                        int jw = Math.min(tile, p - j0);
                        Im2col.im2col(x, (i * xs[1] + g * cg) * h * wd, cg, h, wd, s.kernelH(), s.kernelW(),
                                s.strideH(), s.strideW(), s.padH(), s.padW(), oh, ow, j0, j0 + jw, cols[wk], 0, jw);
                    }
                }
            }
        }));
        System.out.printf("   im2col in tiles of %d: %.1f%n", tile, imt);
        double c2i = time(reps, () -> pool.parallelFor(n, (wk, a, e) -> {
            for (int i = a; i < e; i++) {
                for (int g = 0; g < groups; g++) {
                    Im2col.col2imAdd(cols[wk], cg, h, wd, s.kernelH(), s.kernelW(), s.strideH(), s.strideW(),
                            s.padH(), s.padW(), oh, ow, dx, (i * xs[1] + g * cg) * h * wd);
                }
            }
        }));
        double gf = time(reps, () -> pool.parallelFor(n, (wk, a, e) -> {
            for (int i = a; i < e; i++) {
                for (int g = 0; g < groups; g++) {
                    io.github.alexnetjava.backend.cpu.gemm.Sgemm.sgemm(false, false, mg, p, kg, 1f, w, g * mg * kg,
                            kg, cols[wk], 0, p, 0f, cs[wk], 0, p);
                }
            }
        }));
        double gd = time(reps, () -> pool.parallelFor(n, (wk, a, e) -> {
            for (int i = a; i < e; i++) {
                for (int g = 0; g < groups; g++) {
                    io.github.alexnetjava.backend.cpu.gemm.Sgemm.sgemm(true, false, kg, p, mg, 1f, w, g * mg * kg,
                            kg, dy, (i * ys[1] + g * mg) * p, p, 0f, cols[wk], 0, p);
                }
            }
        }));
        float[][] dws = new float[pool.threads()][mg * kg];
        double gw = time(reps, () -> pool.parallelFor(n, (wk, a, e) -> {
            for (int i = a; i < e; i++) {
                for (int g = 0; g < groups; g++) {
                    io.github.alexnetjava.backend.cpu.gemm.Sgemm.sgemm(false, true, mg, kg, p, 1f, dy,
                            (i * ys[1] + g * mg) * p, p, cols[wk], 0, p, 1f, dws[wk], 0, kg);
                }
            }
        }));
        int nb = Integer.getInteger("bench.nb", 4);
        float[][] bigCol = new float[pool.threads()][kg * p * nb];
        float[][] bigC = new float[pool.threads()][mg * p * nb];
        double gfb = time(reps, () -> pool.parallelFor(n / nb, (wk, a, e) -> {
            for (int i = a; i < e; i++) {
                for (int g = 0; g < groups; g++) {
                    io.github.alexnetjava.backend.cpu.gemm.Sgemm.sgemm(false, false, mg, p * nb, kg, 1f, w,
                            g * mg * kg, kg, bigCol[wk], 0, p * nb, 0f, bigC[wk], 0, p * nb);
                }
            }
        }));
        System.out.printf("   gemm fwd with %d images per GEMM: %.1f (%.0f GF/s)%n", nb, gfb, gflop / gfb * 1e3);
        System.out.printf("   parts: im2col %.1f, col2im %.1f, gemm fwd %.1f (%.0f GF/s), gemm data %.1f (%.0f),"
                + " gemm filter %.1f (%.0f)%n", im, c2i, gf, gflop / gf * 1e3, gd, gflop / gd * 1e3, gw,
                gflop / gw * 1e3);
    }

    /** Interleaved repetitions with {@code prop} false and true; prints best and median of each. */
    private static void abLine(String name, String prop, int reps, Runnable r) {
        double[][] t = new double[2][reps];
        for (int v = 0; v < 2; v++) {
            System.setProperty(prop, Boolean.toString(v == 1));
            r.run();
            r.run();
        }
        for (int i = 0; i < reps; i++) {
            for (int v = 0; v < 2; v++) {
                System.setProperty(prop, Boolean.toString(v == 1));
                long t0 = System.nanoTime();
                r.run();
                t[v][i] = (System.nanoTime() - t0) / 1e6;
            }
        }
        System.clearProperty(prop);
        Arrays.sort(t[0]);
        Arrays.sort(t[1]);
        System.out.printf("%-16s %s=false best %6.1f median %6.1f | true best %6.1f median %6.1f%n", name, prop,
                t[0][0], t[0][reps / 2], t[1][0], t[1][reps / 2]);
    }

    private static double time(int reps, Runnable r) {
        r.run();
        r.run();
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            r.run();
            t[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(t);
        return Boolean.getBoolean("bench.median") ? t[reps / 2] : t[0];
    }

    private static float[] rand(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextFloat() - 0.5f;
        }
        return v;
    }
}
