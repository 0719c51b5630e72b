package io.github.alexnetjava.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainPackageTest {

    @Test
    void tenViewsAreAveragedPerExample() {
        // 2 examples x 3 views x 2 classes
        float[] p = {0.9f, 0.1f, 0.2f, 0.8f, 0.4f, 0.6f, /* example 2 */ 1f, 0f, 1f, 0f, 0.7f, 0.3f};
        float[] avg = Evaluator.averageViews(p, 2, 3, 2);
        assertEquals(0.5f, avg[0], 1e-6f);
        assertEquals(0.5f, avg[1], 1e-6f);
        assertEquals(0.9f, avg[2], 1e-6f);
        assertEquals(0.1f, avg[3], 1e-6f);
    }

    @Test
    void ranksCountTiesAgainstTheLabel() {
        float[] s = {0.1f, 0.5f, 0.5f, 0.2f, 0.05f, 0.05f, 0.05f};
        assertEquals(0, Evaluator.rank(s, 0, 7, 1));
        assertEquals(1, Evaluator.rank(s, 0, 7, 2)); // tie with class 1, which comes first
        assertEquals(3, Evaluator.rank(s, 0, 7, 0));
        assertEquals(6, Evaluator.rank(s, 0, 7, 6)); // a constant tail ranks last
        assertArrayEquals(new int[] {1, 2, 3, 0, 4}, Evaluator.topK(s, 0, 7, 5));
    }

    @Test
    void stateRoundTripsExactly() {
        TrainState s = new TrainState(3, 17, 0.1 + 0.2, 1234, 2048, 2, 12.5);
        Map<String, String> m = s.toMetadata();
        assertEquals(s, TrainState.fromMetadata(m));
        assertTrue(m.keySet().stream().allMatch(k -> k.startsWith(TrainState.PREFIX)));
        m.remove("state.seen");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainState.fromMetadata(m));
        assertTrue(e.getMessage().contains("state.seen"), e.getMessage());
    }

    @Test
    void metricsRoundTripAndRejectForeignFiles(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("metrics.csv");
        assertEquals(List.of(), MetricsCsv.read(f));
        List<EpochMetrics> rows = List.of(new EpochMetrics(1, 0.7, 0.75, 0.5, 0.81, 0.99, 0.01, 612.5, 101.0, 0),
                new EpochMetrics(2, 1.0 / 3, 0.8, Double.NaN, Double.NaN, Double.NaN, 0.001, 600, 99, 4));
        MetricsCsv.write(f, rows);
        assertEquals(EpochMetrics.HEADER, Files.readAllLines(f).get(0));
        assertEquals(rows, MetricsCsv.read(f));
        Files.writeString(f, "a,b\n1,2\n");
        assertThrows(IOException.class, () -> MetricsCsv.read(f));
    }
}
