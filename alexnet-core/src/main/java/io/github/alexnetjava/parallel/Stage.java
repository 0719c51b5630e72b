package io.github.alexnetjava.parallel;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.nn.Layer;
import io.github.alexnetjava.nn.Pass;
import io.github.alexnetjava.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A run of layers each device executes without talking to the other: the unit between two barriers. A stage
 * that {@linkplain #gather gathers} starts by copying the previous stage's outputs of all devices into one tensor
 * concatenated along the channel axis (forward), and its input gradient is cut back into those slices, each
 * summed over the devices that read it, by the previous stage (backward).
 */
final class Stage {
    final String name;
    final boolean gather;
    final int[] devices;
    final List<List<Layer>> layers;
    final Tensor[] out;
    final Tensor[] dIn;
    private final Tensor[] gathered;
    private final Tensor[] acc;
    private final Tensor[] staging;

    Stage(String name, boolean gather, int[] devices, int deviceCount) {
        this.name = name;
        this.gather = gather;
        this.devices = devices.clone();
        this.layers = new ArrayList<>();
        for (int k = 0; k < deviceCount; k++) {
            layers.add(new ArrayList<>());
        }
        this.out = new Tensor[deviceCount];
        this.dIn = new Tensor[deviceCount];
        this.gathered = new Tensor[deviceCount];
        this.acc = new Tensor[deviceCount];
        this.staging = new Tensor[deviceCount];
    }

    boolean runsOn(int d) {
        for (int k : devices) {
            if (k == d) {
                return true;
            }
        }
        return false;
    }

    /** Forward on device {@code d}: the input is {@code in}, or the gathered outputs of {@code prev}. */
    void forward(int d, Backend dev, Tensor in, Stage prev, Transfer transfer, Pass pass) {
        Tensor t = in;
        if (gather) {
            int channels = 0;
            for (int j : prev.devices) {
                channels += prev.out[j].dim(1);
            }
            int[] shape = prev.out[prev.devices[0]].shape();
            shape[1] = channels;
            gathered[d] = ensure(gathered[d], dev, shape);
            int off = 0;
            for (int j : prev.devices) {
                int c = prev.out[j].dim(1);
                transfer.copyChannels(name, Transfer.Kind.FORWARD, prev.out[j], 0, gathered[d], off, c);
                off += c;
            }
            t = gathered[d];
        }
        for (Layer l : layers.get(d)) {
            t = l.forward(t, pass);
        }
        out[d] = t;
    }

    /**
     * The gradient of this stage's output on device {@code d}, from the next stage: its input gradient on the
     * same device, or (when it gathers) the sum over its devices of their input gradients' slice for {@code d}.
     */
    Tensor outputGradient(int d, Backend dev, Stage next, Transfer transfer) {
        if (!next.gather) {
            return next.dIn[d];
        }
        int off = 0;
        for (int j : devices) {
            if (j == d) {
                break;
            }
            off += out[j].dim(1);
        }
        int c = out[d].dim(1);
        acc[d] = ensure(acc[d], dev, out[d].shape());
        boolean first = true;
        for (int k : next.devices) {
            if (first) {
                transfer.copyChannels(next.name, Transfer.Kind.BACKWARD, next.dIn[k], off, acc[d], 0, c);
                first = false;
            } else {
                staging[d] = ensure(staging[d], dev, out[d].shape());
                transfer.copyChannels(next.name, Transfer.Kind.BACKWARD, next.dIn[k], off, staging[d], 0, c);
                dev.axpy(1f, staging[d], acc[d]);
            }
        }
        return acc[d];
    }

    /** Backward on device {@code d} from the gradient of this stage's output. */
    void backward(int d, Tensor dy) {
        Tensor g = dy;
        List<Layer> ls = layers.get(d);
        for (int i = ls.size() - 1; i >= 0 && g != null; i--) {
            g = ls.get(i).backward(g);
        }
        dIn[d] = g;
    }

    static Tensor ensure(Tensor t, Backend b, int[] shape) {
        if (t != null && t.backend() == b && Arrays.equals(t.shape(), shape)) {
            return t;
        }
        return b.allocate(shape);
    }
}
