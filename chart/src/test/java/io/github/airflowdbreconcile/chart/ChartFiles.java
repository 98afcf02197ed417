package io.github.airflowdbreconcile.chart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.github.airflowdbreconcile.map.api.AirflowVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The chart's own files and the maps it must carry, found through the paths the build passes in. */
final class ChartFiles {

    static final YAMLMapper YAML = new YAMLMapper();
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern MAP_NAME = Pattern.compile("airflow-(.+)\\.json");

    private ChartFiles() {
    }

    static Path chartDir() {
        return Path.of(System.getProperty("chart.dir", ".")).toAbsolutePath().normalize();
    }

    static Path mapsDir() {
        return Path.of(System.getProperty("maps.dir", "../maps")).toAbsolutePath().normalize();
    }

    static Path bundledMap() {
        return chartDir().resolve("files/revision-map.json");
    }

    static JsonNode chartYaml() {
        return readYaml(chartDir().resolve("Chart.yaml"));
    }

    static JsonNode values() {
        return readYaml(chartDir().resolve("values.yaml"));
    }

    static JsonNode schema() {
        try {
            return JSON.readTree(chartDir().resolve("values.schema.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The maps/airflow-X.Y.Z.json with the highest version (by PEP 440 order, not by file name). */
    static Path newestMap() {
        try (Stream<Path> files = Files.list(mapsDir())) {
            return files.filter(f -> MAP_NAME.matcher(f.getFileName().toString()).matches())
                    .max(Comparator.comparing(ChartFiles::versionOf))
                    .orElseThrow(() -> new AssertionError("no airflow-*.json map in " + mapsDir()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static AirflowVersion versionOf(Path map) {
        Matcher m = MAP_NAME.matcher(map.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a map file name: " + map);
        }
        return AirflowVersion.parse(m.group(1));
    }

    static JsonNode readYaml(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
