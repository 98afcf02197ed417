package io.github.airflowdbreconcile.resolver.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.airflowdbreconcile.map.api.AirflowVersion;
import io.github.airflowdbreconcile.resolver.api.CurrentState;
import io.github.airflowdbreconcile.resolver.api.Plan;
import io.github.airflowdbreconcile.resolver.api.UndoStep;
import java.io.UncheckedIOException;
import java.util.List;

/** Prints a plan for people (text) or scripts (JSON with exactly the contracted fields). */
public final class PlanPrinter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PlanPrinter() {}

    public static String json(Plan plan) {
        ObjectNode node = JSON.createObjectNode();
        node.put("action", plan.action().json());
        node.put("currentRevision", plan.currentRevision());
        versions(node.putArray("currentVersions"), plan.currentVersions());
        node.put("targetVersion", plan.targetVersion() == null ? null : plan.targetVersion().toString());
        node.put("targetRevision", plan.targetRevision());
        ArrayNode undo = node.putArray("revisionsToUndo");
        for (UndoStep step : plan.revisionsToUndo()) {
            undo.addObject().put("revision", step.revision()).put("description", step.description());
        }
        node.put("floor", plan.floor());
        node.put("reason", plan.reason());
        return write(node);
    }

    public static String text(Plan plan) {
        StringBuilder text = new StringBuilder();
        line(text, "action", plan.action().json());
        line(text, "current", current(plan));
        line(text, "target", "Airflow " + plan.targetVersion()
                + (plan.targetRevision() == null ? "" : " (" + plan.targetRevision() + ")"));
        if (plan.runner() != null) {
            line(text, "graph", "Airflow " + plan.runner() + "'s revisions (floor " + plan.floor() + ")");
        }
        if (plan.reason() != null) {
            line(text, "reason", plan.reason());
        }
        if (!plan.revisionsToUndo().isEmpty()) {
            text.append("revisions to undo, newest first:\n");
            for (UndoStep step : plan.revisionsToUndo()) {
                text.append("  ").append(step.revision()).append("  ")
                        .append(step.description() == null ? "" : step.description()).append('\n');
            }
        }
        return text.toString();
    }

    /** The current schema; what alembic_version holds is printed quoted and cleaned, like everywhere else. */
    private static String current(Plan plan) {
        if (plan.currentHeads().size() > 1) {
            return "several heads: " + CurrentState.printable(plan.currentHeads());
        }
        if (plan.currentRevision() == null) {
            return "none (no alembic_version row)";
        }
        return CurrentState.printable(plan.currentRevision()) + (plan.currentVersions().isEmpty()
                ? " (no release's head)" : " (head of Airflow " + joined(plan.currentVersions()) + ")");
    }

    static String write(ObjectNode node) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void versions(ArrayNode array, List<AirflowVersion> versions) {
        versions.forEach(v -> array.add(v.toString()));
    }

    /** The versions for a person: "2.10.3, 2.10.4". */
    static String joined(List<AirflowVersion> versions) {
        return String.join(", ", versions.stream().map(AirflowVersion::toString).toList());
    }

    private static void line(StringBuilder text, String key, String value) {
        text.append(String.format("%-9s %s%n", key + ":", value));
    }
}
