package io.github.alexnetjava.examples;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.backend.Backends;
import io.github.alexnetjava.model.AlexNet;
import io.github.alexnetjava.nn.LayerSummary;
import io.github.alexnetjava.nn.Network;
import io.github.alexnetjava.tensor.Shapes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** {@code alexnet summary}: the layer table of a model. */
@Command(name = "summary", mixinStandardHelpOptions = true,
        description = "Print a model's layers, output shapes (batch 1) and parameter counts.")
final class SummaryCommand extends CliCommand {

    @Option(names = "--model", defaultValue = "alexnet",
            description = "alexnet, alexnet-torchvision, alexnet-small or alexnet-small-3x3 (default: "
                    + "${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--classes", description = "Output classes (default: 1000; 10 for the small models).")
    Integer classes;

    @Override
    protected int execute() {
        Models.check(model);
        try (Backend backend = Backends.create()) {
            Network net = AlexNet.create(model, backend, Models.classes(model, classes), 1L);
            print(net, out());
        }
        return 0;
    }

    static void print(Network net, PrintWriter out) {
        List<LayerSummary> rows = net.summary(1);
        String[] shapes = new String[rows.size()];
        int wName = "layer".length();
        int wKind = "kind".length();
        int wShape = "output shape".length();
        int wParams = "parameters".length();
        for (int i = 0; i < rows.size(); i++) {
            LayerSummary r = rows.get(i);
            int[] s = r.outputShape();
            shapes[i] = Shapes.toString(Arrays.copyOfRange(s, 1, s.length));
            wName = Math.max(wName, r.name().length());
            wKind = Math.max(wKind, r.kind().length());
            wShape = Math.max(wShape, shapes[i].length());
            wParams = Math.max(wParams, Models.thousands(r.parameters()).length());
        }
        String fmt = "%-" + wName + "s  %-" + wKind + "s  %-" + wShape + "s  %" + wParams + "s%n";
        out.printf(Locale.ROOT, "%s: input %s%n", net.name(), Shapes.toString(net.inputShape()));
        out.printf(Locale.ROOT, fmt, "layer", "kind", "output shape", "parameters");
        out.println("-".repeat(wName + wKind + wShape + wParams + 6));
        for (int i = 0; i < rows.size(); i++) {
            LayerSummary r = rows.get(i);
            out.printf(Locale.ROOT, fmt, r.name(), r.kind(), shapes[i], Models.thousands(r.parameters()));
        }
        out.println("Total parameters: " + Models.thousands(net.parameterCount()));
    }
}
