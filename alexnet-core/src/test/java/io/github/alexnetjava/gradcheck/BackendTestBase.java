package io.github.alexnetjava.gradcheck;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.backend.BackendOptions;
import io.github.alexnetjava.backend.Backends;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Shared set-up: one CPU backend per test class, and the tolerances every gradient check uses.
 *
 * <p><b>Forward tolerance</b> ({@link #FWD_TOL}, 2e-5 of the largest output magnitude): the backend works in
 * float32 (unit round-off 6e-8). A sum of K products carries a rounding error of at most about
 * {@code K * 6e-8 * sum|terms|} in the worst case and {@code sqrt(K) * 6e-8 * ...} typically; with K up to a few
 * hundred here that stays below 1e-5 of the largest output, while any indexing or convention bug (a wrong
 * window, a missing group offset, a transposed weight) changes outputs by O(1) relative amounts.
 *
 * <p><b>Backward tolerance</b> ({@link #GRAD_TOL}, 1e-3 of the largest gradient magnitude): the reference gradient
 * is a double-precision central difference whose own error is ~1e-8 relative (see {@link GradientCheck}); the
 * float32 backward adds rounding of order 1e-6 (more for LRN, whose gradient subtracts two terms of similar
 * size and raises to a power). 1e-3 leaves a factor of ~100 of head-room for that while still rejecting a 1%
 * error in any element of the size of the largest one, which every negative control asserts.
 *
 * <p>Measured against the CPU backend (run with environment {@code GRADCHECK_VERBOSE=1} to print every
 * comparison): forward errors are at most ~6e-7 (convolution with K=363), backward errors at most ~3e-7, so both
 * tolerances have two or more orders of magnitude of margin on the passing side and one order (1e-2 vs 1e-3) on
 * the failing side.
 */
abstract class BackendTestBase {
    static final double FWD_TOL = 2e-5;
    static final double GRAD_TOL = 1e-3;

    /** The default CPU backend. */
    static Backend b;
    /** A CPU backend with 4 worker threads, so that the larger-shape checks exercise the work-splitting paths. */
    static Backend b4;

    @BeforeAll
    static void openBackend() {
        b = Backends.create("cpu");
        b4 = Backends.create("cpu", BackendOptions.defaults().withThreads(4));
    }

    @AfterAll
    static void closeBackend() {
        if (b != null) {
            b.close();
            b = null;
        }
        if (b4 != null) {
            b4.close();
            b4 = null;
        }
    }
}
