package io.github.alexnetjava.examples;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.github.alexnetjava.examples.AlexNetCliTest.parseFlatJson;
import static io.github.alexnetjava.examples.AlexNetCliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bench --devices 2}: the two-tower split, with the exchange counted and reported. */
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
    void devicesMustBeOneOrTwoAndTheModelMustHaveTwoTowers() {
        assertEquals(CliErrors.USAGE, run("bench", "--devices", "3").code());
        AlexNetCliTest.Run r = run("bench", "--model", "alexnet-torchvision", "--devices", "2", "--iters", "1");
        assertEquals(CliErrors.USAGE, r.code());
        assertTrue(r.err().contains("no two-tower form"), r.err());
    }
}
