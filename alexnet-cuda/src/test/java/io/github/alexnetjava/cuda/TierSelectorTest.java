package io.github.alexnetjava.cuda;

import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tier selection with stub loaders: loaded, switched off, failing with a missing library or a CUDA error. */
class TierSelectorTest {

    record Stub(String text) implements TierSelector.Described {
        @Override
        public String describe() {
            return text;
        }
    }

    @Test
    void loadedTierDescribesItself() {
        TierSelector.Result<Stub> r = TierSelector.load(Tier.CUBLAS, true, () -> new Stub("cuBLAS 120604"));
        assertTrue(r.status().loaded());
        assertEquals("CUDA tier 2 (cuBLAS): loaded, cuBLAS 120604", r.status().logLine());
    }

    @Test
    void switchedOffTierIsNotLoadedAndNamesTheProperty() {
        boolean[] called = {false};
        TierSelector.Result<Stub> r = TierSelector.load(Tier.CUDNN, false, () -> {
            called[0] = true;
            return new Stub("x");
        });
        assertFalse(called[0]);
        assertNull(r.value());
        assertEquals(TierStatus.State.DISABLED, r.status().state());
        assertTrue(r.status().logLine().contains("-Dalexnet.cuda.cudnn=false"), r.status().logLine());
    }

    @Test
    void missingNativeLibraryFallsBackAndNamesTheLibrary() {
        TierSelector.Result<Stub> r = TierSelector.load(Tier.CUBLAS, true, () -> {
            throw new UnsatisfiedLinkError("Error while loading native library \"JCublas2-12.6.0-linux-x86_64\"\n"
                    + "Operating system error: /tmp/libJCublas2-12.6.0-linux-x86_64.so: libcublas.so.12: cannot open"
                    + " shared object file: No such file or directory");
        });
        assertNull(r.value());
        assertEquals(TierStatus.State.FAILED, r.status().state());
        assertEquals("libcublas.so.12", r.status().missingLibrary());
        String line = r.status().logLine();
        assertTrue(line.contains("GEMM falls back to the own SGEMM kernels"), line);
        assertTrue(line.contains("[missing libcublas.so.12]"), line);
    }

    @Test
    void failingLibraryCallFallsBackWithTheCallAndStatus() {
        TierSelector.Result<Stub> r = TierSelector.load(Tier.CUDNN, true, () -> {
            throw new CudaException("cudnnCreate", 1001, "CUDNN_STATUS_NOT_INITIALIZED");
        });
        assertEquals(TierStatus.State.FAILED, r.status().state());
        assertNull(r.status().missingLibrary());
        assertTrue(r.status().detail().contains("cudnnCreate failed: CUDNN_STATUS_NOT_INITIALIZED (1001)"),
                r.status().detail());
        assertTrue(r.status().detail().contains("fall back to the own kernels"), r.status().detail());
    }

    @Test
    void configFromProperties() {
        Properties p = new Properties();
        assertEquals(CudaConfig.defaults(), CudaConfig.from(p));
        p.setProperty("alexnet.cuda.cublas", "false");
        p.setProperty("alexnet.cuda.tf32", "true");
        CudaConfig c = CudaConfig.from(p);
        assertFalse(c.cublas());
        assertTrue(c.cudnn());
        assertTrue(c.tf32());
        assertTrue(c.wants(Tier.KERNELS), "tier 1 cannot be switched off");
        p.setProperty("alexnet.cuda.cudnn", "maybe");
        assertThrows(IllegalArgumentException.class, () -> CudaConfig.from(p));
    }

    @Test
    void missingLibraryIgnoresJcudaWrappers() {
        assertEquals("libcudnn.so.9", TierSelector.missingLibrary(new UnsatisfiedLinkError(
                "libJCudnn-12.6.0-linux-x86_64.so: libcudnn.so.9: cannot open shared object file")));
        assertNull(TierSelector.missingLibrary(new RuntimeException("libJCudaDriver-12.6.0-linux-x86_64.so")));
    }
}
