package io.github.airflowdbreconcile.resolver.internal;

import io.github.airflowdbreconcile.map.api.Effects;
import io.github.airflowdbreconcile.map.api.RevisionMap;
import io.github.airflowdbreconcile.map.api.TableColumn;
import io.github.airflowdbreconcile.resolver.api.DataLoss;
import io.github.airflowdbreconcile.resolver.api.Plan;
import io.github.airflowdbreconcile.resolver.api.UndoStep;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What undoing a downgrade's revisions drops, from the map alone: the tables and the columns (of tables that stay,
 * since a dropped table's rows already count its columns' values), newest revision first, and which revisions mapgen
 * could not read whole.
 */
public record DataLossScope(List<String> tables, List<TableColumn> columns, List<String> notAnalysed,
                            List<KeptData.Fact> kept, List<KeptData.Fact> blocking) {
    public DataLossScope {
        tables = List.copyOf(tables);
        columns = List.copyOf(columns);
        notAnalysed = List.copyOf(notAnalysed);
        kept = List.copyOf(kept);
        blocking = List.copyOf(blocking);
    }

    /** The scope of a downgrade plan. */
    public static DataLossScope of(RevisionMap map, Plan plan) {
        Set<String> tables = new LinkedHashSet<>();
        Set<TableColumn> columns = new LinkedHashSet<>();
        List<String> notAnalysed = new ArrayList<>();
        for (UndoStep step : plan.revisionsToUndo()) {
            Effects effects = map.revisions().get(step.revision()).effects();
            tables.addAll(effects.drops().tables());
            columns.addAll(effects.drops().columns());
            if (!effects.analysed()) {
                notAnalysed.add(step.revision());
            }
        }
        List<TableColumn> ofKeptTables = columns.stream().filter(c -> !tables.contains(c.table())).toList();
        return new DataLossScope(List.copyOf(tables), ofKeptTables, notAnalysed, KeptData.of(plan.runner(),
                plan.targetVersion()), KeptData.blocking(plan.runner(), plan.targetVersion()));
    }

    /** The scope named but not counted: a plan without a database. */
    public DataLoss uncounted() {
        return new DataLoss(tables.stream().map(t -> new DataLoss.TableRows(t, null, false)).toList(),
                columns.stream().map(c -> new DataLoss.ColumnValues(c.table(), c.column(), null)).toList(),
                List.of(), notAnalysed, uncounted(kept), uncounted(blocking), false);
    }

    private static List<DataLoss.TableNote> uncounted(List<KeptData.Fact> facts) {
        return facts.stream().map(f -> new DataLoss.TableNote(f.table(), null, false, f.why(), f.remedy())).toList();
    }
}
