package io.github.alexnetjava.backend;

import io.github.alexnetjava.backend.cpu.CpuBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackendsTest {
    @AfterEach
    void clearProperty() {
        System.clearProperty(Backends.PROPERTY);
    }

    @Test
    void cpuIsFoundByServiceLoaderAndIsTheDefault() {
        assertTrue(Backends.providers().stream().anyMatch(p -> p.name().equals("cpu")));
        if (System.getenv(Backends.ENV) == null) {
            assertEquals("cpu", Backends.configuredName());
        }
        try (Backend b = Backends.create()) {
            assertInstanceOf(CpuBackend.class, b);
        }
    }

    @Test
    void systemPropertyChoosesTheBackend() {
        System.setProperty(Backends.PROPERTY, " CPU ");
        assertEquals("cpu", Backends.configuredName());
        System.setProperty(Backends.PROPERTY, "nope");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, Backends::create);
        assertTrue(e.getMessage().contains("unknown backend 'nope'") && e.getMessage().contains("[cpu"),
                e.getMessage());
    }

    @Test
    void threadCountIsConfigurable() {
        try (Backend b = Backends.create("cpu", new BackendOptions(3, 0))) {
            assertEquals(3, ((CpuBackend) b).threads());
        }
    }
}
