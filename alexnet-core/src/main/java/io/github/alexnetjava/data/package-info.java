/**
 * The data pipeline: datasets, the paper's preprocessing and augmentation, and a reproducible background loader.
 *
 * <ul>
 * <li>{@link io.github.alexnetjava.data.Dataset}: labelled images with random access, decoded on demand —
 * {@link io.github.alexnetjava.data.ImageFolderDataset} (ImageNet-style {@code train/<class>/}, {@code val/<class>/},
 * or the flat ILSVRC2012 validation folder + label file), {@link io.github.alexnetjava.data.FashionMnistDataset}
 * (IDX files, in memory), {@link io.github.alexnetjava.data.PreparedDataset} (shorter side to 256 + centre crop,
 * optionally cached on disk).</li>
 * <li>{@link io.github.alexnetjava.data.ImageDecoder}: JPEG/PNG to RGB (grey, CMYK/YCCK, alpha handled);
 * {@link io.github.alexnetjava.data.Resize}.</li>
 * <li>{@link io.github.alexnetjava.data.ChannelStats}: training-set mean (per channel or mean image) and RGB
 * covariance PCA ({@link io.github.alexnetjava.data.SymmetricEigen}), cached in a small text file.</li>
 * <li>{@link io.github.alexnetjava.data.Preprocessing} (config) + stats + input geometry =
 * {@link io.github.alexnetjava.data.Transform}; {@link io.github.alexnetjava.data.Augmenter} picks each view's
 * {@link io.github.alexnetjava.data.Augment} (random crop/flip/PCA colour from the seed, centre, or 10 crops).</li>
 * <li>{@link io.github.alexnetjava.data.DataLoader}: batches ({@link io.github.alexnetjava.data.Batch}, NCHW floats
 * + labels) decoded by background threads; identical for a seed whatever the thread count, reshuffled each
 * epoch, resumable at (epoch, batch).</li>
 * </ul>
 *
 * <p>Training on ImageNet as the paper (the batch index to resume from is the last finished batch + 1):
 * <pre>{@code
 * var train = PreparedDataset.of(ImageFolderDataset.open(root, "train"), 256);  // or .cached(..., 256, cacheDir)
 * var val = PreparedDataset.of(ImageFolderDataset.open(root, "val"), 256);
 * var stats = ChannelStats.cached(runDir.resolve("channel-stats.txt"), train, 10_000, false, 4);
 * var transform = new Transform(Preprocessing.alexNet(), stats, 256, 256, 3);          // input [3, 227, 227]
 * try (var loader = DataLoader.builder(train, transform).seed(seed).batchSize(128)
 *         .startAt(epoch, batch).endEpoch(90).build()) {
 *     while (loader.hasNext()) {
 *         Batch b = loader.next();
 *         net.trainStep(cpu.wrap(b.data(), b.tensorShape()), b.labels(), sgd);
 *         if (b.lastInEpoch()) {
 *             log.info("epoch {}: {} unreadable images skipped", b.epoch(), loader.skipped(b.epoch()));
 *         }
 *     }
 * }
 * // evaluation: DataLoader.builder(val, transform).mode(DataLoader.Mode.EVAL_TEN_CROP) -> average the 10 views
 * }</pre>
 * Fashion-MNIST: {@code FashionMnistDataset.train()} with {@code new Transform(Preprocessing.fashionMnist(), stats,
 * 28, 28, 1)} (input {@code [1, 28, 28]}; {@code .withOutputChannels(3)} for 3 channels).
 */
package io.github.alexnetjava.data;
