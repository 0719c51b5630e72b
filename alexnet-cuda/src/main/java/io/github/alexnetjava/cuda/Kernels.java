package io.github.alexnetjava.cuda;

import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Tier 1: the fatbins compiled from src/main/cuda (SASS for sm_75, sm_80, sm_86, sm_89, sm_90 and PTX for
 * compute_90), loaded into the current context with cuModuleLoadData; the driver picks the SASS for the GPU or
 * JIT-compiles the PTX.
 */
final class Kernels implements AutoCloseable, TierSelector.Described {
    static final String RESOURCE_DIR = "/io/github/alexnetjava/cuda/kernels/";

    /** Every module and the kernels the backend looks up in it (all must exist). */
    static final Map<String, List<String>> FUNCTIONS = new LinkedHashMap<>();

    static {
        FUNCTIONS.put("gemm", List.of("sgemm_128_nn", "sgemm_128_nt", "sgemm_128_tn", "sgemm_128_tt",
                "sgemm_128x2_nn", "sgemm_128x2_nt", "sgemm_128x2_tn", "sgemm_128x2_tt",
                "sgemm_64_nn", "sgemm_64_nt", "sgemm_64_tn", "sgemm_64_tt", "sgemm_splitk_reduce"));
        FUNCTIONS.put("conv", List.of("im2col_batched", "col2im_batched", "scatter_output", "gather_output"));
        FUNCTIONS.put("elementwise", List.of("fill_f32", "axpy_f32", "relu_forward", "relu_backward", "bias_add",
                "bias_grad", "dropout_f32", "sgd_update", "all_finite"));
        FUNCTIONS.put("lrn", List.of("lrn_forward", "lrn_backward"));
        FUNCTIONS.put("pool", List.of("maxpool_forward", "maxpool_backward"));
        FUNCTIONS.put("softmax", List.of("softmax_xent"));
    }

    private final List<CUmodule> modules = new ArrayList<>();
    private final Map<String, CUfunction> functions = new LinkedHashMap<>();
    private final String source;

    /** Loads every module into the current context; on failure unloads what was loaded and throws. */
    Kernels(String kernelDir) {
        try {
            for (Map.Entry<String, List<String>> e : FUNCTIONS.entrySet()) {
                String name = e.getKey();
                byte[] image = image(name, kernelDir);
                CUmodule m = new CUmodule();
                CudaCheck.driver(JCudaDriver.cuModuleLoadData(m, image), "cuModuleLoadData(" + name + ".fatbin)");
                modules.add(m);
                for (String f : e.getValue()) {
                    CUfunction fn = new CUfunction();
                    CudaCheck.driver(JCudaDriver.cuModuleGetFunction(fn, m, f),
                            "cuModuleGetFunction(" + name + "." + f + ")");
                    functions.put(f, fn);
                }
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        this.source = kernelDir != null ? "fatbins from " + kernelDir + " (else the jar)" : "fatbins from the jar";
    }

    CUfunction get(String name) {
        CUfunction f = functions.get(name);
        if (f == null) {
            throw new IllegalArgumentException("no CUDA kernel named " + name);
        }
        return f;
    }

    int count() {
        return functions.size();
    }

    @Override
    public String describe() {
        Properties p = manifest("gemm");
        return modules.size() + " modules, " + functions.size() + " kernels, " + source + " (nvcc "
                + p.getProperty("nvcc.version", "?") + ")";
    }

    static byte[] image(String module, String kernelDir) {
        if (kernelDir != null) {
            Path f = Path.of(kernelDir, module + ".fatbin");
            if (Files.isRegularFile(f)) {
                try {
                    return Files.readAllBytes(f);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + f, e);
                }
            }
        }
        try (InputStream in = Kernels.class.getResourceAsStream(RESOURCE_DIR + module + ".fatbin")) {
            if (in == null) {
                throw new IllegalStateException("kernel image " + RESOURCE_DIR + module + ".fatbin missing from"
                        + " the class path (the alexnet-cuda jar is incomplete)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The build record next to a fatbin (source hashes, nvcc version, flags); empty if absent. */
    static Properties manifest(String module) {
        Properties p = new Properties();
        try (InputStream in = Kernels.class.getResourceAsStream(RESOURCE_DIR + module + ".properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // empty
        }
        return p;
    }

    @Override
    public void close() {
        for (CUmodule m : modules) {
            JCudaDriver.cuModuleUnload(m);
        }
        modules.clear();
        functions.clear();
    }
}
