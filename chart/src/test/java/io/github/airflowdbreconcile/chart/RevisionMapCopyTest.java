package io.github.airflowdbreconcile.chart;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.airflowdbreconcile.map.api.RevisionMap;
import io.github.airflowdbreconcile.map.api.RevisionMapJson;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The chart carries the newest map of maps/ unchanged, and announces the version that map reaches. */
class RevisionMapCopyTest {

    @Test
    void shouldCarryAByteIdenticalCopyOfTheNewestMap() throws Exception {
        Path newest = ChartFiles.newestMap();

        assertArrayEquals(Files.readAllBytes(newest), Files.readAllBytes(ChartFiles.bundledMap()),
                () -> ChartFiles.bundledMap() + " differs from " + newest + "; copy it over");
    }

    @Test
    void shouldAnnounceTheNewestMappedVersionEverywhere() {
        RevisionMap map = RevisionMapJson.read(ChartFiles.bundledMap());
        String newest = map.newestVersion().toString();

        assertEquals(ChartFiles.versionOf(ChartFiles.newestMap()).toString(), newest, "map file name");
        assertEquals(newest, ChartFiles.chartYaml().path("annotations").path("airflow-db-reconcile.io/airflow-version")
                .asText(), "Chart.yaml annotation airflow-db-reconcile.io/airflow-version");
    }
}
