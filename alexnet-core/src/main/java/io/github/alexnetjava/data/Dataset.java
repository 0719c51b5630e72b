package io.github.alexnetjava.data;

import java.io.IOException;
import java.util.List;

/**
 * A labelled image dataset with random access. Implementations keep only what is needed to find example
 * {@code i} (a path, or for small datasets the bytes) and decode it on demand; they must be safe to call from
 * several threads at once.
 */
public interface Dataset {
    /** The number of examples. */
    int size();

    /** The class names; a label is an index into this list. */
    List<String> classNames();

    /** The label of example {@code index}, in {@code [0, classNames().size())}. */
    int label(int index);

    /** Channels of the decoded images: 3 (RGB) or 1 (grey). */
    int channels();

    /** A human-readable name for example {@code index} (its file, or dataset file + index), for messages. */
    String describe(int index);

    /**
     * Decodes example {@code index}.
     *
     * @throws CorruptImageException if it cannot be read or decoded (the message names the file)
     */
    Image load(int index) throws IOException;

    /**
     * Decodes example {@code index} and writes it, preprocessed and augmented, as {@code C x H x W} floats into
     * {@code dst} at {@code offset} ({@code transform.outputSize()} values).
     */
    default void read(int index, Transform transform, Augment augment, float[] dst, int offset) throws IOException {
        transform.apply(load(index), augment, dst, offset);
    }
}
