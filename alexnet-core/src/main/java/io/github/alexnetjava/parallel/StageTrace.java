package io.github.alexnetjava.parallel;

/**
 * One stage of one step as one device ran it, for checking that the towers overlap in time.
 *
 * @param stage  the stage's name, e.g. {@code conv3}
 * @param thread the name of the thread that ran it
 */
public record StageTrace(String stage, boolean forward, int device, String thread, long startNanos,
                         long endNanos) {

    /** True when the two intervals overlap. */
    public boolean overlaps(StageTrace o) {
        return startNanos < o.endNanos && o.startNanos < endNanos;
    }
}
