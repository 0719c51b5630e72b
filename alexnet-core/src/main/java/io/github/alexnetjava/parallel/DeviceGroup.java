package io.github.alexnetjava.parallel;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.backend.BackendOptions;
import io.github.alexnetjava.backend.Backends;
import io.github.alexnetjava.backend.cpu.CpuBackend;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

/**
 * N backend instances ("devices") that a model is placed on, each with one dedicated thread that issues that
 * device's ops, so the devices work concurrently. With CPU devices each {@link CpuBackend} has its own worker pool
 * (the device thread is the pool's calling thread), so {@code DeviceGroup.cpu(2)} on a 2-core machine gives each
 * tower one core. The group owns its backends and closes them.
 *
 * <p>On CUDA, device k is created with {@code BackendOptions.device() == k}; on a machine with one GPU a backend
 * may map both indices onto the same GPU as two logical devices (its own streams and memory pool each), which the
 * backend documents. Use {@link #of(String, int, IntFunction)} to choose the options per device.
 */
public final class DeviceGroup implements AutoCloseable {
    private final List<Backend> devices;
    private final List<ExecutorService> threads;
    private final ThreadLocal<Integer> current = new ThreadLocal<>();

    /** A group over the given backends (taken over: {@link #close()} closes them). */
    public DeviceGroup(List<Backend> backends) {
        if (backends.isEmpty()) {
            throw new IllegalArgumentException("a device group needs at least one device");
        }
        this.devices = List.copyOf(backends);
        List<ExecutorService> t = new ArrayList<>();
        for (int k = 0; k < devices.size(); k++) {
            final int dev = k;
            t.add(Executors.newSingleThreadExecutor(r -> {
                Thread th = new Thread(() -> {
                    current.set(dev);
                    r.run();
                }, threadName(dev));
                th.setDaemon(true);
                return th;
            }));
        }
        this.threads = List.copyOf(t);
    }

    /** The name of device k's thread: {@code alexnet-device-k}. */
    public static String threadName(int k) {
        return "alexnet-device-" + k;
    }

    /** {@code n} CPU devices with one worker thread each. */
    public static DeviceGroup cpu(int n) {
        return cpu(n, 1);
    }

    /** {@code n} CPU devices with {@code threadsPerDevice} worker threads each (0: cores / n, at least 1). */
    public static DeviceGroup cpu(int n, int threadsPerDevice) {
        int t = threadsPerDevice > 0 ? threadsPerDevice : defaultThreads(n);
        return of(n, k -> new CpuBackend(new BackendOptions(t, k)));
    }

    /**
     * {@code n} devices of the named backend ({@link Backends#create}), device k with
     * {@code new BackendOptions(cores / n, k)}.
     */
    public static DeviceGroup of(String backend, int n) {
        int t = defaultThreads(n);
        return of(backend, n, k -> new BackendOptions(t, k));
    }

    /** {@code n} devices of the named backend with per-device options. */
    public static DeviceGroup of(String backend, int n, IntFunction<BackendOptions> options) {
        return of(n, k -> Backends.create(backend, options.apply(k)));
    }

    private static DeviceGroup of(int n, IntFunction<Backend> factory) {
        if (n < 1) {
            throw new IllegalArgumentException("a device group needs at least one device, got " + n);
        }
        List<Backend> list = new ArrayList<>();
        try {
            for (int k = 0; k < n; k++) {
                list.add(factory.apply(k));
            }
        } catch (RuntimeException e) {
            list.forEach(Backend::close);
            throw e;
        }
        return new DeviceGroup(list);
    }

    private static int defaultThreads(int n) {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / n);
    }

    public int size() {
        return devices.size();
    }

    public Backend device(int k) {
        return devices.get(k);
    }

    public List<Backend> devices() {
        return devices;
    }

    /** The index of a backend in this group, or -1. */
    public int indexOf(Backend b) {
        for (int k = 0; k < devices.size(); k++) {
            if (devices.get(k) == b) {
                return k;
            }
        }
        return -1;
    }

    /** The device whose thread is running the caller, or -1 when called from outside the group. */
    public int currentDevice() {
        Integer k = current.get();
        return k == null ? -1 : k;
    }

    /** Runs {@code task} on device k's thread and returns its future. */
    public Future<?> submit(int k, Runnable task) {
        return threads.get(k).submit(task);
    }

    /** Runs {@code task.accept(k)} on every device's thread at once and waits for all. */
    public void runAll(IntConsumer task) {
        int[] all = new int[size()];
        for (int k = 0; k < all.length; k++) {
            all[k] = k;
        }
        run(all, task);
    }

    /**
     * Runs {@code task.accept(k)} for each listed device on that device's thread, concurrently, and waits for all;
     * the first failure (by device order) is rethrown after every task has ended.
     */
    public void run(int[] which, IntConsumer task) {
        if (currentDevice() >= 0) {
            throw new IllegalStateException("DeviceGroup.run called from device thread " + currentDevice()
                    + "; it would wait for itself");
        }
        if (which.length == 1) {
            waitFor(List.of(submit(which[0], () -> task.accept(which[0]))));
            return;
        }
        List<Future<?>> fs = new ArrayList<>();
        for (int k : which) {
            fs.add(submit(k, () -> task.accept(k)));
        }
        waitFor(fs);
    }

    private static void waitFor(List<Future<?>> fs) {
        Throwable first = null;
        for (Future<?> f : fs) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (first == null) {
                    first = e.getCause();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the devices", e);
            }
        }
        if (first instanceof RuntimeException re) {
            throw re;
        }
        if (first instanceof Error er) {
            throw er;
        }
        if (first != null) {
            throw new IllegalStateException(first);
        }
    }

    /** Stops the device threads and closes every backend. */
    @Override
    public void close() {
        for (ExecutorService t : threads) {
            t.shutdown();
        }
        for (ExecutorService t : threads) {
            try {
                t.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Backend b : devices) {
            b.close();
        }
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(size() + " devices: ");
        for (int k = 0; k < size(); k++) {
            s.append(k == 0 ? "" : "; ").append(k).append(" = ").append(devices.get(k).description());
        }
        return s.toString();
    }
}
