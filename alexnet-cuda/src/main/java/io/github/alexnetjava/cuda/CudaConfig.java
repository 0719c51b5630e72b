package io.github.alexnetjava.cuda;

import java.util.Locale;
import java.util.Properties;

/**
 * Which optional tiers a backend may use, and numeric options.
 *
 * @param cublas    use cuBLAS for SGEMM when libcublas.so.12 loads ({@code -Dalexnet.cuda.cublas=false} switches it off)
 * @param cudnn     use cuDNN for convolution, LRN and pooling when libcudnn.so.9 loads ({@code -Dalexnet.cuda.cudnn=false})
 * @param tf32      allow TF32 tensor-core math in cuBLAS and cuDNN ({@code -Dalexnet.cuda.tf32=true}; off by
 *                  default: results then match fp32 to about 5e-3 instead of 1e-4)
 * @param kernelDir a directory with {@code <name>.fatbin} files that replace the ones in the jar (e.g. rebuilt
 *                  with an older nvcc for an older driver; {@code -Dalexnet.cuda.kernelDir}), or null
 */
public record CudaConfig(boolean cublas, boolean cudnn, boolean tf32, String kernelDir) {
    public static final String TF32_PROPERTY = "alexnet.cuda.tf32";
    public static final String KERNEL_DIR_PROPERTY = "alexnet.cuda.kernelDir";

    /** All tiers, fp32. */
    public static CudaConfig defaults() {
        return new CudaConfig(true, true, false, null);
    }

    /** Only the own kernels (tier 1). */
    public static CudaConfig kernelsOnly() {
        return new CudaConfig(false, false, false, null);
    }

    public static CudaConfig fromSystemProperties() {
        return from(System.getProperties());
    }

    /** Like {@link #fromSystemProperties()} but ignores malformed values (for diagnostics that must not throw). */
    static CudaConfig fromSystemPropertiesQuietly() {
        try {
            return fromSystemProperties();
        } catch (IllegalArgumentException e) {
            return defaults();
        }
    }

    public static CudaConfig from(Properties p) {
        return new CudaConfig(flag(p, Tier.CUBLAS.property(), true), flag(p, Tier.CUDNN.property(), true),
                flag(p, TF32_PROPERTY, false), blankToNull(p.getProperty(KERNEL_DIR_PROPERTY)));
    }

    public CudaConfig withCublas(boolean on) {
        return new CudaConfig(on, cudnn, tf32, kernelDir);
    }

    public CudaConfig withCudnn(boolean on) {
        return new CudaConfig(cublas, on, tf32, kernelDir);
    }

    public CudaConfig withTf32(boolean on) {
        return new CudaConfig(cublas, cudnn, on, kernelDir);
    }

    /** Whether the optional tier is wanted. */
    public boolean wants(Tier t) {
        return switch (t) {
            case KERNELS -> true;
            case CUBLAS -> cublas;
            case CUDNN -> cudnn;
        };
    }

    static boolean flag(Properties p, String key, boolean dflt) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "false", "0", "off", "no" -> false;
            case "true", "1", "on", "yes" -> true;
            default -> throw new IllegalArgumentException("-D" + key + "=" + v + ": expected true or false");
        };
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
