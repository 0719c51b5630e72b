package io.github.alexnetjava.bench;

import io.github.alexnetjava.backend.cpu.WorkerPool;
import io.github.alexnetjava.backend.cpu.gemm.Sgemm;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@link Sgemm} at AlexNet's shapes, C[M×N] = A[M×K]·B[K×N] (row-major, alpha 1, beta 0), as the convolutions
 * and fully connected layers call it: a convolution per image and group is weights[M=out/groups × K=in/groups·kh·kw]
 * times the im2col matrix [K × N=outH·outW]; fc6 is activations[M=batch × K=9216] times the transposed weight
 * matrix [N=4096 × K] ({@code transB}).
 *
 * <p>Score: ms per multiply. GFLOP/s = 2·M·N·K / (ms · 1e6): conv1 0.211, conv2 0.224, conv3 0.299, fc6 4.832
 * GFLOP per call. {@code threads} 1 uses the single-threaded entry point, more uses the parallel one on a pool of
 * that many workers.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class SgemmBenchmark {

    /** name:M:N:K:transB. */
    @Param({"conv1:96:3025:363:false", "conv2:128:729:1200:false", "conv3:384:169:2304:false",
            "fc6:64:4096:9216:true"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private int m;
    private int n;
    private int k;
    private boolean transB;
    private float[] a;
    private float[] b;
    private float[] c;
    private WorkerPool pool;

    @Setup(Level.Trial)
    public void setUp() {
        String[] f = shape.split(":");
        m = Integer.parseInt(f[1]);
        n = Integer.parseInt(f[2]);
        k = Integer.parseInt(f[3]);
        transB = Boolean.parseBoolean(f[4]);
        a = random(m * k, 1);
        b = random(k * n, 2);
        c = new float[m * n];
        pool = threads > 1 ? new WorkerPool(threads) : null;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (pool != null) {
            pool.close();
        }
    }

    @Benchmark
    public void sgemm(Blackhole bh) {
        int ldb = transB ? k : n;
        if (pool == null) {
            Sgemm.sgemm(false, transB, m, n, k, 1f, a, 0, k, b, 0, ldb, 0f, c, 0, n);
        } else {
            Sgemm.sgemm(pool, false, transB, m, n, k, 1f, a, 0, k, b, 0, ldb, 0f, c, 0, n);
        }
        bh.consume(c);
    }

    static float[] random(int size, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }
}
