package io.github.alexnetjava.backend;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;

/**
 * Finds backends with {@link ServiceLoader} and picks one by name: the argument, else the system property
 * {@code alexnet.backend}, else the environment variable {@code ALEXNET_BACKEND}, else {@code cpu}.
 */
public final class Backends {
    public static final String PROPERTY = "alexnet.backend";
    public static final String ENV = "ALEXNET_BACKEND";
    public static final String DEFAULT = "cpu";
    private static final Logger LOG = LoggerFactory.getLogger(Backends.class);

    private Backends() {
    }

    /** All providers on the class path. */
    public static List<BackendProvider> providers() {
        List<BackendProvider> out = new ArrayList<>();
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader())) {
            out.add(p);
        }
        return out;
    }

    /** The name chosen by property, environment or default. */
    public static String configuredName() {
        String name = System.getProperty(PROPERTY);
        if (name == null || name.isBlank()) {
            name = System.getenv(ENV);
        }
        return name == null || name.isBlank() ? DEFAULT : name.trim().toLowerCase(Locale.ROOT);
    }

    /** The configured backend with default options. */
    public static Backend create() {
        return create(configuredName(), BackendOptions.defaults());
    }

    public static Backend create(String name) {
        return create(name, BackendOptions.defaults());
    }

    public static Backend create(String name, BackendOptions options) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        List<String> known = new ArrayList<>();
        for (BackendProvider p : providers()) {
            known.add(p.name());
            if (p.name().equals(wanted)) {
                String why = p.unavailableReason();
                if (why != null) {
                    throw new IllegalStateException("backend '" + wanted + "' cannot run here: " + why);
                }
                Backend b = p.create(options);
                LOG.info("Backend: {}", b.description());
                return b;
            }
        }
        throw new IllegalArgumentException("unknown backend '" + name + "'; available: " + known
                + " (a backend module such as alexnet-cuda must be on the class path to be found)");
    }
}
