package io.github.alexnetjava.backend.cpu.vector;

import jdk.incubator.vector.FloatVector;

/** Touches the Vector API; loaded only after the module is known to be present. */
final class VectorProbe {
    private VectorProbe() {
    }

    static int preferredBits() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }

    static int preferredLanes() {
        return FloatVector.SPECIES_PREFERRED.length();
    }
}
