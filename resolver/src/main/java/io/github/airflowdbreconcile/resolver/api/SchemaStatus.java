package io.github.airflowdbreconcile.resolver.api;

import io.github.airflowdbreconcile.map.api.AirflowVersion;
import java.util.List;

/**
 * What the database's schema is, in the map's terms.
 *
 * @param state            {@code fresh} (no alembic_version row, none of Airflow's tables), {@code known} (a revision
 *                         the map has), {@code unknown} (one it lacks), {@code several-heads} or
 *                         {@code tables-without-revision} (Airflow's tables, but no alembic_version row)
 * @param revisions        the rows of alembic_version
 * @param airflowTables    Airflow's tables found (schema-qualified) in state {@code tables-without-revision}
 * @param currentRevision  the one revision, null unless known or unknown
 * @param currentVersions  the releases whose head it is (empty between releases)
 * @param containedIn      the releases whose files contain it
 * @param mapVersion       the newest release the map knows
 */
public record SchemaStatus(String state, List<String> revisions, List<String> airflowTables, String currentRevision,
                           List<AirflowVersion> currentVersions, List<AirflowVersion> containedIn,
                           AirflowVersion mapVersion) {
    public static final String FRESH = "fresh";
    public static final String KNOWN = "known";
    public static final String UNKNOWN = "unknown";
    public static final String SEVERAL_HEADS = "several-heads";
    public static final String TABLES_WITHOUT_REVISION = "tables-without-revision";

    public SchemaStatus {
        revisions = List.copyOf(revisions);
        airflowTables = List.copyOf(airflowTables);
        currentVersions = List.copyOf(currentVersions);
        containedIn = List.copyOf(containedIn);
    }
}
