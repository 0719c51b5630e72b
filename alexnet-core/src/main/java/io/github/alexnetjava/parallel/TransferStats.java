package io.github.alexnetjava.parallel;

import java.util.Map;

/**
 * What crossed devices during one step (or since the last reset).
 *
 * @param forwardBytes  activations copied between devices in the forward pass
 * @param backwardBytes gradients copied between devices in the backward pass
 * @param inputBytes    the image batch copied to devices that did not hold it (not part of the exchange: a
 *                      single-device network loads its batch too)
 * @param copies        cross-device copies
 * @param transferNanos time spent in cross-device copies, summed over the device threads that ran them (they
 *                      overlap, so this is device time, not wall time)
 * @param bytesByEdge   exchange bytes per edge, e.g. {@code "conv3 forward"}
 */
public record TransferStats(long forwardBytes, long backwardBytes, long inputBytes, long copies,
                            long transferNanos, Map<String, Long> bytesByEdge) {

    /** Bytes exchanged between the towers (forward plus backward), without the input batch. */
    public long exchangeBytes() {
        return forwardBytes + backwardBytes;
    }

    public double transferMillis() {
        return transferNanos / 1e6;
    }
}
