package io.github.airflowdbreconcile.map.api;

import java.util.List;

/**
 * One alembic revision.
 *
 * @param parents         what it revises in the newest release that ships it (empty for a base, several for a merge)
 * @param parentChanges   empty when every release agrees on the parents; otherwise the parents from each release on
 *                        where they changed, the first entry being the release that introduced it
 * @param introducedIn    the first release whose files contain it
 * @param declaredVersion the file's own {@code airflow_version}, or null where it has none
 * @param description     the first line of the file's docstring
 * @param file            the file name (without folder) in the newest release that ships it
 * @param effects         the tables and columns its upgrade creates and its downgrade drops
 */
public record Revision(List<String> parents, List<ParentChange> parentChanges, AirflowVersion introducedIn,
                       String declaredVersion, String description, String file, Effects effects) {
    public Revision {
        parents = List.copyOf(parents);
        parentChanges = List.copyOf(parentChanges);
    }

    /** The parents as the files of {@code release} have them. */
    public List<String> parentsIn(AirflowVersion release) {
        List<String> found = parents;
        for (ParentChange change : parentChanges) {
            if (change.from().compareTo(release) <= 0) {
                found = change.parents();
            }
        }
        return found;
    }
}
