package io.github.alexnetjava.examples;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A per-epoch progress display on stderr: on a terminal one line redrawn with carriage returns (a bar, images/s,
 * loss, ETA), otherwise a plain line every tenth of the epoch (and at most every 30 s), so logs stay readable.
 */
final class Progress {
    private static final long REDRAW_NANOS = 200_000_000L;
    private static final long LINE_NANOS = 30_000_000_000L;
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final boolean terminal;
    private final int epochs;
    private int epoch;
    private long lastNanos;
    private int lastDecile;
    private boolean drawn;

    Progress(PrintWriter err, boolean terminal, int epochs) {
        this.err = err;
        this.terminal = terminal;
        this.epochs = epochs;
    }

    /** True when stderr is probably a terminal (a console is attached and no redirection is visible). */
    static boolean stderrIsTerminal() {
        return System.console() != null && System.getenv("TERM") != null && !"dumb".equals(System.getenv("TERM"));
    }

    void epochStart(int epoch0, int batch, int batches) {
        this.epoch = epoch0 + 1;
        this.lastNanos = 0;
        this.lastDecile = batch * 10 / batches;
        if (!terminal) {
            err.printf(Locale.ROOT, "epoch %d/%d: %d batches%s%n", epoch, epochs, batches,
                    batch > 0 ? ", resuming at batch " + batch : "");
            err.flush();
        }
    }

    void batch(int batch0, int batches, double loss, double imagesPerSecond, int batchSize) {
        int done = batch0 + 1;
        long now = System.nanoTime();
        double eta = imagesPerSecond > 0 ? (double) (batches - done) * batchSize / imagesPerSecond : 0;
        if (terminal) {
            if (done < batches && now - lastNanos < REDRAW_NANOS) {
                return;
            }
            lastNanos = now;
            int fill = (int) ((long) WIDTH * done / batches);
            err.printf(Locale.ROOT, "\repoch %d/%d [%s%s] %d/%d  %.1f img/s  loss %.4f  ETA %s ", epoch, epochs,
                    "=".repeat(fill), " ".repeat(WIDTH - fill), done, batches, imagesPerSecond, loss, clock(eta));
            drawn = true;
            err.flush();
            return;
        }
        int decile = done * 10 / batches;
        boolean timeUp = lastNanos != 0 && now - lastNanos > LINE_NANOS;
        if (lastNanos == 0) {
            lastNanos = now;
        }
        if (decile > lastDecile || timeUp) {
            lastDecile = decile;
            lastNanos = now;
            err.printf(Locale.ROOT, "  epoch %d/%d  %d/%d batches (%d%%)  %.1f img/s  loss %.4f  ETA %s%n", epoch,
                    epochs, done, batches, 100L * done / batches, imagesPerSecond, loss, clock(eta));
            err.flush();
        }
    }

    void validating() {
        endLine();
        err.printf(Locale.ROOT, "  epoch %d/%d: validating...%n", epoch, epochs);
        err.flush();
    }

    void endLine() {
        if (terminal && drawn) {
            err.println();
            drawn = false;
        }
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
