package io.github.alexnetjava.data;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Training-set pixel statistics, in 0..255 units: per-channel mean, the channel covariance and, for RGB, its
 * eigen-decomposition (for PCA colour augmentation); optionally the mean image (for mean-image subtraction).
 *
 * <p>Computed from the prepared images of a training {@link Dataset} (all of them, or {@code maxImages} evenly
 * spaced ones), with exact integer sums, so the result does not depend on the number of threads. Saved as a small
 * text file (plus {@code <file>.meanimage}, raw little-endian float32 HWC, if the mean image was computed):
 * <pre>
 * # alexnet-java channel statistics v1
 * images=1000          pixels=65536000      channels=3
 * mean=m0 m1 m2                          (Double.toString, exact round trip)
 * covariance=c00 c01 c02 c10 ... c22    (population covariance, row-major)
 * eigenvalues=l0 l1 l2                  (decreasing)
 * eigenvectors=v00 v01 v02 v10 ...      (row i = eigenvector i)
 * meanImage=256x256                     (only if computed)
 * </pre>
 */
public final class ChannelStats {
    private static final Logger LOG = LoggerFactory.getLogger(ChannelStats.class);
    private static final String HEADER = "# alexnet-java channel statistics v1";

    private final int channels;
    private final long images;
    private final long pixels;
    private final double[] mean;
    private final double[][] covariance;
    private final double[] eigenvalues;
    private final double[][] eigenvectors;
    private final int meanWidth;
    private final int meanHeight;
    private final float[] meanImage;

    ChannelStats(int channels, long images, long pixels, double[] mean, double[][] covariance, int meanWidth,
                 int meanHeight, float[] meanImage) {
        this.channels = channels;
        this.images = images;
        this.pixels = pixels;
        this.mean = mean;
        this.covariance = covariance;
        SymmetricEigen eig = SymmetricEigen.of(covariance);
        this.eigenvalues = eig.values();
        this.eigenvectors = eig.vectors();
        this.meanWidth = meanWidth;
        this.meanHeight = meanHeight;
        this.meanImage = meanImage;
    }

    /** Statistics of every example. */
    public static ChannelStats compute(Dataset prepared, boolean withMeanImage, int threads) throws IOException {
        return compute(prepared, Integer.MAX_VALUE, withMeanImage, threads);
    }

    /**
     * Statistics of {@code min(maxImages, size)} evenly spaced examples ({@code i * size / n}). Unreadable
     * examples are skipped with a WARN. With {@code withMeanImage}, all images must have the same size.
     */
    public static ChannelStats compute(Dataset prepared, int maxImages, boolean withMeanImage, int threads)
            throws IOException {
        int size = prepared.size();
        int n = Math.min(maxImages, size);
        if (n <= 0) {
            throw new DatasetException("cannot compute channel statistics of an empty dataset");
        }
        int ch = prepared.channels();
        Accumulator total = new Accumulator(ch);
        int workers = Math.max(1, Math.min(threads, n));
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "alexnet-stats");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Accumulator>> parts = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                final int lo = (int) ((long) n * w / workers);
                final int hi = (int) ((long) n * (w + 1) / workers);
                parts.add(pool.submit(() -> {
                    Accumulator acc = new Accumulator(ch);
                    for (int k = lo; k < hi; k++) {
                        int i = (int) ((long) k * size / n);
                        Image img;
                        try {
                            img = prepared.load(i);
                        } catch (IOException e) {
                            LOG.warn("channel statistics: skipping {}: {}", prepared.describe(i), e.getMessage());
                            continue;
                        }
                        acc.add(img, withMeanImage);
                    }
                    return acc;
                }));
            }
            for (Future<Accumulator> f : parts) {
                total.merge(f.get());
            }
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            pool.shutdownNow();
        }
        if (total.images == 0) {
            throw new DatasetException("channel statistics: none of the " + n + " sampled images could be read");
        }
        return total.result();
    }

    /**
     * Loads {@code file} if it exists (computed earlier for this training set), else computes the statistics and
     * saves them there (atomically).
     */
    public static ChannelStats cached(Path file, Dataset prepared, int maxImages, boolean withMeanImage, int threads)
            throws IOException {
        if (Files.isRegularFile(file)) {
            ChannelStats s = load(file);
            if (s.channels == prepared.channels() && (!withMeanImage || s.hasMeanImage())) {
                LOG.info("channel statistics loaded from {}", file);
                return s;
            }
            LOG.warn("{} does not match ({} channels, mean image: {}); recomputing", file, s.channels,
                    s.hasMeanImage());
        }
        ChannelStats s = compute(prepared, maxImages, withMeanImage, threads);
        s.save(file);
        LOG.info("channel statistics of {} images saved to {}", s.images, file);
        return s;
    }

    private static final class Accumulator {
        final int ch;
        long images;
        long pixels;
        final long[] sum;
        final long[] prod; // ch x ch
        long[] image;
        int w = -1;
        int h = -1;

        Accumulator(int ch) {
            this.ch = ch;
            sum = new long[ch];
            prod = new long[ch * ch];
        }

        void add(Image img, boolean withMeanImage) {
            byte[] px = img.pixels();
            if (img.channels() != ch) {
                throw new IllegalArgumentException("image with " + img.channels() + " channels in a " + ch
                        + "-channel dataset");
            }
            if (withMeanImage) {
                if (image == null) {
                    w = img.width();
                    h = img.height();
                    image = new long[px.length];
                } else if (img.width() != w || img.height() != h) {
                    throw new IllegalArgumentException("mean image needs equal sizes: " + img + " vs " + w + "x" + h);
                }
                for (int i = 0; i < px.length; i++) {
                    image[i] += px[i] & 0xFF;
                }
            }
            long[] s = new long[ch];
            long[] p = new long[ch * ch];
            int[] v = new int[ch];
            for (int i = 0; i < px.length; i += ch) {
                for (int c = 0; c < ch; c++) {
                    v[c] = px[i + c] & 0xFF;
                    s[c] += v[c];
                }
                for (int a = 0; a < ch; a++) {
                    for (int b = a; b < ch; b++) {
                        p[a * ch + b] += v[a] * v[b];
                    }
                }
            }
            for (int c = 0; c < ch; c++) {
                sum[c] += s[c];
            }
            for (int a = 0; a < ch; a++) {
                for (int b = a; b < ch; b++) {
                    prod[a * ch + b] += p[a * ch + b];
                }
            }
            images++;
            pixels += px.length / ch;
        }

        void merge(Accumulator o) {
            images += o.images;
            pixels += o.pixels;
            for (int i = 0; i < sum.length; i++) {
                sum[i] += o.sum[i];
            }
            for (int i = 0; i < prod.length; i++) {
                prod[i] += o.prod[i];
            }
            if (o.image != null) {
                if (image == null) {
                    image = o.image.clone();
                    w = o.w;
                    h = o.h;
                } else {
                    if (o.w != w || o.h != h) {
                        throw new IllegalArgumentException("mean image needs equal sizes");
                    }
                    for (int i = 0; i < image.length; i++) {
                        image[i] += o.image[i];
                    }
                }
            }
        }

        ChannelStats result() {
            double[] mean = new double[ch];
            for (int c = 0; c < ch; c++) {
                mean[c] = (double) sum[c] / pixels;
            }
            double[][] cov = new double[ch][ch];
            for (int a = 0; a < ch; a++) {
                for (int b = a; b < ch; b++) {
                    cov[a][b] = (double) prod[a * ch + b] / pixels - mean[a] * mean[b];
                    cov[b][a] = cov[a][b];
                }
            }
            float[] mi = null;
            if (image != null) {
                mi = new float[image.length];
                for (int i = 0; i < mi.length; i++) {
                    mi[i] = (float) ((double) image[i] / images);
                }
            }
            return new ChannelStats(ch, images, pixels, mean, cov, w, h, mi);
        }
    }

    public int channels() {
        return channels;
    }

    /** Images the statistics were computed from. */
    public long images() {
        return images;
    }

    public long pixels() {
        return pixels;
    }

    public double[] mean() {
        return mean.clone();
    }

    public double[][] covariance() {
        double[][] c = new double[channels][];
        for (int i = 0; i < channels; i++) {
            c[i] = covariance[i].clone();
        }
        return c;
    }

    /** True for 3-channel statistics (PCA colour augmentation is defined for RGB). */
    public boolean hasPca() {
        return channels == 3;
    }

    /** Eigenvalues of the covariance, decreasing, in (0..255 units)^2. */
    public double[] eigenvalues() {
        return eigenvalues.clone();
    }

    /** Row i is the unit eigenvector of {@code eigenvalues()[i]}. */
    public double[][] eigenvectors() {
        double[][] v = new double[channels][];
        for (int i = 0; i < channels; i++) {
            v[i] = eigenvectors[i].clone();
        }
        return v;
    }

    public boolean hasMeanImage() {
        return meanImage != null;
    }

    public int meanImageWidth() {
        return meanWidth;
    }

    public int meanImageHeight() {
        return meanHeight;
    }

    /** The mean image, HWC floats in 0..255 (the backing array, do not modify), or null. */
    public float[] meanImage() {
        return meanImage;
    }

    /** Writes the text file (and {@code file + ".meanimage"}) atomically. */
    public void save(Path file) throws IOException {
        Path abs = file.toAbsolutePath();
        if (abs.getParent() != null) {
            Files.createDirectories(abs.getParent());
        }
        if (meanImage != null) {
            Path mi = meanImageFile(abs);
            Path tmp = mi.resolveSibling(mi.getFileName() + ".tmp");
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
                for (float f : meanImage) {
                    out.writeInt(Integer.reverseBytes(Float.floatToRawIntBits(f)));
                }
            }
            Files.move(tmp, mi, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        sb.append("images=").append(images).append('\n');
        sb.append("pixels=").append(pixels).append('\n');
        sb.append("channels=").append(channels).append('\n');
        sb.append("mean=").append(join(mean)).append('\n');
        double[] flat = new double[channels * channels];
        double[] vec = new double[channels * channels];
        for (int i = 0; i < channels; i++) {
            for (int j = 0; j < channels; j++) {
                flat[i * channels + j] = covariance[i][j];
                vec[i * channels + j] = eigenvectors[i][j];
            }
        }
        sb.append("covariance=").append(join(flat)).append('\n');
        sb.append("eigenvalues=").append(join(eigenvalues)).append('\n');
        sb.append("eigenvectors=").append(join(vec)).append('\n');
        if (meanImage != null) {
            sb.append("meanImage=").append(meanWidth).append('x').append(meanHeight).append('\n');
        }
        Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
        Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static Path meanImageFile(Path file) {
        return file.resolveSibling(file.getFileName() + ".meanimage");
    }

    private static String join(double[] v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : " ").append(v[i]);
        }
        return sb.toString();
    }

    public static ChannelStats load(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            throw new DatasetException(file + ": not a channel statistics file (expected first line '" + HEADER
                    + "', found '" + (lines.isEmpty() ? "" : lines.get(0)) + "')");
        }
        Map<String, String> kv = new LinkedHashMap<>();
        for (String l : lines) {
            int eq = l.indexOf('=');
            if (!l.startsWith("#") && eq > 0) {
                kv.put(l.substring(0, eq).trim(), l.substring(eq + 1).trim());
            }
        }
        try {
            int ch = Integer.parseInt(need(kv, "channels", file));
            long images = Long.parseLong(need(kv, "images", file));
            long pixels = Long.parseLong(need(kv, "pixels", file));
            double[] mean = doubles(need(kv, "mean", file), ch, "mean", file);
            double[] flat = doubles(need(kv, "covariance", file), ch * ch, "covariance", file);
            double[][] cov = new double[ch][ch];
            for (int i = 0; i < ch; i++) {
                System.arraycopy(flat, i * ch, cov[i], 0, ch);
            }
            int w = -1;
            int h = -1;
            float[] mi = null;
            String mis = kv.get("meanImage");
            if (mis != null) {
                String[] wh = mis.toLowerCase(Locale.ROOT).split("x");
                w = Integer.parseInt(wh[0]);
                h = Integer.parseInt(wh[1]);
                Path mf = meanImageFile(file);
                long expected = 4L * w * h * ch;
                if (!Files.isRegularFile(mf) || Files.size(mf) != expected) {
                    throw new DatasetException(mf + ": expected a mean image of " + expected + " bytes, found "
                            + (Files.isRegularFile(mf) ? Files.size(mf) + " bytes" : "no file"));
                }
                mi = new float[w * h * ch];
                try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(mf)))) {
                    for (int i = 0; i < mi.length; i++) {
                        mi[i] = Float.intBitsToFloat(Integer.reverseBytes(in.readInt()));
                    }
                }
            }
            return new ChannelStats(ch, images, pixels, mean, cov, w, h, mi);
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw new DatasetException(file + ": malformed channel statistics (" + e.getMessage() + ")", e);
        }
    }

    private static String need(Map<String, String> kv, String key, Path file) throws DatasetException {
        String v = kv.get(key);
        if (v == null) {
            throw new DatasetException(file + ": missing '" + key + "='");
        }
        return v;
    }

    private static double[] doubles(String s, int n, String key, Path file) throws DatasetException {
        String[] parts = s.trim().split("\\s+");
        if (parts.length != n) {
            throw new DatasetException(file + ": '" + key + "' needs " + n + " values, found " + parts.length);
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = Double.parseDouble(parts[i]);
        }
        return v;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "ChannelStats[%d images, mean=%s, eigenvalues=%s]", images,
                java.util.Arrays.toString(mean), java.util.Arrays.toString(eigenvalues));
    }
}
