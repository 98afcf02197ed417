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
 * @param revisions the {@code version_num} values, in the order read
 * @param source    a human-readable origin, e.g. the masked DB URL or {@code --current-version 3.0.6}
 */
public record CurrentState(List<String> revisions, String source) {
    private static final int MAX_SHOWN = 64;

    public CurrentState {
        revisions = List.copyOf(revisions);
    }

    public static CurrentState fresh(String source) {
        return new CurrentState(List.of(), source);
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

    /** No table or no row: nothing was ever migrated. */
    public boolean isFresh() {
        return revisions.isEmpty();
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
        return isFresh() ? "nothing" : printable(revisions);
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
