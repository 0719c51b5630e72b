package io.github.alexnetjava.examples;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.backend.BackendOptions;
import io.github.alexnetjava.backend.Backends;
import io.github.alexnetjava.data.DataLoader;
import io.github.alexnetjava.data.FashionMnistDataset;
import io.github.alexnetjava.model.SmallCnn;
import io.github.alexnetjava.nn.Network;
import io.github.alexnetjava.nn.Pass;
import io.github.alexnetjava.optim.LearningRateSchedule;
import io.github.alexnetjava.optim.Sgd;
import io.github.alexnetjava.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code alexnet figure1}: the paper's figure 1 (ReLU against tanh in a four-layer CNN) on Fashion-MNIST. Trains
 * {@link SmallCnn#fourLayer} with SGD (batch 128, momentum 0.9, no weight decay, no augmentation, pixels scaled
 * to [0, 1]) and measures the training error on a fixed 10,000-image subset of the training set, in inference
 * mode, every {@code --eval-every} iterations; reports the first iteration at which it is below 25%, 15% and 10%
 * and writes the curve as CSV. {@code --sweep} runs the whole experiment: a learning-rate sweep per activation,
 * three seeds at each activation's best rate, and the same with the paper's N(0, 0.01) initialisation.
 */
@Command(name = "figure1", mixinStandardHelpOptions = true,
        description = "The paper's figure 1 on Fashion-MNIST: iterations of a 4-layer CNN to reach 25/15/10%"
                + " training error with ReLU vs tanh.")
final class Figure1Command extends CliCommand {
    static final double[] THRESHOLDS = {0.25, 0.15, 0.10};
    static final int EVAL_SUBSET_SEED = 20120101;

    @Option(names = "--activation", defaultValue = "relu",
            description = "relu or tanh (default: ${DEFAULT-VALUE}).")
    String activation;

    @Option(names = "--lr", defaultValue = "0.01", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--seed", defaultValue = "1",
            description = "Seed of the initialisation and the batch order (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--init", defaultValue = "pytorch-default",
            description = "he, paper (N(0, 0.01^2), biases 0) or pytorch-default (U(+-1/sqrt(fan_in)))"
                    + " (default: ${DEFAULT-VALUE}).")
    String init;

    @Option(names = "--max-iterations", defaultValue = "2000",
            description = "Iterations (batches) to train (default: ${DEFAULT-VALUE}).")
    int maxIterations;

    @Option(names = "--eval-every", defaultValue = "50",
            description = "Measure the training error every N iterations (default: ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(names = "--eval-late-every",
            description = "After the first 4 x --eval-every iterations, measure every N instead (default:"
                    + " --eval-every); a coarser late schedule saves time on a busy machine.")
    Integer evalLateEvery;

    @Option(names = "--eval-size", defaultValue = "10000",
            description = "Images in the fixed training subset the error is measured on (default: ${DEFAULT-VALUE}).")
    int evalSize;

    @Option(names = "--batch", defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--momentum", defaultValue = "0.9", description = "Momentum (default: ${DEFAULT-VALUE}).")
    float momentum;

    @Option(names = "--stop-below", defaultValue = "0",
            description = "Stop a run once the error is below this (0: run to --max-iterations)"
                    + " (default: ${DEFAULT-VALUE}).")
    double stopBelow;

    @Option(names = "--sweep", description = "Run the whole experiment (learning-rate sweep, seeds, paper init).")
    boolean sweep;

    @Option(names = "--rates", split = ",", defaultValue = "0.003,0.01,0.03,0.1",
            description = "Learning rates of the sweep (default: ${DEFAULT-VALUE}).")
    double[] rates;

    @Option(names = "--seeds", split = ",", defaultValue = "1,2,3",
            description = "Seeds of the sweep's repeated runs (default: ${DEFAULT-VALUE}).")
    long[] seeds;

    @Option(names = "--paper-max-iterations",
            description = "Cap of the sweep's paper-initialisation runs (default: --max-iterations).")
    Integer paperMaxIterations;

    @Option(names = "--out", defaultValue = "figure1-runs",
            description = "Folder for the CSV files (default: ${DEFAULT-VALUE}).")
    Path outDir;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Folder with the Fashion-MNIST IDX files (default: /usr/share/datasets/fashion-mnist).")
    Path dataDir;

    @Option(names = "--threads", description = "Worker threads (default: one per core).")
    Integer threads;

    /** The training set as [0, 1] floats, and the fixed evaluation subset. */
    private float[] images;
    private int[] labels;
    private int[] evalIndices;

    /** One run's result. */
    record Result(String init, String activation, double lr, long seed, int[] reached, double finalError,
            double seconds, Path csv) {
        String itString(int k) {
            return reached[k] < 0 ? "-" : Integer.toString(reached[k]);
        }
    }

    @Override
    protected int execute() throws IOException {
        if (batch < 1 || maxIterations < 1 || evalEvery < 1 || evalSize < 1) {
            throw new IllegalArgumentException("--batch, --max-iterations, --eval-every and --eval-size must be >= 1");
        }
        if (!(lr > 0)) {
            throw new IllegalArgumentException("--lr must be positive, got " + lr);
        }
        SmallCnn.Init.parse(init);
        activation(activation);
        loadData();
        Files.createDirectories(outDir);
        BackendOptions options = new BackendOptions(threads != null ? threads : BackendOptions.defaults().threads(), 0);
        try (Backend backend = Backends.create("cpu", options)) {
            out().printf(Locale.ROOT, "figure1: 4-layer CNN on Fashion-MNIST (%d training images, error on a fixed"
                            + " %d-image subset every %d iterations), batch %d, momentum %s, no weight decay, %s%n",
                    labels.length, evalIndices.length, evalEvery, batch, momentum, backend.description());
            out().flush();
            if (!sweep) {
                Result r = run(backend, init, activation, lr, seed, maxIterations, stopBelow, 0);
                out().printf(Locale.ROOT, "iterations to 25%% / 15%% / 10%% training error: %s / %s / %s;"
                                + " final error %.2f%%; %.0f s; curve: %s%n", r.itString(0), r.itString(1),
                        r.itString(2), 100 * r.finalError(), r.seconds(), r.csv());
                return 0;
            }
            runSweep(backend);
        }
        return 0;
    }

    private void runSweep(Backend backend) throws IOException {
        List<Result> all = new ArrayList<>();
        // A sweep resumes: runs already listed in OUT/summary.csv are not run again.
        List<Result> done = readSummary(outDir.resolve("summary.csv"));
        if (!done.isEmpty()) {
            out().printf("resuming: %d finished runs in %s%n", done.size(), outDir.resolve("summary.csv"));
        }
        String mainInit = init;
        String[] acts = {"relu", "tanh"};
        double[] best = new double[acts.length];
        // 1. learning-rate sweep, seed 1 (= the first of --seeds)
        for (int a = 0; a < acts.length; a++) {
            Result bestRun = null;
            // Highest rate first; once a rate has reached the lowest threshold at iteration X, a later rate that has
            // not reached it by X cannot win on that criterion, so it is stopped there (the choice is unchanged).
            double[] ordered = rates.clone();
            Arrays.sort(ordered);
            for (int i = ordered.length - 1; i >= 0; i--) {
                double rate = ordered[i];
                int last = THRESHOLDS.length - 1;
                int prune = bestRun != null && bestRun.reached()[last] > 0 ? bestRun.reached()[last] : 0;
                Result r = find(done, mainInit, acts[a], rate, seeds[0]);
                if (r == null) {
                    r = run(backend, mainInit, acts[a], rate, seeds[0], maxIterations, stopBelow, prune);
                }
                all.add(r);
                writeSummary(all);
                if (bestRun == null || better(r, bestRun)) {
                    bestRun = r;
                }
            }
            best[a] = bestRun.lr();
            out().printf(Locale.ROOT, "best learning rate for %s (%s init): %s%n", acts[a], mainInit, best[a]);
            out().flush();
        }
        // 2. the other seeds at each activation's best rate; 3. the paper's initialisation at the same rates
        for (String in : new String[] {mainInit, "paper"}) {
            for (int a = 0; a < acts.length; a++) {
                for (long s : seeds) {
                    if (in.equals(mainInit) && s == seeds[0]) {
                        continue; // already run in the sweep
                    }
                    Result r = find(done, in, acts[a], best[a], s);
                    if (r == null) {
                        int cap = "paper".equals(in) && paperMaxIterations != null ? paperMaxIterations
                                : maxIterations;
                        r = run(backend, in, acts[a], best[a], s, cap, stopBelow, 0);
                    }
                    all.add(r);
                    writeSummary(all);
                }
            }
        }
        report(all, mainInit, acts, best);
        report(all, "paper", acts, best);
    }

    static Result find(List<Result> rs, String in, String act, double rate, long s) {
        for (Result r : rs) {
            if (r.init().equals(in) && r.activation().equals(act) && r.lr() == rate && r.seed() == s) {
                return r;
            }
        }
        return null;
    }

    /** The runs of an earlier (interrupted) sweep into the same folder. */
    List<Result> readSummary(Path file) throws IOException {
        List<Result> rs = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return rs;
        }
        List<String> lines = Files.readAllLines(file);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            rs.add(new Result(f[0], f[1], Double.parseDouble(f[2]), Long.parseLong(f[3]),
                    new int[] {Integer.parseInt(f[4]), Integer.parseInt(f[5]), Integer.parseInt(f[6])},
                    Double.parseDouble(f[7]), Double.parseDouble(f[8]), outDir.resolve(f[9])));
        }
        return rs;
    }

    /** Fewer iterations to the lowest threshold reached by either; else the lower final error. */
    static boolean better(Result r, Result than) {
        for (int k = THRESHOLDS.length - 1; k >= 0; k--) {
            int a = r.reached()[k];
            int b = than.reached()[k];
            if (a >= 0 || b >= 0) {
                if (a < 0) {
                    return false;
                }
                if (b < 0) {
                    return true;
                }
                if (a != b) {
                    return a < b;
                }
            }
        }
        return r.finalError() < than.finalError();
    }

    private void report(List<Result> all, String in, String[] acts, double[] best) {
        out().printf(Locale.ROOT, "%n%s initialisation, %d seeds, iterations to reach the training error"
                + " (mean ± half-range; n/r = not reached by a seed within %d iterations)%n", in, seeds.length,
                "paper".equals(in) && paperMaxIterations != null ? paperMaxIterations : maxIterations);
        out().printf(Locale.ROOT, "%-6s %-7s %-18s %-18s %-18s %s%n", "act", "lr", "25%", "15%", "10%",
                "final error");
        double[][] means = new double[acts.length][THRESHOLDS.length];
        for (int a = 0; a < acts.length; a++) {
            List<Result> rs = select(all, in, acts[a], best[a]);
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-6s %-7s", acts[a], best[a]));
            for (int k = 0; k < THRESHOLDS.length; k++) {
                double[] st = stats(rs, k);
                means[a][k] = st[0];
                line.append(String.format(Locale.ROOT, " %-18s", format(st, rs.size())));
            }
            double fe = rs.stream().mapToDouble(Result::finalError).average().orElse(Double.NaN);
            line.append(String.format(Locale.ROOT, " %.2f%%", 100 * fe));
            out().println(line);
        }
        StringBuilder ratio = new StringBuilder("tanh/relu iteration ratio:");
        for (int k = 0; k < THRESHOLDS.length; k++) {
            double r = means[1][k] / means[0][k];
            ratio.append(String.format(Locale.ROOT, "  %d%%: %s", Math.round(100 * THRESHOLDS[k]),
                    Double.isFinite(r) ? String.format(Locale.ROOT, "%.2f", r) : "n/a"));
        }
        out().println(ratio);
        out().flush();
    }

    static List<Result> select(List<Result> all, String in, String act, double rate) {
        return all.stream().filter(r -> r.init().equals(in) && r.activation().equals(act) && r.lr() == rate)
                .toList();
    }

    /** {mean, min, max, reachedCount} of the iterations to threshold k over the runs that reached it. */
    static double[] stats(List<Result> rs, int k) {
        int[] v = rs.stream().mapToInt(r -> r.reached()[k]).filter(i -> i >= 0).toArray();
        if (v.length == 0) {
            return new double[] {Double.NaN, Double.NaN, Double.NaN, 0};
        }
        return new double[] {Arrays.stream(v).average().orElseThrow(), Arrays.stream(v).min().orElseThrow(),
                Arrays.stream(v).max().orElseThrow(), v.length};
    }

    static String format(double[] st, int runs) {
        if (st[3] == 0) {
            return "n/r";
        }
        String s = String.format(Locale.ROOT, "%.0f ± %.0f", st[0], (st[2] - st[1]) / 2);
        return st[3] < runs ? s + " (" + (int) st[3] + "/" + runs + ")" : s;
    }

    private void writeSummary(List<Result> all) throws IOException {
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(outDir.resolve("summary.csv")))) {
            w.println("init,activation,lr,seed,it25,it15,it10,final_error,seconds,csv");
            for (Result r : all) {
                w.printf(Locale.ROOT, "%s,%s,%s,%d,%d,%d,%d,%.5f,%.1f,%s%n", r.init(), r.activation(), r.lr(),
                        r.seed(), r.reached()[0], r.reached()[1], r.reached()[2], r.finalError(), r.seconds(),
                        r.csv().getFileName());
            }
        }
    }

    private Result run(Backend backend, String initName, String act, double rate, long runSeed, int iterations,
            double stop, int prune) throws IOException {
        SmallCnn.Init in = SmallCnn.Init.parse(initName);
        Network net = SmallCnn.fourLayer(backend, activation(act), runSeed, in);
        Sgd sgd = new Sgd(momentum, 0f, LearningRateSchedule.constant(rate));
        Path csv = outDir.resolve(String.format(Locale.ROOT, "%s-%s-lr%s-seed%d.csv", in.label(), act, rate,
                runSeed));
        int[] reached = new int[THRESHOLDS.length];
        Arrays.fill(reached, -1);
        int n = labels.length;
        float[] xb = new float[batch * 784];
        int[] yb = new int[batch];
        long t0 = System.nanoTime();
        double error = Double.NaN;
        double lossSum = 0;
        int lossCount = 0;
        boolean diverged = false;
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(csv))) {
            w.println("iteration,train_error,mean_batch_loss,seconds");
            error = evaluate(backend, net);
            w.printf(Locale.ROOT, "0,%.5f,,0.0%n", error);
            int[] order = null;
            int epoch = -1;
            for (int it = 1; it <= iterations; it++) {
                int pos = (it - 1) * batch;
                int e = pos / n;
                int from = pos % n;
                if (e != epoch || order == null) {
                    epoch = e;
                    order = DataLoader.permutation(n, runSeed, epoch);
                }
                // the last partial batch of an epoch wraps into the same permutation's start (fixed size batches)
                for (int i = 0; i < batch; i++) {
                    int idx = order[(from + i) % n];
                    System.arraycopy(images, idx * 784, xb, i * 784, 784);
                    yb[i] = labels[idx];
                }
                float loss = net.trainStep(backend.fromArray(xb, batch, 1, 28, 28), yb, sgd);
                if (!Float.isFinite(loss)) {
                    diverged = true;
                }
                lossSum += loss;
                lossCount++;
                if (evaluateAt(it) || it == iterations || diverged || it == prune) {
                    error = diverged ? 0.9 : evaluate(backend, net);
                    double sec = (System.nanoTime() - t0) / 1e9;
                    w.printf(Locale.ROOT, "%d,%.5f,%.5f,%.1f%n", it, error, lossSum / lossCount, sec);
                    w.flush();
                    lossSum = 0;
                    lossCount = 0;
                    for (int k = 0; k < THRESHOLDS.length; k++) {
                        if (reached[k] < 0 && error < THRESHOLDS[k]) {
                            reached[k] = it;
                        }
                    }
                    err().printf(Locale.ROOT, "  %s %s lr %s seed %d  iteration %d  training error %.2f%%  %.0f s%n",
                            in.label(), act, rate, runSeed, it, 100 * error, sec);
                    err().flush();
                    if (diverged) {
                        err().printf("  diverged (non-finite loss) at iteration %d%n", it);
                        break;
                    }
                    if (stop > 0 && error < stop) {
                        break;
                    }
                    if (prune > 0 && it >= prune && reached[THRESHOLDS.length - 1] < 0) {
                        err().printf("  stopped at iteration %d: a higher rate already reached %d%% error here%n",
                                it, Math.round(100 * THRESHOLDS[THRESHOLDS.length - 1]));
                        break;
                    }
                }
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Result r = new Result(in.label(), act, rate, runSeed, reached, error, seconds, csv);
        out().printf(Locale.ROOT, "%s %s lr %s seed %d: iterations to 25/15/10%%: %s / %s / %s, final error"
                        + " %.2f%%, %.0f s%n", r.init(), act, rate, runSeed, r.itString(0), r.itString(1),
                r.itString(2), 100 * error, seconds);
        out().flush();
        return r;
    }

    /**
     * Twice per {@code evalEvery} during the first 4 x evalEvery iterations (the error falls fast there), then every
     * {@code evalLateEvery} (default evalEvery).
     */
    boolean evaluateAt(int it) {
        if (it <= 4 * evalEvery) {
            return it % Math.max(1, evalEvery / 2) == 0;
        }
        return it % (evalLateEvery != null ? evalLateEvery : evalEvery) == 0;
    }

    /** Error rate on the fixed subset, inference mode. */
    private double evaluate(Backend backend, Network net) {
        int wrong = 0;
        int eb = 250;
        float[] xb = new float[eb * 784];
        for (int from = 0; from < evalIndices.length; from += eb) {
            int m = Math.min(eb, evalIndices.length - from);
            float[] x = m == eb ? xb : new float[m * 784];
            for (int i = 0; i < m; i++) {
                System.arraycopy(images, evalIndices[from + i] * 784, x, i * 784, 784);
            }
            Tensor logits = net.forward(backend.fromArray(x, m, 1, 28, 28), Pass.inference());
            float[] z = logits.toArray();
            for (int i = 0; i < m; i++) {
                int arg = 0;
                for (int j = 1; j < 10; j++) {
                    if (z[i * 10 + j] > z[i * 10 + arg]) {
                        arg = j;
                    }
                }
                if (arg != labels[evalIndices[from + i]]) {
                    wrong++;
                }
            }
        }
        return wrong / (double) evalIndices.length;
    }

    private void loadData() throws IOException {
        FashionMnistDataset train = dataDir != null ? FashionMnistDataset.train(dataDir) : FashionMnistDataset.train();
        int n = train.size();
        images = new float[n * 784];
        labels = new int[n];
        for (int i = 0; i < n; i++) {
            byte[] px = train.load(i).pixels();
            for (int j = 0; j < 784; j++) {
                images[i * 784 + j] = (px[j] & 0xFF) / 255f;
            }
            labels[i] = train.label(i);
        }
        int m = Math.min(evalSize, n);
        evalIndices = Arrays.copyOf(DataLoader.permutation(n, EVAL_SUBSET_SEED, 0), m);
    }

    static SmallCnn.Activation activation(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "relu" -> SmallCnn.Activation.RELU;
            case "tanh" -> SmallCnn.Activation.TANH;
            default -> throw new IllegalArgumentException("--activation must be relu or tanh, got '" + s + "'");
        };
    }
}
