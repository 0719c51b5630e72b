package io.github.alexnetjava.gradcheck;

import io.github.alexnetjava.backend.Backend;
import io.github.alexnetjava.nn.Pass;
import io.github.alexnetjava.nn.Tanh;
import io.github.alexnetjava.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Random;
import java.util.function.Function;

import static io.github.alexnetjava.gradcheck.GradientCheck.assertClose;
import static io.github.alexnetjava.gradcheck.GradientCheck.assertRejectsOnePercent;
import static io.github.alexnetjava.gradcheck.GradientCheck.assertRejectsSingleElement;
import static io.github.alexnetjava.gradcheck.GradientCheck.d;
import static io.github.alexnetjava.gradcheck.GradientCheck.gaussian;
import static io.github.alexnetjava.gradcheck.GradientCheck.numericGradient;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * tanh: the CPU kernels and the SPI's host-memory default methods against a double-precision reference and
 * central differences, over inputs from the linear region to deep saturation (sigma 2, so |x| up to ~8).
 */
class TanhGradientTest extends BackendTestBase {

    static void check(Backend be, String label, int[] shape, long seed) {
        Random rng = new Random(seed);
        int size = GradientCheck.size(shape);
        float[] x = gaussian(rng, size, 2.0);
        float[] dy = gaussian(rng, size, 1.0);
        Tensor y = be.allocate(shape);
        be.tanhForward(be.fromArray(x, shape), y);
        Tensor dx = be.allocate(shape);
        be.fill(dx, 3f);
        be.tanhBackward(y, be.fromArray(dy, shape), dx);
        Function<double[][], double[]> f = in -> ReferenceOps.tanh(in[0]);
        assertClose(label + " tanh forward", y.toArray(), f.apply(new double[][] {d(x)}), FWD_TOL);
        double[] fd = numericGradient(f, new double[][] {d(x)}, 0, d(dy));
        assertClose(label + " tanh dx", dx.toArray(), fd, GRAD_TOL);
        assertRejectsOnePercent(label + " tanh dx", dx.toArray(), fd, GRAD_TOL);
        assertRejectsSingleElement(label + " tanh dx", dx.toArray(), fd, GRAD_TOL);
    }

    @Test
    void cpuKernelsMatchFiniteDifferences() {
        check(b, "cpu", new int[] {2, 3, 4, 5}, 71);
        // above the 4,096-element grain, so split over workers (the FD reference is quadratic: keep it small)
        check(b4, "cpu x4", new int[] {5, 2, 32, 32}, 72);
    }

    @Test
    void hostDefaultMethodsMatchFiniteDifferencesAndTheCpuKernels() {
        Backend host = hostDefaults(b);
        check(host, "SPI default", new int[] {3, 7, 11}, 73);
        float[] x = gaussian(new Random(74), 500, 3.0);
        Tensor a = b.allocate(500);
        Tensor c = b.allocate(500);
        b.tanhForward(b.fromArray(x, 500), a);
        host.tanhForward(b.fromArray(x, 500), c);
        float[] av = a.toArray();
        float[] cv = c.toArray();
        for (int i = 0; i < av.length; i++) {
            assertEquals(cv[i], av[i], 1.5f * Math.ulp(cv[i]) + 1e-30f, "tanh(" + x[i] + ")");
        }
    }

    @Test
    void extremesSaturateExactlyAndTinyInputsStayRelativelyAccurate() {
        float[] x = {0f, -0f, 1e-8f, -3e-6f, 20f, -20f, 1e4f, -1e4f, Float.MAX_VALUE, -Float.MAX_VALUE};
        Tensor y = b.allocate(x.length);
        b.tanhForward(b.fromArray(x, x.length), y);
        float[] v = y.toArray();
        for (int i = 0; i < x.length; i++) {
            assertEquals((float) Math.tanh(x[i]), v[i], Math.abs(x[i]) * 1e-6f, "tanh(" + x[i] + ")");
        }
        assertEquals(1f, v[4]);
        assertEquals(-1f, v[9]);
        Tensor nan = b.allocate(1);
        b.tanhForward(b.fromArray(new float[] {Float.NaN}, 1), nan);
        assertEquals(Float.NaN, nan.toArray()[0]);
    }

    @Test
    void layerIsInPlaceByDefaultAndMatchesTheOutOfPlaceLayer() {
        int[] shape = {2, 4, 3, 3};
        float[] x = gaussian(new Random(75), GradientCheck.size(shape), 1.5);
        float[] dy = gaussian(new Random(76), x.length, 1.0);
        Tanh inPlace = new Tanh("t");
        Tanh outOfPlace = new Tanh("t2", false);
        Tensor xin = b.fromArray(x, shape);
        Tensor y1 = inPlace.forward(xin, Pass.inference());
        Tensor xout = b.fromArray(x, shape);
        Tensor y2 = outOfPlace.forward(xout, Pass.inference());
        assertEquals(xin, y1, "in place: the output is the input tensor");
        assertArrayEquals(x, xout.toArray(), "out of place leaves the input alone");
        assertArrayEquals(y1.toArray(), y2.toArray());
        Tensor g1 = inPlace.backward(b.fromArray(dy, shape));
        Tensor g2 = outOfPlace.backward(b.fromArray(dy, shape));
        assertArrayEquals(g1.toArray(), g2.toArray());
        float[] g = g1.toArray();
        float[] yv = y1.toArray();
        for (int i = 0; i < g.length; i++) {
            assertEquals(dy[i] * (1f - yv[i] * yv[i]), g[i], 1e-6f);
        }
    }

    /** A backend that is {@code cpu} except that tanh runs the SPI's default (host) methods. */
    static Backend hostDefaults(Backend cpu) {
        InvocationHandler h = (proxy, m, args) -> {
            if (m.getName().startsWith("tanh")) {
                return InvocationHandler.invokeDefault(proxy, m, args);
            }
            try {
                return m.invoke(cpu, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class}, h);
    }
}
