package io.github.alexnetjava.train;

import io.github.alexnetjava.data.Batch;
import io.github.alexnetjava.data.DataLoader;
import io.github.alexnetjava.nn.TrainableModel;
import io.github.alexnetjava.tensor.Tensor;

/**
 * Top-1/top-5 evaluation. With a {@link DataLoader.Mode#EVAL_TEN_CROP} loader each example's 10 views are run
 * through the network and their softmax outputs averaged, as in the paper's test procedure; with
 * {@link DataLoader.Mode#EVAL_CENTER} the single centre view is used. Ties count against the label (a class with
 * the same probability and a lower index ranks first), so a constant output never looks accurate.
 */
public final class Evaluator {
    private Evaluator() {
    }

    /** Runs every batch the loader yields (one epoch of an evaluation loader) and closes nothing. */
    public static EvalResult evaluate(TrainableModel net, DataLoader loader) {
        long n = 0;
        long hit1 = 0;
        long hit5 = 0;
        double lossSum = 0;
        int skipped = 0;
        int k = net.classes();
        while (loader.hasNext()) {
            Batch b = loader.next();
            skipped += b.skipped();
            if (b.size() == 0) {
                continue;
            }
            Tensor x = net.backend().fromArray(b.data(), b.tensorShape());
            float[] p = net.predict(x).toArray();
            float[] avg = averageViews(p, b.size(), b.views(), k);
            for (int i = 0; i < b.size(); i++) {
                int label = b.labels()[i];
                int rank = rank(avg, i * k, k, label);
                hit1 += rank == 0 ? 1 : 0;
                hit5 += rank < 5 ? 1 : 0;
                lossSum -= Math.log(Math.max(avg[i * k + label], 1e-30));
            }
            n += b.size();
        }
        return new EvalResult(n, n == 0 ? Double.NaN : lossSum / n, n == 0 ? Double.NaN : hit1 / (double) n,
                n == 0 ? Double.NaN : hit5 / (double) n, skipped);
    }

    /** Averages {@code views} consecutive rows of {@code probs} ({@code [examples*views, k]}) per example. */
    public static float[] averageViews(float[] probs, int examples, int views, int k) {
        if (views == 1) {
            return probs;
        }
        float[] avg = new float[examples * k];
        for (int e = 0; e < examples; e++) {
            for (int j = 0; j < k; j++) {
                double s = 0;
                for (int v = 0; v < views; v++) {
                    s += probs[(e * views + v) * k + j];
                }
                avg[e * k + j] = (float) (s / views);
            }
        }
        return avg;
    }

    /** How many classes rank before {@code label} in row {@code [off, off+k)}: 0 = top-1 hit. */
    public static int rank(float[] scores, int off, int k, int label) {
        float target = scores[off + label];
        int above = 0;
        for (int j = 0; j < k; j++) {
            float v = scores[off + j];
            if (v > target || (v == target && j < label)) {
                above++;
            }
        }
        return above;
    }

    /** The indices of the {@code n} largest entries of row {@code [off, off+k)}, largest first. */
    public static int[] topK(float[] scores, int off, int k, int n) {
        int m = Math.min(n, k);
        int[] best = new int[m];
        boolean[] used = new boolean[k];
        for (int r = 0; r < m; r++) {
            int arg = -1;
            for (int j = 0; j < k; j++) {
                if (!used[j] && (arg < 0 || scores[off + j] > scores[off + arg])) {
                    arg = j;
                }
            }
            used[arg] = true;
            best[r] = arg;
        }
        return best;
    }
}
