package io.github.alexnetjava.train;

import io.github.alexnetjava.data.Dataset;
import io.github.alexnetjava.data.Image;
import io.github.alexnetjava.data.Transform;
import io.github.alexnetjava.data.Augment;
import java.io.IOException;
import java.util.List;

/** The first {@code n} examples of a dataset (for quick runs and tests: {@code --limit-train}). */
public final class Subset implements Dataset {
    private final Dataset inner;
    private final int n;

    private Subset(Dataset inner, int n) {
        this.inner = inner;
        this.n = n;
    }

    /** The first {@code min(n, size)} examples; {@code inner} itself when that is all of them. */
    public static Dataset first(Dataset inner, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("a subset needs at least 1 example, got " + n);
        }
        return n >= inner.size() ? inner : new Subset(inner, n);
    }

    @Override
    public int size() {
        return n;
    }

    @Override
    public List<String> classNames() {
        return inner.classNames();
    }

    @Override
    public int label(int index) {
        return inner.label(check(index));
    }

    @Override
    public int channels() {
        return inner.channels();
    }

    @Override
    public String describe(int index) {
        return inner.describe(check(index));
    }

    @Override
    public Image load(int index) throws IOException {
        return inner.load(check(index));
    }

    @Override
    public void read(int index, Transform transform, Augment augment, float[] dst, int offset) throws IOException {
        inner.read(check(index), transform, augment, dst, offset);
    }

    private int check(int index) {
        if (index < 0 || index >= n) {
            throw new IndexOutOfBoundsException("index " + index + " of a subset of " + n);
        }
        return index;
    }

    @Override
    public String toString() {
        return "first " + n + " of " + inner;
    }
}
