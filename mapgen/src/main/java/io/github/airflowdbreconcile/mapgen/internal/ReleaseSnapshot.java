package io.github.airflowdbreconcile.mapgen.internal;

import io.github.airflowdbreconcile.map.api.AirflowVersion;
import io.github.airflowdbreconcile.map.api.Source;
import java.util.List;

/**
 * The migrations one release ships, read from a tag or an archive.
 *
 * @param where      names the tag or archive in messages
 * @param migrations its migration files, in file-name order
 */
public record ReleaseSnapshot(AirflowVersion version, Source source, String where, List<MigrationFile> migrations) {
    public ReleaseSnapshot {
        migrations = List.copyOf(migrations);
    }
}
