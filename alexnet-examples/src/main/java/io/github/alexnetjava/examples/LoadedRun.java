package io.github.alexnetjava.examples;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.checkpoint.Checkpoint;
import io.github.alexnetjava.data.ChannelStats;
import io.github.alexnetjava.data.Dataset;
import io.github.alexnetjava.data.Image;
import io.github.alexnetjava.data.PreparedDataset;
import io.github.alexnetjava.data.Transform;
import io.github.alexnetjava.nn.Network;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A trained network rebuilt from a checkpoint written by {@code train}: its run, weights and input transform. */
record LoadedRun(RunSpec spec, Network net, ChannelStats stats) {

    static LoadedRun load(Path file, Backend backend) throws IOException {
        if (Files.isDirectory(file) && Files.isRegularFile(file.resolve(TrainCommand.CHECKPOINT))) {
            file = file.resolve(TrainCommand.CHECKPOINT);
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("checkpoint " + file + " not found (expected RUN_DIR/"
                    + TrainCommand.CHECKPOINT + " written by 'alexnet train')");
        }
        Map<String, String> meta = Checkpoint.read(file).metadata();
        RunSpec spec = RunSpec.fromMetadata(meta, file.toString());
        ChannelStats stats = RunData.stats(meta, file.toString());
        Network net = RunData.network(spec, backend);
        Checkpoint.load(file, net, null);
        return new LoadedRun(spec, net, stats);
    }

    /**
     * {@code raw} made ready for the evaluation transform: rescaled to the run's prepared side (unless it already
     * has that size, as Fashion-MNIST for a 28x28 run) and converted to the run's channels.
     */
    Dataset adapt(Dataset raw, boolean alreadyPrepared) {
        Dataset d = alreadyPrepared ? raw : PreparedDataset.of(raw, RunData.preparedSide(spec));
        return d.channels() == stats.channels() ? d : new Channels(d, stats.channels());
    }

    Transform transform(int channels) {
        return RunData.transform(spec, stats, channels);
    }

    List<String> classes() {
        return spec.classes();
    }

    /** RGB to grey (ITU-R BT.601 luma) or grey to RGB, for data whose channels differ from the training data's. */
    static final class Channels implements Dataset {
        private final Dataset inner;
        private final int channels;

        Channels(Dataset inner, int channels) {
            this.inner = inner;
            this.channels = channels;
        }

        @Override
        public int size() {
            return inner.size();
        }

        @Override
        public List<String> classNames() {
            return inner.classNames();
        }

        @Override
        public int label(int index) {
            return inner.label(index);
        }

        @Override
        public int channels() {
            return channels;
        }

        @Override
        public String describe(int index) {
            return inner.describe(index);
        }

        @Override
        public Image load(int index) throws IOException {
            Image img = inner.load(index);
            if (img.channels() == channels) {
                return img;
            }
            byte[] p = img.pixels();
            int n = img.width() * img.height();
            byte[] q = new byte[n * channels];
            for (int i = 0; i < n; i++) {
                if (channels == 1) {
                    q[i] = (byte) Math.round(0.299 * (p[3 * i] & 0xFF) + 0.587 * (p[3 * i + 1] & 0xFF)
                            + 0.114 * (p[3 * i + 2] & 0xFF));
                } else {
                    q[3 * i] = p[i];
                    q[3 * i + 1] = p[i];
                    q[3 * i + 2] = p[i];
                }
            }
            return new Image(img.width(), img.height(), channels, q);
        }
    }
}
