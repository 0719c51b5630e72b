package io.github.alexnetjava.examples;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Figure1CommandTest {

    static Figure1Command.Result result(double lr, int i25, int i15, int i10, double err) {
        return new Figure1Command.Result("he", "relu", lr, 1, new int[] {i25, i15, i10}, err, 1, Path.of("x.csv"));
    }

    @Test
    void bestRateIsFewestIterationsToTheLowestThresholdReachedThenLowestError() {
        assertTrue(Figure1Command.better(result(0.1, 50, 100, 400, 0.08), result(0.01, 40, 90, 500, 0.09)));
        assertFalse(Figure1Command.better(result(0.1, 50, 100, -1, 0.11), result(0.01, 80, 200, 900, 0.095)));
        // neither reaches 10%: fewer iterations to 15% wins
        assertTrue(Figure1Command.better(result(0.1, 50, 100, -1, 0.12), result(0.01, 40, 300, -1, 0.11)));
        // nothing reached: lower final error
        assertTrue(Figure1Command.better(result(0.1, -1, -1, -1, 0.5), result(0.01, -1, -1, -1, 0.6)));
    }

    @Test
    void statsAndFormat() {
        List<Figure1Command.Result> rs = List.of(result(0.1, 100, 200, 300, 0.05), result(0.1, 150, 300, -1, 0.1));
        double[] st = Figure1Command.stats(rs, 0);
        assertEquals(125, st[0]);
        assertEquals("125 ± 25", Figure1Command.format(st, 2));
        assertEquals("300 ± 0 (1/2)", Figure1Command.format(Figure1Command.stats(rs, 2), 2));
        assertEquals("n/r", Figure1Command.format(Figure1Command.stats(List.of(result(1, -1, -1, -1, 1)), 0), 1));
    }

    @Test
    void evaluatesTwiceAsOftenEarly() {
        Figure1Command c = new Figure1Command();
        c.evalEvery = 50;
        assertTrue(c.evaluateAt(25));
        assertTrue(c.evaluateAt(200));
        assertFalse(c.evaluateAt(225));
        assertTrue(c.evaluateAt(250));
    }

    @Test
    void shortRunWritesTheCurve(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/usr/share/datasets/fashion-mnist")),
                "Fashion-MNIST is not installed");
        AlexNetCliTest.Run r = AlexNetCliTest.run("figure1", "--activation", "tanh", "--max-iterations", "4",
                "--eval-every", "2", "--eval-size", "300", "--batch", "16", "--out", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("iterations to 25% / 15% / 10% training error"), r.out());
        List<String> lines = Files.readAllLines(dir.resolve("pytorch-default-tanh-lr0.01-seed1.csv"));
        assertEquals("iteration,train_error,mean_batch_loss,seconds", lines.get(0));
        assertEquals(6, lines.size(), lines.toString()); // iterations 0..4: every one is "early" (every 1)
    }

    @Test
    void rejectsUnknownActivation() {
        AlexNetCliTest.Run r = AlexNetCliTest.run("figure1", "--activation", "sigmoid", "--max-iterations", "1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("relu or tanh"), r.err());
    }
}
