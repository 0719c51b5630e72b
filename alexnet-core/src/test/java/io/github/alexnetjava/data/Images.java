package io.github.alexnetjava.data;

import io.github.alexnetjava.testutil.TestData;
import java.nio.file.Path;

/** Paths of the bundled images (src-test-data/images, made by make_images.py). */
final class Images {
    private Images() {
    }

    static Path root() {
        return TestData.root().resolve("images");
    }

    static Path fashionMini() {
        return root().resolve("fashion-mini");
    }

    static Path broken() {
        return root().resolve("broken");
    }
}
