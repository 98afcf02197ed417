package io.github.airflowdbreconcile.chart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders the chart as shipped with {@code helm template} of the real helm binary: hooks included, as Helm hands
 * them to the cluster. The chart has no default airflowVersion, so every render deploys {@link #AIRFLOW_VERSION}
 * (given as a values file, which the test's own values file or --set values override).
 */
final class HelmRender {

    static final String RELEASE = "prod";
    static final String NAMESPACE = "airflow";
    static final String AIRFLOW_VERSION = "3.0.6";
    private static final Path TESTED_VERSION = write("tested-version", "airflowVersion: \"" + AIRFLOW_VERSION + "\"\n");

    private HelmRender() {
    }

    /** Renders with these --set values: pairs of key (Helm's --set syntax, dots in names escaped) and value. */
    static Rendered template(String... keysAndValues) {
        return template(pairs(keysAndValues));
    }

    static Rendered template(Map<String, String> values) {
        return parse(helm(Mode.INSTALL, List.of(), values).outOrFail());
    }

    /** Renders as for a cluster that also serves these APIs (group/version/kind), as --api-versions tells Helm. */
    static Rendered templateWithApis(List<String> apiVersions, String... keysAndValues) {
        return parse(helm(Mode.INSTALL, List.of(), pairs(keysAndValues), apiVersions).outOrFail());
    }

    /** Renders as {@code helm upgrade} would: {@code .Release.IsUpgrade} true, {@code .Release.IsInstall} false. */
    static Rendered templateUpgrade(String... keysAndValues) {
        return parse(helm(Mode.UPGRADE, List.of(), pairs(keysAndValues)).outOrFail());
    }

    /** Renders with a values file of this content (for values --set would turn into numbers or booleans). */
    static Rendered templateWithValuesFile(String yaml) {
        return parse(helm(Mode.INSTALL, List.of(write("values", yaml)), Map.of()).outOrFail());
    }

    /** Helm's error output of a render that must fail, with these --set values. */
    static String templateError(String... keysAndValues) {
        return helm(Mode.INSTALL, List.of(), pairs(keysAndValues)).errOfFailure();
    }

    /** Helm's error output of a render that must fail with the chart's own values and these --set values only. */
    static String templateAsShippedError(String... keysAndValues) {
        return helm(Mode.AS_SHIPPED, List.of(), pairs(keysAndValues)).errOfFailure();
    }

    /**
     * Renders an umbrella chart that has this chart as its only dependency, with these umbrella values and none of
     * the tests' defaults: what an operator's umbrella chart gets.
     */
    static Rendered templateUmbrella(String umbrellaValuesYaml) {
        return parse(templateUmbrellaRun(umbrellaValuesYaml).outOrFail());
    }

    /** Helm's error output of an umbrella render that must fail. */
    static String templateUmbrellaError(String umbrellaValuesYaml) {
        return templateUmbrellaRun(umbrellaValuesYaml).errOfFailure();
    }

    private static HelmBinary.Result templateUmbrellaRun(String umbrellaValuesYaml) {
        return HelmBinary.run(List.of("template", RELEASE, umbrella(umbrellaValuesYaml).toString(),
                "--namespace", NAMESPACE));
    }

    /** How a render sees the release, and whether the tests' Airflow version is given. */
    private enum Mode { INSTALL, UPGRADE, AS_SHIPPED }

    private static HelmBinary.Result helm(Mode mode, List<Path> valuesFiles, Map<String, String> values) {
        return helm(mode, valuesFiles, values, List.of());
    }

    private static HelmBinary.Result helm(Mode mode, List<Path> valuesFiles, Map<String, String> values,
                                          List<String> apiVersions) {
        List<String> args = new ArrayList<>(List.of("template", RELEASE, ChartFiles.chartDir().toString(),
                "--namespace", NAMESPACE));
        if (mode != Mode.AS_SHIPPED) {
            args.addAll(List.of("--values", TESTED_VERSION.toString()));
        }
        if (mode == Mode.UPGRADE) {
            args.add("--is-upgrade");
        }
        valuesFiles.forEach(file -> args.addAll(List.of("--values", file.toString())));
        values.forEach((key, value) -> args.addAll(List.of("--set", key + "=" + value)));
        apiVersions.forEach(api -> args.addAll(List.of("--api-versions", api)));
        return HelmBinary.run(args);
    }

    private static Path umbrella(String valuesYaml) {
        try {
            Path umbrella = Files.createTempDirectory("umbrella").resolve("my-airflow");
            Path subchart = umbrella.resolve("charts");
            Files.createDirectories(subchart);
            // What `helm dependency build` leaves there: the packaged chart.
            HelmBinary.run(List.of("package", ChartFiles.chartDir().toString(), "--destination", subchart.toString()))
                    .outOrFail();
            Files.writeString(umbrella.resolve("Chart.yaml"), """
                    apiVersion: v2
                    name: my-airflow
                    version: 1.0.0
                    dependencies:
                      - name: airflow-db-reconcile
                        version: "%s"
                    """.formatted(ChartFiles.chartYaml().path("version").asText()), StandardCharsets.UTF_8);
            Files.writeString(umbrella.resolve("values.yaml"), valuesYaml, StandardCharsets.UTF_8);
            return umbrella;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path write(String name, String content) {
        try {
            Path file = Files.createTempFile(name, ".yaml");
            file.toFile().deleteOnExit();
            Files.writeString(file, content, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> pairs(String... keysAndValues) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            values.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return values;
    }

    static Rendered parse(String manifest) {
        List<ObjectNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = ChartFiles.YAML.readerFor(JsonNode.class).readValues(manifest)) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    docs.add((ObjectNode) doc);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("rendered manifest is not YAML:\n" + manifest, e);
        }
        return new Rendered(docs);
    }
}
