package io.github.alexnetjava.testutil;

import java.util.function.Supplier;

/** Runs code with a system property set, restoring the previous value (or its absence) afterwards. */
public final class SystemProperties {
    private SystemProperties() {
    }

    public static <T> T with(String key, String value, Supplier<T> body) {
        String old = System.setProperty(key, value);
        try {
            return body.get();
        } finally {
            if (old == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, old);
            }
        }
    }
}
