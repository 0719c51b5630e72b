package io.github.alexnetjava.data;

import java.nio.file.Path;

/**
 * Images per second of the data loader alone (no network), on the bundled image folder (prepared to 256,
 * random 227x227 crops, flips, PCA colour, per-channel mean) and on Fashion-MNIST (28x28 crops of the padded
 * image). Run from the test classpath:
 * <pre>
 * java -cp target/classes:target/test-classes:SLF4J_JARS io.github.alexnetjava.data.LoaderBenchmark [folder|fashion] [threads] [root]
 * </pre>
 */
public final class LoaderBenchmark {
    private LoaderBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String what = args.length > 0 ? args[0] : "folder";
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : DataLoader.defaultThreads();
        Dataset ds;
        Transform t;
        int epochs;
        if (what.equals("fashion")) {
            ds = FashionMnistDataset.train();
            ChannelStats stats = ChannelStats.compute(ds, 10_000, false, threads);
            t = new Transform(Preprocessing.fashionMnist(), stats, 28, 28, 1);
            epochs = 2;
        } else {
            Path root = args.length > 2 ? Path.of(args[2]) : Images.fashionMini();
            ds = PreparedDataset.of(ImageFolderDataset.open(root, "train"), 256);
            ChannelStats stats = ChannelStats.compute(ds, 1000, false, threads);
            t = new Transform(Preprocessing.alexNet(), stats, 256, 256, 3);
            epochs = 4;
        }
        // warm-up epoch, then measure
        for (int round = 0; round < 2; round++) {
            long images = 0;
            long t0 = System.nanoTime();
            try (DataLoader l = DataLoader.builder(ds, t).seed(1).batchSize(what.equals("fashion") ? 256 : 64)
                    .threads(threads).startAt(round * 10, 0).endEpoch(round * 10 + (round == 0 ? 1 : epochs))
                    .build()) {
                while (l.hasNext()) {
                    images += l.next().size();
                }
                double s = (System.nanoTime() - t0) / 1e9;
                System.out.printf("%s %s: %d threads, %d images in %.2f s = %.0f images/s (loader: %.0f)%n",
                        round == 0 ? "warm-up" : "measured", what, threads, images, s, images / s,
                        l.imagesPerSecond());
            }
        }
    }
}
