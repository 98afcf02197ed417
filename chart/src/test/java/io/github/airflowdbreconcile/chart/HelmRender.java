package io.github.airflowdbreconcile.chart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Renders the chart with the real Helm library, hooks included.
 *
 * <p>helm-java 0.0.15's {@code template} returns only the release manifest and drops every hook
 * (upstream manusa/helm-java#416 is still open), and all of this chart's objects are hooks by default.
 * So the chart is rendered from a copy whose templates spell the annotation key {@code helm.sh/hook}
 * as {@link #HIDDEN_HOOK}: Helm then keeps the objects in the manifest. The same renaming is applied
 * to the keys of the values the test sets, and undone on the rendered annotations, so what the tests
 * see is what Helm would hand to the cluster.
 */
final class HelmRender {

    static final String RELEASE = "prod";
    static final String NAMESPACE = "airflow";
    private static final String HOOK = "helm.sh/hook";
    private static final String HIDDEN_HOOK = "hidden.test/helm.sh-hook";
    private static final String ESCAPED_HOOK = "helm\\.sh/hook";
    private static final String ESCAPED_HIDDEN_HOOK = "hidden\\.test/helm\\.sh-hook";
    private static final Map<Boolean, Path> COPIES = new HashMap<>();

    private HelmRender() {
    }

    /** Renders with these {@code --set} values (keys in Helm's --set syntax, dots in names escaped). */
    static Rendered template(Map<String, String> values) {
        return template(values, false);
    }

    /**
     * Renders as {@code helm upgrade} would: {@code helm template} always renders an install, so the copy reads
     * {@code .Release.IsUpgrade} (false here) where the chart reads {@code .Release.IsInstall}.
     */
    static Rendered templateUpgrade(String... keysAndValues) {
        return template(pairs(keysAndValues), true);
    }

    private static Rendered template(Map<String, String> values, boolean upgrade) {
        TemplateCommand command = command(upgrade);
        for (Map.Entry<String, String> value : values.entrySet()) {
            command = command.set(value.getKey().replace(ESCAPED_HOOK, ESCAPED_HIDDEN_HOOK), value.getValue());
        }
        return parse(command.call());
    }

    /** Renders with a values file of this content (for values --set would turn into numbers or booleans). */
    static Rendered templateWithValuesFile(String yaml) {
        try {
            Path file = Files.createTempFile(chartCopy(false).getParent(), "values", ".yaml");
            Files.writeString(file, yaml.replace(HOOK, HIDDEN_HOOK), StandardCharsets.UTF_8);
            return parse(command(false).withValuesFile(file).call());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static TemplateCommand command(boolean upgrade) {
        return new Helm(chartCopy(upgrade)).template().withName(RELEASE).withNamespace(NAMESPACE);
    }

    static Rendered template() {
        return template(Map.of());
    }

    /** Pairs of --set key and value, in order. */
    static Rendered template(String... keysAndValues) {
        return template(pairs(keysAndValues));
    }

    private static Map<String, String> pairs(String... keysAndValues) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            values.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return values;
    }

    /**
     * Renders an umbrella chart that has this chart (the renamed copy) as a subchart beside nothing else,
     * with these umbrella values.
     */
    static Rendered templateUmbrella(String umbrellaValuesYaml) {
        try {
            Path umbrella = Files.createTempDirectory("umbrella").resolve("my-airflow");
            copyChart(ChartFiles.chartDir(), umbrella.resolve("charts/airflow-db-reconcile"), false);
            Files.writeString(umbrella.resolve("Chart.yaml"), """
                    apiVersion: v2
                    name: my-airflow
                    version: 1.0.0
                    dependencies:
                      - name: airflow-db-reconcile
                        version: "%s"
                    """.formatted(ChartFiles.chartYaml().path("version").asText()), StandardCharsets.UTF_8);
            Files.writeString(umbrella.resolve("values.yaml"), umbrellaValuesYaml.replace(HOOK, HIDDEN_HOOK),
                    StandardCharsets.UTF_8);
            return parse(new Helm(umbrella).template().withName(RELEASE).withNamespace(NAMESPACE).call());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Renders the chart itself, unrenamed: helm-java then leaves every Helm hook out. */
    static Rendered templateOriginal(String... keysAndValues) {
        TemplateCommand command = new Helm(ChartFiles.chartDir()).template().withName(RELEASE).withNamespace(NAMESPACE);
        for (Map.Entry<String, String> value : pairs(keysAndValues).entrySet()) {
            command = command.set(value.getKey(), value.getValue());
        }
        return parse(command.call());
    }

    private static Rendered parse(String manifest) {
        List<ObjectNode> docs = new ArrayList<>();
        if (manifest == null) {
            return new Rendered(docs);
        }
        try (MappingIterator<JsonNode> it = ChartFiles.YAML.readerFor(JsonNode.class).readValues(manifest)) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    docs.add(restoreHookKeys((ObjectNode) doc));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("rendered manifest is not YAML:\n" + manifest, e);
        }
        return new Rendered(docs);
    }

    private static ObjectNode restoreHookKeys(ObjectNode doc) {
        JsonNode annotations = doc.path("metadata").path("annotations");
        if (annotations instanceof ObjectNode map) {
            Map<String, JsonNode> restored = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = e.getKey().replace(HIDDEN_HOOK, HOOK);
                if (restored.put(key, e.getValue()) != null) {
                    throw new AssertionError("annotation " + key + " rendered twice in " + doc);
                }
            }
            map.removeAll();
            map.setAll(restored);
        }
        return doc;
    }

    private static synchronized Path chartCopy(boolean upgrade) {
        return COPIES.computeIfAbsent(upgrade, u -> {
            try {
                Path copy = Files.createTempDirectory("chart-under-test").resolve("airflow-db-reconcile");
                copyChart(ChartFiles.chartDir(), copy, u);
                return copy;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static void copyChart(Path from, Path to, boolean upgrade) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path relative = from.relativize(file);
                if (relative.startsWith("src") || relative.startsWith("target")) {
                    continue;
                }
                Path target = to.resolve(relative.toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else if (relative.startsWith("templates")) {
                    String text = Files.readString(file, StandardCharsets.UTF_8).replace(HOOK, HIDDEN_HOOK);
                    Files.writeString(target, upgrade ? text.replace(".Release.IsInstall", ".Release.IsUpgrade")
                            : text, StandardCharsets.UTF_8);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }
}
