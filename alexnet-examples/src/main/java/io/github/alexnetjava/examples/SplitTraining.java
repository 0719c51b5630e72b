package io.github.alexnetjava.examples;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.backend.BackendOptions;
import io.github.alexnetjava.nn.Network;
import io.github.alexnetjava.nn.TrainableModel;
import io.github.alexnetjava.optim.Sgd;
import io.github.alexnetjava.parallel.Connectivity;
import io.github.alexnetjava.parallel.DeviceGroup;
import io.github.alexnetjava.parallel.ModelParallelAlexNet;
import io.github.alexnetjava.parallel.TowerConfig;

/**
 * {@code train --devices 2}: the paper's two-tower split of the run's network over two devices of the chosen
 * backend. The single-device network and optimiser stay the run's checkpoint format: they are loaded from a
 * checkpoint before the split is built, and the towers' weights and velocities are gathered back into them
 * before every checkpoint, so a run can be resumed with either device count.
 */
final class SplitTraining implements AutoCloseable {
    private final DeviceGroup group;
    private final ModelParallelAlexNet model;
    private final Sgd sgd;

    /**
     * @param net        the run's single-device network (weights possibly restored from a checkpoint)
     * @param singleSgd  its optimiser (velocities and iteration possibly restored)
     * @param threads    compute threads in all, shared out over the two devices
     */
    SplitTraining(RunSpec spec, Backend backend, Network net, Sgd singleSgd, int threads) {
        int[] in = spec.inputShape();
        TowerConfig cfg;
        switch (spec.model()) {
            case "alexnet":
                cfg = TowerConfig.paper(spec.classes().size());
                break;
            case "alexnet-small":
                cfg = TowerConfig.small(in[0], in[1], spec.classes().size());
                break;
            default:
                throw new IllegalArgumentException("--devices 2 needs alexnet or alexnet-small (the two-tower "
                        + "network); " + spec.model() + " has no two-tower form" + (spec.model().equals(
                        "alexnet-small-3x3") ? " (on Fashion-MNIST pass --model alexnet-small)" : ""));
        }
        if (cfg.dropout() != spec.dropout()) { // alexnet-small's --dropout (0 on Fashion-MNIST by default)
            cfg = new TowerConfig(cfg.name(), cfg.inChannels(), cfg.imageSize(), cfg.maps(), cfg.kernels(),
                    cfg.strides(), cfg.pads(), cfg.hidden(), cfg.classes(), cfg.lrn(), spec.dropout());
        }
        int perDevice = Math.max(1, threads / 2);
        this.group = DeviceGroup.of(backend.name(), 2, k -> new BackendOptions(perDevice, k));
        this.model = ModelParallelAlexNet.fromNetwork(group, cfg, Connectivity.PAPER, net);
        // Same schedule object: the trainer steps it once per epoch for both.
        this.sgd = new Sgd(singleSgd.momentum(), singleSgd.weightDecay(), singleSgd.schedule());
        this.sgd.setDecayBiases(singleSgd.decayBiases());
        model.loadState(net, singleSgd, sgd);
    }

    TrainableModel model() {
        return model;
    }

    Sgd sgd() {
        return sgd;
    }

    String describe() {
        return "2 devices (" + group.device(0).description() + " each), paper connectivity";
    }

    /** Gathers the towers' weights, velocities and iteration into the single-device network and optimiser. */
    void storeInto(Network net, Sgd singleSgd) {
        model.storeState(net, sgd, singleSgd);
    }

    @Override
    public void close() {
        group.close();
    }
}
