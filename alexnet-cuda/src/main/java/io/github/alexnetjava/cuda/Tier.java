package io.github.alexnetjava.cuda;

/** The three tiers of the CUDA backend, in the order they are loaded. */
public enum Tier {
    /** Own kernels through the driver API: needs only libcuda.so.1. Always on: the glue ops have no library form. */
    KERNELS("tier 1 (own kernels)", null, "libcuda.so.1"),
    /** cuBLAS SGEMM (JCublas 12.6): needs libcublas.so.12. */
    CUBLAS("tier 2 (cuBLAS)", "alexnet.cuda.cublas", "libcublas.so.12"),
    /** cuDNN convolution, LRN and pooling (JCudnn 11.7 API, 12.6 natives): needs libcudnn.so.9. */
    CUDNN("tier 3 (cuDNN)", "alexnet.cuda.cudnn", "libcudnn.so.9");

    private final String label;
    private final String property;
    private final String library;

    Tier(String label, String property, String library) {
        this.label = label;
        this.property = property;
        this.library = library;
    }

    public String label() {
        return label;
    }

    /** The system property that switches the tier off ({@code =false}), or null if it cannot be. */
    public String property() {
        return property;
    }

    /** The shared library the tier needs. */
    public String library() {
        return library;
    }
}
