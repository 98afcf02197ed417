package io.github.airflowdbreconcile.resolver.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.airflowdbreconcile.resolver.TestMaps;
import io.github.airflowdbreconcile.resolver.api.CurrentState;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusReaderTest {
    private final StatusReader reader = new StatusReader(TestMaps.realistic());

    private String text(CurrentState state) {
        return StatusReader.text(reader.describe(state));
    }

    @Test
    void shouldPrintRowsQuotedWithControlCharactersReplaced() {
        assertEquals("revision 'dev?0000': unknown to the map (which knows up to Airflow 3.1.1)\n",
                text(CurrentState.at("dev\n0000", "test")));
        assertEquals("several heads in alembic_version: 'a?b', 'r306'\n",
                text(new CurrentState(List.of("a\rb", TestMaps.R306), "test")));
        assertEquals("revision 'r306': head of Airflow 3.0.6\n", text(CurrentState.at(TestMaps.R306, "test")));
    }

    @Test
    void shouldNameAirflowTablesWithoutARevisionInsteadOfCallingTheDatabaseFresh() {
        assertEquals("no alembic_version row, but Airflow tables: public.dag, public.dag_run\n",
                text(CurrentState.withoutRevision(List.of("public.dag", "public.dag_run"), "test")));
        assertEquals("fresh database: no alembic_version row\n", text(CurrentState.fresh("test")));
    }
}
