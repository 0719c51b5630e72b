package io.github.alexnetjava.examples;

import io.github.alexnetjava.data.Preprocessing;
import io.github.alexnetjava.optim.LearningRateSchedule;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything that defines a training run, so that {@code --resume}, {@code eval} and {@code predict} rebuild the
 * same network, data pipeline and optimiser from the checkpoint alone. Stored as checkpoint metadata under
 * {@code run.*} keys.
 *
 * @param model        alexnet, alexnet-torchvision or alexnet-small
 * @param source       {@code folder} (ImageNet-style root) or {@code fashion-mnist}
 * @param dataPath     the folder root or the directory of the IDX files (absolute)
 * @param classes      class names; a label is an index into this list
 * @param inputShape   the network's input [C, S, S]
 * @param preparedSize the side images are rescaled and centre-cropped to before the transform (0: used as they
 *                     are, Fashion-MNIST at 28x28)
 * @param pre          crop, padding, flip, PCA, mean, scale, output channels
 * @param init         he or paper
 * @param schedule     constant, step or plateau
 * @param stepEpochs   the step schedule's period
 * @param limitTrain   use only the first N training examples (0: all)
 * @param limitVal     use only the first N validation examples (0: all)
 * @param checkpointEvery also checkpoint every N batches inside an epoch (0: at epoch ends only)
 * @param threads      compute threads of the run (bit-exact resumption needs the same)
 * @param dropout      alexnet-small's dropout probability after fc6 and fc7
 */
record RunSpec(String model, String source, String dataPath, List<String> classes, int[] inputShape,
               int preparedSize, Preprocessing pre, String init, long seed, int batch, int epochs, double lr,
               float momentum, float weightDecay, String schedule, int stepEpochs, int limitTrain, int limitVal,
               int checkpointEvery, int threads, float dropout) {

    static final String PREFIX = "run.";
    static final List<String> SCHEDULES = List.of("constant", "step", "plateau");

    LearningRateSchedule newSchedule() {
        return switch (schedule) {
            case "constant" -> LearningRateSchedule.constant(lr);
            case "step" -> LearningRateSchedule.step(lr, stepEpochs, 0.1);
            case "plateau" -> LearningRateSchedule.plateau(lr);
            default -> throw new IllegalArgumentException("unknown schedule '" + schedule + "'; choose one of "
                    + String.join(", ", SCHEDULES));
        };
    }

    String describeSchedule() {
        return newSchedule().describe();
    }

    String inputString() {
        return inputShape[0] + "x" + inputShape[1] + "x" + inputShape[2];
    }

    /** A one-line description of the preprocessing, also stored in the checkpoint. */
    String describePreprocessing() {
        return String.format(Locale.ROOT, "%s%s crop %d pad %d%s%s, mean %s, scale %s, input %s",
                preparedSize > 0 ? "prepare " + preparedSize + "x" + preparedSize + ", " : "",
                "random", pre.cropSize(), pre.padding(), pre.flip() ? " + flips" : "",
                pre.pcaStd() > 0 ? " + PCA colour " + pre.pcaStd() : "", pre.mean().name().toLowerCase(Locale.ROOT),
                pre.scale() == 1f ? "1" : "1/" + Math.round(1 / pre.scale()), inputString());
    }

    Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(PREFIX + "model", model);
        m.put(PREFIX + "source", source);
        m.put(PREFIX + "data", dataPath);
        m.put(PREFIX + "classes", String.join("\n", classes));
        m.put(PREFIX + "input", inputString());
        m.put(PREFIX + "prepared_size", Integer.toString(preparedSize));
        m.put(PREFIX + "crop", Integer.toString(pre.cropSize()));
        m.put(PREFIX + "padding", Integer.toString(pre.padding()));
        m.put(PREFIX + "flip", Boolean.toString(pre.flip()));
        m.put(PREFIX + "pca_std", Double.toString(pre.pcaStd()));
        m.put(PREFIX + "mean", pre.mean().name());
        m.put(PREFIX + "scale", Float.toString(pre.scale()));
        m.put(PREFIX + "output_channels", Integer.toString(pre.outputChannels()));
        m.put(PREFIX + "preprocessing", describePreprocessing());
        m.put(PREFIX + "init", init);
        m.put(PREFIX + "seed", Long.toString(seed));
        m.put(PREFIX + "batch", Integer.toString(batch));
        m.put(PREFIX + "epochs", Integer.toString(epochs));
        m.put(PREFIX + "lr", Double.toString(lr));
        m.put(PREFIX + "momentum", Float.toString(momentum));
        m.put(PREFIX + "weight_decay", Float.toString(weightDecay));
        m.put(PREFIX + "schedule", schedule);
        m.put(PREFIX + "step_epochs", Integer.toString(stepEpochs));
        m.put(PREFIX + "schedule_description", describeSchedule());
        m.put(PREFIX + "limit_train", Integer.toString(limitTrain));
        m.put(PREFIX + "limit_val", Integer.toString(limitVal));
        m.put(PREFIX + "checkpoint_every", Integer.toString(checkpointEvery));
        m.put(PREFIX + "threads", Integer.toString(threads));
        m.put(PREFIX + "dropout", Float.toString(dropout));
        return m;
    }

    static RunSpec fromMetadata(Map<String, String> m, String file) {
        try {
            String[] in = get(m, "input", file).split("x");
            int[] shape = Arrays.stream(in).mapToInt(Integer::parseInt).toArray();
            Preprocessing pre = new Preprocessing(i(m, "crop", file), i(m, "padding", file),
                    Boolean.parseBoolean(get(m, "flip", file)), Double.parseDouble(get(m, "pca_std", file)),
                    Preprocessing.MeanMode.valueOf(get(m, "mean", file)), Float.parseFloat(get(m, "scale", file)),
                    i(m, "output_channels", file));
            return new RunSpec(get(m, "model", file), get(m, "source", file), get(m, "data", file),
                    List.of(get(m, "classes", file).split("\n", -1)), shape, i(m, "prepared_size", file), pre,
                    get(m, "init", file), Long.parseLong(get(m, "seed", file)), i(m, "batch", file),
                    i(m, "epochs", file), Double.parseDouble(get(m, "lr", file)),
                    Float.parseFloat(get(m, "momentum", file)), Float.parseFloat(get(m, "weight_decay", file)),
                    get(m, "schedule", file), i(m, "step_epochs", file), i(m, "limit_train", file),
                    i(m, "limit_val", file), i(m, "checkpoint_every", file), i(m, "threads", file),
                    Float.parseFloat(get(m, "dropout", file)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("checkpoint " + file + ": malformed run metadata (" + e.getMessage()
                    + ")", e);
        }
    }

    private static int i(Map<String, String> m, String key, String file) {
        return Integer.parseInt(get(m, key, file));
    }

    private static String get(Map<String, String> m, String key, String file) {
        String v = m.get(PREFIX + key);
        if (v == null) {
            throw new IllegalArgumentException("checkpoint " + file + " has no '" + PREFIX + key + "' metadata: it"
                    + " was not written by 'alexnet train'");
        }
        return v;
    }

    RunSpec withEpochs(int e) {
        return new RunSpec(model, source, dataPath, classes, inputShape, preparedSize, pre, init, seed, batch, e, lr,
                momentum, weightDecay, schedule, stepEpochs, limitTrain, limitVal, checkpointEvery, threads, dropout);
    }

    RunSpec withDataPath(String p) {
        return new RunSpec(model, source, p, classes, inputShape, preparedSize, pre, init, seed, batch, epochs, lr,
                momentum, weightDecay, schedule, stepEpochs, limitTrain, limitVal, checkpointEvery, threads, dropout);
    }
}
