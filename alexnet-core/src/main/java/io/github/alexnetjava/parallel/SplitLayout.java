package io.github.alexnetjava.parallel;

import io.github.alexnetjava.nn.Network;
import io.github.alexnetjava.nn.Parameter;
import io.github.alexnetjava.optim.Sgd;
import io.github.alexnetjava.tensor.Tensor;
import io.github.alexnetjava.tensor.ShapeMismatchException;
import io.github.alexnetjava.tensor.Shapes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the single-device network's parameters are cut into the towers' parameters: each single-device parameter
 * (e.g. {@code conv3.weight [384, 256, 3, 3]}) is the concatenation along its first axis (output channels or
 * output neurons) of one part per device ({@code t0.conv3.weight [192, 256, 3, 3]} on device 0, rows 0..191, and
 * {@code t1.conv3.weight} on device 1, rows 192..383). A grouped convolution's weight {@code [M, C/G, k, k]}
 * splits the same way, since group g's kernels are rows {@code [g*M/G, (g+1)*M/G)}.
 */
final class SplitLayout {
    /** One device's rows {@code [rowOffset, rowOffset + rows)} of a single-device parameter. */
    record Part(int device, Parameter param, int rowOffset) {
        int rows() {
            return param.shape()[0];
        }
    }

    private final Map<String, List<Part>> parts = new LinkedHashMap<>();

    void add(String singleName, int device, Parameter p, int rowOffset) {
        parts.computeIfAbsent(singleName, k -> new ArrayList<>()).add(new Part(device, p, rowOffset));
    }

    List<String> names() {
        return List.copyOf(parts.keySet());
    }

    /** The single-device shape of a parameter. */
    int[] shape(String name) {
        List<Part> ps = parts.get(name);
        int[] s = ps.get(0).param().shape();
        int rows = 0;
        for (Part p : ps) {
            rows += p.rows();
        }
        s[0] = rows;
        return s;
    }

    /** Copies every parameter of {@code single} into the parts; fails unless the two layouts match exactly. */
    void load(Network single) {
        List<String> theirs = new ArrayList<>();
        for (Parameter p : single.parameters()) {
            theirs.add(p.name());
        }
        if (!theirs.equals(names())) {
            throw new IllegalArgumentException("network '" + single.name() + "' has parameters " + theirs
                    + " but the split model needs " + names());
        }
        for (Map.Entry<String, List<Part>> e : parts.entrySet()) {
            Parameter p = single.parameter(e.getKey());
            if (!Arrays.equals(p.shape(), shape(e.getKey()))) {
                throw new ShapeMismatchException("split model: " + e.getKey() + " expected "
                        + Shapes.toString(shape(e.getKey())) + " but the network has " + p.value().shapeString());
            }
            float[] all = p.value().toArray();
            int rowSize = all.length / p.shape()[0];
            for (Part part : e.getValue()) {
                float[] mine = Arrays.copyOfRange(all, part.rowOffset() * rowSize,
                        (part.rowOffset() + part.rows()) * rowSize);
                part.param().value().backend().upload(mine, part.param().value());
            }
        }
    }

    /** Every parameter's value ({@code grads == false}) or gradient, gathered into the single-device layout. */
    Map<String, float[]> gather(boolean grads) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<Part>> e : parts.entrySet()) {
            int[] shape = shape(e.getKey());
            float[] all = new float[Shapes.size(shape)];
            int rowSize = all.length / shape[0];
            for (Part part : e.getValue()) {
                float[] mine = grads ? part.param().grad().toArray() : part.param().value().toArray();
                System.arraycopy(mine, 0, all, part.rowOffset() * rowSize, mine.length);
            }
            out.put(e.getKey(), all);
        }
        return out;
    }

    /** Writes the gathered values into {@code single}'s parameters. */
    void store(Network single) {
        for (Map.Entry<String, float[]> e : gather(false).entrySet()) {
            Parameter p = single.parameter(e.getKey());
            p.value().backend().upload(e.getValue(), p.value());
        }
    }

    /** Gathers each part's momentum velocity in {@code mine} into {@code single}'s velocity of the whole parameter. */
    void storeVelocities(Network net, Sgd mine, Sgd single) {
        for (Map.Entry<String, List<Part>> e : parts.entrySet()) {
            int[] shape = shape(e.getKey());
            float[] all = new float[Shapes.size(shape)];
            int rowSize = all.length / shape[0];
            for (Part part : e.getValue()) {
                float[] v;
                synchronized (mine) {
                    v = mine.velocity(part.param()).toArray();
                }
                System.arraycopy(v, 0, all, part.rowOffset() * rowSize, v.length);
            }
            Tensor target = single.velocity(net.parameter(e.getKey()));
            target.backend().upload(all, target);
        }
    }

    /** Splits {@code single}'s velocities of {@code net}'s parameters into this model's optimiser {@code mine}. */
    void loadVelocities(Network net, Sgd single, Sgd mine) {
        for (Map.Entry<String, List<Part>> e : parts.entrySet()) {
            float[] all = single.velocity(net.parameter(e.getKey())).toArray();
            int rowSize = all.length / shape(e.getKey())[0];
            for (Part part : e.getValue()) {
                float[] v = Arrays.copyOfRange(all, part.rowOffset() * rowSize,
                        (part.rowOffset() + part.rows()) * rowSize);
                Tensor target = mine.velocity(part.param());
                target.backend().upload(v, target);
            }
        }
    }
}
