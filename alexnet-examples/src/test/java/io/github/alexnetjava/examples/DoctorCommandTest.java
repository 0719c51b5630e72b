package io.github.alexnetjava.examples;

import io.github.alexnetjava.cuda.CudaProbe;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DoctorCommandTest {

    @Test
    void doctorReportsCleanlyWithOrWithoutADriver() {
        AlexNetCliTest.Run r = AlexNetCliTest.run("doctor");
        String why = CudaProbe.get().unavailableReason();
        assertEquals(why == null ? 0 : 1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("tier 1 (own kernels)"), r.out());
        assertTrue(r.out().contains("tier 2 (cuBLAS)"), r.out());
        assertTrue(r.out().contains("tier 3 (cuDNN)"), r.out());
        if (why != null) {
            assertTrue(r.out().contains("NOT available"), r.out());
            assertTrue(r.out().contains("backend 'cuda': not usable here"), r.out());
        }
        assertTrue(r.err().isBlank() || !r.err().contains("Exception"), r.err());
    }

    @Test
    void cudaBackendIsFoundButExplainsWhyItCannotRun() {
        AlexNetCliTest.Run r = AlexNetCliTest.run("bench", "--backend", "cuda", "--model", "alexnet-small",
                "--batch", "2", "--iters", "1", "--warmup", "0");
        if (CudaProbe.get().unavailableReason() != null) {
            assertEquals(2, r.code(), r.out() + r.err());
            assertTrue(r.err().contains("cannot run here"), r.err());
            assertTrue(!r.err().contains("unknown backend"), r.err());
        } else {
            assertEquals(0, r.code(), r.out() + r.err());
        }
    }
}
