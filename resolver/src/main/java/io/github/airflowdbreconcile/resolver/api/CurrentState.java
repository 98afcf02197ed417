package io.github.airflowdbreconcile.resolver.api;

import io.github.airflowdbreconcile.map.api.AirflowVersion;
import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import io.github.airflowdbreconcile.map.api.Release;
import io.github.airflowdbreconcile.map.api.RevisionMap;
import java.util.List;

/**
 * What the database holds: the rows of {@code alembic_version} (none for a fresh database), and where that was read.
 *
 * @param revisions     the {@code version_num} values, in the order read
 * @param airflowTables Airflow's tables found (schema-qualified) when no revision is recorded; empty otherwise
 * @param source        a human-readable origin, e.g. the masked DB URL or {@code --current-version 3.0.6}
 */
public record CurrentState(List<String> revisions, List<String> airflowTables, String source) {
    private static final int MAX_SHOWN = 64;

    public CurrentState {
        revisions = List.copyOf(revisions);
        airflowTables = List.copyOf(airflowTables);
    }

    /** The rows of a database whose tables were not looked at, because it records a revision (or a what-if). */
    public CurrentState(List<String> revisions, String source) {
        this(revisions, List.of(), source);
    }

    public static CurrentState fresh(String source) {
        return new CurrentState(List.of(), source);
    }

    /** Airflow's tables are there, but alembic_version is missing or empty: something other than a fresh database. */
    public static CurrentState withoutRevision(List<String> airflowTables, String source) {
        return new CurrentState(List.of(), airflowTables, source);
    }

    public static CurrentState at(String revision, String source) {
        return new CurrentState(List.of(revision), source);
    }

    /**
     * A database at the head of {@code version}, which {@code source} names (a what-if, a running pod); UNKNOWN_REVISION
     * when the map lacks the version.
     */
    public static CurrentState headOf(RevisionMap map, AirflowVersion version, String source) {
        Release release = map.release(version).orElseThrow(() -> new ReconcileException(ErrorCode.UNKNOWN_REVISION,
                "Airflow " + version + " (" + source + ") is not in the revision map (it knows "
                        + map.versions().firstKey() + " to " + map.newestVersion() + "): use a newer chart or map"));
        return at(release.head(), source + ": Airflow " + version);
    }

    /** No revision and none of Airflow's tables: nothing was ever migrated. */
    public boolean isFresh() {
        return revisions.isEmpty() && airflowTables.isEmpty();
    }

    /** Airflow's tables without a revision: a first migration that died, or alembic_version in another schema. */
    public boolean lacksRevision() {
        return revisions.isEmpty() && !airflowTables.isEmpty();
    }

    /** Several rows: a branched database that no single downgrade or upgrade can handle. */
    public boolean hasSeveralHeads() {
        return revisions.size() > 1;
    }

    /** The one revision, or null when the database is fresh or branched. */
    public String revision() {
        return revisions.size() == 1 ? revisions.get(0) : null;
    }

    /** The rows on one printable line, {@code nothing} for a fresh database. */
    public String describeRows() {
        return revisions.isEmpty() ? "nothing" : printable(revisions);
    }

    /** Values read from the database on one line: each {@link #printable(String)}, comma-separated. */
    public static String printable(List<String> values) {
        return String.join(", ", values.stream().map(CurrentState::printable).toList());
    }

    /** A value read from the database, made safe to print on one line: quoted, control characters replaced, cut. */
    public static String printable(String value) {
        String cleaned = value.replaceAll("\\p{Cntrl}", "?");
        return "'" + (cleaned.length() > MAX_SHOWN ? cleaned.substring(0, MAX_SHOWN) + "..." : cleaned) + "'";
    }
}
