package io.github.alexnetjava.examples;

import io.github.alexnetjava.nn.LayerProfiler.Timing;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Prints {@code bench --layers} results: per-layer forward/backward time and GFLOP/s. */
final class LayerTable {
    private LayerTable() {
    }

    static void print(PrintWriter out, List<Timing> rows) {
        out.printf(Locale.ROOT, "%-8s %-20s %10s %9s %10s %9s%n", "layer", "kind", "fwd ms", "GFLOP/s", "bwd ms",
                "GFLOP/s");
        double f = 0;
        double b = 0;
        for (Timing t : rows) {
            out.printf(Locale.ROOT, "%-8s %-20s %10.2f %9s %10.2f %9s%n", t.name(), t.kind(), t.forwardMs(),
                    gflops(t.forwardFlops(), t.forwardMs()), t.backwardMs(), gflops(t.backwardFlops(), t.backwardMs()));
            f += t.forwardMs();
            b += t.backwardMs();
        }
        out.printf(Locale.ROOT, "%-8s %-20s %10.2f %9s %10.2f %9s   (sum %.1f ms)%n", "total", "", f, "", b, "", f + b);
    }

    static List<Json> json(List<Timing> rows) {
        List<Json> out = new ArrayList<>();
        for (Timing t : rows) {
            out.add(new Json().put("layer", t.name()).put("kind", t.kind()).put("forward_ms", t.forwardMs())
                    .put("backward_ms", t.backwardMs()).put("forward_gflops", t.forwardFlops() / 1e9)
                    .put("backward_gflops", t.backwardFlops() / 1e9));
        }
        return out;
    }

    private static String gflops(double flops, double ms) {
        return flops == 0 || ms == 0 ? "" : String.format(Locale.ROOT, "%.1f", flops / ms / 1e6);
    }
}
