package io.github.alexnetjava.examples;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.checkpoint.CheckpointException;
import io.github.alexnetjava.data.Batch;
import io.github.alexnetjava.data.DataLoader;
import io.github.alexnetjava.data.Dataset;
import io.github.alexnetjava.data.Image;
import io.github.alexnetjava.data.ImageDecoder;
import io.github.alexnetjava.train.Evaluator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code alexnet predict}: the most likely classes of image files, with probabilities. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Classify image files with a checkpoint written by 'train': the five most likely classes.")
final class PredictCommand extends CliCommand {
    @Option(names = "--checkpoint", paramLabel = "F", required = true,
            description = "checkpoint.ckpt (or its run directory).")
    Path checkpoint;

    @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "JPEG or PNG files.")
    List<Path> images;

    @Option(names = "--top", defaultValue = "5", description = "Classes listed per image (default: ${DEFAULT-VALUE}).")
    int top;

    @Mixin
    ComputeOptions computeOptions = new ComputeOptions();

    @Option(names = "--json", description = "One JSON object per image instead of text.")
    boolean json;

    @Override
    protected int execute() throws Exception {
        try {
            return predict();
        } catch (CheckpointException | UncheckedIOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private int predict() throws IOException {
        try (Backend backend = computeOptions.create()) {
            LoadedRun run = LoadedRun.load(checkpoint, backend);
            List<String> classes = run.classes();
            Dataset ds = run.adapt(new Files(images, classes), false);
            int k = classes.size();
            try (DataLoader loader = DataLoader.builder(ds, run.transform(ds.channels()))
                    .mode(DataLoader.Mode.EVAL_CENTER).batchSize(32).strict(true).build()) {
                while (loader.hasNext()) {
                    Batch b = loader.next();
                    float[] p = run.net().predict(backend.fromArray(b.data(), b.tensorShape())).toArray();
                    for (int i = 0; i < b.size(); i++) {
                        Path file = images.get(b.indices()[i]);
                        int[] best = Evaluator.topK(p, i * k, k, top);
                        if (json) {
                            List<Object> list = new ArrayList<>();
                            for (int c : best) {
                                list.add(new Json().put("class", classes.get(c)).put("probability", p[i * k + c]));
                            }
                            out().println(new Json().put("image", file.toString()).put("top", list));
                        } else {
                            out().println(file + ":");
                            for (int r = 0; r < best.length; r++) {
                                out().printf(Locale.ROOT, "  %d. %-20s %6.2f%%%n", r + 1, classes.get(best[r]),
                                        100 * p[i * k + best[r]]);
                            }
                        }
                    }
                }
            }
        }
        return 0;
    }

    /** Image files as a dataset (label 0), decoded to RGB. */
    record Files(List<Path> paths, List<String> classNames) implements Dataset {
        @Override
        public int size() {
            return paths.size();
        }

        @Override
        public int label(int index) {
            return 0;
        }

        @Override
        public int channels() {
            return 3;
        }

        @Override
        public String describe(int index) {
            return paths.get(index).toString();
        }

        @Override
        public Image load(int index) throws IOException {
            return ImageDecoder.decode(paths.get(index));
        }
    }
}
