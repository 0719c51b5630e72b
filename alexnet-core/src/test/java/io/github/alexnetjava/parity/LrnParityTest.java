package io.github.alexnetjava.parity;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.backend.LrnSpec;
import io.github.alexnetjava.tensor.Tensor;
import io.github.alexnetjava.testutil.Json;
import io.github.alexnetjava.testutil.Parity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Local response normalisation (paper and PyTorch conventions, grouped, even size) against PyTorch. */
class LrnParityTest {
    private static Backend backend;

    @BeforeAll
    static void open() {
        backend = ParityBackend.create();
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    static LrnSpec spec(String name, Json p) {
        int size = p.integer("size");
        double alpha = p.number("alpha");
        double beta = p.number("beta");
        double k = p.number("k");
        int groups = p.integer("channel_groups");
        String convention = p.string("convention");
        LrnSpec spec;
        switch (convention) {
            case "paper" -> {
                spec = new LrnSpec(size, alpha, beta, k, false, 1).withGroups(groups);
                if (name.equals("lrn_paper")) {
                    assertEquals(LrnSpec.paper(), spec, name + ": params.json should be the paper's LRN");
                }
            }
            case "pytorch" -> spec = LrnSpec.pytorch(size, alpha, beta, k).withGroups(groups);
            default -> throw new IllegalArgumentException(name + ": unknown LRN convention " + convention);
        }
        // The alpha torch was given is the coefficient of the window sum times size.
        assertEquals(p.number("alpha_passed_to_torch"), spec.effectiveAlpha() * size, 1e-12,
                name + ": effective alpha");
        return spec;
    }

    @ParameterizedTest
    @ValueSource(strings = {"lrn_paper", "lrn_pytorch", "lrn_grouped", "lrn_even"})
    void matchesPyTorch(String name) {
        Parity.Case c = new Parity.Case(name);
        LrnSpec spec = spec(name, c.params());
        Tensor x = ParityBackend.upload(backend, c.array("x"));
        Tensor dy = ParityBackend.upload(backend, c.array("dy"));
        Tensor y = backend.allocate(x.shape());
        Tensor scale = backend.allocate(x.shape());
        backend.lrnForward(spec, x, y, scale);
        c.check("y", y);
        Tensor dx = backend.allocate(x.shape());
        backend.lrnBackward(spec, x, y, scale, dy, dx);
        c.check("dx", dx);
    }
}
