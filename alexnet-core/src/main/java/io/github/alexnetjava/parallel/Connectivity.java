package io.github.alexnetjava.parallel;

/**
 * Which convolutional layers of the two-tower network read the maps of both towers (and therefore need an
 * exchange between the devices before they run). The paper chose its pattern "by cross-validation" to balance
 * communication against compute (section 3.2); the alternatives are offered to measure that trade-off. The fully
 * connected layers always read everything (fc6 all of pool5, fc7 all of fc6, fc8 all of fc7).
 *
 * <p>Each pattern has a single-device equivalent ({@link TowerConfig#singleDevice}): a conv layer that reads both
 * towers is an ungrouped convolution, one that reads only its own tower is a convolution with 2 groups; both LRN
 * layers always normalise within each tower's maps (2 groups).
 */
public enum Connectivity {
    /** The paper's: conv3 reads both towers; conv2, conv4, conv5 only their own (groups 2 on one device). */
    PAPER(false, true, false, false),
    /** An exchange before every layer after conv1: conv2..conv5 all ungrouped on one device. */
    EVERY_LAYER(true, true, true, true),
    /** Independent columns until fc6: conv2..conv5 all grouped (2 groups) on one device. */
    INDEPENDENT_UNTIL_FC6(false, false, false, false);

    private final boolean[] cross;

    Connectivity(boolean conv2, boolean conv3, boolean conv4, boolean conv5) {
        this.cross = new boolean[] {false, false, conv2, conv3, conv4, conv5};
    }

    /**
     * True when conv layer {@code conv} (1..5) reads the maps of both towers. conv1 reads the image, which every
     * tower holds whole, so it is never an exchange.
     */
    public boolean readsBothTowers(int conv) {
        if (conv < 1 || conv > 5) {
            throw new IllegalArgumentException("conv layer index must be 1..5, got " + conv);
        }
        return cross[conv];
    }

    /** The group count of conv layer {@code conv} (1..5) in the single-device equivalent. */
    public int singleDeviceGroups(int conv) {
        return conv == 1 || readsBothTowers(conv) ? 1 : 2;
    }

    /** Parses {@code paper}, {@code every-layer} or {@code independent-until-fc6} (case and -/_ insensitive). */
    public static Connectivity parse(String s) {
        String k = s.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
        for (Connectivity c : values()) {
            if (c.name().equals(k)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown connectivity '" + s
                + "'; choose paper, every-layer or independent-until-fc6");
    }

    /** {@code paper}, {@code every-layer} or {@code independent-until-fc6}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
