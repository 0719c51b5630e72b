package io.github.alexnetjava.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code metrics.csv}: a header ({@link EpochMetrics#HEADER}) and one row per finished epoch. The whole file is
 * rewritten atomically after each epoch, so it never holds a half row and, after a resume, never holds epochs the
 * checkpoint does not know about. Values are written with {@link Double#toString}, so they read back exactly.
 */
public final class MetricsCsv {
    private MetricsCsv() {
    }

    public static void write(Path file, List<EpochMetrics> rows) throws IOException {
        StringBuilder sb = new StringBuilder(EpochMetrics.HEADER).append('\n');
        for (EpochMetrics m : rows) {
            sb.append(m.epoch()).append(',').append(m.trainLoss()).append(',').append(m.trainTop1()).append(',')
                    .append(m.valLoss()).append(',').append(m.valTop1()).append(',').append(m.valTop5()).append(',')
                    .append(m.lr()).append(',').append(m.imagesPerSecond()).append(',').append(m.seconds())
                    .append(',').append(m.skippedImages()).append('\n');
        }
        Path abs = file.toAbsolutePath();
        Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
        Files.writeString(tmp, sb, StandardCharsets.UTF_8);
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Reads a file written by {@link #write}; a missing file is an empty list. */
    public static List<EpochMetrics> read(Path file) throws IOException {
        List<EpochMetrics> rows = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return rows;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).strip().equals(EpochMetrics.HEADER)) {
            throw new IOException(file + ": not a metrics file (expected the header " + EpochMetrics.HEADER + ")");
        }
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split(",");
            if (f.length != 10) {
                throw new IOException(file + " line " + (i + 1) + ": expected 10 values, found " + f.length);
            }
            try {
                rows.add(new EpochMetrics(Integer.parseInt(f[0]), d(f[1]), d(f[2]), d(f[3]), d(f[4]), d(f[5]),
                        d(f[6]), d(f[7]), d(f[8]), Integer.parseInt(f[9])));
            } catch (NumberFormatException e) {
                throw new IOException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return rows;
    }

    private static double d(String s) {
        return Double.parseDouble(s);
    }
}
