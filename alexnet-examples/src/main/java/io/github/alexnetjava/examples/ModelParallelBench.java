package io.github.alexnetjava.examples;

import io.github.alexnetjava.backend.BackendOptions;
import io.github.alexnetjava.backend.cpu.vector.VectorSupport;
import io.github.alexnetjava.nn.Pass;
import io.github.alexnetjava.optim.LearningRateSchedule;
import io.github.alexnetjava.optim.Sgd;
import io.github.alexnetjava.parallel.Connectivity;
import io.github.alexnetjava.parallel.DeviceGroup;
import io.github.alexnetjava.parallel.ExchangeCount;
import io.github.alexnetjava.parallel.ModelParallelAlexNet;
import io.github.alexnetjava.parallel.TowerConfig;
import io.github.alexnetjava.parallel.TransferStats;
import io.github.alexnetjava.tensor.Tensor;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@code bench --devices 2}: times the two-tower model-parallel AlexNet over a {@link DeviceGroup} of two devices
 * and reports, besides the step times, the bytes the towers exchange per step and the time spent in transfers.
 */
final class ModelParallelBench {
    private final BenchCommand cmd;

    ModelParallelBench(BenchCommand cmd) {
        this.cmd = cmd;
    }

    int run() {
        Connectivity c = Connectivity.parse(cmd.connectivity);
        int k = Models.classes(cmd.model, cmd.classes);
        TowerConfig cfg = TowerConfig.forModel(cmd.model, k);
        String name = cmd.computeOptions.backendName();
        Integer asked = cmd.computeOptions.threads;
        int perDevice = asked != null && asked > 0 ? asked : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        try (DeviceGroup g = DeviceGroup.of(name, 2, d -> new BackendOptions(perDevice, d))) {
            ModelParallelAlexNet net = ModelParallelAlexNet.create(g, cfg, c, BenchCommand.SEED);
            int[] in = cfg.inputShape();
            SplittableRandom rng = new SplittableRandom(BenchCommand.SEED);
            float[] data = new float[cmd.batch * in[0] * in[1] * in[2]];
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) (rng.nextDouble() * 2 - 1);
            }
            int[] labels = new int[cmd.batch];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = rng.nextInt(k);
            }
            Tensor x = g.device(0).fromArray(data, cmd.batch, in[0], in[1], in[2]);
            cmd.err().printf(Locale.ROOT, "bench: %s split over 2 devices (%s), batch %d, %s, %d warm-up + %d timed"
                    + " iterations%n", cmd.model, c.label(), cmd.batch, g, cmd.warmup, cmd.iters);
            cmd.err().flush();

            double inferMs = Double.NaN;
            double trainMs = Double.NaN;
            TransferStats inferStats = null;
            TransferStats trainStats = null;
            double[] trainTransferMs = new double[cmd.iters + cmd.warmup];
            if (cmd.mode != BenchCommand.Mode.train) {
                inferMs = BenchCommand.median(cmd.time("infer", () -> net.forward(x, Pass.inference())));
                inferStats = net.lastStats();
            }
            if (cmd.mode != BenchCommand.Mode.infer) {
                Sgd sgd = Sgd.paper(LearningRateSchedule.constant(0.01));
                int[] i = {0};
                trainMs = BenchCommand.median(cmd.time("train", () -> {
                    net.trainStep(x, labels, sgd);
                    trainTransferMs[i[0]++] = net.lastStats().transferMillis();
                }));
                trainStats = net.lastStats();
            }
            double transferMs = trainStats == null ? Double.NaN
                    : BenchCommand.median(java.util.Arrays.copyOfRange(trainTransferMs, cmd.warmup,
                            trainTransferMs.length));
            long exchange = trainStats == null ? -1 : trainStats.exchangeBytes();
            long analytic = ExchangeCount.trainingBytesPerStep(cfg, c, cmd.batch);

            cmd.out().printf(Locale.ROOT, "%s  batch %d  backend %s  devices 2 (%s)  threads/device %d  vector %s%n",
                    cmd.model, cmd.batch, g.device(0).name(), c.label(), perDevice,
                    VectorSupport.enabled() ? "on" : "off");
            if (trainStats != null) {
                cmd.out().printf(Locale.ROOT, "train:     %10.1f images/s  %10.1f ms/step (median of %d)%n",
                        cmd.batch * 1000.0 / trainMs, trainMs, cmd.iters);
                cmd.out().printf(Locale.ROOT, "exchange:  %,d bytes/step (analytic %,d), transfers %.2f ms/step"
                                + " (device time), input copy %,d bytes%n", exchange, analytic, transferMs,
                        trainStats.inputBytes());
            }
            if (inferStats != null) {
                cmd.out().printf(Locale.ROOT, "inference: %10.1f images/s  %10.1f ms/batch (median of %d)%n",
                        cmd.batch * 1000.0 / inferMs, inferMs, cmd.iters);
            }
            if (cmd.json) {
                cmd.out().println(new Json()
                        .put("model", cmd.model)
                        .put("batch", cmd.batch)
                        .put("backend", g.device(0).name())
                        .put("backend_description", g.toString())
                        .put("devices", 2)
                        .put("connectivity", c.label())
                        .put("threads", perDevice)
                        .put("mode", cmd.mode.name())
                        .put("iters", cmd.iters)
                        .put("warmup", cmd.warmup)
                        .put("train_images_per_s", BenchCommand.nullIfNaN(cmd.batch * 1000.0 / trainMs))
                        .put("infer_images_per_s", BenchCommand.nullIfNaN(cmd.batch * 1000.0 / inferMs))
                        .put("train_step_ms", BenchCommand.nullIfNaN(trainMs))
                        .put("infer_ms", BenchCommand.nullIfNaN(inferMs))
                        .put("exchange_bytes_per_step", trainStats == null ? null : exchange)
                        .put("exchange_bytes_per_step_analytic", analytic)
                        .put("transfer_ms_per_step", BenchCommand.nullIfNaN(transferMs))
                        .put("infer_exchange_bytes", inferStats == null ? null : inferStats.exchangeBytes())
                        .put("input_bytes_per_step", trainStats == null ? null : trainStats.inputBytes())
                        .put("java", System.getProperty("java.version"))
                        .put("vector", VectorSupport.enabled())
                        .put("peak_heap_mb", BenchCommand.peakHeapMb())
                        .put("date", OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS)
                                .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)));
            }
        }
        return 0;
    }
}
