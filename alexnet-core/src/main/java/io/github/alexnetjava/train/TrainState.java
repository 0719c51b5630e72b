package io.github.alexnetjava.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a training run stands between two batches: the next (epoch, batch) to train and the running sums of the
 * epoch in progress. With the network's weights, the optimiser's state (both in the checkpoint) and the seed,
 * this is everything a resumed run needs to continue exactly as an uninterrupted one: the data loader's order,
 * augmentation and the dropout masks are all functions of (seed, epoch, batch, iteration).
 *
 * @param epoch        0-based epoch to continue with ({@code epochs} when training is finished)
 * @param batch        next batch of that epoch
 * @param lossSum      sum over the epoch's finished batches of (batch mean loss x batch size)
 * @param correct      top-1 hits in the epoch's training forward passes so far
 * @param seen         training examples of the epoch so far
 * @param skipped      unreadable training images skipped in the epoch so far
 * @param trainSeconds wall time spent in the epoch's training steps so far
 */
public record TrainState(int epoch, int batch, double lossSum, long correct, long seen, int skipped,
                         double trainSeconds) {

    /** The metadata keys' prefix. */
    public static final String PREFIX = "state.";

    /** The start of a fresh run. */
    public static TrainState start() {
        return new TrainState(0, 0, 0, 0, 0, 0, 0);
    }

    /** The start of epoch {@code e} with empty sums. */
    public static TrainState atEpoch(int e) {
        return new TrainState(e, 0, 0, 0, 0, 0, 0);
    }

    /** As checkpoint metadata; doubles are stored as exact bit patterns. */
    public Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(PREFIX + "epoch", Integer.toString(epoch));
        m.put(PREFIX + "batch", Integer.toString(batch));
        m.put(PREFIX + "loss_sum", Long.toHexString(Double.doubleToRawLongBits(lossSum)));
        m.put(PREFIX + "correct", Long.toString(correct));
        m.put(PREFIX + "seen", Long.toString(seen));
        m.put(PREFIX + "skipped", Integer.toString(skipped));
        m.put(PREFIX + "train_seconds", Double.toString(trainSeconds));
        return m;
    }

    /**
     * Reads {@link #toMetadata()}'s keys.
     *
     * @throws IllegalArgumentException naming the key if one is missing or malformed
     */
    public static TrainState fromMetadata(Map<String, String> m) {
        return new TrainState(Integer.parseInt(get(m, "epoch")), Integer.parseInt(get(m, "batch")),
                Double.longBitsToDouble(Long.parseUnsignedLong(get(m, "loss_sum"), 16)),
                Long.parseLong(get(m, "correct")), Long.parseLong(get(m, "seen")),
                Integer.parseInt(get(m, "skipped")), Double.parseDouble(get(m, "train_seconds")));
    }

    private static String get(Map<String, String> m, String key) {
        String v = m.get(PREFIX + key);
        if (v == null) {
            throw new IllegalArgumentException("checkpoint metadata has no '" + PREFIX + key
                    + "': it was not written by the trainer, so training cannot resume from it");
        }
        return v;
    }
}
