package io.github.airflowdbreconcile.resolver.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.airflowdbreconcile.map.api.AirflowVersion;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeptDataTest {
    private static List<String> tables(String runner, String target) {
        return KeptData.of(AirflowVersion.parse(runner), AirflowVersion.parse(target)).stream()
                .map(KeptData.Fact::table).toList();
    }

    private static List<String> blocking(String runner, String target) {
        return KeptData.blocking(AirflowVersion.parse(runner), AirflowVersion.parse(target)).stream()
                .map(KeptData.Fact::table).toList();
    }

    @Test
    void shouldWarnOfSerializedDagsWhenTheTargetIsAnOlderMinorOfAirflow3() {
        assertEquals(List.of("serialized_dag"), tables("3.1.8", "3.0.6"));
        assertEquals(List.of(), tables("3.1.8", "3.1.0"));
    }

    @Test
    void shouldNotWarnOfSerializedDagsBelowAirflow3WhoseDowngradeEmptiesThem() {
        assertEquals(List.of(), tables("3.0.6", "2.10.5"));
    }

    @Test
    void shouldWarnOfTriggerKwargsWrittenBy32OnlyBelow32() {
        assertEquals(List.of("serialized_dag", "trigger"), tables("3.2.0", "3.1.8"));
        assertEquals(List.of("serialized_dag"), tables("3.3.2", "3.2.0"));
    }

    @Test
    void shouldKnowWhichReleasesCannotDowngradeDeadlineRowsBelow310() {
        assertEquals(List.of("deadline"), blocking("3.1.8", "3.0.6"));
        assertEquals(List.of("deadline"), blocking("3.2.1", "2.10.5"));
        assertEquals(List.of(), blocking("3.2.2", "3.0.6"));
        assertEquals(List.of(), blocking("3.1.8", "3.1.0"));
    }

    @Test
    void shouldNameTheTargetThatRunsTheRemedy() {
        assertEquals("run `airflow dags reserialize` with Airflow 3.0.6 after the downgrade (run --reserialize-with,"
                + " chart migrateDatabaseJob.reserializeDags.enabled)",
                KeptData.of(AirflowVersion.parse("3.1.8"), AirflowVersion.parse("3.0.6")).get(0).remedy());
    }
}
