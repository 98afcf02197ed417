package io.github.airflowdbreconcile.resolver.api;

import java.util.List;
import java.util.Objects;

/**
 * What undoing a downgrade's revisions deletes, counted on the live database (or only named, without one).
 *
 * @param tables      each dropped table that exists, with its rows
 * @param columns     each dropped column (of a table that itself stays) that exists, with its non-null values
 * @param absent      dropped tables and columns the database does not have (optional or dialect-specific ones)
 * @param notAnalysed the revisions whose migration mapgen could not read whole: the loss is at least this
 * @param unreadable  tables the downgrade keeps whose rows the target release may not read
 * @param blocking    tables whose rows the running release's downgrade cannot handle: with a row in one, the
 *                    downgrade would fail half-way
 * @param counted     false when no database was read: the counts are null
 */
public record DataLoss(List<TableRows> tables, List<ColumnValues> columns, List<String> absent,
                       List<String> notAnalysed, List<TableNote> unreadable, List<TableNote> blocking,
                       boolean counted) {
    public DataLoss {
        tables = List.copyOf(tables);
        columns = List.copyOf(columns);
        absent = List.copyOf(absent);
        notAnalysed = List.copyOf(notAnalysed);
        unreadable = List.copyOf(unreadable);
        blocking = List.copyOf(blocking);
    }

    /** The rows of every dropped table, estimates included. */
    public long rowsLost() {
        return tables.stream().map(TableRows::rows).filter(Objects::nonNull).mapToLong(Long::longValue).sum();
    }

    /**
     * A dropped table's rows.
     *
     * @param rows      null when not counted (no database)
     * @param estimated true when the count did not fit the time budget and the planner's statistics stand in
     */
    public record TableRows(String table, Long rows, boolean estimated) {}

    /**
     * A dropped column's non-null values.
     *
     * @param values null when not counted (no database, or past the time budget)
     */
    public record ColumnValues(String table, String column, Long values) {}

    /**
     * A table whose rows need attention: ones the older release may not read, or ones the downgrade cannot handle.
     *
     * @param rows   null when not counted
     * @param why    what is wrong with those rows
     * @param remedy what to do about them
     */
    public record TableNote(String table, Long rows, boolean estimated, String why, String remedy) {}
}
