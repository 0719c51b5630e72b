package io.github.alexnetjava.train;

/**
 * One epoch's row of {@code metrics.csv}.
 *
 * @param epoch         1-based epoch number
 * @param trainLoss     mean training loss over the epoch's batches (with dropout and augmentation)
 * @param trainTop1     training top-1 accuracy measured on those same forward passes
 * @param valLoss       validation loss (NaN when not measured)
 * @param valTop1       validation top-1 accuracy
 * @param valTop5       validation top-5 accuracy
 * @param lr            the learning rate used during the epoch
 * @param imagesPerSecond training images per second (wall time of the epoch's training steps)
 * @param seconds       wall time of the epoch, training and validation
 * @param skippedImages unreadable images skipped in training and validation
 */
public record EpochMetrics(int epoch, double trainLoss, double trainTop1, double valLoss, double valTop1,
                           double valTop5, double lr, double imagesPerSecond, double seconds, int skippedImages) {

    /** The columns of {@link MetricsCsv}, in order. */
    public static final String HEADER =
            "epoch,train_loss,train_top1,val_loss,val_top1,val_top5,lr,images_per_s,seconds,skipped_images";
}
