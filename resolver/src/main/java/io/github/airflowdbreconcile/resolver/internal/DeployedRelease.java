package io.github.airflowdbreconcile.resolver.internal;

import io.github.airflowdbreconcile.map.api.AirflowVersion;
import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import io.github.airflowdbreconcile.map.api.Release;
import io.github.airflowdbreconcile.map.api.RevisionMap;
import io.github.airflowdbreconcile.resolver.api.SchemaDrift;
import io.github.airflowdbreconcile.resolver.api.SchemaStatus;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The Airflow release deployed, and how the database's schema stands against its head. A graph is the graph of one
 * release (parents were rewritten between releases), so each comparison walks the graph of a release that has both
 * revisions, and steps across releases through their heads, as an upgrade or a downgrade would.
 */
public final class DeployedRelease {
    private final RevisionMap map;
    private final AirflowVersion version;
    private final String head;
    /** Every revision of the deployed release: a release whose head is among them is behind or equal. */
    private final Set<String> deployedRevisions;
    /** Heads of the releases whose files have the deployed head: a schema that descends from one is ahead. */
    private final Set<String> headsAtOrAbove;
    /** The schema rarely moves; the walks run once per revision seen. */
    private final Map<String, SchemaDrift> known = new ConcurrentHashMap<>();

    private DeployedRelease(RevisionMap map, AirflowVersion version, Release release) {
        this.map = map;
        this.version = version;
        this.head = release.head();
        this.deployedRevisions = map.revisionsOf(version);
        this.headsAtOrAbove = map.releasesContaining(head).stream()
                .map(containing -> map.versions().get(containing).head())
                .collect(Collectors.toUnmodifiableSet());
    }

    /** UNKNOWN_VERSION when the map lacks {@code version}: nothing could be compared with it. */
    public static DeployedRelease of(RevisionMap map, AirflowVersion version) {
        Release release = map.release(version).orElseThrow(() -> new ReconcileException(ErrorCode.UNKNOWN_VERSION,
                "deployed Airflow " + version + " is not in the revision map (it knows " + map.versions().firstKey()
                        + " to " + map.newestVersion() + "): pass the version the Airflow chart deploys, or use a"
                        + " chart whose map knows " + version));
        return new DeployedRelease(map, version, release);
    }

    public AirflowVersion version() {
        return version;
    }

    public String head() {
        return head;
    }

    public SchemaDrift driftOf(SchemaStatus status) {
        return switch (status.state()) {
            case SchemaStatus.FRESH -> SchemaDrift.BEHIND;
            case SchemaStatus.KNOWN -> known.computeIfAbsent(status.currentRevision(), this::driftOf);
            default -> SchemaDrift.UNKNOWN;
        };
    }

    private SchemaDrift driftOf(String revision) {
        if (revision.equals(head)) {
            return SchemaDrift.EQUAL;
        }
        for (AirflowVersion containing : map.releasesContaining(revision)) {
            if (deployedRevisions.contains(map.versions().get(containing).head())) {
                return SchemaDrift.BEHIND;
            }
            for (String above : headsAtOrAbove) {
                if (map.isAncestor(containing, above, revision)) {
                    return SchemaDrift.AHEAD;
                }
            }
        }
        return SchemaDrift.UNKNOWN;
    }
}
