package io.github.alexnetjava.cuda;

import java.io.PrintWriter;
import java.util.Properties;

/**
 * The diagnostics behind {@code alexnet doctor}: driver version, GPUs, which tier loads and, for each that does
 * not, the missing library and how to install it on CUDA 12 and CUDA 13 systems. Never throws.
 */
public final class CudaDoctor {
    private CudaDoctor() {
    }

    /** Result of trying to load one JCuda library binding. */
    record LibraryCheck(boolean loaded, String problem, String missingLibrary) {
    }

    /**
     * Prints the report.
     *
     * @return 0 when the CUDA backend can run here (tier 1 loads), 1 when it cannot
     */
    public static int report(PrintWriter out) {
        return report(out, CudaProbe.get(), check(Tier.CUBLAS), check(Tier.CUDNN));
    }

    static int report(PrintWriter out, CudaProbe.Report probe, LibraryCheck cublas, LibraryCheck cudnn) {
        Properties build = Kernels.manifest("gemm");
        out.println("alexnet doctor: CUDA backend");
        out.println("  JCuda bindings:   jcuda/jcublas 12.6.0, jcudnn 11.7.0 API with 12.6.0 natives");
        out.println("  kernels:          built by nvcc " + build.getProperty("nvcc.version", "?")
                + ": SASS sm_75 sm_80 sm_86 sm_89 sm_90, PTX compute_90 (ISA 9.0: JIT needs an R580+ driver)");
        if (probe.driverProblem() != null && probe.driverVersion() == 0) {
            out.println("  NVIDIA driver:    not found");
        } else {
            out.println("  NVIDIA driver:    supports CUDA " + probe.driverVersionString());
        }
        if (probe.devices().isEmpty()) {
            out.println("  GPUs:             none");
        } else {
            for (CudaProbe.Device d : probe.devices()) {
                out.println("  " + d);
            }
        }
        boolean ok = probe.unavailableReason() == null;
        out.println();
        if (ok) {
            out.println("  " + Tier.KERNELS.label() + ": available (" + Tier.KERNELS.library() + " loaded, kernels"
                    + " load on GPU 0)");
        } else {
            out.println("  " + Tier.KERNELS.label() + ": NOT available: " + probe.unavailableReason());
            out.println("      needs " + Tier.KERNELS.library() + " from the NVIDIA driver. Install: "
                    + hint(Tier.KERNELS));
        }
        line(out, Tier.CUBLAS, cublas);
        line(out, Tier.CUDNN, cudnn);
        out.println();
        if (ok) {
            out.println("  backend 'cuda': usable (select with --backend cuda or -Dalexnet.backend=cuda)");
        } else {
            out.println("  backend 'cuda': not usable here; the cpu backend still works. (exit code 1)");
        }
        out.flush();
        return ok ? 0 : 1;
    }

    private static void line(PrintWriter out, Tier tier, LibraryCheck c) {
        if (c.loaded()) {
            out.println("  " + tier.label() + ": available (" + tier.library() + " loaded)");
            return;
        }
        String lib = c.missingLibrary() != null ? c.missingLibrary() : tier.library();
        out.println("  " + tier.label() + ": NOT available: missing " + lib + " (" + c.problem() + ")");
        out.println("      " + hint(tier));
    }

    /** How to get the tier's library on CUDA 12 and CUDA 13 systems. */
    static String hint(Tier tier) {
        return switch (tier) {
            case KERNELS -> "the NVIDIA driver (R580+ for the shipped kernels' PTX; R525+ runs the SASS-only"
                    + " fallback if rebuilt with a CUDA 12 nvcc), e.g. `sudo apt install nvidia-driver-580`"
                    + " or NVIDIA's .run installer; in containers use the NVIDIA Container Toolkit (--gpus all).";
            case CUBLAS -> "CUDA 12 systems: `sudo apt install libcublas-12-6` (NVIDIA CUDA repo) or"
                    + " `pip install nvidia-cublas-cu12` and add .../site-packages/nvidia/cublas/lib to"
                    + " LD_LIBRARY_PATH. CUDA 13 systems ship libcublas.so.13, which JCublas 12.6 cannot load"
                    + " under its name: install the CUDA 12 cuBLAS next to it the same way (a CUDA 13 driver"
                    + " runs CUDA 12 libraries), or build the forwarding libcublas.so.12 of alexnet-java's"
                    + " alexnet-cuda/compat/cublas12 (build.sh DIR; gcc only) and add DIR to LD_LIBRARY_PATH."
                    + " Without it GEMM uses the own kernels.";
            case CUDNN -> "CUDA 12 systems: `sudo apt install libcudnn9-cuda-12` or `pip install"
                    + " nvidia-cudnn-cu12`; CUDA 13 systems: `sudo apt install libcudnn9-cuda-13` or `pip install"
                    + " nvidia-cudnn-cu13`; add the directory with libcudnn.so.9 (pip:"
                    + " .../site-packages/nvidia/cudnn/lib) to LD_LIBRARY_PATH. Without it convolution, LRN"
                    + " and pooling use the own kernels.";
        };
    }

    /** Tries to load the JCuda binding of a library tier (its native library and the CUDA library it links). */
    static LibraryCheck check(Tier tier) {
        try {
            switch (tier) {
                case CUBLAS -> jcuda.jcublas.JCublas2.setExceptionsEnabled(false);
                case CUDNN -> {
                    jcuda.jcudnn.JCudnn.setExceptionsEnabled(false);
                    long v = jcuda.jcudnn.JCudnn.cudnnGetVersion();
                    if (v < 9000) {
                        return new LibraryCheck(false, "cuDNN " + v + " is older than 9", "libcudnn.so.9");
                    }
                }
                default -> jcuda.driver.JCudaDriver.setExceptionsEnabled(false);
            }
            return new LibraryCheck(true, null, null);
        } catch (Throwable t) {
            if (t instanceof VirtualMachineError vme && !(t instanceof OutOfMemoryError)) {
                throw vme;
            }
            String lib = TierSelector.missingLibrary(t);
            return new LibraryCheck(false, TierSelector.describe(t), lib != null ? lib : tier.library());
        }
    }
}
