package io.github.alexnetjava.testutil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Locates the repository's {@code src-test-data} directory: the system property {@code alexnet.testData}
 * (Surefire sets it) if it names an existing directory, else the first {@code src-test-data} found searching
 * upward from {@code user.dir}.
 */
public final class TestData {
    public static final String PROPERTY = "alexnet.testData";
    public static final String DIR_NAME = "src-test-data";

    private static volatile Path cached;

    private TestData() {
    }

    /** The {@code src-test-data} directory; fails with a clear message if it cannot be found. */
    public static Path root() {
        Path r = cached;
        if (r == null) {
            r = locate();
            cached = r;
        }
        return r;
    }

    /** {@code src-test-data/pytorch}. */
    public static Path pytorch() {
        return requireDir(root().resolve("pytorch"));
    }

    /** One PyTorch reference case directory, e.g. {@code conv_basic}. */
    public static Path pytorchCase(String name) {
        return requireDir(pytorch().resolve(name));
    }

    private static Path requireDir(Path p) {
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException("test data directory " + p.toAbsolutePath()
                    + " does not exist (src-test-data at " + root().toAbsolutePath() + ")");
        }
        return p;
    }

    private static Path locate() {
        String prop = System.getProperty(PROPERTY);
        if (prop != null && !prop.isBlank()) {
            Path p = Paths.get(prop.trim());
            if (Files.isDirectory(p)) {
                return p.toAbsolutePath().normalize();
            }
        }
        Path start = Paths.get(System.getProperty("user.dir", ".")).toAbsolutePath().normalize();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(DIR_NAME);
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("cannot find the test data directory '" + DIR_NAME + "': system property "
                + PROPERTY + "=" + (prop == null ? "(unset)" : "'" + prop + "' (not a directory)")
                + " and no directory above user.dir=" + start + " contains '" + DIR_NAME
                + "'; run the tests from inside the repository or pass -D" + PROPERTY + "=<path>");
    }

    /** Reads a whole text file (UTF-8), wrapping I/O errors. */
    public static String readString(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p, e);
        }
    }
}
