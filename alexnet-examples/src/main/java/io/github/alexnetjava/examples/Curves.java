package io.github.alexnetjava.examples;

import io.github.alexnetjava.train.EpochMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** {@code curves.png}: loss (left) and accuracy (right) per epoch, drawn with XChart, headless. */
final class Curves {
    private Curves() {
    }

    static void write(Path png, List<EpochMetrics> rows) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart loss = chart("Loss", "cross-entropy");
        add(loss, "train loss", rows, EpochMetrics::trainLoss);
        add(loss, "validation loss", rows, EpochMetrics::valLoss);
        XYChart acc = chart("Accuracy", "accuracy (%)");
        add(acc, "train top-1", rows, m -> 100 * m.trainTop1());
        add(acc, "validation top-1", rows, m -> 100 * m.valTop1());
        add(acc, "validation top-5", rows, m -> 100 * m.valTop5());
        Path abs = png.toAbsolutePath();
        Path tmp = abs.resolveSibling("curves.tmp.png");
        BitmapEncoder.saveBitmap(List.of(loss, acc), 1, 2, tmp.toString(), BitmapEncoder.BitmapFormat.PNG);
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static XYChart chart(String title, String yTitle) {
        XYChart c = new XYChartBuilder().width(600).height(400).title(title).xAxisTitle("epoch").yAxisTitle(yTitle)
                .build();
        c.getStyler().setMarkerSize(6);
        c.getStyler().setDecimalPattern("#0.###");
        return c;
    }

    private static void add(XYChart c, String name, List<EpochMetrics> rows, ToDoubleFunction<EpochMetrics> f) {
        List<Integer> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (EpochMetrics m : rows) {
            double v = f.applyAsDouble(m);
            if (Double.isFinite(v)) {
                x.add(m.epoch());
                y.add(v);
            }
        }
        if (!x.isEmpty()) {
            XYSeries s = c.addSeries(name, x, y);
            s.setMarker(SeriesMarkers.CIRCLE);
        }
    }
}
