package io.github.alexnetjava.backend.cpu.gemm;

import io.github.alexnetjava.backend.cpu.WorkerPool;
import java.util.Random;

/**
 * Throughput of {@link Sgemm} on AlexNet's GEMM shapes (not a unit test). Usage:
 * {@code java --add-modules jdk.incubator.vector -cp ... io.github.alexnetjava.backend.cpu.gemm.SgemmBench [threads...]}
 * (default: 1 and 2 threads). {@code -Dbench.ms=300} sets the measuring time per shape, {@code -Dbench.only=fc6}
 * restricts to shapes whose name contains the string, {@code -Dbench.rounds=2} repeats the whole table.
 */
public final class SgemmBench {
    private record Shape(String name, boolean ta, boolean tb, int m, int n, int k) {
    }

    private static final Shape[] SHAPES = {
        new Shape("conv1 fwd", false, false, 96, 3025, 363),
        new Shape("conv2 fwd/group", false, false, 128, 729, 1200),
        new Shape("conv3 fwd", false, false, 384, 169, 2304),
        new Shape("conv4 fwd/group", false, false, 192, 169, 1728),
        new Shape("conv5 fwd/group", false, false, 128, 169, 1728),
        new Shape("fc6 fwd (tB)", false, true, 64, 4096, 9216),
        new Shape("fc6 dW (tA)", true, false, 4096, 9216, 64),
        new Shape("fc6 dx", false, false, 64, 9216, 4096),
        new Shape("conv1 bwd-data (tA)", true, false, 363, 3025, 96),
        new Shape("conv1 bwd-filter (tB)", false, true, 96, 363, 3025),
    };

    private SgemmBench() {
    }

    public static void main(String[] args) {
        int[] threadCounts = args.length == 0 ? new int[] {1, 2} : new int[args.length];
        for (int i = 0; i < args.length; i++) {
            threadCounts[i] = Integer.parseInt(args[i]);
        }
        long ms = Long.getLong("bench.ms", 300);
        String only = System.getProperty("bench.only", "");
        System.out.println("java " + System.getProperty("java.version") + ", kernel " + Sgemm.kernelName()
                + ", " + Runtime.getRuntime().availableProcessors() + " cpus");
        System.out.printf("%-24s %5s %5s %5s  %s%n", "shape", "m", "n", "k", "GFLOP/s by threads "
                + java.util.Arrays.toString(threadCounts));
        Random rnd = new Random(1);
        int rounds = Integer.getInteger("bench.rounds", 1);
        for (int round = 0; round < rounds; round++) {
            if (rounds > 1) {
                System.out.println("round " + (round + 1));
            }
            runAll(threadCounts, ms, only, rnd);
        }
    }

    private static void runAll(int[] threadCounts, long ms, String only, Random rnd) {
        for (Shape s : SHAPES) {
            if (!s.name().contains(only)) {
                continue;
            }
            float[] a = random(rnd, s.m() * s.k());
            float[] b = random(rnd, s.k() * s.n());
            float[] c = new float[s.m() * s.n()];
            int lda = s.ta() ? s.m() : s.k();
            int ldb = s.tb() ? s.k() : s.n();
            double flops = 2.0 * s.m() * s.n() * s.k();
            StringBuilder line = new StringBuilder(String.format("%-24s %5d %5d %5d ", s.name(), s.m(), s.n(), s.k()));
            for (int t : threadCounts) {
                try (WorkerPool pool = new WorkerPool(t)) {
                    Runnable run = () -> Sgemm.sgemm(pool, s.ta(), s.tb(), s.m(), s.n(), s.k(), 1f,
                            a, 0, lda, b, 0, ldb, 0f, c, 0, s.n());
                    for (int w = 0; w < 3; w++) {
                        run.run();
                    }
                    long best = Long.MAX_VALUE;
                    long end = System.nanoTime() + ms * 1_000_000L;
                    int reps = 0;
                    while (reps < 3 || System.nanoTime() < end) {
                        long t0 = System.nanoTime();
                        run.run();
                        best = Math.min(best, System.nanoTime() - t0);
                        reps++;
                    }
                    line.append(String.format(" %7.1f", flops / best));
                    verify(s, a, lda, b, ldb, c);
                }
            }
            System.out.println(line);
        }
    }

    /** Spot-checks a few elements against a double-precision dot product. */
    private static void verify(Shape s, float[] a, int lda, float[] b, int ldb, float[] c) {
        Random r = new Random(7);
        for (int t = 0; t < 16; t++) {
            int i = r.nextInt(s.m());
            int j = r.nextInt(s.n());
            double sum = 0;
            double mag = 0;
            for (int p = 0; p < s.k(); p++) {
                double x = (double) (s.ta() ? a[p * lda + i] : a[i * lda + p])
                        * (s.tb() ? b[j * ldb + p] : b[p * ldb + j]);
                sum += x;
                mag += Math.abs(x);
            }
            if (Math.abs(c[i * s.n() + j] - sum) > 1e-4 * mag) {
                throw new AssertionError(s + ": wrong result at " + i + "," + j);
            }
        }
    }

    private static float[] random(Random rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextFloat() - 0.5f;
        }
        return x;
    }
}
