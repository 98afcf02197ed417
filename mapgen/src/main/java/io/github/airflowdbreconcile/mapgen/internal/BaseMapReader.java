package io.github.airflowdbreconcile.mapgen.internal;

import io.github.airflowdbreconcile.map.api.AirflowVersion;
import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import io.github.airflowdbreconcile.map.api.Revision;
import io.github.airflowdbreconcile.map.api.RevisionMap;
import io.github.airflowdbreconcile.map.api.Source;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns an existing map back into release snapshots so that new releases can be added to it. A revision's metadata in
 * the map comes from the newest release that ships it, which is all a regeneration keeps, so the result equals a full
 * regeneration from the same sources.
 */
public final class BaseMapReader {
    private BaseMapReader() {}

    public static void addTo(RevisionMap base, String origin, MapBuilder builder) {
        List<String> problems = base.problems();
        if (!problems.isEmpty()) {
            throw new ReconcileException(ErrorCode.MAP_INVALID, "base map " + origin + " is inconsistent ("
                    + problems.get(0) + "): regenerate it in full");
        }
        base.warnings().forEach(builder::carryWarning);
        for (AirflowVersion version : base.versions().keySet()) {
            List<MigrationFile> files = new ArrayList<>();
            for (String id : base.revisionsOf(version)) {
                Revision revision = base.revisions().get(id);
                files.add(new MigrationFile(revision.file(), id, base.parentsIn(id, version),
                        revision.declaredVersion(), revision.description(), 0, revision.effects()));
            }
            Source source = base.sources().stream().filter(s -> s.version().equals(version)).findFirst()
                    .orElseThrow(() -> new ReconcileException(ErrorCode.MAP_INVALID, "base map " + origin
                            + " lists Airflow " + version + " but no source for it: regenerate it in full"));
            builder.add(new ReleaseSnapshot(version, source, "base map release " + version, files));
        }
    }
}
