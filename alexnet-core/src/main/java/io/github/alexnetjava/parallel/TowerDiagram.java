package io.github.alexnetjava.parallel;

import java.util.Locale;
import java.util.Map;

/**
 * Draws the two towers as a Mermaid flowchart, generated from the model description (a {@link TowerConfig} and a
 * {@link Connectivity}): one subgraph per device, solid arrows within a device, dotted arrows labelled with bytes
 * per image where a tensor crosses devices. docs/model-parallel.md embeds the output; regenerate it with
 * {@code java -cp alexnet-core.jar io.github.alexnetjava.parallel.TowerDiagram paper} (or the doc test with
 * {@code -Dalexnet.updateDocs=true}).
 */
public final class TowerDiagram {
    private TowerDiagram() {
    }

    public static String mermaid(TowerConfig cfg, Connectivity c) {
        int[] h = cfg.spatial(); // conv1, pool1, conv2, pool2, conv3, conv4, conv5, pool5
        int[] m = cfg.maps();
        int[] convOut = {h[0], h[2], h[4], h[5], h[6]};
        int[] blockOut = {h[1], h[3], h[4], h[5], h[7]};
        StringBuilder s = new StringBuilder();
        s.append("flowchart TB\n");
        s.append("  input[\"input ").append(cfg.inChannels()).append('x').append(cfg.imageSize()).append('x')
                .append(cfg.imageSize()).append(" (whole batch on both devices)\"]\n");
        for (int k = 0; k < 2; k++) {
            s.append("  subgraph dev").append(k).append("[\"device ").append(k).append("\"]\n");
            for (int i = 1; i <= 5; i++) {
                s.append("    d").append(k).append("c").append(i).append("[\"conv").append(i).append(' ')
                        .append(m[i - 1] / 2).append('@').append(convOut[i - 1]).append('x')
                        .append(convOut[i - 1]).append(", ReLU");
                if (i <= 2) {
                    s.append(", LRN");
                }
                if (i == 1 || i == 2 || i == 5) {
                    s.append(", pool ").append(blockOut[i - 1]).append('x').append(blockOut[i - 1]);
                }
                s.append("\"]\n");
            }
            s.append("    d").append(k).append("f6[\"fc6 ").append(cfg.hidden() / 2).append(", ReLU\"]\n");
            s.append("    d").append(k).append("f7[\"dropout, fc7 ").append(cfg.hidden() / 2).append(", ReLU\"]\n");
            if (k == 0) {
                s.append("    d0f8[\"dropout, fc8 ").append(cfg.classes()).append(", softmax loss\"]\n");
            }
            s.append("  end\n");
        }
        Map<String, Long> bytes = ExchangeCount.forwardBytesPerImageByEdge(cfg, c);
        s.append("  input --> d0c1\n  input --> d1c1\n");
        for (int i = 2; i <= 5; i++) {
            edges(s, "c" + (i - 1), "c" + i, c.readsBothTowers(i) ? bytes.get("conv" + i) / 2 : -1);
        }
        edges(s, "c5", "f6", bytes.get("fc6") / 2);
        edges(s, "f6", "f7", bytes.get("fc7") / 2);
        s.append("  d0f7 --> d0f8\n");
        s.append("  d1f7 -. \"").append(fmt(bytes.get("fc8"))).append(" B/img\" .-> d0f8\n");
        return s.toString();
    }

    /** Own-tower arrows, plus the two crossing arrows when {@code crossBytes >= 0} (bytes per image each way). */
    private static void edges(StringBuilder s, String from, String to, long crossBytes) {
        for (int k = 0; k < 2; k++) {
            s.append("  d").append(k).append(from).append(" --> d").append(k).append(to).append('\n');
        }
        if (crossBytes >= 0) {
            for (int k = 0; k < 2; k++) {
                s.append("  d").append(k).append(from).append(" -. \"").append(fmt(crossBytes))
                        .append(" B/img\" .-> d").append(1 - k).append(to).append('\n');
            }
        }
    }

    private static String fmt(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    /**
     * A Markdown table of the bytes each edge moves per image, forward (backward moves the same), for every
     * connectivity pattern of {@code cfg}, from {@link ExchangeCount}.
     */
    public static String bytesTable(TowerConfig cfg) {
        StringBuilder s = new StringBuilder("| edge (reader ← tensor) |");
        for (Connectivity c : Connectivity.values()) {
            s.append(' ').append(c.label()).append(" |");
        }
        s.append("\n|---|");
        s.append("---:|".repeat(Connectivity.values().length)).append('\n');
        String[][] rows = {{"conv2", "conv2 ← pool1"}, {"conv3", "conv3 ← pool2"}, {"conv4", "conv4 ← conv3"},
            {"conv5", "conv5 ← conv4"}, {"fc6", "fc6 ← pool5"}, {"fc7", "fc7 ← fc6"}, {"fc8", "fc8 ← fc7 (to device 0)"}};
        for (String[] r : rows) {
            s.append("| ").append(r[1]).append(" |");
            for (Connectivity c : Connectivity.values()) {
                Long v = ExchangeCount.forwardBytesPerImageByEdge(cfg, c).get(r[0]);
                s.append(' ').append(v == null ? "–" : fmt(v)).append(" |");
            }
            s.append('\n');
        }
        s.append("| **forward, per image** |");
        for (Connectivity c : Connectivity.values()) {
            s.append(" **").append(fmt(ExchangeCount.forwardBytesPerImage(cfg, c))).append("** |");
        }
        s.append("\n| **training step, per image** (forward + backward) |");
        for (Connectivity c : Connectivity.values()) {
            s.append(" **").append(fmt(ExchangeCount.trainingBytesPerStep(cfg, c, 1))).append("** |");
        }
        s.append("\n| training step at batch 128 |");
        for (Connectivity c : Connectivity.values()) {
            s.append(' ').append(String.format(Locale.ROOT, "%.1f MB",
                    ExchangeCount.trainingBytesPerStep(cfg, c, 128) / 1e6)).append(" |");
        }
        s.append('\n');
        return s.toString();
    }

    /** Prints the Mermaid text of the paper network for a connectivity (default: paper). */
    public static void main(String[] args) {
        Connectivity c = args.length > 0 ? Connectivity.parse(args[0]) : Connectivity.PAPER;
        System.out.print(mermaid(TowerConfig.paper(1000), c));
    }
}
