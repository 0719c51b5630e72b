package io.github.alexnetjava.parity;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.backend.Conv2dSpec;
import io.github.alexnetjava.tensor.Tensor;
import io.github.alexnetjava.testutil.Json;
import io.github.alexnetjava.testutil.Parity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Conv2d forward, backward-data and backward-filter against PyTorch (float64 references). */
class ConvParityTest {
    private static Backend backend;

    @BeforeAll
    static void open() {
        backend = ParityBackend.create();
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"conv_basic", "conv_strided_padded", "conv_grouped", "conv_alexnet1"})
    void matchesPyTorch(String name) {
        Parity.Case c = new Parity.Case(name);
        Json p = c.params();
        int[] k = p.ints("kernel");
        int[] s = p.ints("stride");
        int[] pad = p.ints("pad");
        Conv2dSpec spec = new Conv2dSpec(p.integer("in_channels"), p.integer("out_channels"), k[0], k[1], s[0], s[1],
                pad[0], pad[1], p.integer("groups"));
        assertArrayEquals(c.shape("w"), spec.weightShape(), name + ": weight shape");

        Tensor x = ParityBackend.upload(backend, c.array("x"));
        Tensor w = ParityBackend.upload(backend, c.array("w"));
        Tensor b = ParityBackend.upload(backend, c.array("b"));
        Tensor dy = ParityBackend.upload(backend, c.array("dy"));

        Tensor y = backend.allocate(spec.outputShape(name, x.shape()));
        backend.conv2dForward(spec, x, w, b, y);
        c.check("y", y);

        Tensor dx = backend.allocate(x.shape());
        backend.conv2dBackwardData(spec, dy, w, dx);
        c.check("dx", dx);

        Tensor dw = backend.allocate(w.shape());
        Tensor db = backend.allocate(b.shape());
        backend.conv2dBackwardFilter(spec, x, dy, dw, db);
        c.check("dw", dw);
        c.check("db", db);
    }
}
