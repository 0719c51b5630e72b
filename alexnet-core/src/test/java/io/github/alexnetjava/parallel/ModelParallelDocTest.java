package io.github.alexnetjava.parallel;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/model-parallel.md embeds generated text (the towers' Mermaid pictures and the bytes table) between
 * {@code <!-- generated:NAME -->} and {@code <!-- end:NAME -->}; this test fails when it is stale, and rewrites it
 * when run with {@code -Dalexnet.updateDocs=true}:
 * {@code mvn -q test -pl alexnet-core -Dtest=ModelParallelDocTest -Dalexnet.updateDocs=true}.
 */
class ModelParallelDocTest {

    static Map<String, String> generated() {
        TowerConfig paper = TowerConfig.paper(1000);
        Map<String, String> g = new LinkedHashMap<>();
        for (Connectivity c : Connectivity.values()) {
            g.put("diagram-" + c.label(), "```mermaid\n" + TowerDiagram.mermaid(paper, c) + "```\n");
        }
        g.put("bytes-table", TowerDiagram.bytesTable(paper));
        return g;
    }

    static Path doc() {
        String data = System.getProperty("alexnet.testData");
        Path root = data != null ? Path.of(data).getParent() : Path.of("..");
        return root.resolve("docs").resolve("model-parallel.md");
    }

    @Test
    void generatedSectionsOfTheDocAreCurrent() throws IOException {
        Path p = doc();
        String text = Files.readString(p, StandardCharsets.UTF_8);
        String updated = text;
        for (Map.Entry<String, String> e : generated().entrySet()) {
            String open = "<!-- generated:" + e.getKey() + " -->\n";
            String close = "<!-- end:" + e.getKey() + " -->";
            int a = updated.indexOf(open);
            int b = updated.indexOf(close);
            assertTrue(a >= 0 && b > a, p + " lacks the markers of " + e.getKey());
            updated = updated.substring(0, a + open.length()) + e.getValue() + updated.substring(b);
        }
        if (Boolean.getBoolean("alexnet.updateDocs")) {
            Files.writeString(p, updated, StandardCharsets.UTF_8);
            return;
        }
        assertEquals(text, updated, p + " is stale: rerun with -Dalexnet.updateDocs=true");
    }

    @Test
    void thePictureShowsACrossingArrowPairForEveryExchangingConvLayer() {
        for (Connectivity c : Connectivity.values()) {
            String m = TowerDiagram.mermaid(TowerConfig.paper(1000), c);
            long crossings = m.lines().filter(l -> l.contains(".->")).count();
            // Two per exchanging conv layer, two for fc6 and fc7, one for fc8.
            assertEquals(ExchangeCount.forwardBytesPerImageByEdge(TowerConfig.paper(1000), c).size() * 2 - 1,
                    crossings, c.label());
        }
        assertEquals(List.of("conv1", "conv2", "conv3", "conv4", "conv5", "fc6", "fc7", "fc8"),
                stagesOf(Connectivity.EVERY_LAYER));
        assertEquals(List.of("conv1", "fc6", "fc7", "fc8"), stagesOf(Connectivity.INDEPENDENT_UNTIL_FC6));
    }

    private static List<String> stagesOf(Connectivity c) {
        try (DeviceGroup g = DeviceGroup.cpu(2)) {
            return ModelParallelAlexNet.create(g, TowerConfig.tiny(10), c, 1).stageNames();
        }
    }
}
