package io.github.alexnetjava.nn;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.optim.Sgd;
import io.github.alexnetjava.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Times a training step layer by layer: each layer's forward and backward (with a backend synchronisation after
 * each, so asynchronous backends are measured too), the loss and the optimiser update, as medians over several
 * steps. Convolution and dense layers also report their arithmetic (2 flops per multiply-add), so achieved GFLOP/s
 * can be compared with the machine's peak.
 */
public final class LayerProfiler {

    /** Median times of one layer (or of "loss" / "sgd update"); flops are per step. */
    public record Timing(String name, String kind, double forwardMs, double backwardMs, double forwardFlops,
                         double backwardFlops) {
        public double forwardGflops() {
            return forwardFlops / forwardMs / 1e6;
        }

        public double backwardGflops() {
            return backwardFlops / backwardMs / 1e6;
        }
    }

    private LayerProfiler() {
    }

    /** Runs {@code warmup + iters} training steps on one batch (updating the weights) and returns per-layer medians. */
    public static List<Timing> profile(Network net, Tensor x, int[] labels, Sgd sgd, int warmup, int iters) {
        Backend b = net.backend();
        List<Layer> layers = net.layers();
        int n = layers.size();
        double[][] fwd = new double[n][iters];
        double[][] bwd = new double[n][iters];
        double[] lossMs = new double[iters];
        double[] sgdMs = new double[iters];
        double[] fFlops = new double[n];
        double[] bFlops = new double[n];
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        for (int it = 0; it < warmup + iters; it++) {
            int slot = it - warmup;
            Pass pass = Pass.training(net.seed(), sgd.iteration());
            Tensor t = x;
            for (int i = 0; i < n; i++) {
                Layer l = layers.get(i);
                int[] in = t.shape();
                long t0 = System.nanoTime();
                t = l.forward(t, pass);
                b.synchronize();
                if (slot >= 0) {
                    fwd[i][slot] = (System.nanoTime() - t0) / 1e6;
                }
                fFlops[i] = forwardFlops(l, in);
                bFlops[i] = fFlops[i] * (i == 0 ? 1 : 2); // the first layer computes no input gradient
            }
            long t0 = System.nanoTime();
            loss.forward(t, labels);
            Tensor g = loss.backward();
            b.synchronize();
            if (slot >= 0) {
                lossMs[slot] = (System.nanoTime() - t0) / 1e6;
            }
            for (int i = n - 1; i >= 0 && g != null; i--) {
                long t1 = System.nanoTime();
                g = layers.get(i).backward(g);
                b.synchronize();
                if (slot >= 0) {
                    bwd[i][slot] = (System.nanoTime() - t1) / 1e6;
                }
            }
            long t2 = System.nanoTime();
            sgd.step(net.parameters());
            b.synchronize();
            if (slot >= 0) {
                sgdMs[slot] = (System.nanoTime() - t2) / 1e6;
            }
        }
        List<Timing> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Layer l = layers.get(i);
            out.add(new Timing(l.name(), l.getClass().getSimpleName(), median(fwd[i]), median(bwd[i]), fFlops[i],
                    bFlops[i]));
        }
        out.add(new Timing("loss", "SoftmaxCrossEntropy", median(lossMs), 0, 0, 0));
        out.add(new Timing("update", "Sgd", 0, median(sgdMs), 0, 0));
        return out;
    }

    private static double forwardFlops(Layer l, int[] in) {
        if (l instanceof Conv2d c) {
            return c.spec().forwardFlops(in[0], in[2], in[3]);
        }
        if (l instanceof Dense d) {
            return 2.0 * in[0] * d.inFeatures() * d.outFeatures();
        }
        return 0;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int k = s.length;
        return k % 2 == 1 ? s[k / 2] : (s[k / 2 - 1] + s[k / 2]) / 2;
    }
}
