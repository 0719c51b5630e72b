package io.github.alexnetjava.examples;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AlexNetCliTest {

    /** Exit code, stdout and stderr of one run. */
    record Run(int code, String out, String err) {
        String lastLine() {
            String[] lines = out.strip().split("\\R");
            return lines[lines.length - 1];
        }
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new AlexNetCli());
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static final Pattern FIELD = Pattern.compile(
            "\\s*\"([^\"]+)\"\\s*:\\s*(\"(?:[^\"\\\\]|\\\\.)*\"|-?[0-9][0-9.eE+-]*|true|false|null)\\s*(,|$)");

    /** Parses a flat JSON object (string, number, boolean and null values), failing on anything else. */
    static Map<String, String> parseFlatJson(String line) {
        String s = line.strip();
        assertTrue(s.startsWith("{") && s.endsWith("}"), "not a JSON object: " + line);
        String body = s.substring(1, s.length() - 1);
        Map<String, String> m = new LinkedHashMap<>();
        Matcher matcher = FIELD.matcher(body);
        int pos = 0;
        while (pos < body.length()) {
            assertTrue(matcher.find(pos) && matcher.start() == pos, "bad JSON at " + pos + ": " + line);
            m.put(matcher.group(1), matcher.group(2));
            pos = matcher.end();
        }
        return m;
    }

    @Test
    void summaryOfThePaperModel() {
        Run r = run("summary", "--model", "alexnet");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Total parameters: 60,965,224"), r.out());
        assertTrue(r.out().contains("[96, 55, 55]"), r.out());
        assertTrue(r.out().contains("37,752,832"), r.out()); // fc6
    }

    @Test
    void summaryOfTorchvisionModel() {
        Run r = run("summary", "--model", "alexnet-torchvision");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Total parameters: 61,100,840"), r.out());
    }

    @Test
    void benchPrintsJsonOnTheLastLine() {
        Run r = run("bench", "--model", "alexnet-small", "--batch", "4", "--iters", "1", "--warmup", "0",
                "--threads", "1", "--json");
        assertEquals(0, r.code(), r.err());
        Map<String, String> j = parseFlatJson(r.lastLine());
        for (String key : new String[] {"model", "batch", "backend", "threads", "train_images_per_s",
                "infer_images_per_s", "train_step_ms", "infer_ms", "java", "vector", "peak_heap_mb", "rss_mb", "date"}) {
            assertTrue(j.containsKey(key), "missing " + key + " in " + r.lastLine());
        }
        assertEquals("\"alexnet-small\"", j.get("model"));
        assertEquals("4", j.get("batch"));
        assertEquals("1", j.get("threads"));
        assertTrue(Double.parseDouble(j.get("train_images_per_s")) > 0);
        assertTrue(Double.parseDouble(j.get("infer_ms")) > 0);
        assertTrue(Double.parseDouble(j.get("peak_heap_mb")) > 0);
        assertTrue(r.err().contains("train iteration 1/1"), r.err()); // progress goes to stderr
    }

    @Test
    void benchInferOnlyLeavesTrainFiguresNull() {
        Run r = run("bench", "--model", "alexnet-small", "--batch", "2", "--iters", "1", "--warmup", "0",
                "--mode", "infer", "--json");
        assertEquals(0, r.code(), r.err());
        Map<String, String> j = parseFlatJson(r.lastLine());
        assertEquals("null", j.get("train_images_per_s"));
        assertFalse(j.get("infer_images_per_s").equals("null"));
    }

    @Test
    void trainSyntheticOneEpoch() {
        Run r = run("train", "--synthetic", "--epochs", "1", "--train-size", "256", "--val-size", "64", "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("epoch 1/1"), r.out());
        Map<String, String> j = parseFlatJson(r.lastLine());
        assertEquals("1", j.get("epochs"));
        double loss = Double.parseDouble(j.get("train_loss"));
        assertTrue(Double.isFinite(loss) && loss > 0, r.out());
        double top5 = Double.parseDouble(j.get("val_top5"));
        assertTrue(top5 >= 0 && top5 <= 1, r.out());
        assertNotNull(j.get("images_per_s"));
    }

    @Test
    void trainWithoutADataSourceIsAUsageError() {
        Run r = run("train");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("train needs a data source"), r.err());
        assertEquals(2, run("train", "--dataset", "mnist-digits").code());
    }

    @Test
    void unknownModelExitsWithTwoAndListsTheModels() {
        Run r = run("summary", "--model", "alexnet-xl");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("error: unknown model 'alexnet-xl'"), r.err());
        assertTrue(r.err().contains("alexnet, alexnet-torchvision, alexnet-small"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace expected: " + r.err());
        assertEquals(2, run("bench", "--model", "alexnet-xl").code());
    }

    @Test
    void libraryErrorsAreOneLineUnlessStacktraceIsAsked() {
        Run r = run("summary", "--model", "alexnet-small", "--classes", "1");
        assertEquals(2, r.code());
        assertEquals("error: a classifier needs at least 2 classes, got 1", r.err().strip());
        Run traced = run("summary", "--model", "alexnet-small", "--classes", "1", "--stacktrace");
        assertEquals(2, traced.code());
        assertTrue(traced.err().contains("\tat "), traced.err());
    }

    @Test
    void unknownBackendIsAUsageError() {
        Run r = run("bench", "--model", "alexnet-small", "--backend", "tpu", "--iters", "1", "--warmup", "0");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("error: unknown backend 'tpu'"), r.err());
    }

    @Test
    void handlerInstalledByMainGivesTheSameResult() {
        StringWriter err = new StringWriter();
        CommandLine cmd = AlexNetCli.commandLine();
        cmd.setErr(new PrintWriter(err, true));
        cmd.setOut(new PrintWriter(new StringWriter(), true));
        assertEquals(2, cmd.execute("summary", "--model", "nope"));
        assertTrue(err.toString().startsWith("error: unknown model 'nope'"), err.toString());
    }

    @Test
    void versionAndHelp() {
        Run v = run("--version");
        assertEquals(0, v.code());
        assertTrue(v.out().startsWith("alexnet-java "), v.out());
        for (String sub : new String[] {"summary", "bench", "train", "eval", "predict"}) {
            Run h = run(sub, "--help");
            assertEquals(0, h.code());
            assertTrue(h.out().contains("Usage: alexnet " + sub), h.out());
        }
    }

    @Test
    void syntheticDataIsSeededAndBalanced() {
        SyntheticDataset a = new SyntheticDataset(10, 1, 28, 1f, 0.5f, 0, 7);
        SyntheticDataset b = new SyntheticDataset(10, 1, 28, 1f, 0.5f, 0, 7);
        SyntheticDataset.Split sa = a.generate(100, 1);
        SyntheticDataset.Split sb = b.generate(100, 1);
        assertTrue(java.util.Arrays.equals(sa.images(), sb.images()));
        assertTrue(java.util.Arrays.equals(sa.labels(), sb.labels()));
        int[] counts = new int[10];
        for (int l : sa.labels()) {
            counts[l]++;
        }
        for (int c : counts) {
            assertEquals(10, c);
        }
    }
}
