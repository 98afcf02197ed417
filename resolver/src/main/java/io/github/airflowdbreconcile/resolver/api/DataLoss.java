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
 * @param counted     false when no database was read: the counts are null
 */
public record DataLoss(List<TableRows> tables, List<ColumnValues> columns, List<String> absent,
                       List<String> notAnalysed, List<UnreadableRows> unreadable, boolean counted) {
    public DataLoss {
        tables = List.copyOf(tables);
        columns = List.copyOf(columns);
        absent = List.copyOf(absent);
        notAnalysed = List.copyOf(notAnalysed);
        unreadable = List.copyOf(unreadable);
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
     * Rows the downgrade keeps in a format the older release may not read.
     *
     * @param rows   null when not counted
     * @param why    what the newer release wrote there
     * @param remedy what to do after the downgrade
     */
    public record UnreadableRows(String table, Long rows, boolean estimated, String why, String remedy) {}
}
