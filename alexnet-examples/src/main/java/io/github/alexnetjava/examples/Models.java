package io.github.alexnetjava.examples;

import io.github.alexnetjava.model.AlexNet;

import java.util.Locale;

/** Small helpers shared by the commands. */
final class Models {
    private Models() {
    }

    /** Fails early, before a backend is built, on a model name {@link AlexNet#create} would reject. */
    static void check(String model) {
        if (!AlexNet.MODELS.contains(model)) {
            throw new IllegalArgumentException("unknown model '" + model + "'; choose one of "
                    + String.join(", ", AlexNet.MODELS));
        }
    }

    /** The class count: the option if given, else 10 for the small models and 1000 otherwise. */
    static int classes(String model, Integer option) {
        return option != null ? option : AlexNet.SMALL_MODELS.contains(model) ? 10 : 1000;
    }

    /** 60965224 → "60,965,224". */
    static String thousands(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
