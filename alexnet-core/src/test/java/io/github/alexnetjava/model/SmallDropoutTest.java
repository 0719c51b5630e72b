package io.github.alexnetjava.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.backend.Backends;
import io.github.alexnetjava.nn.Dropout;
import io.github.alexnetjava.nn.Network;
import org.junit.jupiter.api.Test;

class SmallDropoutTest {
    @Test
    void dropoutProbabilityIsAdjustableAndZeroRemovesTheLayers() {
        try (Backend b = Backends.create("cpu")) {
            Network paper = AlexNet.small(b, 1, 28, 10, 1);
            Network none = AlexNet.small(b, 1, 28, 10, 1, 0f);
            Network light = AlexNet.small(b, 1, 28, 10, 1, 0.2f);
            assertEquals(paper.parameterCount(), none.parameterCount());
            assertEquals(2, paper.layers().stream().filter(l -> l instanceof Dropout).count());
            assertTrue(paper.layers().stream().filter(l -> l instanceof Dropout)
                    .allMatch(l -> ((Dropout) l).probability() == 0.5f));
            assertEquals(0, none.layers().stream().filter(l -> l instanceof Dropout).count());
            assertTrue(light.layers().stream().filter(l -> l instanceof Dropout)
                    .allMatch(l -> ((Dropout) l).probability() == 0.2f));
            assertThrows(IllegalArgumentException.class, () -> AlexNet.small(b, 1, 28, 10, 1, 1f));
        }
    }
}
