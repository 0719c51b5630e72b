package io.github.alexnetjava.backend.cpu;

import io.github.alexnetjava.backend.cpu.gemm.Sgemm;

import java.util.Random;

/**
 * The parts of conv1's filter gradient on one thread, as {@link CpuConvolution} runs them per worker (not a unit
 * test): im2col of a 1,024-position tile, the packing of that column matrix into A slivers alone, and the whole
 * GEMM {@code dW^T (+)= col * dY^T} (packing included), over 32 images of 3x227x227. It isolates what differs
 * between JVMs: run it under each, e.g. {@code java --add-modules jdk.incubator.vector -cp
 * alexnet-core/target/classes:alexnet-core/target/test-classes:SLF4J
 * io.github.alexnetjava.backend.cpu.FilterGradientBench [repetitions]} (default 12), where SLF4J is slf4j-api's
 * jar. Prints each repetition's milliseconds; the first few include the JIT's compilation. The GEMM reads the
 * column matrix in place (the packing timed apart is then what it no longer does) unless
 * {@code -Dalexnet.sgemm.inPlaceAMaxN=0}; {@code -Dbench.tile} sets the tile width (1,024) and {@code -Dbench.pad}
 * the floats of padding after each column-matrix row (16, as {@link CpuConvolution}).
 */
public final class FilterGradientBench {
    private FilterGradientBench() {
    }

    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 12;
        int n = 32;
        int c = 3;
        int h = 227;
        int k = 11;
        int stride = 4;
        int oh = 55;
        int p = oh * oh;
        int kg = c * k * k;
        int m = 96;
        int tile = Integer.getInteger("bench.tile", 1024);
        Random r = new Random(1);
        float[] x = new float[n * c * h * h];
        float[] dy = new float[n * m * p];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat();
        }
        for (int i = 0; i < dy.length; i++) {
            dy[i] = r.nextFloat();
        }
        int pad = Integer.getInteger("bench.pad", 16);
        float[] col = new float[kg * (tile + pad)];
        float[] dwt = new float[kg * m];
        float[] packed = new float[Sgemm.packedSize(kg, tile)];
        for (int rep = 0; rep < reps; rep++) {
            long unfold = 0;
            long pack = 0;
            long gemm = 0;
            for (int i = 0; i < n; i++) {
                for (int j0 = 0; j0 < p; j0 += tile) {
                    int jw = Math.min(tile, p - j0);
                    long t0 = System.nanoTime();
                    Im2col.im2col(x, i * c * h * h, c, h, h, k, k, stride, stride, 0, 0, oh, oh, j0, j0 + jw, col,
                            0, jw + pad);
                    long t1 = System.nanoTime();
                    Sgemm.pack(false, kg, jw, col, 0, jw + pad, packed);
                    long t2 = System.nanoTime();
                    Sgemm.sgemm(false, true, kg, m, jw, 1f, col, 0, jw + pad, dy, i * m * p + j0, p, 1f, dwt, 0, m);
                    long t3 = System.nanoTime();
                    unfold += t1 - t0;
                    pack += t2 - t1;
                    gemm += t3 - t2;
                }
            }
            System.out.printf("rep %2d: im2col %.1f ms, packing A alone %.1f ms, GEMM %.1f ms"
                    + " (%.0f GFLOP/s)%n", rep, unfold / 1e6, pack / 1e6, gemm / 1e6, 2.0 * n * p * kg * m / gemm);
        }
    }
}
