package io.github.alexnetjava.examples;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@code alexnet bench-gemm}: GFLOP/s of the backend's GEMM at the shapes a paper-AlexNet training step issues
 * ({@link AlexNetGemmShapes}). Each shape runs {@code --warmup} untimed calls, then {@code --iters} calls back to
 * back between two synchronisations; the mean time per call is reported.
 */
@Command(name = "bench-gemm", mixinStandardHelpOptions = true,
        description = "Time the backend's GEMM at AlexNet's shapes (GFLOP/s per shape).")
final class GemmBenchCommand extends CliCommand {

    @Option(names = "--batch", defaultValue = "128", description = "Images per batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--iters", defaultValue = "10",
            description = "Timed calls per shape (default: ${DEFAULT-VALUE}).")
    int iters;

    @Option(names = "--warmup", defaultValue = "2",
            description = "Untimed calls per shape (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--only", description = "Only shapes whose name contains this text (e.g. conv3, fc).")
    String only;

    @Option(names = "--json", description = "Also print the results as one JSON object on the last line.")
    boolean json;

    @Mixin
    ComputeOptions computeOptions = new ComputeOptions();

    @Override
    protected int execute() {
        if (batch < 1 || iters < 1 || warmup < 0) {
            throw new IllegalArgumentException("need --batch >= 1, --iters >= 1 and --warmup >= 0, got batch "
                    + batch + ", iters " + iters + ", warmup " + warmup);
        }
        List<AlexNetGemmShapes.Shape> shapes = new ArrayList<>();
        for (AlexNetGemmShapes.Shape s : AlexNetGemmShapes.forBatch(batch)) {
            if (only == null || s.name().contains(only)) {
                shapes.add(s);
            }
        }
        if (shapes.isEmpty()) {
            throw new IllegalArgumentException("no GEMM shape name contains '" + only + "'; names: "
                    + AlexNetGemmShapes.forBatch(batch).stream().map(AlexNetGemmShapes.Shape::name).toList());
        }
        List<Json> rows = new ArrayList<>();
        try (Backend backend = computeOptions.create()) {
            err().printf(Locale.ROOT, "bench-gemm: %s, batch %d, %d warm-up + %d timed calls per shape%n",
                    backend.description(), batch, warmup, iters);
            err().flush();
            out().printf(Locale.ROOT, "%-18s %-3s %6s %8s %6s %10s %10s%n", "gemm", "op", "M", "N", "K", "ms",
                    "GFLOP/s");
            SplittableRandom rng = new SplittableRandom(1);
            for (AlexNetGemmShapes.Shape s : shapes) {
                Tensor a = random(backend, rng, s.transA() ? new int[] {s.k(), s.m()} : new int[] {s.m(), s.k()});
                Tensor b = random(backend, rng, s.transB() ? new int[] {s.n(), s.k()} : new int[] {s.k(), s.n()});
                Tensor c = backend.allocate(s.m(), s.n());
                for (int i = 0; i < warmup; i++) {
                    backend.gemm(s.transA(), s.transB(), 1f, a, b, 0f, c);
                }
                backend.synchronize();
                long t0 = System.nanoTime();
                for (int i = 0; i < iters; i++) {
                    backend.gemm(s.transA(), s.transB(), 1f, a, b, 0f, c);
                }
                backend.synchronize();
                double ms = (System.nanoTime() - t0) / 1e6 / iters;
                double rate = s.gflop() / ms * 1e3;
                out().printf(Locale.ROOT, "%-18s %-3s %6d %8d %6d %10.3f %10.1f%n", s.name(), s.ops(), s.m(), s.n(),
                        s.k(), ms, rate);
                out().flush();
                rows.add(new Json().put("name", s.name()).put("op", s.ops()).put("m", s.m()).put("n", s.n())
                        .put("k", s.k()).put("ms", ms).put("gflops", rate));
            }
            if (json) {
                out().println(new Json().put("backend", backend.name())
                        .put("backend_description", backend.description()).put("batch", batch)
                        .put("iters", iters).put("warmup", warmup).put("shapes", rows));
            }
        }
        return 0;
    }

    private static Tensor random(Backend backend, SplittableRandom rng, int[] shape) {
        float[] v = new float[shape[0] * shape[1]];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return backend.fromArray(v, shape);
    }
}
