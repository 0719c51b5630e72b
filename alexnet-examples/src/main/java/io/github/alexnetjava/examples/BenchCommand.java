package io.github.alexnetjava.examples;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.backend.BackendOptions;
import io.github.alexnetjava.backend.Backends;
import io.github.alexnetjava.backend.cpu.CpuBackend;
import io.github.alexnetjava.backend.cpu.vector.VectorSupport;
import io.github.alexnetjava.model.AlexNet;
import io.github.alexnetjava.nn.LayerProfiler;
import io.github.alexnetjava.nn.Network;
import io.github.alexnetjava.nn.Pass;
import io.github.alexnetjava.optim.LearningRateSchedule;
import io.github.alexnetjava.optim.Sgd;
import io.github.alexnetjava.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@code alexnet bench}: times inference and full training steps (forward, loss, backward, SGD update) on random
 * data and reports the median after warm-up.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time inference and training steps of a model on random data (median after warm-up).")
final class BenchCommand extends CliCommand {
    static final long SEED = 42L;

    enum Mode { train, infer, both }

    @Option(names = "--model", defaultValue = "alexnet",
            description = "alexnet, alexnet-torchvision, alexnet-small or alexnet-small-3x3 (default: "
                    + "${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--batch", defaultValue = "64", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--iters", defaultValue = "5", description = "Timed iterations (default: ${DEFAULT-VALUE}).")
    int iters;

    // Ten: the JIT compiles the CPU backend's Winograd loops over the first few steps (timed steps after two
    // warm-ups measured 1,078, 946, 939, then 804-830 ms at batch 64), and on JDK 25 the training steps after five
    // warm-ups still ran at 1,132 and 1,138 ms before settling at 770-803.
    @Option(names = "--warmup", defaultValue = "10",
            description = "Untimed warm-up iterations; the JVM's compiler settles over the first few "
                    + "(default: ${DEFAULT-VALUE}).")
    int warmup;

    @Mixin
    ComputeOptions computeOptions = new ComputeOptions();

    @Option(names = "--classes", description = "Output classes (default: 1000; 10 for the small models).")
    Integer classes;

    @Option(names = "--mode", defaultValue = "both",
            description = "train, infer or both (default: ${DEFAULT-VALUE}).")
    Mode mode;

    @Option(names = "--json", description = "Also print the results as one JSON object on the last line.")
    boolean json;

    @Option(names = "--layers",
            description = "Also time each layer's forward and backward pass and print ms and GFLOP/s per layer.")
    boolean layers;

    @Option(names = "--devices", defaultValue = "1",
            description = "1, or 2 for the paper's two-tower model-parallel split over two devices of the backend"
                    + " (--threads is then per device; default: cores / 2) (default: ${DEFAULT-VALUE}).")
    int devices;

    @Option(names = "--connectivity", defaultValue = "paper",
            description = "With --devices 2: paper, every-layer or independent-until-fc6 (default: ${DEFAULT-VALUE}).")
    String connectivity;

    @Override
    protected int execute() {
        Models.check(model);
        if (batch < 1 || iters < 1 || warmup < 0) {
            throw new IllegalArgumentException("need --batch >= 1, --iters >= 1 and --warmup >= 0, got batch "
                    + batch + ", iters " + iters + ", warmup " + warmup);
        }
        if (devices != 1 && devices != 2) {
            throw new IllegalArgumentException("--devices must be 1 or 2, got " + devices);
        }
        if (devices == 2) {
            return new ModelParallelBench(this).run();
        }
        String name = computeOptions.backendName();
        BackendOptions options = computeOptions.options();
        try (Backend backend = Backends.create(name, options)) {
            int nThreads = backend instanceof CpuBackend cpu ? cpu.threads() : options.threads();
            int k = Models.classes(model, classes);
            Network net = AlexNet.create(model, backend, k, SEED);
            int[] shape = new int[net.inputShape().length + 1];
            shape[0] = batch;
            System.arraycopy(net.inputShape(), 0, shape, 1, shape.length - 1);

            SplittableRandom rng = new SplittableRandom(SEED);
            float[] data = new float[Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) (rng.nextDouble() * 2 - 1);
            }
            int[] labels = new int[batch];
            for (int i = 0; i < batch; i++) {
                labels[i] = rng.nextInt(k);
            }
            Tensor x = backend.fromArray(data, shape);
            err().printf(Locale.ROOT, "bench: %s, batch %d, %s, %d warm-up + %d timed iterations%n",
                    model, batch, backend.description(), warmup, iters);
            err().flush();

            double inferMs = Double.NaN;
            double trainMs = Double.NaN;
            if (mode != Mode.train) {
                inferMs = median(time("infer", () -> {
                    net.forward(x, Pass.inference());
                    backend.synchronize();
                }));
            }
            if (mode != Mode.infer) {
                Sgd sgd = Sgd.paper(LearningRateSchedule.constant(0.01));
                trainMs = median(time("train", () -> {
                    net.trainStep(x, labels, sgd);
                    backend.synchronize();
                }));
            }
            // Memory after the timed steps, before the layer profile (as bench_pytorch.py's peak_rss_mb).
            Double peakHeapMb = peakHeapMb();
            Double rssMb = peakRssMb();
            List<LayerProfiler.Timing> perLayer = List.of();
            if (layers) {
                err().println("  profiling layers ...");
                perLayer = LayerProfiler.profile(net, x, labels, Sgd.paper(LearningRateSchedule.constant(0.01)),
                        warmup, iters);
                LayerTable.print(out(), perLayer);
            }
            double trainIps = batch * 1000.0 / trainMs;
            double inferIps = batch * 1000.0 / inferMs;

            out().printf(Locale.ROOT, "%s  batch %d  backend %s  threads %d  vector %s%n", model, batch,
                    backend.name(), nThreads, VectorSupport.enabled() ? "on" : "off");
            if (mode != Mode.infer) {
                out().printf(Locale.ROOT, "train:     %10.1f images/s  %10.1f ms/step (median of %d)%n",
                        trainIps, trainMs, iters);
            }
            if (mode != Mode.train) {
                out().printf(Locale.ROOT, "inference: %10.1f images/s  %10.1f ms/batch (median of %d)%n",
                        inferIps, inferMs, iters);
            }
            out().printf(Locale.ROOT, "memory:    peak heap %.0f MiB, peak RSS %s MiB%n", peakHeapMb,
                    rssMb == null ? "?" : String.format(Locale.ROOT, "%.0f", rssMb));
            if (json) {
                out().println(new Json()
                        .put("model", model)
                        .put("batch", batch)
                        .put("backend", backend.name())
                        .put("backend_description", backend.description())
                        .put("threads", nThreads)
                        .put("mode", mode.name())
                        .put("iters", iters)
                        .put("warmup", warmup)
                        .put("train_images_per_s", nullIfNaN(trainIps))
                        .put("infer_images_per_s", nullIfNaN(inferIps))
                        .put("train_step_ms", nullIfNaN(trainMs))
                        .put("infer_ms", nullIfNaN(inferMs))
                        .put("java", System.getProperty("java.version"))
                        .put("vector", VectorSupport.enabled())
                        .put("peak_heap_mb", peakHeapMb)
                        .put("rss_mb", rssMb)
                        .put("layers", perLayer.isEmpty() ? null : LayerTable.json(perLayer))
                        .put("date", OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS)
                                .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)));
            }
        }
        return 0;
    }

    double[] time(String what, Runnable step) {
        for (int i = 0; i < warmup; i++) {
            long t0 = System.nanoTime();
            step.run();
            progress(what, "warm-up", i + 1, warmup, (System.nanoTime() - t0) / 1e6);
        }
        double[] ms = new double[iters];
        for (int i = 0; i < iters; i++) {
            long t0 = System.nanoTime();
            step.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
            progress(what, "iteration", i + 1, iters, ms[i]);
        }
        return ms;
    }

    private void progress(String what, String kind, int i, int n, double ms) {
        err().printf(Locale.ROOT, "  %s %s %d/%d: %.1f ms%n", what, kind, i, n, ms);
        err().flush();
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /**
     * Peak used heap so far in MiB: the sum of each heap pool's peak usage (garbage not yet collected included; the
     * pools need not peak at the same moment, so this is an upper bound).
     */
    static Double peakHeapMb() {
        long bytes = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                bytes += pool.getPeakUsage().getUsed();
            }
        }
        return bytes / (1024.0 * 1024.0);
    }

    /** The process's peak resident set in MiB (VmHWM in /proc/self/status: heap, off-heap and the JVM), or null. */
    static Double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or an unexpected format: report nothing
        }
        return null;
    }

    static Double nullIfNaN(double v) {
        return Double.isNaN(v) ? null : v;
    }
}
