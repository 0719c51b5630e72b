package io.github.alexnetjava.examples;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.github.alexnetjava.examples.AlexNetCliTest.parseFlatJson;
import static io.github.alexnetjava.examples.AlexNetCliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bench/train --devices 2}: the two-tower split, with the exchange counted and reported. */
class BenchDevicesTest {

    @Test
    void benchOnTwoDevicesReportsExchangeBytesAndTransferTime() {
        AlexNetCliTest.Run r = run("bench", "--model", "alexnet-small", "--batch", "2", "--iters", "1",
                "--warmup", "0", "--threads", "1", "--devices", "2", "--json");
        assertEquals(0, r.code(), r.err());
        Map<String, String> j = parseFlatJson(r.lastLine());
        assertEquals("2", j.get("devices"));
        assertEquals("\"paper\"", j.get("connectivity"));
        // alexnet-small, paper pattern: (2*32*6*6 + 2*32*2*2 + 2*128 + 128) floats * 4 bytes * 2 passes per image.
        long perImage = 2L * 4 * (2 * 32 * 36 + 2 * 32 * 4 + 2 * 128 + 128);
        assertEquals(Long.toString(2 * perImage), j.get("exchange_bytes_per_step"));
        assertEquals(j.get("exchange_bytes_per_step"), j.get("exchange_bytes_per_step_analytic"));
        assertTrue(Double.parseDouble(j.get("transfer_ms_per_step")) >= 0, r.lastLine());
        assertTrue(r.out().contains("exchange:"), r.out());
    }

    @Test
    void trainOnTwoDevicesLearnsExactlyAsOnOne() {
        String[] args = {"train", "--synthetic", "--epochs", "1", "--train-size", "64", "--val-size", "32",
            "--batch", "32", "--threads", "1", "--json", "--devices", ""};
        args[args.length - 1] = "1";
        Map<String, String> one = parseFlatJson(run(args).lastLine());
        args[args.length - 1] = "2";
        AlexNetCliTest.Run r = run(args);
        assertEquals(0, r.code(), r.err());
        Map<String, String> two = parseFlatJson(r.lastLine());
        assertEquals("2", two.get("devices"));
        assertEquals(Double.parseDouble(one.get("train_loss")), Double.parseDouble(two.get("train_loss")), 1e-3);
        assertEquals(one.get("val_top1"), two.get("val_top1"));
    }

    @Test
    void devicesMustBeOneOrTwoAndTheModelMustHaveTwoTowers() {
        assertEquals(CliErrors.USAGE, run("bench", "--devices", "3").code());
        AlexNetCliTest.Run r = run("bench", "--model", "alexnet-torchvision", "--devices", "2", "--iters", "1");
        assertEquals(CliErrors.USAGE, r.code());
        assertTrue(r.err().contains("no two-tower form"), r.err());
    }
}
