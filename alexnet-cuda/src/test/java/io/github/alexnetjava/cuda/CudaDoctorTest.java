package io.github.alexnetjava.cuda;

import io.github.alexnetjava.backend.BackendProvider;
import io.github.alexnetjava.backend.Backends;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The doctor's report and the provider's reason, both without a GPU (stubbed probe) and on this machine. */
class CudaDoctorTest {

    @Test
    void noDriverReportNamesTheMissingLibrariesAndHowToInstallThem() {
        CudaProbe.Report probe = new CudaProbe.Report("no CUDA driver: libcuda.so.1 could not be loaded",
                "libcuda.so.1", 0, List.of(), null);
        StringWriter sw = new StringWriter();
        int code = CudaDoctor.report(new PrintWriter(sw), probe,
                new CudaDoctor.LibraryCheck(false, "UnsatisfiedLinkError", "libcublas.so.12"),
                new CudaDoctor.LibraryCheck(false, "UnsatisfiedLinkError", "libcudnn.so.9"));
        String out = sw.toString();
        assertEquals(1, code);
        assertTrue(out.contains("NVIDIA driver:    not found"), out);
        assertTrue(out.contains("GPUs:             none"), out);
        assertTrue(out.contains("tier 1 (own kernels): NOT available: no CUDA driver: libcuda.so.1"), out);
        assertTrue(out.contains("missing libcublas.so.12"), out);
        assertTrue(out.contains("missing libcudnn.so.9"), out);
        assertTrue(out.contains("CUDA 12 systems") && out.contains("CUDA 13 systems"), out);
        assertTrue(out.contains("nvidia-cudnn-cu13"), out);
    }

    @Test
    void workingMachineReportsGpusAndExitsZero() {
        CudaProbe.Report probe = new CudaProbe.Report(null, null, 13000,
                List.of(new CudaProbe.Device(0, "NVIDIA H100 80GB HBM3", 9, 0, 85L << 30, 132)), null);
        StringWriter sw = new StringWriter();
        int code = CudaDoctor.report(new PrintWriter(sw), probe, new CudaDoctor.LibraryCheck(true, null, null),
                new CudaDoctor.LibraryCheck(false, "UnsatisfiedLinkError", "libcudnn.so.9"));
        String out = sw.toString();
        assertEquals(0, code, out);
        assertTrue(out.contains("supports CUDA 13.0"), out);
        assertTrue(out.contains("GPU 0: NVIDIA H100 80GB HBM3, sm_90"), out);
        assertTrue(out.contains("tier 2 (cuBLAS): available"), out);
        assertTrue(out.contains("tier 3 (cuDNN): NOT available: missing libcudnn.so.9"), out);
    }

    @Test
    void realReportNeverThrows() {
        StringWriter sw = new StringWriter();
        int code = CudaDoctor.report(new PrintWriter(sw));
        String out = sw.toString();
        System.out.println(out);
        assertTrue(code == 0 || code == 1);
        assertTrue(out.contains("tier 1 (own kernels)"), out);
        assertEquals(code == 0, CudaProbe.get().unavailableReason() == null);
    }

    @Test
    void providerIsRegisteredAndExplainsWhyItCannotRun() {
        BackendProvider cuda = Backends.providers().stream().filter(p -> p.name().equals("cuda")).findFirst()
                .orElseThrow();
        String why = cuda.unavailableReason();
        System.out.println("[cuda] unavailableReason: " + why);
        if (why != null) {
            assertTrue(why.length() > 20, why);
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> Backends.create("cuda"));
            assertTrue(e.getMessage().contains(why), e.getMessage());
        } else {
            assertNotNull(cuda.create(io.github.alexnetjava.backend.BackendOptions.defaults()));
        }
    }
}
