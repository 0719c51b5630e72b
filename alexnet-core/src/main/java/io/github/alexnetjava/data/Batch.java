package io.github.alexnetjava.data;

/**
 * One batch from a {@link DataLoader}: {@code data} holds {@code size() * views()} inputs, each {@code C x H x W},
 * in NCHW order ({@code data.length == size() * views() * C * H * W}, exactly, so it can be wrapped as a tensor
 * of shape {@code [size()*views(), C, H, W]}, e.g. with {@code CpuBackend.wrap}); the {@code views()} views of
 * example {@code e} are consecutive (10-crop: rows {@code 10e .. 10e+9}). {@code labels} has one entry per example.
 * A batch is shorter than the batch size when it is the last, partial batch of an evaluation epoch, or when
 * unreadable images were skipped ({@link #skipped()}).
 *
 * @param epoch      the epoch it belongs to
 * @param index      its index within the epoch (what {@link DataLoader.Builder#startAt} takes)
 * @param indices    the dataset indices of its examples, in order
 * @param skipped    examples of this batch skipped because they could not be read
 * @param lastInEpoch true for the epoch's last batch
 */
public record Batch(float[] data, int[] labels, int[] indices, int views, int[] shape, int epoch, int index,
                    int skipped, boolean lastInEpoch) {

    /** Number of examples. */
    public int size() {
        return labels.length;
    }

    /** The tensor shape of {@link #data}: {@code [size()*views(), C, H, W]}. */
    public int[] tensorShape() {
        return new int[] {labels.length * views, shape[0], shape[1], shape[2]};
    }
}
