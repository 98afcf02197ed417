package io.github.airflowdbreconcile.resolver.api;

import io.github.airflowdbreconcile.map.api.AirflowVersion;
import java.util.List;

/**
 * What the database's schema is, in the map's terms.
 *
 * @param state            {@code fresh} (no alembic_version row), {@code known} (a revision the map has),
 *                         {@code unknown} (one it lacks) or {@code several-heads}
 * @param revisions        the rows of alembic_version
 * @param currentRevision  the one revision, null unless known or unknown
 * @param currentVersions  the releases whose head it is (empty between releases)
 * @param containedIn      the releases whose files contain it
 * @param mapVersion       the newest release the map knows
 */
public record SchemaStatus(String state, List<String> revisions, String currentRevision,
                           List<AirflowVersion> currentVersions, List<AirflowVersion> containedIn,
                           AirflowVersion mapVersion) {
    public static final String FRESH = "fresh";
    public static final String KNOWN = "known";
    public static final String UNKNOWN = "unknown";
    public static final String SEVERAL_HEADS = "several-heads";

    public SchemaStatus {
        revisions = List.copyOf(revisions);
        currentVersions = List.copyOf(currentVersions);
        containedIn = List.copyOf(containedIn);
    }
}
