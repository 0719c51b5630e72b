/*
 * libcublas.so.12 for machines that only have CUDA 13's libcublas.so.13.
 *
 * JCublas 12.6's native library links libcublas.so.12 with versioned symbols (cublasSgemm_v2@libcublas.so.12), so
 * CUDA 13's library cannot stand in for it under its own name. This small library takes that name and version
 * and forwards the calls alexnet-java's cuBLAS tier makes to libcublas.so.13 (found on LD_LIBRARY_PATH), whose v2
 * API keeps the same signatures for them. Any other cuBLAS function JCublas exposes stays unresolved: calling it
 * ends the process with a lookup error, so only use this library with alexnet-java's tier.
 *
 * Build: see build.sh (gcc, no CUDA headers needed).
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

typedef int cublasStatus_t;
typedef void *cublasHandle_t;
typedef void *cudaStream_t;

enum { CUBLAS_STATUS_NOT_INITIALIZED = 1 };

static void *cublas13;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void open_cublas13(void) {
    cublas13 = dlopen("libcublas.so.13", RTLD_NOW | RTLD_LOCAL);
    if (cublas13 == NULL) {
        fprintf(stderr, "cublas12-compat: cannot load libcublas.so.13: %s\n", dlerror());
    }
}

static void *resolve(const char *name) {
    pthread_once(&once, open_cublas13);
    if (cublas13 == NULL) {
        return NULL;
    }
    void *f = dlsym(cublas13, name);
    if (f == NULL) {
        fprintf(stderr, "cublas12-compat: libcublas.so.13 has no %s\n", name);
    }
    return f;
}

#define FORWARD(name, params, args)                                        \
    cublasStatus_t name params {                                           \
        static cublasStatus_t(*fn) params;                                 \
        if (fn == NULL) {                                                  \
            fn = (cublasStatus_t(*) params)resolve(#name);                 \
            if (fn == NULL) return CUBLAS_STATUS_NOT_INITIALIZED;          \
        }                                                                  \
        return fn args;                                                    \
    }

FORWARD(cublasCreate_v2, (cublasHandle_t *handle), (handle))
FORWARD(cublasDestroy_v2, (cublasHandle_t handle), (handle))
FORWARD(cublasSetStream_v2, (cublasHandle_t handle, cudaStream_t stream), (handle, stream))
FORWARD(cublasSetMathMode, (cublasHandle_t handle, int mode), (handle, mode))
FORWARD(cublasGetVersion_v2, (cublasHandle_t handle, int *version), (handle, version))
FORWARD(cublasSgemm_v2,
        (cublasHandle_t handle, int transa, int transb, int m, int n, int k, const float *alpha, const float *a,
         int lda, const float *b, int ldb, const float *beta, float *c, int ldc),
        (handle, transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc))
