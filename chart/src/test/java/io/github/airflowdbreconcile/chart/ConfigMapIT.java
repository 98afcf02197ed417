package io.github.airflowdbreconcile.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class ConfigMapIT {

    /** A ConfigMap (and Helm's release record) cannot exceed 1 MiB. */
    private static final int CONFIG_MAP_LIMIT = 1024 * 1024;

    @Test
    void shouldShipTheNewestMapUnchangedInTheConfigMap() throws Exception {
        JsonNode data = HelmRender.template().get("ConfigMap").path("data");
        String shipped = data.path("revision-map.json").asText();

        assertEquals(1, data.size());
        assertEquals(Files.readString(ChartFiles.newestMap(), StandardCharsets.UTF_8), shipped);
        assertTrue(shipped.getBytes(StandardCharsets.UTF_8).length < CONFIG_MAP_LIMIT,
                "the map no longer fits a ConfigMap");
    }
}
