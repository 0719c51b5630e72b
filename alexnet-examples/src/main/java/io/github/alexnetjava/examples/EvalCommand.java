package io.github.alexnetjava.examples;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.checkpoint.CheckpointException;
import io.github.alexnetjava.data.DataLoader;
import io.github.alexnetjava.data.Dataset;
import io.github.alexnetjava.data.DatasetException;
import io.github.alexnetjava.data.FashionMnistDataset;
import io.github.alexnetjava.data.ImageFolderDataset;
import io.github.alexnetjava.train.EvalResult;
import io.github.alexnetjava.train.Evaluator;
import io.github.alexnetjava.train.Subset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code alexnet eval}: top-1/top-5 and loss of a checkpoint on a validation set, centre crop or 10-crop. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Evaluate a checkpoint written by 'train': top-1, top-5 and loss on validation images.")
final class EvalCommand extends CliCommand {
    @Option(names = "--checkpoint", paramLabel = "F", required = true,
            description = "checkpoint.ckpt (or its run directory).")
    Path checkpoint;

    @Option(names = "--data", paramLabel = "DIR", description = "Images: DIR/val/<class>/ if DIR has val/, else "
            + "DIR/<class>/ (class names as in the checkpoint); with --dataset fashion-mnist the IDX files' "
            + "directory. Default: the validation split of the data the run was trained on.")
    Path data;

    @Option(names = "--dataset", paramLabel = "NAME", description = "fashion-mnist: its 10,000 test images.")
    String dataset;

    @Option(names = "--ten-crop", description = "Average the softmax of the 10 crops (corners, centre, mirrored)"
            + " as in the paper, instead of the centre crop.")
    boolean tenCrop;

    @Option(names = "--limit", paramLabel = "N", description = "Evaluate only the first N images.")
    Integer limit;

    @Option(names = "--batch", defaultValue = "64", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--strict", description = "Stop at the first unreadable image instead of skipping it.")
    boolean strict;

    @Mixin
    ComputeOptions computeOptions = new ComputeOptions();

    @Option(names = "--json", description = "Print the figures as one JSON object on the last line.")
    boolean json;

    @Override
    protected int execute() throws Exception {
        try {
            return evaluate();
        } catch (DatasetException | CheckpointException | UncheckedIOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private int evaluate() throws IOException {
        try (Backend backend = computeOptions.create()) {
            LoadedRun run = LoadedRun.load(checkpoint, backend);
            RunSpec spec = run.spec();
            Dataset raw;
            boolean prepared;
            String what;
            if (dataset != null || (data == null && RunData.FASHION.equals(spec.source()))) {
                if (dataset != null && !RunData.FASHION.equals(dataset)) {
                    throw new IllegalArgumentException("unknown --dataset '" + dataset + "'; known: fashion-mnist");
                }
                Path dir = data != null ? data : dataset != null ? FashionMnistDataset.DEFAULT_DIR
                        : Path.of(spec.dataPath());
                raw = FashionMnistDataset.test(dir);
                what = "Fashion-MNIST test set in " + dir;
                prepared = spec.preparedSize() == 0;
            } else {
                Path root = data != null ? data : Path.of(spec.dataPath());
                Path dir = Files.isDirectory(root.resolve("val")) ? root.resolve("val") : root;
                if (!Files.isDirectory(dir)) {
                    throw new IllegalArgumentException("--data " + root + ": not a directory (expected a folder of"
                            + " class folders, or a root with val/<class>/)");
                }
                raw = ImageFolderDataset.fromClassFolders(dir, spec.classes());
                if (raw.size() == 0) {
                    throw new IllegalArgumentException("no .JPEG/.jpg/.jpeg/.png images in the class folders of "
                            + dir + " (expected <class>/<image> with classes " + spec.classes() + ")");
                }
                what = dir.toString();
                prepared = false;
            }
            if (limit != null) {
                raw = Subset.first(raw, limit);
            }
            Dataset ds = run.adapt(raw, prepared);
            long t0 = System.nanoTime();
            EvalResult r;
            try (DataLoader loader = DataLoader.builder(ds, run.transform(ds.channels()))
                    .mode(tenCrop ? DataLoader.Mode.EVAL_TEN_CROP : DataLoader.Mode.EVAL_CENTER)
                    .batchSize(batch).strict(strict).build()) {
                r = Evaluator.evaluate(run.net(), loader);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            out().printf(Locale.ROOT, "eval: %s (%s) on %s, %s: %,d images  top-1 %.2f%%  top-5 %.2f%%  loss %.4f"
                            + "  skipped %d  %.1f images/s%n", spec.model(), spec.inputString(), what,
                    tenCrop ? "10-crop average" : "centre crop", r.images(), 100 * r.top1(), 100 * r.top5(),
                    r.loss(), r.skipped(), r.images() / seconds);
            if (json) {
                out().println(new Json()
                        .put("model", spec.model())
                        .put("images", r.images())
                        .put("ten_crop", tenCrop)
                        .put("top1", r.top1())
                        .put("top5", r.top5())
                        .put("loss", r.loss())
                        .put("skipped_images", r.skipped())
                        .put("images_per_s", r.images() / seconds));
            }
        }
        return 0;
    }
}
