package io.github.airflowdbreconcile.resolver.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.airflowdbreconcile.map.api.AirflowVersion;
import io.github.airflowdbreconcile.resolver.api.CurrentState;
import io.github.airflowdbreconcile.resolver.api.DataLoss;
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
        DataLoss loss = plan.dataLoss();
        if (loss == null) {
            node.putNull("dataLoss");
        } else {
            ObjectNode lossNode = node.putObject("dataLoss");
            ArrayNode tables = lossNode.putArray("tables");
            for (DataLoss.TableRows table : loss.tables()) {
                tables.addObject().put("table", table.table()).put("rows", table.rows())
                        .put("estimated", table.estimated());
            }
            ArrayNode columns = lossNode.putArray("columns");
            for (DataLoss.ColumnValues column : loss.columns()) {
                columns.addObject().put("table", column.table()).put("column", column.column())
                        .put("values", column.values());
            }
            loss.notAnalysed().forEach(lossNode.putArray("notAnalysed")::add);
        }
        ArrayNode unreadable = node.putArray("unreadableAfterDowngrade");
        for (DataLoss.TableNote kept : loss == null ? List.<DataLoss.TableNote>of() : loss.unreadable()) {
            unreadable.addObject().put("table", kept.table()).put("rows", kept.rows())
                    .put("estimated", kept.estimated()).put("why", kept.why()).put("remedy", kept.remedy());
        }
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
        if (plan.dataLoss() != null) {
            dataLoss(text, plan.dataLoss());
        }
        return text.toString();
    }

    /** The summary line, then each table and column, what is absent, and what the older release may not read. */
    private static void dataLoss(StringBuilder text, DataLoss loss) {
        String notAnalysed = "(" + loss.notAnalysed().size() + " revisions not analysed)";
        if (loss.counted()) {
            line(text, "data loss", "will delete " + loss.rowsLost() + " rows in " + loss.tables().size()
                    + " tables and values in " + loss.columns().size() + " columns " + notAnalysed);
        } else {
            line(text, "data loss", "will drop " + loss.tables().size() + " tables and " + loss.columns().size()
                    + " columns, not counted without a database " + notAnalysed);
        }
        for (DataLoss.TableRows table : loss.tables()) {
            String rows = table.rows() == null ? ""
                    : table.estimated() ? "~" + table.rows() + " rows (estimate: counting ran past --count-budget)"
                    : table.rows() + " rows";
            text.append(String.format("  table  %-40s %s", table.table(), rows).stripTrailing()).append('\n');
        }
        for (DataLoss.ColumnValues column : loss.columns()) {
            String values = column.values() != null ? column.values() + " values"
                    : loss.counted() ? "not counted (past --count-budget)" : "";
            text.append(String.format("  column %-40s %s", column.table() + "." + column.column(), values)
                    .stripTrailing()).append('\n');
        }
        if (!loss.absent().isEmpty()) {
            text.append("  absent from this database: ").append(String.join(", ", loss.absent())).append('\n');
        }
        if (!loss.notAnalysed().isEmpty()) {
            text.append("  not analysed, so the loss is at least the above: ")
                    .append(String.join(", ", loss.notAnalysed())).append('\n');
        }
        for (DataLoss.TableNote blocking : loss.blocking()) {
            line(text, "warning", (blocking.rows() == null ? "if " + blocking.table() + " holds rows, "
                    : blocking.rows() + " rows of " + blocking.table() + ": ") + blocking.why() + "; "
                    + blocking.remedy());
        }
        for (DataLoss.TableNote kept : loss.unreadable()) {
            line(text, "warning", "the downgrade keeps " + (kept.rows() == null ? "the rows" : (kept.estimated() ? "~"
                    : "") + kept.rows() + " rows") + " of " + kept.table() + ": " + kept.why() + "; "
                    + kept.remedy());
        }
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
