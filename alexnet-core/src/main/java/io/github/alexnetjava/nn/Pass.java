package io.github.alexnetjava.nn;

/**
 * What a forward pass is for. Training passes carry the seed and step that key the counter-based dropout RNG,
 * so masks are reproducible and independent of threads or devices.
 */
public record Pass(boolean training, long seed, long step) {
    private static final Pass INFERENCE = new Pass(false, 0L, 0L);

    public static Pass inference() {
        return INFERENCE;
    }

    public static Pass training(long seed, long step) {
        return new Pass(true, seed, step);
    }
}
