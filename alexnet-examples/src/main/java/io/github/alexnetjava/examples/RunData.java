package io.github.alexnetjava.examples;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.data.ChannelStats;
import io.github.alexnetjava.data.Dataset;
import io.github.alexnetjava.data.DatasetException;
import io.github.alexnetjava.data.IdxFormatException;
import io.github.alexnetjava.data.FashionMnistDataset;
import io.github.alexnetjava.data.ImageFolderDataset;
import io.github.alexnetjava.data.PreparedDataset;
import io.github.alexnetjava.data.Transform;
import io.github.alexnetjava.model.AlexNet;
import io.github.alexnetjava.model.Initialization;
import io.github.alexnetjava.nn.Network;
import io.github.alexnetjava.train.Subset;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Datasets, transforms and networks of a {@link RunSpec}: what train, eval and predict share. */
final class RunData {
    static final String FOLDER = "folder";
    static final String FASHION = "fashion-mnist";
    static final String STATS_KEY = RunSpec.PREFIX + "channel_stats";
    /** Images the channel statistics are computed from (evenly spaced over the training set). */
    static final int STATS_IMAGES = 10_000;

    private RunData() {
    }

    /** The raw split: "train" or "val" (Fashion-MNIST's test set). */
    static Dataset raw(RunSpec spec, String split) throws IOException {
        Path p = Path.of(spec.dataPath());
        if (FASHION.equals(spec.source())) {
            try {
                return "train".equals(split) ? FashionMnistDataset.train(p) : FashionMnistDataset.test(p);
            } catch (DatasetException e) {
                if (e.getMessage().contains("not found") && !(e instanceof IdxFormatException)) {
                    throw new DatasetException(e.getMessage() + " (install Debian's dataset-fashion-mnist package:"
                            + " apt-get install dataset-fashion-mnist, or pass --data DIR with the IDX files)", e);
                }
                throw e;
            }
        }
        return ImageFolderDataset.open(p, split);
    }

    /** Rescaled and centre-cropped to the run's prepared size (kept in {@code cacheDir} if not null), limited. */
    static Dataset prepared(RunSpec spec, Dataset raw, int limit, Path cacheDir) throws IOException {
        Dataset d = limit > 0 ? Subset.first(raw, limit) : raw;
        if (spec.preparedSize() <= 0) {
            return d;
        }
        return cacheDir != null ? PreparedDataset.cached(d, spec.preparedSize(), cacheDir)
                : PreparedDataset.of(d, spec.preparedSize());
    }

    /** The side of the images the transform receives. */
    static int preparedSide(RunSpec spec) {
        return spec.preparedSize() > 0 ? spec.preparedSize() : FashionMnistDataset.SIDE;
    }

    static Transform transform(RunSpec spec, ChannelStats stats, int channels) {
        int s = preparedSide(spec);
        return new Transform(spec.pre(), stats, s, s, channels);
    }

    /**
     * The training set's statistics, cached in {@code file}; always read back from the file so that a fresh and
     * a resumed run use the very same numbers.
     */
    static ChannelStats stats(Path file, Dataset preparedTrain, int threads) throws IOException {
        ChannelStats.cached(file, preparedTrain, STATS_IMAGES, false, threads);
        return ChannelStats.load(file);
    }

    /** The statistics stored in a checkpoint's metadata. */
    static ChannelStats stats(Map<String, String> meta, String file) throws IOException {
        String text = meta.get(STATS_KEY);
        if (text == null) {
            throw new IllegalArgumentException("checkpoint " + file + " has no channel statistics ('" + STATS_KEY
                    + "'): it was not written by 'alexnet train'");
        }
        Path tmp = Files.createTempFile("alexnet-stats", ".txt");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            return ChannelStats.load(tmp);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The run's network, initialised from its seed. */
    static Network network(RunSpec spec, Backend backend) {
        int classes = spec.classes().size();
        int[] in = spec.inputShape();
        Network net = switch (spec.model()) {
            case "alexnet" -> AlexNet.paper(backend, classes, spec.seed());
            case "alexnet-torchvision" -> AlexNet.torchvision(backend, classes, spec.seed());
            case "alexnet-small" -> AlexNet.small(backend, in[0], in[1], classes, spec.seed(),
                    spec.dropout());
            case "alexnet-small-3x3" -> AlexNet.small3x3(backend, in[0], in[1], classes, spec.seed(),
                    spec.dropout());
            default -> throw new IllegalArgumentException("unknown model '" + spec.model() + "'; choose one of "
                    + String.join(", ", AlexNet.MODELS));
        };
        if ("he".equals(spec.init())) {
            Initialization.he(net.parameters(), spec.seed());
        }
        return net;
    }
}
