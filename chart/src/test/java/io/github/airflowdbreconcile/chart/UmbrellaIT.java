package io.github.airflowdbreconcile.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The README's umbrella recipe: a dependency of the operator's chart, its hooks in the Airflow release. */
class UmbrellaIT {

    @Test
    void shouldWorkOnTheUmbrellaReleaseAndTakeTheVersionFromGlobal() {
        Rendered rendered = HelmRender.templateUmbrella("""
                global:
                  airflowVersion: "3.0.6"
                  # Globals of other subcharts (the Airflow chart's) reach this chart too.
                  someOtherChartsGlobal: {enabled: true}
                airflow-db-reconcile:
                  migrateDatabaseJob:
                    allowDowngrade: true
                    runOnInstall: false
                """);

        assertEquals(Optional.of("3.0.6"), rendered.arg("--target-version"));
        assertEquals(Optional.of(HelmRender.RELEASE), rendered.arg("--release"));
        assertEquals("prod-airflow-metadata", rendered.container().path("env").get(0).path("valueFrom")
                .path("secretKeyRef").path("name").asText());
        assertEquals("pre-upgrade,pre-rollback", Rendered.annotations(rendered.job()).get("helm.sh/hook"));
        assertEquals(7, rendered.docs().size(), rendered.kinds()::toString);
    }
}
