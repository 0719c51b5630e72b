package io.github.alexnetjava.cuda;

/**
 * What happened to one tier at start-up.
 *
 * @param tier           the tier
 * @param state          loaded, switched off, or failed
 * @param detail         what loaded (versions) or why not
 * @param missingLibrary the shared library that could not be found, or null
 */
public record TierStatus(Tier tier, State state, String detail, String missingLibrary) {

    public enum State { LOADED, DISABLED, FAILED }

    public boolean loaded() {
        return state == State.LOADED;
    }

    /** The one log line for this tier. */
    public String logLine() {
        return switch (state) {
            case LOADED -> "CUDA " + tier.label() + ": loaded, " + detail;
            case DISABLED -> "CUDA " + tier.label() + ": switched off (" + detail + ")";
            case FAILED -> "CUDA " + tier.label() + ": not loaded, " + detail
                    + (missingLibrary != null ? " [missing " + missingLibrary + "]" : "");
        };
    }
}
