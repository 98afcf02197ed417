package io.github.airflowdbreconcile.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The chart's README documents every value an operator can set. */
class ReadmeTest {

    @Test
    void shouldListEveryValueInTheValuesTable() throws Exception {
        String readme = Files.readString(ChartFiles.chartDir().resolve("README.md"), StandardCharsets.UTF_8);
        List<String> values = new ArrayList<>();
        collectValues("", ChartFiles.schema(), values);

        List<String> missing = values.stream().filter(v -> !readme.contains("| `" + v + "` |")).toList();

        assertEquals(List.of(), missing);
    }

    /** Schema nodes with a default are values; the others group keys. */
    private static void collectValues(String prefix, JsonNode schema, List<String> values) {
        for (Iterator<String> it = schema.path("properties").fieldNames(); it.hasNext(); ) {
            String key = it.next();
            JsonNode node = schema.path("properties").get(key);
            String path = prefix.isEmpty() ? key : prefix + "." + key;
            if (node.has("default")) {
                values.add(path);
            } else {
                collectValues(path, node, values);
            }
        }
    }
}
