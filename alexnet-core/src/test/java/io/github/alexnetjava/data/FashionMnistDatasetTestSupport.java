package io.github.alexnetjava.data;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;

final class FashionMnistDatasetTestSupport {
    private static FashionMnistDataset test;

    private FashionMnistDatasetTestSupport() {
    }

    static synchronized FashionMnistDataset testSetOrSkip() throws IOException {
        assumeTrue(Files.isRegularFile(FashionMnistDataset.DEFAULT_DIR.resolve("t10k-images-idx3-ubyte.gz")),
                "Debian's dataset-fashion-mnist is not installed");
        if (test == null) {
            test = FashionMnistDataset.test();
        }
        return test;
    }
}
