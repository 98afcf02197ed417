package io.github.airflowdbreconcile.chart;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.airflowdbreconcile.map.api.RevisionMapJson;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** NOTES.txt, as `helm install` prints it: what the next upgrade or rollback will do. */
class NotesIT {

    @Test
    void shouldWarnThatABackwardMoveFailsWhenDowngradeIsOff() throws Exception {
        String notes = notes();

        assertTrue(notes.contains("fails before anything is written"), notes);
        assertTrue(notes.contains("migrateDatabaseJob.allowDowngrade=true"), notes);
        assertTrue(notes.contains("kubectl logs -n airflow job/prod-airflow-db-reconcile-db-downgrade"), notes);
    }

    @Test
    void shouldSayWritersAreScaledDownWhenDowngradeIsOn() throws Exception {
        String notes = notes("migrateDatabaseJob.allowDowngrade=true", "airflowVersion=3.0.6");

        assertTrue(notes.contains("scaled") && notes.contains("back to the schema of 3.0.6"), notes);
        assertTrue(notes.contains("exec into them"), notes);
        assertFalse(notes.contains("fails before anything is written"), notes);
    }

    @Test
    void shouldShowThePreviewCommandWithTheRowLimit() throws Exception {
        String preview = "airflow-db-reconcile plan --map revision-map.json --target-version 3.0.6 --db-url"
                + " \"$AIRFLOW_DB_URL\"";
        String notes = notes("airflowVersion=3.0.6");
        assertTrue(notes.contains(preview + "\n"), notes);
        String limited = notes("airflowVersion=3.0.6", "migrateDatabaseJob.maxRowsLost=5000");
        assertTrue(limited.contains(preview + " --max-rows-lost 5000\n"), limited);
        assertTrue(limited.contains("over 5000 rows the Job refuses, exit code 3"), limited);
    }

    @Test
    void shouldDescribeTheArgoCdForm() throws Exception {
        String notes = notes("migrateDatabaseJob.useHelmHooks=false");

        assertTrue(notes.contains("Argo CD sync, as a PreSync hook"), notes);
    }

    @Test
    void shouldNameTheChartReleaseAndTheNewestAirflowOfItsMap() throws Exception {
        String newest = RevisionMapJson.read(ChartFiles.bundledMap()).newestVersion().toString();
        String version = ChartFiles.chartYaml().path("version").asText();

        String notes = notes();

        assertTrue(notes.contains("airflow-db-reconcile " + version + " (revision map up to Airflow " + newest + ")"),
                notes);
    }

    @Test
    void shouldSayHowToReadTheDriftWhenTheServiceRuns() throws Exception {
        assertFalse(notes().contains("version-source service"));

        String notes = notes("serve.enabled=true");

        assertTrue(notes.contains("The version-source service prod-airflow-db-reconcile-serve reports the schema against"
                + " Airflow " + HelmRender.AIRFLOW_VERSION), notes);
        assertTrue(notes.contains("kubectl get --raw /api/v1/namespaces/airflow/services/"
                + "prod-airflow-db-reconcile-serve:http/proxy/metrics"), notes);
    }

    /** The NOTES section of `helm install --dry-run` with these --set values. */
    private static String notes(String... sets) throws Exception {
        try (DiscoveryApiServer cluster = new DiscoveryApiServer()) {
            List<String> args = new ArrayList<>(List.of("install", HelmRender.RELEASE, ChartFiles.chartDir().toString(),
                    "--namespace", HelmRender.NAMESPACE, "--dry-run=client", "--disable-openapi-validation", "--kubeconfig",
                    cluster.kubeconfig().toString(), "--set", "airflowVersion=" + HelmRender.AIRFLOW_VERSION));
            for (String set : sets) {
                args.add("--set");
                args.add(set);
            }
            String output = HelmBinary.run(args).outOrFail();
            int start = output.indexOf("\nNOTES:\n");
            assertTrue(start >= 0, output);
            return output.substring(start);
        }
    }
}
