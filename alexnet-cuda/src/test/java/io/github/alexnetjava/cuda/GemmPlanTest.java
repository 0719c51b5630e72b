package io.github.alexnetjava.cuda;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The own SGEMM's launch plan at AlexNet's shapes on a 132-multiprocessor GPU (H100/H200); no GPU needed. */
class GemmPlanTest {
    static final int SMS = 132;

    static GemmPlan plan(int m, int n, int k) {
        return GemmPlan.choose(m, n, k, SMS, 0, 0, false);
    }

    @Test
    void largeProductsUse128TilesUnsplit() {
        // conv3 forward at batch 128: 3 x 169 tiles of 128 fill 132 multiprocessors.
        assertEquals(new GemmPlan(128, false, 1, 2304), plan(384, 169 * 128, 2304));
        assertEquals("sgemm_128_nn", plan(384, 169 * 128, 2304).kernel(false, false));
    }

    @Test
    void weightGradientsSplitTheirLongK() {
        // conv2 backward-filter: 1 x 10 tiles; 27 slices of 3456 give 270 blocks.
        GemmPlan p = plan(128, 1200, 729 * 128);
        assertEquals(128, p.tile());
        assertEquals(27, p.split());
        assertEquals(3456, p.kChunk());
        assertTrue((long) p.split() * p.kChunk() >= 729 * 128 && (long) (p.split() - 1) * p.kChunk() < 729 * 128);
        // fc6 forward at batch 128: 32 tiles, 9 slices of 1024.
        assertEquals(new GemmPlan(128, false, 9, 1024), plan(128, 4096, 9216));
    }

    @Test
    void tooFewTilesEvenSplitFallBackTo64Tiles() {
        // fc8 forward: 8 tiles of 128 and at most 8 slices of 512 is 64 blocks; 32 tiles of 64 x 8 = 256.
        GemmPlan p = plan(128, 1000, 4096);
        assertEquals(64, p.tile());
        assertEquals(8, p.split());
        assertEquals("sgemm_64_nt", p.kernel(false, true));
        assertEquals(64, p.threads());
    }

    @Test
    void shortKIsNeverSplit() {
        assertEquals(1, plan(10, 10, 100).split());
        assertEquals(1, plan(4096, 9216, 128).split()); // fc6 weight gradient: K = batch
        assertEquals(1, plan(1, 1, 0).split());
    }

    @Test
    void overridesForMeasurements() {
        GemmPlan p = GemmPlan.choose(384, 21632, 2304, SMS, 3, 0, true);
        assertEquals(3, p.split());
        assertEquals(768, p.kChunk());
        assertTrue(p.twoBlocks());
        assertEquals("sgemm_128x2_tn", p.kernel(true, false));
        GemmPlan q = GemmPlan.choose(384, 21632, 2304, SMS, 0, 64, true);
        assertEquals(64, q.tile());
        assertFalse(q.twoBlocks()); // the two-block variant exists for 128 tiles only
        // A forced split larger than K's 8-steps allow is reduced to non-empty slices.
        GemmPlan r = GemmPlan.choose(64, 64, 20, SMS, 16, 0, false);
        assertEquals(8, r.kChunk());
        assertEquals(3, r.split());
    }
}
