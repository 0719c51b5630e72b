package io.github.alexnetjava.parallel;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.backend.BackendOptions;
import io.github.alexnetjava.backend.cpu.CpuBackend;
import io.github.alexnetjava.nn.Conv2d;
import io.github.alexnetjava.nn.Dense;
import io.github.alexnetjava.nn.Dropout;
import io.github.alexnetjava.nn.Flatten;
import io.github.alexnetjava.nn.Layer;
import io.github.alexnetjava.nn.LayerFusion;
import io.github.alexnetjava.nn.LocalResponseNorm;
import io.github.alexnetjava.nn.MaxPool2d;
import io.github.alexnetjava.nn.Network;
import io.github.alexnetjava.nn.TrainableModel;
import io.github.alexnetjava.nn.Parameter;
import io.github.alexnetjava.nn.Pass;
import io.github.alexnetjava.nn.Relu;
import io.github.alexnetjava.nn.SoftmaxCrossEntropy;
import io.github.alexnetjava.optim.Sgd;
import io.github.alexnetjava.tensor.ShapeMismatchException;
import io.github.alexnetjava.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The paper's two-GPU AlexNet (section 3.2, figure 2) on a {@link DeviceGroup} of two devices: tower k on device k
 * holds half of the kernels of conv1..conv5 with their ReLU, LRN and pooling, and half of the neurons of fc6 and
 * fc7; which conv layers read the other tower's maps is the {@link Connectivity}. fc8 and the loss run on device
 * 0. Every edge that crosses devices is an explicit {@link Transfer}, forward (activations) and backward
 * (gradients, summed over the towers that read the tensor), counted per step in {@link #lastStats()}.
 *
 * <p>Placement decisions:
 * <ul>
 *   <li><b>Input</b>: both towers see the whole image batch. The batch is copied to each device that does not
 *   hold it; those copies are counted as {@link TransferStats#inputBytes()}, not as exchange.</li>
 *   <li><b>fc8 and the loss on device 0</b>: the paper's figure draws fc8's outputs as one block. Device 1 sends
 *   its half of fc7 to device 0 (and gets its gradient back); the softmax needs all logits in one place anyway,
 *   and fc8 is under 7% of the model's parameters.</li>
 *   <li><b>Dropout</b>: a tower's half of fc6 and fc7 is gathered into the full {@code [N, 4096]} tensor before
 *   dropout, which then runs on the full tensor on every device that reads it, with the single-device network's
 *   stream (seed, layer id, step) and flat indices: the masks equal the single-device masks with no offset logic.
 *   Backward, each device applies the mask to its partial input gradient before the halves are exchanged and
 *   summed (the mask is linear), so the bytes are the same as exchanging the dropped activations.</li>
 *   <li><b>Stages</b>: layers between two exchanges form a stage; the devices run a stage concurrently, each on
 *   its own thread, and meet at the stage's end.</li>
 * </ul>
 */
public final class ModelParallelAlexNet implements TrainableModel {
    private final DeviceGroup group;
    private final TowerConfig config;
    private final Connectivity connectivity;
    private final long seed;
    private final List<Stage> stages = new ArrayList<>();
    private final SplitLayout layout = new SplitLayout();
    private final List<List<Parameter>> params = new ArrayList<>();
    private final Transfer transfer;
    private final SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
    private final Tensor[] inputCopy;
    private TransferStats last = new TransferStats(0, 0, 0, 0, 0, Map.of());
    private List<StageTrace> trace;
    private float lastLoss;

    private ModelParallelAlexNet(DeviceGroup group, TowerConfig config, Connectivity connectivity, long seed,
            Transfer transfer) {
        if (group.size() != 2) {
            throw new IllegalArgumentException("the two-tower AlexNet needs a group of 2 devices, got "
                    + group.size());
        }
        this.group = group;
        this.config = config;
        this.connectivity = connectivity;
        this.seed = seed;
        this.transfer = transfer;
        this.inputCopy = new Tensor[2];
        build();
    }

    /**
     * The split model with the weights of {@code single}, which must be {@code config.singleDevice(.., c, ..)}'s
     * layout (for the paper's pattern: {@code AlexNet.paper}); dropout is keyed by {@code single.seed()}.
     */
    public static ModelParallelAlexNet fromNetwork(DeviceGroup group, TowerConfig config, Connectivity c,
            Network single) {
        return fromNetwork(group, config, c, single, new Transfer());
    }

    /** As {@link #fromNetwork(DeviceGroup, TowerConfig, Connectivity, Network)} with a given transfer op. */
    public static ModelParallelAlexNet fromNetwork(DeviceGroup group, TowerConfig config, Connectivity c,
            Network single, Transfer transfer) {
        ModelParallelAlexNet m = new ModelParallelAlexNet(group, config, c, single.seed(), transfer);
        m.layout.load(single);
        return m;
    }

    /**
     * A new split model initialised as the single-device equivalent with the same seed would be (the paper's
     * initialisation), built on the host first: needs the memory of one extra copy of the weights while it runs.
     */
    public static ModelParallelAlexNet create(DeviceGroup group, TowerConfig config, Connectivity c, long seed) {
        try (CpuBackend host = new CpuBackend(new BackendOptions(1, 0))) {
            return fromNetwork(group, config, c, config.singleDevice(host, c, seed));
        }
    }

    private void build() {
        Backend[] dev = {group.device(0), group.device(1)};
        int[] both = {0, 1};
        for (int k = 0; k < 2; k++) {
            params.add(new ArrayList<>());
        }
        Stage s = new Stage("conv1", false, both, 2);
        for (int i = 1; i <= 5; i++) {
            boolean cross = i > 1 && connectivity.readsBothTowers(i);
            if (cross) {
                stages.add(s);
                s = new Stage("conv" + i, true, both, 2);
            }
            int half = config.maps()[i - 1] / 2;
            int in = i == 1 || cross ? config.convInputs(i) : config.convInputs(i) / 2;
            for (int k = 0; k < 2; k++) {
                List<Layer> l = s.layers.get(k);
                Conv2d conv = new Conv2d(dev[k], "t" + k + ".conv" + i, config.conv(i, in, half, 1));
                if (i == 1) {
                    conv.setInputGradientNeeded(false);
                }
                addParams("conv" + i, k, conv.weight(), conv.bias(), k * half);
                l.add(conv);
                l.add(new Relu("t" + k + ".relu" + i));
                if (i <= 2) {
                    l.add(new LocalResponseNorm("t" + k + ".norm" + i, config.lrn()));
                }
                if (i == 1 || i == 2 || i == 5) {
                    l.add(new MaxPool2d("t" + k + ".pool" + i, TowerConfig.POOL));
                }
            }
        }
        stages.add(s);
        int h = config.hidden() / 2;
        Stage fc6 = new Stage("fc6", true, both, 2);
        Stage fc7 = new Stage("fc7", true, both, 2);
        for (int k = 0; k < 2; k++) {
            Dense d6 = new Dense(dev[k], "t" + k + ".fc6", config.fc6Inputs(), h);
            fc6.layers.get(k).addAll(List.of(new Flatten("t" + k + ".flatten"), d6, new Relu("t" + k + ".relu6")));
            addParams("fc6", k, d6.parameters().get(0), d6.parameters().get(1), k * h);
            Dense d7 = new Dense(dev[k], "t" + k + ".fc7", config.hidden(), h);
            fc7.layers.get(k).addAll(List.of(new Dropout("t" + k + ".drop6", config.dropout(), 6), d7,
                    new Relu("t" + k + ".relu7")));
            addParams("fc7", k, d7.parameters().get(0), d7.parameters().get(1), k * h);
        }
        Stage fc8 = new Stage("fc8", true, new int[] {0}, 2);
        Dense d8 = new Dense(dev[0], "t0.fc8", config.hidden(), config.classes());
        fc8.layers.get(0).addAll(List.of(new Dropout("t0.drop7", config.dropout(), 7), d8));
        addParams("fc8", 0, d8.parameters().get(0), d8.parameters().get(1), 0);
        stages.addAll(List.of(fc6, fc7, fc8));
        for (Stage st : stages) {
            st.layers.forEach(LayerFusion::fuseRelus);
        }
    }

    private void addParams(String layer, int k, Parameter w, Parameter b, int rowOffset) {
        layout.add(layer + ".weight", k, w, rowOffset);
        layout.add(layer + ".bias", k, b, rowOffset);
        params.get(k).add(w);
        params.get(k).add(b);
    }

    public DeviceGroup group() {
        return group;
    }

    public TowerConfig config() {
        return config;
    }

    public Connectivity connectivity() {
        return connectivity;
    }

    public long seed() {
        return seed;
    }

    /** The stages' names in order, e.g. {@code [conv1, conv3, fc6, fc7, fc8]} for the paper's pattern. */
    public List<String> stageNames() {
        List<String> n = new ArrayList<>();
        for (Stage s : stages) {
            n.add(s.name);
        }
        return n;
    }

    /** Device k's parameters. */
    public List<Parameter> parameters(int k) {
        return Collections.unmodifiableList(params.get(k));
    }

    public long parameterCount() {
        long n = 0;
        for (List<Parameter> ps : params) {
            for (Parameter p : ps) {
                n += p.size();
            }
        }
        return n;
    }

    /** Copies the weights of a single-device network with the equivalent layout into the towers. */
    public void loadWeights(Network single) {
        layout.load(single);
    }

    /** Writes the towers' weights into a single-device network with the equivalent layout (e.g. to checkpoint). */
    public void storeWeights(Network single) {
        layout.store(single);
    }

    /** Every weight, by single-device parameter name, in the single-device layout. */
    public Map<String, float[]> weights() {
        return layout.gather(false);
    }

    /** Every gradient of the last backward pass, by single-device parameter name, in the single-device layout. */
    public Map<String, float[]> gradients() {
        return layout.gather(true);
    }

    /** Records each stage's thread and time interval from now on ({@code true}) or stops ({@code false}). */
    public void setTracing(boolean on) {
        trace = on ? Collections.synchronizedList(new ArrayList<>()) : null;
    }

    /** The stages run since tracing was switched on. */
    public List<StageTrace> trace() {
        return trace == null ? List.of() : List.copyOf(trace);
    }

    /** Transfers of the last {@link #forward} or {@link #computeGradients} call. */
    public TransferStats lastStats() {
        return last;
    }

    private void checkInput(Tensor x) {
        int[] s = x.shape();
        int[] in = config.inputShape();
        if (s.length != 4 || s[1] != in[0] || s[2] != in[1] || s[3] != in[2]) {
            throw new ShapeMismatchException(config.name() + " (two towers): input batch expected shape [N, "
                    + in[0] + ", " + in[1] + ", " + in[2] + "] but got " + x.shapeString());
        }
    }

    /** Runs both towers and returns the logits {@code [N, classes]}, on device 0. */
    public Tensor forward(Tensor x, Pass pass) {
        transfer.reset();
        Tensor logits = forwardStages(x, pass, null);
        last = transfer.stats();
        return logits;
    }

    private Tensor forwardStages(Tensor x, Pass pass, int[] labels) {
        checkInput(x);
        for (int i = 0; i < stages.size(); i++) {
            Stage s = stages.get(i);
            Stage prev = i == 0 ? null : stages.get(i - 1);
            boolean lastStage = i == stages.size() - 1;
            group.run(s.devices, d -> timed(s, true, d, () -> {
                Tensor in = prev == null ? input(d, x) : prev.out[d];
                s.forward(d, group.device(d), in, prev, transfer, pass);
                if (lastStage && labels != null) {
                    lastLoss = loss.forward(s.out[d], labels);
                }
            }));
        }
        return stages.get(stages.size() - 1).out[0];
    }

    private Tensor input(int d, Tensor x) {
        Backend dev = group.device(d);
        if (x.backend() == dev) {
            return x;
        }
        inputCopy[d] = Stage.ensure(inputCopy[d], dev, x.shape());
        transfer.copy("input", Transfer.Kind.INPUT, x, inputCopy[d]);
        return inputCopy[d];
    }

    private void timed(Stage s, boolean forward, int d, Runnable r) {
        List<StageTrace> t = trace;
        long t0 = System.nanoTime();
        r.run();
        if (t != null) {
            t.add(new StageTrace(s.name, forward, d, Thread.currentThread().getName(), t0, System.nanoTime()));
        }
    }

    /**
     * Forward with dropout keyed by (seed, step), the loss on device 0, and backward through both towers: every
     * parameter's gradient is left in the towers.
     *
     * @return the batch's mean loss
     */
    public float computeGradients(Tensor x, int[] labels, long step) {
        if (labels.length != x.dim(0)) {
            throw new IllegalArgumentException("labels: " + labels.length + " for a batch of " + x.dim(0));
        }
        transfer.reset();
        forwardStages(x, Pass.training(seed, step), labels);
        for (int i = stages.size() - 1; i >= 0; i--) {
            Stage s = stages.get(i);
            Stage next = i == stages.size() - 1 ? null : stages.get(i + 1);
            group.run(s.devices, d -> timed(s, false, d, () -> {
                Tensor dy = next == null ? loss.backward() : s.outputGradient(d, group.device(d), next, transfer);
                s.backward(d, dy);
            }));
        }
        last = transfer.stats();
        return lastLoss;
    }

    /** Softmax probabilities of the last {@link #computeGradients} call (on device 0). */
    public Tensor probabilities() {
        return loss.probabilities();
    }

    @Override
    public Backend backend() {
        return group.device(0);
    }

    @Override
    public int classes() {
        return config.classes();
    }

    @Override
    public Tensor lastTrainingProbabilities() {
        return probabilities();
    }

    @Override
    public Tensor predict(Tensor x) {
        return SoftmaxCrossEntropy.softmax(forward(x, Pass.inference()));
    }

    /**
     * Writes the weights and the momentum velocities ({@code mine}, this model's optimiser) into a single-device
     * network of the equivalent layout and its optimiser {@code single}, e.g. to save a checkpoint that a one-device
     * run (or a resumed split run) can load; the iteration is copied too.
     */
    public void storeState(Network net, Sgd mine, Sgd single) {
        layout.store(net);
        layout.storeVelocities(net, mine, single);
        single.setIteration(mine.iteration());
    }

    /** The inverse of {@link #storeState}: weights, velocities and iteration from a single-device network. */
    public void loadState(Network net, Sgd single, Sgd mine) {
        layout.load(net);
        layout.loadVelocities(net, single, mine);
        mine.setIteration(single.iteration());
    }

    /**
     * Applies the paper's update to each device's parameters on that device, concurrently, with the velocities
     * {@code sgd} keeps (one per parameter, on the parameter's device), then advances {@code sgd}'s iteration.
     */
    public void update(Sgd sgd) {
        float lr = sgd.schedule().learningRate();
        group.runAll(d -> {
            Backend b = group.device(d);
            for (Parameter p : params.get(d)) {
                float decay = p.kind() == Parameter.Kind.WEIGHT || sgd.decayBiases() ? sgd.weightDecay() : 0f;
                Tensor v;
                synchronized (sgd) {
                    v = sgd.velocity(p);
                }
                b.sgdUpdate(lr, sgd.momentum(), decay, p.value(), p.grad(), v);
            }
        });
        sgd.setIteration(sgd.iteration() + 1);
    }

    /** One SGD step (dropout keyed by {@code sgd.iteration()}); returns the loss before the update. */
    @Override
    public float trainStep(Tensor x, int[] labels, Sgd sgd) {
        float l = computeGradients(x, labels, sgd.iteration());
        update(sgd);
        return l;
    }
}
