/**
 * The CUDA backend ({@code cuda}): {@link io.github.alexnetjava.cuda.CudaBackend} runs every op of the core SPI
 * on an NVIDIA GPU in three tiers detected at start-up: own kernels through the driver API (needs only
 * libcuda.so.1), cuBLAS SGEMM (libcublas.so.12) and cuDNN convolution, LRN and pooling (libcudnn.so.9).
 * See docs/cuda.md.
 */
package io.github.alexnetjava.cuda;
