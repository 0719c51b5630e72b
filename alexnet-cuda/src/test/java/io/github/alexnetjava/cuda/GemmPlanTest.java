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
        // conv3 forward at batch 128: 507 tiles of 128 are 3.84 waves on 132 multiprocessors; splitting K cannot
        // fill the last wave better (2, 3, 4 slices: 7.7, 11.5, 15.4 waves).
        assertEquals(new GemmPlan(128, false, 1, 2304), plan(384, 169 * 128, 2304));
        assertEquals("sgemm_128_nn", plan(384, 169 * 128, 2304).kernel(false, false));
    }

    @Test
    void weightGradientsSplitTheirLongK() {
        // conv2 backward-filter: 1 x 10 tiles; 13 slices give 130 blocks, one wave (cost 1/13 + reduction);
        // 12 slices cost 1/12, 14 need two waves.
        GemmPlan p = plan(128, 1200, 729 * 128);
        assertEquals(128, p.tile());
        assertEquals(13, p.split());
        assertEquals(7184, p.kChunk()); // ceil(93312 / 13) = 7178, rounded up to whole steps of 8
        assertTrue((long) p.split() * p.kChunk() >= 729 * 128 && (long) (p.split() - 1) * p.kChunk() < 729 * 128);
        // With two blocks per multiprocessor there are 264 slots: 26 slices, still one wave.
        assertEquals(26, GemmPlan.choose(128, 1200, 729 * 128, SMS, 0, 0, true).split());
        // fc6 forward at batch 128: 32 tiles; 4 slices (one wave, 0.25 + 0.009 + 0.02) beat 8 (two waves,
        // 0.25 + 0.017 + 0.02).
        assertEquals(new GemmPlan(128, false, 4, 2304), plan(128, 4096, 9216));
    }

    @Test
    void aMostlyEmptyLastWaveIsFilledBySplitting() {
        // conv5 forward at batch 128: 169 tiles in 264 two-block slots is one wave 64% full; 3 slices of 576
        // make 507 blocks in two waves 96% full (cost 2/3 + 0.035 + 0.02 against 1).
        GemmPlan p = GemmPlan.choose(128, 169 * 128, 1728, SMS, 0, 0, true);
        assertEquals(3, p.split());
        assertEquals(576, p.kChunk());
        assertEquals("sgemm_128x2_nn", p.kernel(false, false));
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
