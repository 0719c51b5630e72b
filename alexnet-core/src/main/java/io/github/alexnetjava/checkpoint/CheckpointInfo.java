package io.github.alexnetjava.checkpoint;

import io.github.alexnetjava.nn.Parameter;
import io.github.alexnetjava.tensor.Shapes;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a checkpoint holds, read without a network ({@link Checkpoint#read(Path)}): header, metadata, the tensors'
 * names and shapes and the optimiser's scalar state. Tensor data is not kept. An instance is only produced for a
 * file whose structure and checksum are valid.
 *
 * @param file        the file read
 * @param version     the format version
 * @param model       the network's name, e.g. {@code alexnet-small}
 * @param networkSeed the network's seed (keys initialisation and dropout masks)
 * @param inputShape  one example's shape
 * @param metadata    the caller's free-form metadata, in the order written
 * @param tensors     the parameters, in the order written
 * @param optimizer   the optimiser state, or null for a weights-only checkpoint
 * @param sizeBytes   the file's size
 * @param crc32c      the stored (and verified) CRC32C of everything before it
 */
public record CheckpointInfo(Path file, int version, String model, long networkSeed, int[] inputShape,
        Map<String, String> metadata, List<TensorEntry> tensors, OptimizerState optimizer, long sizeBytes,
        long crc32c) {

    public CheckpointInfo {
        inputShape = inputShape.clone();
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        tensors = List.copyOf(tensors);
    }

    @Override
    public int[] inputShape() {
        return inputShape.clone();
    }

    /** True when the file carries optimiser state (it was saved with an {@code Sgd}). */
    public boolean hasOptimizer() {
        return optimizer != null;
    }

    /** Total number of parameter elements (velocities not counted). */
    public long parameterCount() {
        long n = 0;
        for (TensorEntry t : tensors) {
            n += t.elements();
        }
        return n;
    }

    /** The entry of a parameter, or null. */
    public TensorEntry tensor(String name) {
        for (TensorEntry t : tensors) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }

    /**
     * A stored tensor's description.
     *
     * @param name  qualified parameter name such as {@code conv1.weight}
     * @param kind  weight or bias
     * @param shape its dimensions
     */
    public record TensorEntry(String name, Parameter.Kind kind, int[] shape) {
        public TensorEntry {
            shape = shape.clone();
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        public long elements() {
            long n = 1;
            for (int d : shape) {
                n *= d;
            }
            return n;
        }

        @Override
        public String toString() {
            return name + " " + kind + " " + Shapes.toString(shape);
        }
    }

    /**
     * The optimiser's stored state.
     *
     * @param momentum            SGD momentum
     * @param weightDecay         SGD weight decay
     * @param iteration           updates performed
     * @param scheduleClass       the learning-rate schedule's class name
     * @param scheduleDescription its {@code describe()} when saved
     * @param scheduleState       its {@code state()}
     * @param velocities          the momentum buffers' names and shapes
     */
    public record OptimizerState(float momentum, float weightDecay, long iteration, String scheduleClass,
            String scheduleDescription, double[] scheduleState, List<TensorEntry> velocities) {
        public OptimizerState {
            scheduleState = scheduleState.clone();
            velocities = List.copyOf(velocities);
        }

        @Override
        public double[] scheduleState() {
            return scheduleState.clone();
        }
    }
}
