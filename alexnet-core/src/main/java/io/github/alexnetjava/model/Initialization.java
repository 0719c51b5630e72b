package io.github.alexnetjava.model;

import io.github.alexnetjava.nn.Parameter;
import io.github.alexnetjava.random.CounterRng;

import java.util.List;
import java.util.Set;

/**
 * The paper's initialisation (section 5): weights from N(0, 0.01²); biases 1 in conv2, conv4, conv5 and the
 * hidden fully connected layers ("accelerates the early stages of learning by providing the ReLUs with positive
 * inputs"), 0 elsewhere. Every value is drawn from a counter-based stream keyed by the seed and the parameter's
 * index, so it does not depend on threads or on which device holds the parameter.
 */
public final class Initialization {
    private Initialization() {
    }

    /**
     * @param onesBiasLayers layer names whose bias starts at 1
     */
    public static void paper(List<Parameter> params, long seed, double std, Set<String> onesBiasLayers) {
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            float[] v = new float[(int) p.size()];
            if (p.kind() == Parameter.Kind.WEIGHT) {
                long stream = CounterRng.stream(seed, 0x1A17L, i);
                for (int j = 0; j < v.length; j++) {
                    v[j] = (float) (std * CounterRng.gaussian(stream, j));
                }
            } else {
                String layer = p.name().substring(0, p.name().lastIndexOf('.'));
                java.util.Arrays.fill(v, onesBiasLayers.contains(layer) ? 1f : 0f);
            }
            p.value().backend().upload(v, p.value());
        }
    }

    /**
     * He et al. (2015) initialisation, N(0, 2/fan_in) for weights and 0 for biases: not the paper's, but it lets
     * deep ReLU networks start learning at once, which the paper's N(0, 0.01) does only slowly on small networks.
     */
    public static void he(List<Parameter> params, long seed) {
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            float[] v = new float[(int) p.size()];
            if (p.kind() == Parameter.Kind.WEIGHT) {
                double std = Math.sqrt(2.0 * p.shape()[0] / p.size());
                long stream = CounterRng.stream(seed, 0x4E1L, i);
                for (int j = 0; j < v.length; j++) {
                    v[j] = (float) (std * CounterRng.gaussian(stream, j));
                }
            }
            p.value().backend().upload(v, p.value());
        }
    }

    /**
     * PyTorch's default for {@code nn.Conv2d} and {@code nn.Linear} ({@code reset_parameters}: Kaiming-uniform with
     * a = sqrt(5)), which works out to U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for the weights and the same bound for
     * the biases, fan_in being the layer's weight size over its output count (in/groups x kh x kw for a
     * convolution). A bias takes the fan-in of the weight just before it in the list (each layer lists weight,
     * then bias).
     */
    public static void pytorchDefault(List<Parameter> params, long seed) {
        long fanIn = 1;
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            float[] v = new float[(int) p.size()];
            if (p.kind() == Parameter.Kind.WEIGHT) {
                fanIn = p.size() / p.shape()[0];
            }
            double bound = 1.0 / Math.sqrt(fanIn);
            long stream = CounterRng.stream(seed, 0x7047L, i);
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) (bound * (2.0 * CounterRng.uniform(stream, j) - 1.0));
            }
            p.value().backend().upload(v, p.value());
        }
    }
}
