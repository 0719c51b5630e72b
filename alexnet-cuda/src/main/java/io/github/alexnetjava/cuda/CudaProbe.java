package io.github.alexnetjava.cuda;

import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What this machine offers the CUDA backend, found without creating one: whether the driver library loads, its
 * version, the GPUs, and whether the shipped kernels load on GPU 0. Never throws; the result is cached.
 */
public final class CudaProbe {
    /** JCuda 12.6 needs a driver for CUDA 12.0 or newer. */
    public static final int MIN_DRIVER_VERSION = 12000;
    /** The shipped PTX is ISA 9.0 (nvcc 13.0): only a CUDA 13 (R580+) driver can JIT it. */
    public static final int PTX_DRIVER_VERSION = 13000;
    /** CUresult 35 (not named in JCuda 12.6). */
    private static final int CUDA_ERROR_INSUFFICIENT_DRIVER = 35;

    /** One GPU. */
    public record Device(int index, String name, int major, int minor, long totalBytes, int multiprocessors) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "GPU %d: %s, sm_%d%d, %.1f GiB, %d SMs", index, name, major, minor,
                    totalBytes / (1024.0 * 1024 * 1024), multiprocessors);
        }
    }

    /**
     * @param driverProblem        why the driver cannot be used, or null
     * @param driverMissingLibrary the library that could not be loaded (libcuda.so.1), or null
     * @param driverVersion        cuDriverGetVersion (e.g. 13000), 0 if unknown
     * @param devices              the GPUs
     * @param kernelProblem        why the shipped kernels do not load on GPU 0, or null
     */
    public record Report(String driverProblem, String driverMissingLibrary, int driverVersion, List<Device> devices,
                         String kernelProblem) {

        /** Null when the backend can run, else the reason. */
        public String unavailableReason() {
            return driverProblem != null ? driverProblem : kernelProblem;
        }

        public String driverVersionString() {
            return driverVersion == 0 ? "unknown" : versionString(driverVersion);
        }
    }

    private static Report cached;

    private CudaProbe() {
    }

    public static synchronized Report get() {
        if (cached == null) {
            cached = probe(CudaConfig.fromSystemPropertiesQuietly().kernelDir());
        }
        return cached;
    }

    static String versionString(int v) {
        return (v / 1000) + "." + (v % 1000) / 10;
    }

    static Report probe(String kernelDir) {
        try {
            JCudaDriver.setExceptionsEnabled(false);
        } catch (Throwable t) {
            String lib = TierSelector.missingLibrary(t);
            String why = (lib != null && lib.startsWith("libcuda")) || lib == null
                    ? "no CUDA driver: libcuda.so.1 could not be loaded (install the NVIDIA driver; in a container"
                    + " run with the NVIDIA Container Toolkit, e.g. docker run --gpus all)"
                    : "the JCuda driver bindings could not be loaded: missing " + lib;
            return new Report(why + " [" + TierSelector.describe(t) + "]", lib == null ? "libcuda.so.1" : lib, 0,
                    List.of(), null);
        }
        try {
            int rc = JCudaDriver.cuInit(0);
            int[] version = new int[1];
            JCudaDriver.cuDriverGetVersion(version);
            if (rc != CUresult.CUDA_SUCCESS) {
                String why = switch (rc) {
                    case CUresult.CUDA_ERROR_NO_DEVICE -> "no CUDA-capable GPU found (cuInit: CUDA_ERROR_NO_DEVICE)";
                    case CUDA_ERROR_INSUFFICIENT_DRIVER -> "the NVIDIA driver is too old"
                            + " (cuInit: CUDA_ERROR_INSUFFICIENT_DRIVER); install R525 or newer, R580+ for the"
                            + " shipped kernels' PTX";
                    default -> "cuInit failed: " + CudaCheck.driverName(rc);
                };
                return new Report(why, null, version[0], List.of(), null);
            }
            if (version[0] < MIN_DRIVER_VERSION) {
                return new Report("the NVIDIA driver is too old: it supports CUDA " + versionString(version[0])
                        + ", JCuda 12.6 needs CUDA 12.0 or newer (driver R525+; R580+ for the shipped PTX)", null,
                        version[0], List.of(), null);
            }
            int[] count = new int[1];
            CudaCheck.driver(JCudaDriver.cuDeviceGetCount(count), "cuDeviceGetCount");
            List<Device> devices = new ArrayList<>();
            for (int i = 0; i < count[0]; i++) {
                devices.add(device(i));
            }
            if (devices.isEmpty()) {
                return new Report("no CUDA-capable GPU found (cuDeviceGetCount = 0)", null, version[0], devices,
                        null);
            }
            return new Report(null, null, version[0], List.copyOf(devices), checkKernels(devices.get(0),
                    version[0], kernelDir));
        } catch (Throwable t) {
            return new Report("CUDA driver probe failed: " + TierSelector.describe(t), null, 0, List.of(), null);
        }
    }

    static Device device(int i) {
        CUdevice d = new CUdevice();
        CudaCheck.driver(JCudaDriver.cuDeviceGet(d, i), "cuDeviceGet(" + i + ")");
        byte[] name = new byte[256];
        CudaCheck.driver(JCudaDriver.cuDeviceGetName(name, name.length, d), "cuDeviceGetName");
        int len = 0;
        while (len < name.length && name[len] != 0) {
            len++;
        }
        long[] mem = new long[1];
        CudaCheck.driver(JCudaDriver.cuDeviceTotalMem(mem, d), "cuDeviceTotalMem");
        return new Device(i, new String(name, 0, len, StandardCharsets.UTF_8),
                attribute(d, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR),
                attribute(d, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR), mem[0],
                attribute(d, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT));
    }

    static int attribute(CUdevice d, int attr) {
        int[] v = new int[1];
        CudaCheck.driver(JCudaDriver.cuDeviceGetAttribute(v, attr, d), "cuDeviceGetAttribute(" + attr + ")");
        return v[0];
    }

    /** Loads the kernels on the device's primary context and unloads them; the problem, or null. */
    private static String checkKernels(Device dev, int driverVersion, String kernelDir) {
        CUdevice d = new CUdevice();
        CudaCheck.driver(JCudaDriver.cuDeviceGet(d, dev.index()), "cuDeviceGet");
        CUcontext ctx = new CUcontext();
        CudaCheck.driver(JCudaDriver.cuDevicePrimaryCtxRetain(ctx, d), "cuDevicePrimaryCtxRetain");
        try {
            CudaCheck.driver(JCudaDriver.cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
            new Kernels(kernelDir).close();
            return null;
        } catch (RuntimeException e) {
            return "the shipped CUDA kernels do not load on " + dev.name() + " (sm_" + dev.major() + dev.minor()
                    + ") with driver CUDA " + versionString(driverVersion) + ": " + e.getMessage()
                    + ". They contain SASS for sm_75, sm_80, sm_86, sm_89 and sm_90 and PTX (ISA 9.0) that needs a"
                    + " CUDA 13 (R580+) driver; upgrade the driver, or rebuild the fatbins with your nvcc"
                    + " (alexnet-cuda/src/main/cuda/build-kernels.sh) and pass -D" + CudaConfig.KERNEL_DIR_PROPERTY
                    + "=<dir>";
        } finally {
            JCudaDriver.cuDevicePrimaryCtxRelease(d);
        }
    }
}
