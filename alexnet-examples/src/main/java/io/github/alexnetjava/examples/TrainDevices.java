package io.github.alexnetjava.examples;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.backend.BackendOptions;
import io.github.alexnetjava.nn.Network;
import io.github.alexnetjava.nn.Pass;
import io.github.alexnetjava.optim.Sgd;
import io.github.alexnetjava.parallel.Connectivity;
import io.github.alexnetjava.parallel.DeviceGroup;
import io.github.alexnetjava.parallel.ModelParallelAlexNet;
import io.github.alexnetjava.parallel.TowerConfig;
import io.github.alexnetjava.tensor.Tensor;

/**
 * What {@code train} steps: the single-device network itself ({@code --devices 1}) or its two-tower split over
 * two devices of the same backend ({@code --devices 2}), which starts from the network's weights. Kept apart from
 * TrainCommand so the command only swaps {@code net} for this.
 */
final class TrainDevices implements AutoCloseable {
    private final Network net;
    private final DeviceGroup group;
    private final ModelParallelAlexNet split;

    private TrainDevices(Network net, DeviceGroup group, ModelParallelAlexNet split) {
        this.net = net;
        this.group = group;
        this.split = split;
    }

    static TrainDevices of(Network net, String model, int classes, int devices, String backend, Integer threads) {
        if (devices == 1) {
            return new TrainDevices(net, null, null);
        }
        if (devices != 2) {
            throw new IllegalArgumentException("--devices must be 1 or 2, got " + devices);
        }
        int t = threads != null && threads > 0 ? threads : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        DeviceGroup g = DeviceGroup.of(backend, 2, d -> new BackendOptions(t, d));
        try {
            return new TrainDevices(net, g, ModelParallelAlexNet.fromNetwork(g,
                    TowerConfig.forModel(model, classes), Connectivity.PAPER, net));
        } catch (RuntimeException e) {
            g.close();
            throw e;
        }
    }

    /** Where input batches go: the network's backend, or device 0 of the split. */
    Backend inputBackend() {
        return split == null ? net.backend() : group.device(0);
    }

    float trainStep(Tensor x, int[] labels, Sgd sgd) {
        return split == null ? net.trainStep(x, labels, sgd) : split.trainStep(x, labels, sgd);
    }

    Tensor forward(Tensor x, Pass pass) {
        return split == null ? net.forward(x, pass) : split.forward(x, pass);
    }

    String describe() {
        return split == null ? net.backend().description() : "2 devices (" + group + ")";
    }

    @Override
    public void close() {
        if (group != null) {
            group.close();
        }
    }
}
