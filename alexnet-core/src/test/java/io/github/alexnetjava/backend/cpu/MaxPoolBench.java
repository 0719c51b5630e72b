package io.github.alexnetjava.backend.cpu;

import io.github.alexnetjava.backend.BackendOptions;
import io.github.alexnetjava.backend.PoolSpec;
import io.github.alexnetjava.tensor.Tensor;

import java.util.SplittableRandom;

/**
 * pool5's forward and backward passes alone (not a unit test): AlexNet's 3x3 stride-2 max-pool over
 * {@code [batch, 256, 13, 13]} on 2 workers, x like a ReLU's output (half zeros). Usage: {@code java --add-modules
 * jdk.incubator.vector -cp alexnet-core/target/classes:alexnet-core/target/test-classes:SLF4J
 * io.github.alexnetjava.backend.cpu.MaxPoolBench [batch]} (default 64). {@code -Devict=true} walks 256 MB before each
 * pass so that x comes from memory, as in the network, where fc6's weights pass through the caches between
 * pool5's forward and backward passes; {@code -Drelu=true} times the backward pass with the ReLU gradient fused.
 * Prints the last ten of 30 repetitions.
 */
public final class MaxPoolBench {
    private MaxPoolBench() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int[] xs = {n, 256, 13, 13};
        PoolSpec s = PoolSpec.overlapping();
        int[] ys = s.outputShape("pool5", xs);
        SplittableRandom r = new SplittableRandom(1);
        float[] x = new float[n * 256 * 169];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextDouble() < 0.5 ? 0f : (float) r.nextDouble();
        }
        float[] dy = new float[ys[0] * ys[1] * ys[2] * ys[3]];
        for (int i = 0; i < dy.length; i++) {
            dy[i] = (float) r.nextDouble();
        }
        boolean evict = Boolean.getBoolean("evict");
        boolean relu = Boolean.getBoolean("relu");
        float[] big = new float[evict ? 64 << 20 : 0];
        try (CpuBackend cpu = new CpuBackend(BackendOptions.defaults().withThreads(2))) {
            Tensor xt = cpu.fromArray(x, xs);
            Tensor yt = cpu.allocate(ys);
            Tensor dyt = cpu.fromArray(dy, ys);
            Tensor dx = cpu.allocate(xs);
            for (int rep = 0; rep < 30; rep++) {
                touch(big);
                long t0 = System.nanoTime();
                cpu.maxPoolForward(s, xt, yt);
                long t1 = System.nanoTime();
                touch(big);
                long t2 = System.nanoTime();
                if (relu) {
                    cpu.maxPoolBackwardRelu(s, xt, yt, dyt, dx);
                } else {
                    cpu.maxPoolBackward(s, xt, yt, dyt, dx);
                }
                long t3 = System.nanoTime();
                if (rep >= 20) {
                    System.out.printf("forward %.2f ms, backward %.2f ms%n", (t1 - t0) / 1e6, (t3 - t2) / 1e6);
                }
            }
        }
    }

    private static void touch(float[] big) {
        for (int i = 0; i < big.length; i += 16) {
            big[i] += 1f;
        }
    }
}
