package io.github.alexnetjava.cuda;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** -Dalexnet.cuda.deviceMap: logical devices onto GPUs (no GPU needed). */
class DeviceMapTest {
    @Test
    void withoutAMapLogicalIsPhysical() {
        assertEquals(3, CudaBackend.physicalDevice(3, null));
        assertEquals(1, CudaBackend.physicalDevice(1, " "));
    }

    @Test
    void aMapSendsBothTowersToOneGpu() {
        assertEquals(0, CudaBackend.physicalDevice(0, "0,0"));
        assertEquals(0, CudaBackend.physicalDevice(1, "0, 0"));
        assertEquals(2, CudaBackend.physicalDevice(1, "1,2"));
    }

    @Test
    void badMapsNameTheProblem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CudaBackend.physicalDevice(2, "0,0"));
        assertTrue(e.getMessage().contains("maps 2 logical device(s); device 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CudaBackend.physicalDevice(1, "0,x"));
        assertTrue(e.getMessage().contains("'x' is not a GPU index"), e.getMessage());
    }
}
