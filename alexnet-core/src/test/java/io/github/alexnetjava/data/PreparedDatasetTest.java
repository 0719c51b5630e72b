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

class PreparedDatasetTest {
    @Test
    void cacheGivesTheSameImagesAndRemembersCorruptOnes(@TempDir Path tmp) throws IOException {
        ImageFolderDataset raw = ImageFolderDataset.open(Images.broken(), "train");
        PreparedDataset plain = PreparedDataset.of(raw, 40);
        Path file = tmp.resolve("prepared-40.u8");
        try (PreparedDataset cached = PreparedDataset.cached(raw, 40, tmp)) {
            for (int i = 0; i < raw.size(); i++) {
                if (i >= 1 && i <= 3) {
                    final int k = i;
                    assertThrows(CorruptImageException.class, () -> cached.load(k), "" + i);
                    continue;
                }
                assertArrayEquals(plain.load(i).pixels(), cached.load(i).pixels());
            }
        }
        long expected = 64 + 8L * (40 * 40 * 3 + 1);
        assertEquals(expected, Files.size(file));
        byte[] before = Files.readAllBytes(file);
        try (PreparedDataset again = PreparedDataset.cached(raw, 40, tmp)) {
            Image fromCache = again.load(0);
            assertArrayEquals(plain.load(0).pixels(), fromCache.pixels());
            CorruptImageException e = assertThrows(CorruptImageException.class, () -> again.load(2));
            assertTrue(e.getMessage().contains("truncated.jpg") && e.getMessage().contains("marked corrupt"),
                    e.getMessage());
        }
        assertArrayEquals(before, Files.readAllBytes(file)); // reused, not rebuilt
        // another size: another file
        try (PreparedDataset other = PreparedDataset.cached(raw, 24, tmp)) {
            assertEquals(24, other.load(0).width());
        }
        assertTrue(Files.isRegularFile(tmp.resolve("prepared-24.u8")));
    }
}
