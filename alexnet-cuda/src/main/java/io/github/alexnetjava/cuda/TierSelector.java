package io.github.alexnetjava.cuda;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads one tier: skips it when switched off, catches every failure (missing native library, old driver, a
 * failed library call) and turns it into a {@link TierStatus} with one log line, so a tier that cannot load falls
 * back instead of crashing. The loaders are passed in, so the logic is tested with stubs.
 */
public final class TierSelector {
    private static final Logger LOG = LoggerFactory.getLogger(TierSelector.class);
    private static final Pattern LIB = Pattern.compile("lib[A-Za-z0-9_+\\-]+\\.so(?:\\.[0-9]+)*");

    private TierSelector() {
    }

    /** Loads a tier's resources. */
    @FunctionalInterface
    public interface Loader<T> {
        T load() throws Exception;
    }

    /** A loaded value (or null) and the status. */
    public record Result<T>(T value, TierStatus status) {
    }

    /** A loaded tier describes itself for the log line. */
    public interface Described {
        String describe();
    }

    public static <T> Result<T> load(Tier tier, boolean wanted, Loader<T> loader) {
        Result<T> r = loadQuietly(tier, wanted, loader);
        if (r.status().state() == TierStatus.State.FAILED && tier != Tier.KERNELS) {
            LOG.warn("{}", r.status().logLine());
        } else {
            LOG.info("{}", r.status().logLine());
        }
        return r;
    }

    static <T> Result<T> loadQuietly(Tier tier, boolean wanted, Loader<T> loader) {
        if (!wanted) {
            String why = tier.property() != null ? "-D" + tier.property() + "=false" : "not requested";
            return new Result<>(null, new TierStatus(tier, TierStatus.State.DISABLED, why, null));
        }
        try {
            T v = loader.load();
            String d = v instanceof Described desc ? desc.describe() : String.valueOf(v);
            return new Result<>(v, new TierStatus(tier, TierStatus.State.LOADED, d, null));
        } catch (Throwable t) {
            if (t instanceof VirtualMachineError vme && !(t instanceof OutOfMemoryError)) {
                throw vme;
            }
            String missing = missingLibrary(t);
            String fallback = switch (tier) {
                case KERNELS -> "the CUDA backend cannot run";
                case CUBLAS -> "GEMM falls back to the own SGEMM kernels";
                case CUDNN -> "convolution, LRN and pooling fall back to the own kernels";
            };
            String detail = describe(t) + "; " + fallback;
            return new Result<>(null, new TierStatus(tier, TierStatus.State.FAILED, detail, missing));
        }
    }

    /** The first non-JCuda shared library named in the failure's messages (e.g. libcublas.so.12), or null. */
    static String missingLibrary(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = c.getMessage();
            if (m == null) {
                continue;
            }
            Matcher matcher = LIB.matcher(m);
            while (matcher.find()) {
                String lib = matcher.group();
                if (!lib.startsWith("libJ")) {
                    return lib;
                }
            }
        }
        return null;
    }

    private static final Pattern CANNOT_OPEN = Pattern.compile(
            "(lib[A-Za-z0-9_+\\-]+\\.so(?:\\.[0-9]+)*): cannot open shared object file: No such file or directory");

    /** A one-line account of a failure: JCuda's loader messages (with nested stack traces) shortened. */
    static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null && sb.length() < 400; c = c.getCause()) {
            if (sb.length() > 0) {
                sb.append(" <- ");
            }
            String m = c.getMessage();
            sb.append(c.getClass().getSimpleName());
            if (m != null) {
                Matcher open = CANNOT_OPEN.matcher(m);
                String lib = null;
                while (open.find()) {
                    if (!open.group(1).startsWith("libJ")) {
                        lib = open.group(1);
                        break;
                    }
                }
                if (lib != null) {
                    sb.append(": ").append(lib).append(": cannot open shared object file (not installed or not on"
                            + " LD_LIBRARY_PATH)");
                } else {
                    String one = m.replaceAll("\\s+", " ").trim();
                    int cut = one.indexOf("---(start of nested stack traces)");
                    if (cut > 0) {
                        one = one.substring(0, cut).trim();
                    }
                    sb.append(": ").append(one.length() > 240 ? one.substring(0, 240) + "..." : one);
                }
            }
        }
        return sb.toString();
    }
}
