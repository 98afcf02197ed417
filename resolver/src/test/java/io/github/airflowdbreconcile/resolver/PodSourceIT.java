package io.github.airflowdbreconcile.resolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** --source running-pod-image with the database at hand: the pod says which release runs, alembic_version decides. */
@EnableKubernetesMockClient(crud = true, https = false)
class PodSourceIT {
    @RegisterExtension
    static final PostgresServer pg = PostgresServer.perClass();

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

    private void apiServerRuns(String image) {
        client.pods().inNamespace("airflow").resource(MockAirflow.runningPod("af-api-server-0", "api-server", true,
                image, "af")).create();
    }

    private CliRun decide(String command) {
        return CliRun.of(command, "--map", TestMaps.realisticFile(dir).toString(), "--target-version", "3.0.6",
                "--source", "running-pod-image", "--namespace", "airflow", "--release", "af", "--db-url",
                pg.sqlAlchemyUrl(), "--pod-timeout", "5", "--db-timeout", "5", "--output", "json");
    }

    @Test
    void shouldDecideFromAlembicVersionWhenThePodsReleaseHasAnotherHead() throws Exception {
        pg.alembicVersion(TestMaps.R310);
        apiServerRuns("apache/airflow:3.0.6");

        CliRun plan = decide("plan");

        assertEquals(0, plan.exit(), plan.err());
        assertEquals("downgrade", plan.json().get("action").asText());
        assertEquals(TestMaps.R310, plan.json().get("currentRevision").asText());
        assertEquals("airflow-db-reconcile: image apache/airflow:3.0.6 of pod af-api-server-0: Airflow 3.0.6 has head"
                + " r306, but alembic_version in postgresql://airflow:***@127.0.0.1:" + pg.port()
                + "/airflow holds 'r310': deciding from alembic_version", plan.err().strip());
        CliRun run = decide("run");
        assertEquals(ExitCodes.DOWNGRADE_NOT_ALLOWED, run.exit(), run.err());
    }

    @Test
    void shouldSayNothingWhenThePodsReleaseHasTheTablesHead() throws Exception {
        pg.alembicVersion(TestMaps.R310);
        apiServerRuns("apache/airflow:3.1.1");

        CliRun plan = decide("plan");

        assertEquals(0, plan.exit(), plan.err());
        assertEquals("downgrade", plan.json().get("action").asText());
        assertFalse(plan.err().contains("deciding from alembic_version"), plan.err());
    }

    @Test
    void shouldRefuseARunningReleaseOverADatabaseWithoutARevision() {
        pg.dropAlembicVersion();
        apiServerRuns("apache/airflow:3.1.1");

        CliRun plan = decide("plan");

        assertEquals(ExitCodes.UNKNOWN_REVISION, plan.exit(), plan.err());
        assertTrue(plan.err().startsWith("airflow-db-reconcile: image apache/airflow:3.1.1 of pod af-api-server-0:"
                + " Airflow 3.1.1 runs, but postgresql://airflow:***@127.0.0.1:" + pg.port()
                + "/airflow records no revision"), plan.err());
        assertEquals(1, plan.err().lines().count(), plan.err());
        assertEquals("", plan.out());
    }
}
