package io.github.airflowdbreconcile.resolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --missing-url-means-fresh as the chart passes it on an install and on every Argo CD sync: an unset URL variable is
 * a fresh database only when the Airflow release has no workload yet; otherwise its metadata Secret is misnamed.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class FreshProofIT {

    KubernetesMockServer server;
    KubernetesClient client;

    @TempDir
    Path dir;

    @BeforeEach
    void pointTheCommandLineAtTheMockCluster() {
        MockAirflow.pointCommandLineAt(client);
    }

    @AfterEach
    void forgetTheMockCluster() {
        MockAirflow.forgetCommandLineCluster();
    }

    private CliRun runWithoutUrl() {
        return CliRun.of("run", "--map", TestMaps.realisticFile(dir).toString(), "--target-version", "3.0.6",
                "--db-url-env", "AIRFLOW_DB_RECONCILE_TEST_UNSET", "--missing-url-means-fresh", "--namespace",
                "airflow", "--release", "af", "--allow-downgrade", "--output", "json");
    }

    @Test
    void shouldPlanAnInstallWhenNoWorkloadOfTheReleaseExistsYet() {
        new MockAirflow(server, client, "airflow").deployment("other-scheduler", "scheduler", 1, 1, "other");

        CliRun run = runWithoutUrl();

        assertEquals(ExitCodes.OK, run.exit(), run.err());
        assertTrue(run.out().contains("\"action\" : \"install\""), run.out());
    }

    /** resolver/README.md's permission table, which the chart's Role is checked against. */
    @Test
    void shouldNeedExactlyTheDocumentedRightsToProveAFreshInstall() throws Exception {
        int setup = server.getRequestCount();

        CliRun run = runWithoutUrl();

        assertEquals(ExitCodes.OK, run.exit(), run.err());
        ApiRights.assertDocumented("missing-url-means-fresh", ApiRights.neededBy(server, setup));
    }

    @Test
    void shouldRefuseAMissingUrlWhileTheReleaseRunsInsteadOfSkippingTheDowngrade() {
        new MockAirflow(server, client, "airflow").deployment("af-scheduler", "scheduler", 1, 1, "af");

        CliRun run = runWithoutUrl();

        assertEquals(ExitCodes.UNKNOWN_REVISION, run.exit(), run.err());
        assertTrue(run.err().contains("Airflow release af already runs in namespace airflow (deployment/af-scheduler)"),
                run.err());
        assertTrue(run.err().contains("airflow.metadataSecret.name"), run.err());
        assertEquals("", run.out());
    }
}
