package io.github.airflowdbreconcile.map.api;

import java.util.List;

/** Tables and columns a migration function creates or drops, in the order the file names them. */
public record TableChanges(List<String> tables, List<TableColumn> columns) {
    public static final TableChanges NONE = new TableChanges(List.of(), List.of());

    public TableChanges {
        tables = List.copyOf(tables);
        columns = List.copyOf(columns);
    }

    public boolean isEmpty() {
        return tables.isEmpty() && columns.isEmpty();
    }
}
