package io.github.alexnetjava.cuda;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SizeClassesTest {

    @Test
    void smallRequestsRoundTo512Bytes() {
        assertEquals(512, SizeClasses.round(0));
        assertEquals(512, SizeClasses.round(1));
        assertEquals(512, SizeClasses.round(512));
        assertEquals(1024, SizeClasses.round(513));
        assertEquals(1L << 20, SizeClasses.round((1L << 20) - 1));
        assertEquals(1L << 20, SizeClasses.round(1L << 20));
        assertTrue(SizeClasses.isSmall(1L << 20));
    }

    @Test
    void largeRequestsUseFourClassesPerOctaveAndAtMost25PercentWaste() {
        assertEquals(2L << 20, SizeClasses.round((1L << 20) + 1));
        assertEquals(4L << 20, SizeClasses.round((3L << 20) + 1)); // 2 MiB granule below 8 MiB
        assertEquals(10L << 20, SizeClasses.round((9L << 20))); // 8..16 MiB: steps of 2 MiB
        assertEquals(80L << 20, SizeClasses.round((64L << 20) + 1)); // 64..128 MiB: steps of 16 MiB
        long prev = 0;
        for (long b = 1; b < (1L << 34); b = b * 3 / 2 + 7) {
            long r = SizeClasses.round(b);
            assertTrue(r >= b, "round(" + b + ") = " + r);
            assertTrue(r >= prev, "monotone");
            if (b > (8L << 20)) {
                assertTrue(r <= b * 1.25 + 1, "waste of round(" + b + ") = " + r);
            }
            assertEquals(r, SizeClasses.round(r), "a class maps to itself");
            prev = r;
        }
    }
}
