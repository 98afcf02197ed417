package io.github.airflowdbreconcile.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * One release version: the chart's version is the image's (appVersion, the default image tag), so that the chart a
 * tag publishes deploys the image the same tag publishes (scripts/release/version.sh checks the tag against it).
 */
class ReleaseVersionTest {

    @Test
    void shouldDeployTheImageOfItsOwnRelease() {
        JsonNode chart = ChartFiles.chartYaml();

        assertTrue(chart.path("version").asText().matches("\\d+\\.\\d+\\.\\d+"),
                () -> "Chart.yaml version '" + chart.path("version").asText() + "' is not a release version X.Y.Z");
        assertEquals(chart.path("version").asText(), chart.path("appVersion").asText(),
                "Chart.yaml appVersion must equal version: the tag v<version> publishes the image <version>");
    }
}
