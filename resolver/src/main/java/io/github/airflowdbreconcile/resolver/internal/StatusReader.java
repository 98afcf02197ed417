package io.github.airflowdbreconcile.resolver.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.airflowdbreconcile.map.api.RevisionMap;
import io.github.airflowdbreconcile.resolver.api.CurrentState;
import io.github.airflowdbreconcile.resolver.api.SchemaStatus;
import java.util.List;

/** Names the database's schema in the map's terms, for {@code status} and the version-source service. */
public final class StatusReader {
    private final RevisionMap map;

    public StatusReader(RevisionMap map) {
        this.map = map;
    }

    public SchemaStatus describe(CurrentState current) {
        if (current.isFresh()) {
            return withoutRevision(SchemaStatus.FRESH, current);
        }
        if (current.lacksRevision()) {
            return withoutRevision(SchemaStatus.TABLES_WITHOUT_REVISION, current);
        }
        if (current.hasSeveralHeads()) {
            return new SchemaStatus(SchemaStatus.SEVERAL_HEADS, current.revisions(), List.of(), null, List.of(),
                    List.of(), map.newestVersion());
        }
        String revision = current.revision();
        if (map.revision(revision).isEmpty()) {
            return new SchemaStatus(SchemaStatus.UNKNOWN, current.revisions(), List.of(), revision, List.of(),
                    List.of(), map.newestVersion());
        }
        return new SchemaStatus(SchemaStatus.KNOWN, current.revisions(), List.of(), revision,
                map.releasesWithHead(revision), map.releasesContaining(revision), map.newestVersion());
    }

    private SchemaStatus withoutRevision(String state, CurrentState current) {
        return new SchemaStatus(state, List.of(), current.airflowTables(), null, List.of(), List.of(),
                map.newestVersion());
    }

    public static String json(SchemaStatus status) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("state", status.state());
        node.put("currentRevision", status.currentRevision());
        PlanPrinter.versions(node.putArray("currentVersions"), status.currentVersions());
        PlanPrinter.versions(node.putArray("containedIn"), status.containedIn());
        status.revisions().forEach(node.putArray("revisions")::add);
        status.airflowTables().forEach(node.putArray("airflowTables")::add);
        node.put("mapVersion", status.mapVersion().toString());
        return PlanPrinter.write(node);
    }

    public static String text(SchemaStatus status) {
        return switch (status.state()) {
            case SchemaStatus.FRESH -> "fresh database: no alembic_version row";
            case SchemaStatus.TABLES_WITHOUT_REVISION -> "no alembic_version row, but Airflow tables: "
                    + String.join(", ", status.airflowTables());
            case SchemaStatus.SEVERAL_HEADS -> "several heads in alembic_version: "
                    + CurrentState.printable(status.revisions());
            case SchemaStatus.UNKNOWN -> "revision " + CurrentState.printable(status.currentRevision())
                    + ": unknown to the map (which knows up to Airflow " + status.mapVersion() + ")";
            default -> "revision " + CurrentState.printable(status.currentRevision()) + ": "
                    + (status.currentVersions().isEmpty()
                    ? "no release's head; in the files of " + PlanPrinter.joined(status.containedIn())
                    : "head of Airflow " + PlanPrinter.joined(status.currentVersions()));
        } + System.lineSeparator();
    }
}
