package io.github.airflowdbreconcile.chart;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import org.junit.jupiter.api.Test;

/** NOTES.txt, as `helm install` prints it: what the next upgrade or rollback will do. */
class NotesIT {

    @Test
    void shouldWarnThatABackwardMoveFailsWhenDowngradeIsOff() {
        String notes = notes(install());

        assertTrue(notes.contains("fails before anything is written"), notes);
        assertTrue(notes.contains("migrateDatabaseJob.allowDowngrade=true"), notes);
        assertTrue(notes.contains("kubectl logs -n airflow job/prod-airflow-db-reconcile-db-downgrade"), notes);
    }

    @Test
    void shouldSayWritersAreScaledDownWhenDowngradeIsOn() {
        String notes = notes(install().set("migrateDatabaseJob.allowDowngrade", "true")
                .set("airflowVersion", "3.0.6"));

        assertTrue(notes.contains("scaled") && notes.contains("back to the schema of 3.0.6"), notes);
        assertTrue(notes.contains("exec into them"), notes);
        assertFalse(notes.contains("fails before anything is written"), notes);
    }

    @Test
    void shouldDescribeTheArgoCdForm() {
        String notes = notes(install().set("migrateDatabaseJob.useHelmHooks", "false"));

        assertTrue(notes.contains("Argo CD sync, as a PreSync hook"), notes);
    }

    private static InstallCommand install() {
        return new Helm(ChartFiles.chartDir()).install().withName(HelmRender.RELEASE)
                .withNamespace(HelmRender.NAMESPACE).clientOnly().dryRun();
    }

    private static String notes(InstallCommand install) {
        String output = install.call().getOutput();
        int start = output.indexOf("NOTES:");
        assertTrue(start >= 0, output);
        return output.substring(start);
    }
}
