package io.github.alexnetjava.cuda;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The committed fatbins match their sources, and every .cu compiles with nvcc (when present) for sm_75, sm_80 and
 * sm_90; registers and spills of every kernel are parsed from {@code -Xptxas -v} and written to
 * {@code target/cuda-kernel-registers.txt}.
 */
class KernelSourcesTest {
    /** Must equal the flags in build-kernels.sh (recorded in each .properties). */
    static final String FLAGS = "-std=c++17 -O3 --fatbin -gencode arch=compute_75,code=sm_75 -gencode"
            + " arch=compute_80,code=sm_80 -gencode arch=compute_86,code=sm_86 -gencode arch=compute_89,code=sm_89"
            + " -gencode arch=compute_90,code=[sm_90,compute_90]";
    static final List<String> HOT = List.of("sgemm_128_nn", "sgemm_128_nt", "sgemm_128_tn", "sgemm_64_nn",
            "im2col_batched", "col2im_batched", "lrn_forward", "lrn_backward", "maxpool_backward", "softmax_xent");

    static Path sourceDir() {
        return Path.of(System.getProperty("alexnet.cuda.sourceDir", "src/main/cuda"));
    }

    static Path kernelDir() {
        return Path.of(System.getProperty("alexnet.cuda.kernelDir",
                "src/main/resources/io/github/alexnetjava/cuda/kernels"));
    }

    static Path reportDir() {
        return Path.of(System.getProperty("alexnet.cuda.reportDir", "target"));
    }

    static List<Path> sources() throws IOException {
        assumeTrue(Files.isDirectory(sourceDir()), "CUDA sources not found at " + sourceDir()
                + " (e.g. running from the GPU bundle): nothing to check");
        try (Stream<Path> s = Files.list(sourceDir())) {
            return s.filter(p -> p.toString().endsWith(".cu")).sorted().toList();
        }
    }

    static String sha256(Path f) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path nvcc() {
        String env = System.getenv("NVCC");
        List<Path> candidates = new ArrayList<>();
        if (env != null) {
            candidates.add(Path.of(env));
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(":")) {
                candidates.add(Path.of(d, "nvcc"));
            }
        }
        candidates.add(Path.of("/usr/local/cuda/bin/nvcc"));
        for (Path p : candidates) {
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    @Test
    void everyFatbinRecordsTheHashOfItsCurrentSources() throws IOException {
        List<Path> cus = sources();
        assertEquals(Kernels.FUNCTIONS.keySet().stream().sorted().toList(),
                cus.stream().map(p -> p.getFileName().toString().replace(".cu", "")).toList(),
                "every .cu is a module the backend loads, and vice versa");
        String common = sha256(sourceDir().resolve("common.cuh"));
        List<String> stale = new ArrayList<>();
        for (Path cu : cus) {
            String name = cu.getFileName().toString().replace(".cu", "");
            Path props = kernelDir().resolve(name + ".properties");
            Path fatbin = kernelDir().resolve(name + ".fatbin");
            assertTrue(Files.isRegularFile(fatbin), fatbin + " missing: run build-kernels.sh");
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(props)) {
                p.load(in);
            }
            if (!sha256(cu).equals(p.getProperty("sha256." + name + ".cu"))
                    || !common.equals(p.getProperty("sha256.common.cuh"))) {
                stale.add(name);
            }
            assertEquals(FLAGS, p.getProperty("nvcc.flags"), name + ": flags differ from the documented build");
            assertEquals(sha256(fatbin), p.getProperty("fatbin.sha256"), name + ".fatbin was changed by hand");
        }
        if (!stale.isEmpty()) {
            fail("CUDA sources changed since their fatbins were built: " + stale
                    + "; run alexnet-cuda/src/main/cuda/build-kernels.sh and commit the result");
        }
    }

    record Usage(String kernel, String arch, int registers, int spillStores, int spillLoads, int stack, int smem) {
    }

    private static final Pattern ENTRY = Pattern.compile("Compiling entry function '(\\w+)' for '(sm_\\d+)'");
    private static final Pattern PROPS = Pattern.compile("Function properties for (\\w+)");
    private static final Pattern SPILL = Pattern.compile(
            "(\\d+) bytes stack frame, (\\d+) bytes spill stores, (\\d+) bytes spill loads");
    private static final Pattern USED = Pattern.compile("Used (\\d+) registers");
    private static final Pattern SMEM = Pattern.compile("(\\d+) bytes smem");

    static List<Usage> parse(String ptxas, String arch) {
        List<Usage> out = new ArrayList<>();
        String fn = null;
        int[] spill = {0, 0, 0};
        for (String line : ptxas.split("\\R")) {
            Matcher m = ENTRY.matcher(line);
            if (m.find()) {
                fn = m.group(1);
                spill = new int[] {0, 0, 0};
                continue;
            }
            m = PROPS.matcher(line);
            if (m.find()) {
                fn = m.group(1);
                continue;
            }
            m = SPILL.matcher(line);
            if (m.find()) {
                spill = new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                        Integer.parseInt(m.group(3))};
                continue;
            }
            m = USED.matcher(line);
            if (fn != null && m.find()) {
                Matcher sm = SMEM.matcher(line);
                int smem = sm.find() ? Integer.parseInt(sm.group(1)) : 0;
                out.add(new Usage(fn, arch, Integer.parseInt(m.group(1)), spill[1], spill[2], spill[0], smem));
                fn = null;
            }
        }
        return out;
    }

    @Test
    void everyKernelCompilesForSm75Sm80Sm90AndRecordsRegistersAndSpills() throws Exception {
        Path nvcc = nvcc();
        assumeTrue(nvcc != null, "nvcc not found (PATH, NVCC, /usr/local/cuda/bin): the committed fatbins are used");
        Path work = reportDir().resolve("cuda-check");
        Files.createDirectories(work);
        Map<String, Usage> table = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        for (Path cu : sources()) {
            String name = cu.getFileName().toString().replace(".cu", "");
            for (String arch : List.of("sm_75", "sm_80", "sm_90")) {
                Run r = run(work, nvcc.toString(), "-std=c++17", "-O3", "-cubin", "-arch=" + arch, "-Xptxas", "-v",
                        "-o", work.resolve(name + "_" + arch + ".cubin").toString(), cu.toString());
                if (r.code != 0 || r.output.contains("error")) {
                    errors.add(name + ".cu for " + arch + ":\n" + r.output);
                    continue;
                }
                for (Usage u : parse(r.output, arch)) {
                    table.put(u.kernel() + "/" + u.arch(), u);
                }
            }
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-18s %-6s %5s %7s %7s %6s %6s%n",
                "kernel", "arch", "regs", "spillST", "spillLD", "stack", "smem"));
        for (Usage u : table.values()) {
            sb.append(String.format(Locale.ROOT, "%-18s %-6s %5d %7d %7d %6d %6d%s%n", u.kernel(), u.arch(),
                    u.registers(), u.spillStores(), u.spillLoads(), u.stack(), u.smem(),
                    HOT.contains(u.kernel()) ? "  hot" : ""));
        }
        Files.writeString(reportDir().resolve("cuda-kernel-registers.txt"), sb.toString(), StandardCharsets.UTF_8);
        System.out.println("[nvcc] " + nvcc + "\n" + sb);
        if (!errors.isEmpty()) {
            fail("nvcc failed:\n" + String.join("\n", errors));
        }
        for (String hot : HOT) {
            for (String arch : List.of("sm_75", "sm_80", "sm_90")) {
                assertTrue(table.containsKey(hot + "/" + arch), "no ptxas report for " + hot + " on " + arch);
            }
        }
        for (Usage u : table.values()) {
            if (u.kernel().startsWith("sgemm_128x2")) {
                // Capped at 128 registers for two blocks per multiprocessor: a few spills are the price, but
                // not a spilled accumulator block (64 floats = 256 bytes).
                assertTrue(u.spillStores() < 256 && u.spillLoads() < 256, "the 128x2 SGEMM spills too much: " + u);
            } else if (u.kernel().startsWith("sgemm")) {
                assertEquals(0, u.spillStores() + u.spillLoads(), "the SGEMM kernels must not spill: " + u);
            }
        }
    }

    @Test
    void fatbinsRebuiltWithTheRecordedFlagsHoldTheSameImages() throws Exception {
        Path nvcc = nvcc();
        assumeTrue(nvcc != null, "nvcc not found: nothing to rebuild");
        Path cuobjdump = nvcc.toRealPath().resolveSibling("cuobjdump");
        boolean listings = Files.isExecutable(cuobjdump); // optional: compare the embedded images when present
        Path work = reportDir().resolve("cuda-check");
        Files.createDirectories(work);
        for (Path cu : sources()) {
            String name = cu.getFileName().toString().replace(".cu", "");
            Path rebuilt = work.resolve(name + ".fatbin");
            List<String> cmd = new ArrayList<>(List.of(nvcc.toString()));
            cmd.addAll(List.of(FLAGS.split(" ")));
            cmd.addAll(List.of("-o", rebuilt.toString(), cu.toString()));
            Run r = run(work, cmd.toArray(String[]::new));
            assertEquals(0, r.code, name + ": " + r.output);
            if (listings) {
                String want = run(work, cuobjdump.toString(), "-lelf", "-lptx",
                        kernelDir().resolve(name + ".fatbin").toString()).output;
                String got = run(work, cuobjdump.toString(), "-lelf", "-lptx", rebuilt.toString()).output;
                assertEquals(normalise(want), normalise(got), name + ": the committed fatbin holds other images"
                        + " than a rebuild; run build-kernels.sh");
            }
            boolean same = java.util.Arrays.equals(Files.readAllBytes(rebuilt),
                    Files.readAllBytes(kernelDir().resolve(name + ".fatbin")));
            System.out.println("[nvcc] " + name + ".fatbin rebuilt: " + (same ? "byte-identical" : "same images"
                    + " (bytes differ: nvcc output is not guaranteed reproducible)"));
        }
    }

    private static String normalise(String listing) {
        return listing.replaceAll("(?m)^.*?(ELF|PTX) file\\s+\\d+:\\s*", "$1 ").replaceAll("\\S*\\.fatbin\\S*", "")
                .replaceAll("[^\\n]*tmpxft[^\\n]*", "").trim();
    }

    record Run(int code, String output) {
    }

    static Run run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            return new Run(-1, out + "\n(timed out)");
        }
        return new Run(p.exitValue(), out);
    }
}
