package io.github.alexnetjava.parity;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.backend.PoolSpec;
import io.github.alexnetjava.nn.Dense;
import io.github.alexnetjava.nn.Parameter;
import io.github.alexnetjava.nn.Pass;
import io.github.alexnetjava.random.CounterRng;
import io.github.alexnetjava.tensor.Tensor;
import io.github.alexnetjava.testutil.Json;
import io.github.alexnetjava.testutil.Npy;
import io.github.alexnetjava.testutil.Parity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Max-pool, ReLU, dense, softmax cross-entropy and dropout against the PyTorch references. */
class ElementwiseParityTest {
    private static Backend backend;

    @BeforeAll
    static void open() {
        backend = ParityBackend.create();
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    @Test
    void maxPoolOverlapping() {
        Parity.Case c = new Parity.Case("maxpool_overlap");
        Json p = c.params();
        int[] k = p.ints("kernel");
        int[] s = p.ints("stride");
        int[] pad = p.ints("pad");
        assertEquals(k[0], k[1], "square kernel");
        assertEquals(s[0], s[1], "equal strides");
        assertEquals(pad[0], pad[1], "equal padding");
        PoolSpec spec = new PoolSpec(k[0], s[0], pad[0]);
        assertEquals(PoolSpec.overlapping(), spec, "the case is the paper's overlapping pooling");

        Tensor x = ParityBackend.upload(backend, c.array("x"));
        Tensor dy = ParityBackend.upload(backend, c.array("dy"));
        Tensor y = backend.allocate(spec.outputShape("maxpool_overlap", x.shape()));
        backend.maxPoolForward(spec, x, y);
        c.check("y", y);
        Tensor dx = backend.allocate(x.shape());
        backend.maxPoolBackward(spec, x, y, dy, dx);
        c.check("dx", dx);
    }

    @Test
    void relu() {
        Parity.Case c = new Parity.Case("relu");
        Tensor x = ParityBackend.upload(backend, c.array("x"));
        Tensor dy = ParityBackend.upload(backend, c.array("dy"));
        Tensor y = backend.allocate(x.shape());
        backend.reluForward(x, y);
        c.check("y", y);
        Tensor dx = backend.allocate(x.shape());
        backend.reluBackward(y, dy, dx);
        c.check("dx", dx);
    }

    @Test
    void dense() {
        Parity.Case c = new Parity.Case("dense");
        Json p = c.params();
        Dense layer = new Dense(backend, "dense", p.integer("in_features"), p.integer("out_features"));
        List<Parameter> params = layer.parameters();
        assertEquals(2, params.size(), "dense has weight and bias");
        Parameter w = params.get(0);
        Parameter b = params.get(1);
        assertEquals("dense.weight", w.name());
        assertEquals("dense.bias", b.name());
        assertArrayEquals(c.shape("w"), w.shape(), "weight shape [out, in]");
        assertArrayEquals(c.shape("b"), b.shape(), "bias shape");
        backend.upload(c.floats("w"), w.value());
        backend.upload(c.floats("b"), b.value());

        Tensor x = ParityBackend.upload(backend, c.array("x"));
        Tensor dy = ParityBackend.upload(backend, c.array("dy"));
        Tensor y = layer.forward(x, Pass.inference());
        c.check("y", y);
        Tensor dx = layer.backward(dy);
        c.check("dx", dx);
        c.check("dw", w.grad());
        c.check("db", b.grad());
    }

    @Test
    void softmaxCrossEntropy() {
        Parity.Case c = new Parity.Case("softmax_ce");
        Tensor logits = ParityBackend.upload(backend, c.array("logits"));
        int[] labels = c.array("labels").ints();
        Tensor probs = backend.allocate(logits.shape());
        Tensor dlogits = backend.allocate(logits.shape());
        float loss = backend.softmaxCrossEntropy(logits, labels, probs, dlogits);
        c.check("loss", new float[] {loss});
        c.check("probs", probs);
        c.check("dlogits", dlogits);
    }

    @Test
    void dropout() {
        Parity.Case c = new Parity.Case("dropout");
        Json p = c.params();
        long seed = p.integer("seed");
        long a = p.integer("a");
        long step = p.integer("b");
        float prob = (float) p.number("p");

        long stream = CounterRng.stream(seed, a, step);
        long[] refStream = c.array("stream").longs();
        assertEquals(1, refStream.length);
        assertEquals(refStream[0], stream, "CounterRng.stream(" + seed + ", " + a + ", " + step + ")");
        assertEquals(Long.parseUnsignedLong(p.string("stream_hex").substring(2), 16), stream, "stream_hex");

        double[] u8 = c.array("uniform_first8").doubles();
        for (int i = 0; i < u8.length; i++) {
            assertEquals(u8[i], (double) CounterRng.uniform(stream, i), 0.0, "uniform(stream, " + i + ") exactly");
        }
        System.out.println("[parity] dropout/stream and uniform_first8: exact");

        Npy.Array xa = c.array("x");
        Tensor x = ParityBackend.upload(backend, xa);
        Tensor dy = ParityBackend.upload(backend, c.array("dy"));

        // The mask two ways: from the RNG specification and from the backend applied to ones.
        float[] rngMask = new float[xa.size()];
        for (int i = 0; i < rngMask.length; i++) {
            rngMask[i] = CounterRng.uniform(stream, i) >= prob ? 1f : 0f;
        }
        assertArrayEquals(c.floats("mask"), rngMask, "mask from CounterRng.uniform >= p");
        float[] ones = new float[xa.size()];
        java.util.Arrays.fill(ones, 1f);
        Tensor onesT = backend.fromArray(ones, xa.shape());
        Tensor scaled = backend.allocate(xa.shape());
        backend.dropoutForward(prob, stream, onesT, scaled);
        float[] backendMask = scaled.toArray();
        for (int i = 0; i < backendMask.length; i++) {
            backendMask[i] *= (1f - prob);
        }
        c.check("mask", backendMask, 0.0);

        Tensor y = backend.allocate(xa.shape());
        backend.dropoutForward(prob, stream, x, y);
        c.check("y", y);
        Tensor dx = backend.allocate(xa.shape());
        backend.dropoutBackward(prob, stream, dy, dx);
        c.check("dx", dx);
    }
}
