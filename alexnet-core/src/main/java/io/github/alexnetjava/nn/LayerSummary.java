package io.github.alexnetjava.nn;

/** One row of a network summary: layer name, kind, output shape (batch first) and parameter count. */
public record LayerSummary(String name, String kind, int[] outputShape, long parameters) {
}
