package io.github.airflowdbreconcile.chart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The documents of one render, with look-ups by kind. */
record Rendered(List<ObjectNode> docs) {

    List<String> kinds() {
        return docs.stream().map(d -> d.path("kind").asText()).toList();
    }

    Optional<ObjectNode> find(String kind) {
        List<ObjectNode> found = docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
        if (found.size() > 1) {
            throw new AssertionError("more than one " + kind + " rendered");
        }
        return found.stream().findFirst();
    }

    ObjectNode get(String kind) {
        return find(kind).orElseThrow(() -> new AssertionError("no " + kind + " rendered; got " + kinds()));
    }

    /** The downgrade Job that runs before the release changes. */
    ObjectNode job() {
        return jobNamed("-db-downgrade");
    }

    /** The Job that scales the writers back up after the release changed. */
    Optional<ObjectNode> restoreJob() {
        return findJob("-restore");
    }

    /** The Job that runs `airflow db migrate` after a rollback. */
    Optional<ObjectNode> migrateJob() {
        return findJob("-db-migrate");
    }

    /** The Job that runs `airflow dags reserialize` after the release changed. */
    Optional<ObjectNode> reserializeJob() {
        return findJob("-reserialize-dags");
    }

    private ObjectNode jobNamed(String suffix) {
        return findJob(suffix).orElseThrow(() -> new AssertionError("no Job *" + suffix + " rendered; got " + kinds()));
    }

    private Optional<ObjectNode> findJob(String suffix) {
        return docs.stream().filter(d -> "Job".equals(d.path("kind").asText()))
                .filter(d -> d.path("metadata").path("name").asText().endsWith(suffix)).findFirst();
    }

    JsonNode podSpec() {
        return job().path("spec").path("template").path("spec");
    }

    JsonNode container() {
        JsonNode containers = podSpec().path("containers");
        if (containers.size() != 1) {
            throw new AssertionError("expected one container, got " + containers);
        }
        return containers.get(0);
    }

    List<String> args() {
        List<String> args = new ArrayList<>();
        container().path("args").forEach(a -> args.add(a.asText()));
        return args;
    }

    /** The value after an option in the Job's arguments, if the option is there. */
    Optional<String> arg(String option) {
        List<String> args = args();
        int i = args.indexOf(option);
        return i < 0 || i + 1 >= args.size() ? Optional.empty() : Optional.of(args.get(i + 1));
    }

    /** The one object of this kind and name. */
    ObjectNode named(String kind, String name) {
        return docs.stream().filter(d -> kind.equals(d.path("kind").asText()))
                .filter(d -> name.equals(d.path("metadata").path("name").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " rendered; got " + kinds()));
    }

    static Map<String, String> annotations(JsonNode doc) {
        Map<String, String> annotations = new TreeMap<>();
        doc.path("metadata").path("annotations").fields()
                .forEachRemaining(e -> annotations.put(e.getKey(), e.getValue().asText()));
        return annotations;
    }
}
