package io.github.airflowdbreconcile.mapgen.internal;

import io.github.airflowdbreconcile.map.api.Effects;
import java.util.List;

/**
 * What one migration file declares.
 *
 * @param name            file name without folder
 * @param revision        its {@code revision}
 * @param parents         its {@code down_revision}: empty for a base, several for a merge
 * @param declaredVersion its {@code airflow_version}, or null
 * @param description     first line of its docstring, or empty
 * @param parentsLine     line of the {@code down_revision} assignment, 0 where unknown
 * @param effects         what its upgrade creates and its downgrade drops
 */
public record MigrationFile(String name, String revision, List<String> parents, String declaredVersion,
                            String description, int parentsLine, Effects effects) {
    public MigrationFile {
        parents = List.copyOf(parents);
    }

    MigrationFile named(String otherName) {
        return new MigrationFile(otherName, revision, parents, declaredVersion, description, parentsLine, effects);
    }
}
