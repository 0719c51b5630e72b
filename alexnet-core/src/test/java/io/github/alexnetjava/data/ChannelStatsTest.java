package io.github.alexnetjava.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChannelStatsTest {

    @Test
    void jacobiSolvesKnownMatrices() {
        SymmetricEigen e = SymmetricEigen.of(new double[][] {{2, 1, 0}, {1, 2, 0}, {0, 0, 5}});
        assertArrayEquals(new double[] {5, 3, 1}, e.values(), 1e-12);
        double s = Math.sqrt(0.5);
        assertArrayEquals(new double[] {0, 0, 1}, e.vectors()[0], 1e-12);
        assertArrayEquals(new double[] {s, s, 0}, e.vectors()[1], 1e-12);
        double[] v2 = e.vectors()[2];
        assertEquals(s, Math.abs(v2[0]), 1e-12);
        assertEquals(-v2[0], v2[1], 1e-12);

        double[][] a = {{4000, 3500, 3000}, {3500, 3900, 3300}, {3000, 3300, 4200}};
        SymmetricEigen f = SymmetricEigen.of(a);
        double[] val = f.values();
        double[][] vec = f.vectors();
        assertTrue(val[0] >= val[1] && val[1] >= val[2]);
        assertEquals(4000 + 3900 + 4200, val[0] + val[1] + val[2], 1e-8); // trace
        for (int i = 0; i < 3; i++) {
            for (int r = 0; r < 3; r++) {
                double av = a[r][0] * vec[i][0] + a[r][1] * vec[i][1] + a[r][2] * vec[i][2];
                assertEquals(val[i] * vec[i][r], av, 1e-8, "A v = lambda v");
            }
            for (int j = 0; j < 3; j++) {
                double dot = vec[i][0] * vec[j][0] + vec[i][1] * vec[j][1] + vec[i][2] * vec[j][2];
                assertEquals(i == j ? 1 : 0, dot, 1e-12, "orthonormal");
            }
        }
        assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.of(new double[][] {{1, 2}, {3, 1}}));
    }

    @Test
    void meanCovarianceAndMeanImageMatchADirectComputation() throws IOException {
        PreparedDataset ds = PreparedDataset.of(ImageFolderDataset.open(Images.fashionMini(), "train"), 64);
        double[] sum = new double[3];
        double[][] prod = new double[3][3];
        double[] image = new double[64 * 64 * 3];
        long n = 0;
        for (int i = 0; i < ds.size(); i++) {
            Image img = ds.load(i);
            for (int p = 0; p < 64 * 64; p++) {
                for (int a = 0; a < 3; a++) {
                    int va = img.pixels()[p * 3 + a] & 0xFF;
                    sum[a] += va;
                    image[p * 3 + a] += va;
                    for (int b = 0; b < 3; b++) {
                        prod[a][b] += va * (img.pixels()[p * 3 + b] & 0xFF);
                    }
                }
                n++;
            }
        }
        ChannelStats s = ChannelStats.compute(ds, true, 1);
        assertEquals(300, s.images());
        assertEquals(n, s.pixels());
        for (int a = 0; a < 3; a++) {
            assertEquals(sum[a] / n, s.mean()[a], 1e-9);
            for (int b = 0; b < 3; b++) {
                assertEquals(prod[a][b] / n - sum[a] / n * sum[b] / n, s.covariance()[a][b], 1e-6);
            }
        }
        assertEquals(image[0] / 300, s.meanImage()[0], 1e-4);
        assertEquals(image[5000] / 300, s.meanImage()[5000], 1e-4);
        // tinted images: a real spread of colours, so all three eigenvalues are positive and distinct
        double[] ev = s.eigenvalues();
        assertTrue(ev[0] > ev[1] && ev[1] > ev[2] && ev[2] > 0, java.util.Arrays.toString(ev));

        ChannelStats s3 = ChannelStats.compute(ds, true, 3);
        assertArrayEquals(s.mean(), s3.mean(), 0.0);
        assertArrayEquals(s.eigenvalues(), s3.eigenvalues(), 0.0);
        assertArrayEquals(s.meanImage(), s3.meanImage(), 0f);

        ChannelStats sampled = ChannelStats.compute(ds, 30, false, 2);
        assertEquals(30, sampled.images());
        assertTrue(!sampled.hasMeanImage());
    }

    @Test
    void savedFileRoundTripsAndIsReused(@TempDir Path tmp) throws IOException {
        PreparedDataset ds = PreparedDataset.of(ImageFolderDataset.open(Images.fashionMini(), "val"), 64);
        Path file = tmp.resolve("run/channel-stats.txt");
        ChannelStats s = ChannelStats.cached(file, ds, 1000, true, 2);
        assertTrue(Files.isRegularFile(file));
        assertTrue(Files.isRegularFile(tmp.resolve("run/channel-stats.txt.meanimage")));
        ChannelStats back = ChannelStats.load(file);
        assertArrayEquals(s.mean(), back.mean(), 0.0);
        assertArrayEquals(s.covariance()[1], back.covariance()[1], 0.0);
        assertArrayEquals(s.eigenvalues(), back.eigenvalues(), 0.0);
        assertArrayEquals(s.meanImage(), back.meanImage(), 0f);
        assertEquals(s.images(), back.images());

        // reused, not recomputed: an edited file is what comes back
        String text = Files.readString(file).replaceAll("(?m)^images=.*$", "images=12345");
        Files.writeString(file, text);
        assertEquals(12345, ChannelStats.cached(file, ds, 1000, true, 2).images());

        Files.writeString(file, "hello\n");
        DatasetException e = assertThrows(DatasetException.class, () -> ChannelStats.load(file));
        assertTrue(e.getMessage().contains("not a channel statistics file"), e.getMessage());
    }
}
