package io.github.alexnetjava.parallel;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The analytic count of bytes the two towers exchange, written from the topology alone (independently of the
 * model code, so a test can hold the counted bytes against it). float32, per image; a step moves {@code batch}
 * times this. With {@code h_i} the spatial size and {@code M_i} the maps (both towers) of layer i's output:
 * <pre>
 *   edge (reader)       forward bytes / image            when
 *   conv2 (pool1)       2 * (M1/2) * h_pool1^2 * 4       EVERY_LAYER
 *   conv3 (pool2)       2 * (M2/2) * h_pool2^2 * 4       PAPER, EVERY_LAYER
 *   conv4 (conv3)       2 * (M3/2) * h_conv3^2 * 4       EVERY_LAYER
 *   conv5 (conv4)       2 * (M4/2) * h_conv4^2 * 4       EVERY_LAYER
 *   fc6   (pool5)       2 * (M5/2) * h_pool5^2 * 4       always
 *   fc7   (fc6)         2 * (H/2) * 4                    always
 *   fc8   (fc7)         1 * (H/2) * 4                    always (device 1 to device 0 only)
 * </pre>
 * An edge both towers read moves each tower's half to the other (factor 2); fc8 and the loss sit on device 0, so
 * only device 1's half of fc7 moves. Backward moves the same bytes back (the gradient of each half read by the
 * other device). Input copies of the image batch are not included.
 */
public final class ExchangeCount {
    private ExchangeCount() {
    }

    /** Forward bytes per image for each edge that exchanges, keyed by the reading layer (e.g. {@code conv3}). */
    public static Map<String, Long> forwardBytesPerImageByEdge(TowerConfig cfg, Connectivity c) {
        int[] h = cfg.spatial(); // conv1, pool1, conv2, pool2, conv3, conv4, conv5, pool5
        int[] m = cfg.maps();
        Map<String, Long> e = new LinkedHashMap<>();
        long[] perTower = {
            0,
            0,
            (long) (m[0] / 2) * h[1] * h[1],
            (long) (m[1] / 2) * h[3] * h[3],
            (long) (m[2] / 2) * h[4] * h[4],
            (long) (m[3] / 2) * h[5] * h[5],
        };
        for (int i = 2; i <= 5; i++) {
            if (c.readsBothTowers(i)) {
                e.put("conv" + i, 2 * perTower[i] * 4);
            }
        }
        e.put("fc6", 2L * (m[4] / 2) * h[7] * h[7] * 4);
        e.put("fc7", 2L * (cfg.hidden() / 2) * 4);
        e.put("fc8", 1L * (cfg.hidden() / 2) * 4);
        return e;
    }

    /** Forward bytes per image, all edges. */
    public static long forwardBytesPerImage(TowerConfig cfg, Connectivity c) {
        long s = 0;
        for (long v : forwardBytesPerImageByEdge(cfg, c).values()) {
            s += v;
        }
        return s;
    }

    /** Bytes per training step (forward and backward) for a batch. */
    public static long trainingBytesPerStep(TowerConfig cfg, Connectivity c, int batch) {
        return 2L * batch * forwardBytesPerImage(cfg, c);
    }

    /** Bytes per inference batch (forward only). */
    public static long inferenceBytesPerBatch(TowerConfig cfg, Connectivity c, int batch) {
        return (long) batch * forwardBytesPerImage(cfg, c);
    }
}
