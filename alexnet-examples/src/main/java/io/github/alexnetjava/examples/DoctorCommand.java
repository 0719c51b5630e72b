package io.github.alexnetjava.examples;

import io.github.alexnetjava.cuda.CudaDoctor;
import picocli.CommandLine.Command;

/**
 * {@code alexnet doctor}: the CUDA diagnostics (driver version, GPUs, which tier loads and, for each that does
 * not, the missing library and how to install it). Exit code 0 when the cuda backend can run here, 1 when it
 * cannot (e.g. no NVIDIA driver); the cpu backend works either way.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Check the CUDA setup: driver, GPUs, and which backend tiers (own kernels, cuBLAS, cuDNN)"
                + " load. Exit code 0 if the cuda backend can run, 1 if not.")
final class DoctorCommand extends CliCommand {
    @Override
    protected int execute() {
        return CudaDoctor.report(out());
    }
}
