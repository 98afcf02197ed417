package io.github.airflowdbreconcile.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chart has no default Airflow version: a default would silently reconcile the database to a release nobody
 * deploys. Without airflowVersion or global.airflowVersion nothing renders, and Helm says which key to set.
 */
class AirflowVersionIT {

    private static final String MESSAGE = "airflowVersion is not set: set airflowVersion (or global.airflowVersion)";

    @Test
    void shouldRefuseToRenderTheChartAsShippedNamingTheKeyToSet() {
        String error = HelmRender.templateAsShippedError();

        List<String> errors = error.lines().filter(l -> l.startsWith("Error:")).toList();
        assertEquals(1, errors.size(), error);
        assertTrue(errors.get(0).contains(MESSAGE), error);
    }

    static Stream<List<String>> forms() {
        return Stream.of(
                List.of("migrateDatabaseJob.migrateOnRollback", "false"),
                List.of("migrateDatabaseJob.useHelmHooks", "false", "migrateDatabaseJob.allowDowngrade", "true"),
                List.of("migrateDatabaseJob.downgrade.currentVersionSource", "running-pod-image"));
    }

    /** Every form of the chart needs it, not only the Job that happens to render first. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("forms")
    void shouldRefuseToRenderAnyFormWithoutAVersion(List<String> values) {
        String error = HelmRender.templateAsShippedError(values.toArray(String[]::new));

        assertTrue(error.contains(MESSAGE), error);
    }

    @Test
    void shouldRefuseAnEmptyVersion() {
        String error = HelmRender.templateError("airflowVersion", "");

        assertTrue(error.contains(MESSAGE), error);
    }

    @Test
    void shouldRefuseAnUmbrellaThatSetsNeitherKey() {
        String error = HelmRender.templateUmbrellaError("""
                airflow-db-reconcile:
                  migrateDatabaseJob:
                    allowDowngrade: true
                """);

        assertTrue(error.contains(MESSAGE), error);
    }
}
