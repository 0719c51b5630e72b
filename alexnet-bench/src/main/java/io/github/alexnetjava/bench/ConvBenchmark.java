package io.github.alexnetjava.bench;

import io.github.alexnetjava.backend.BackendOptions;
import io.github.alexnetjava.backend.Conv2dSpec;
import io.github.alexnetjava.backend.cpu.CpuBackend;
import io.github.alexnetjava.tensor.Tensor;
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

import java.util.concurrent.TimeUnit;

/**
 * {@link CpuBackend}'s convolution kernels (forward, backward-data, backward-filter) at the paper AlexNet's conv1,
 * conv2 (2 groups) and conv3 shapes, batch 8 by default, on the backend's worker pool ({@code threads}, 0: one per
 * core). From 16 images per thread (e.g. batch 64 on 2 threads) the backend takes the Winograd path where it
 * applies (conv2 forward, conv3 every pass); {@code winograd=false} forces im2col for comparison.
 *
 * <p>Score: ms per call. Forward GFLOP per image: conv1 0.211, conv2 0.448, conv3 0.299; backward-data and
 * backward-filter each cost the same as the forward pass.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ConvBenchmark {

    @Param({"conv1", "conv2", "conv3"})
    public String layer;

    @Param({"8"})
    public int batch;

    @Param({"0"})
    public int threads;

    /** The value of {@code alexnet.conv.winograd}, which the backend reads at each call. */
    @Param({"true"})
    public String winograd;

    private CpuBackend backend;
    private Conv2dSpec spec;
    private Tensor x;
    private Tensor w;
    private Tensor bias;
    private Tensor y;
    private Tensor dy;
    private Tensor dx;
    private Tensor dw;
    private Tensor dbias;

    @Setup(Level.Trial)
    public void setUp() {
        System.setProperty("alexnet.conv.winograd", winograd);
        int size;
        switch (layer) {
            case "conv1":
                spec = Conv2dSpec.of(3, 96, 11, 4, 0, 1);
                size = 227;
                break;
            case "conv2":
                spec = Conv2dSpec.of(96, 256, 5, 1, 2, 2);
                size = 27;
                break;
            case "conv3":
                spec = Conv2dSpec.of(256, 384, 3, 1, 1, 1);
                size = 13;
                break;
            default:
                throw new IllegalArgumentException("unknown layer " + layer);
        }
        backend = new CpuBackend(new BackendOptions(threads, 0));
        int[] xs = {batch, spec.inChannels(), size, size};
        int[] ys = spec.outputShape("bench", xs);
        x = tensor(xs, 1);
        w = tensor(spec.weightShape(), 2);
        bias = tensor(new int[] {spec.outChannels()}, 3);
        dy = tensor(ys, 4);
        y = backend.allocate(ys);
        dx = backend.allocate(xs);
        dw = backend.allocate(spec.weightShape());
        dbias = backend.allocate(spec.outChannels());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        backend.close();
    }

    @Benchmark
    public Tensor forward() {
        backend.conv2dForward(spec, x, w, bias, y);
        return y;
    }

    @Benchmark
    public Tensor backwardData() {
        backend.conv2dBackwardData(spec, dy, w, dx);
        return dx;
    }

    @Benchmark
    public Tensor backwardFilter() {
        backend.conv2dBackwardFilter(spec, x, dy, dw, dbias);
        return dw;
    }

    private Tensor tensor(int[] shape, long seed) {
        int size = 1;
        for (int d : shape) {
            size *= d;
        }
        float[] v = SgemmBenchmark.random(size, seed);
        for (int i = 0; i < size; i++) {
            v[i] *= 0.01f;
        }
        return backend.fromArray(v, shape);
    }
}
