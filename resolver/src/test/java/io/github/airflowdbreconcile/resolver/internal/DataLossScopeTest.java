package io.github.airflowdbreconcile.resolver.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.airflowdbreconcile.map.api.TableColumn;
import io.github.airflowdbreconcile.resolver.TestMaps;
import io.github.airflowdbreconcile.resolver.api.CurrentState;
import io.github.airflowdbreconcile.resolver.api.Plan;
import java.util.List;
import org.junit.jupiter.api.Test;

class DataLossScopeTest {
    private static DataLossScope scope(String current, String target) {
        Plan plan = new Decider(TestMaps.realistic()).decide(CurrentState.headOf(TestMaps.realistic(),
                TestMaps.v(current), "test"), TestMaps.v(target));
        return DataLossScope.of(TestMaps.realistic(), plan);
    }

    @Test
    void shouldCountAColumnOfADroppedTableOnlyWithItsTable() {
        DataLossScope scope = scope("3.1.1", "3.0.6");
        assertEquals(List.of("dag_favorite", "mysql_only_stats", "hitl_detail"), scope.tables());
        assertEquals(List.of(new TableColumn("dag_run", "triggering_user_name")), scope.columns());
    }

    @Test
    void shouldNameTheRevisionsMapgenCouldNotReadWhole() {
        assertEquals(List.of(TestMaps.R310A), scope("3.1.1", "3.0.6").notAnalysed());
        assertEquals(List.of(), scope("3.0.6", "2.10.5").notAnalysed());
    }

    @Test
    void shouldTakeWhatEveryUndoneRevisionDropsAcrossTheMajorVersion() {
        DataLossScope scope = scope("3.1.1", "2.10.5");
        assertEquals(List.of("dag_favorite", "mysql_only_stats", "hitl_detail", "asset", "asset_alias"),
                scope.tables());
        assertEquals(List.of(new TableColumn("dag_run", "triggering_user_name"),
                new TableColumn("task_instance", "dag_version_id")), scope.columns());
    }
}
