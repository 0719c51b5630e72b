package io.github.alexnetjava.examples;

import io.github.alexnetjava.nn.Parameter;
import io.github.alexnetjava.random.CounterRng;

import java.util.List;

/**
 * He (Kaiming) initialisation: weights from N(0, 2 / fan-in), biases 0, drawn from the same counter-based streams
 * as the library's paper initialisation (so it is reproducible and independent of threads).
 *
 * <p>Why the {@code train} command uses it by default: the paper's N(0, 0.01²) with biases of 1 makes the
 * input-dependent part of the activations shrink about tenfold per layer in a network as narrow as
 * {@code alexnet-small}; its logits then vary by about 1e-6 between images and a few hundred SGD steps learn
 * nothing. The paper's network trained for 90 epochs; a demo that must finish in seconds needs a scaled start.
 * {@code --init paper} restores the paper's scheme.
 */
final class HeInitialization {
    private HeInitialization() {
    }

    static void apply(List<Parameter> params, long seed) {
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            float[] v = new float[(int) p.size()];
            if (p.kind() == Parameter.Kind.WEIGHT) {
                // Conv weights are [out, in/groups, kh, kw] and dense weights [out, in]: fan-in = size / out.
                long fanIn = p.size() / p.shape()[0];
                double std = Math.sqrt(2.0 / fanIn);
                long stream = CounterRng.stream(seed, 0x4E11L, i);
                for (int j = 0; j < v.length; j++) {
                    v[j] = (float) (std * CounterRng.gaussian(stream, j));
                }
            }
            p.value().backend().upload(v, p.value());
        }
    }
}
