package io.github.airflowdbreconcile.resolver.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.server.mock.OutputStreamMessage;
import io.fabric8.kubernetes.client.server.mock.StatusStreamMessage;
import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import io.github.airflowdbreconcile.resolver.PostgresServer;
import io.github.airflowdbreconcile.resolver.TestMaps;
import io.github.airflowdbreconcile.resolver.api.CurrentState;
import io.github.airflowdbreconcile.resolver.api.Plan;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pod discovery, quiesce/restore and exec against the fabric8 mock API server (CRUD plus exec expectations). */
@EnableKubernetesMockClient(crud = true)
class KubernetesIT {
    private static final String NS = "airflow";
    private static final String RELEASE = "af";
    private static final Duration SHORT = Duration.ofSeconds(1);

    KubernetesMockServer server;
    KubernetesClient client;

    private final StringWriter logged = new StringWriter();
    private Log log;
    private Cluster cluster;

    @BeforeEach
    void setUp() {
        log = new Log(new PrintWriter(logged, true), true);
        cluster = new Cluster(client, NS, RELEASE, "component");
    }

    private String logged() {
        return logged.toString();
    }

    // --- pod discovery

    @Test
    void shouldPickTheReadyApiServerBeforeTheWebserverByName() {
        pod("af-webserver-0", "webserver", true, "apache/airflow:2.10.5");
        pod("af-api-server-b", "api-server", true, "apache/airflow:3.1.1");
        pod("af-api-server-a", "api-server", true, "apache/airflow:3.1.1");
        pod("af-api-server-0", "api-server", false, "apache/airflow:3.1.1");
        pod("other-api-server-0", "api-server", true, "apache/airflow:3.1.1", "other");
        Pod found = new PodFinder(cluster, SHORT, log).find(p -> true, "");
        assertEquals("af-api-server-a", found.getMetadata().getName());
    }

    @Test
    void shouldFallBackToTheWebserverOfA2xRelease() {
        pod("af-scheduler-0", "scheduler", true, "apache/airflow:2.10.5");
        pod("af-webserver-0", "webserver", true, "apache/airflow:2.10.5");
        PodFinder finder = new PodFinder(cluster, SHORT, log);
        Pod found = finder.find(p -> true, "");
        assertEquals("af-webserver-0", found.getMetadata().getName());
        assertEquals("webserver", finder.container(found));
    }

    @Test
    void shouldTimeOutWhenNoPodIsReady() {
        pod("af-api-server-0", "api-server", false, "apache/airflow:3.1.1");
        ReconcileException e = assertThrows(ReconcileException.class,
                () -> new PodFinder(cluster, SHORT, log).find(p -> true, ""));
        assertEquals(ErrorCode.TIMEOUT, e.code());
        assertTrue(e.getMessage().contains("no Running and Ready pod of release af") && e.getMessage().contains(
                "1 not Ready"), e.getMessage());
    }

    @Test
    void shouldRetryAnUnreachableApiServerThenTimeOutSayingWhy() {
        String dead = "http://127.0.0.1:" + PostgresServer.freePort();
        try (KubernetesClient unreachable = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder().withMasterUrl(dead)
                        .withRequestRetryBackoffLimit(0).build()).build()) {
            Cluster away = new Cluster(unreachable, NS, RELEASE, "component");
            ReconcileException e = assertThrows(ReconcileException.class,
                    () -> new PodFinder(away, SHORT, log).find(p -> true, ""));
            assertEquals(ErrorCode.TIMEOUT, e.code());
            assertTrue(e.getMessage().contains("the API server did not answer: ConnectException"), e.getMessage());
        }
    }

    // --- quiesce and restore

    @Test
    void shouldRecordScaleToZeroAndRestoreEveryWriterIncludingAnHpaManagedOne() {
        deployment("af-scheduler", "scheduler", 2, 2, RELEASE);
        deployment("af-triggerer", "triggerer", null, 3, RELEASE);
        statefulSet("af-worker", "worker", 4);
        deployment("af-api-server", "api-server", 2, 2, RELEASE);
        deployment("other-scheduler", "scheduler", 1, 1, "other");
        Workloads workloads = new Workloads(cluster, log);

        workloads.quiesce(Workloads.WRITERS, SHORT);

        assertEquals(0, deployment("af-scheduler").getSpec().getReplicas());
        assertEquals("2", deployment("af-scheduler").getMetadata().getAnnotations().get(Workloads.ANNOTATION));
        assertEquals(0, deployment("af-triggerer").getSpec().getReplicas());
        assertEquals("3", deployment("af-triggerer").getMetadata().getAnnotations().get(Workloads.ANNOTATION));
        assertEquals(0, statefulSet("af-worker").getSpec().getReplicas());
        assertEquals(2, deployment("af-api-server").getSpec().getReplicas());
        assertEquals(1, deployment("other-scheduler").getSpec().getReplicas());

        List<String> restored = workloads.restore();

        assertEquals(3, restored.size(), restored.toString());
        assertEquals(2, deployment("af-scheduler").getSpec().getReplicas());
        assertEquals(3, deployment("af-triggerer").getSpec().getReplicas());
        assertEquals(4, statefulSet("af-worker").getSpec().getReplicas());
        assertNull(deployment("af-scheduler").getMetadata().getAnnotations().get(Workloads.ANNOTATION));
        assertEquals(List.of(), workloads.restore());
    }

    @Test
    void shouldKeepTheCountAnEarlierRunRecorded() {
        deployment("af-scheduler", "scheduler", 2, 2, RELEASE);
        Workloads workloads = new Workloads(cluster, log);
        workloads.quiesce(Workloads.WRITERS, SHORT);
        workloads.quiesce(Workloads.WRITERS, SHORT);
        assertEquals("2", deployment("af-scheduler").getMetadata().getAnnotations().get(Workloads.ANNOTATION));
        workloads.restore();
        assertEquals(2, deployment("af-scheduler").getSpec().getReplicas());
    }

    @Test
    void shouldLeaveAWorkloadThatHelmAlreadyScaledUp() {
        deployment("af-scheduler", "scheduler", 2, 2, RELEASE);
        Workloads workloads = new Workloads(cluster, log);
        workloads.quiesce(Workloads.WRITERS, SHORT);
        client.apps().deployments().inNamespace(NS).withName("af-scheduler").scale(5);
        workloads.restore();
        assertEquals(5, deployment("af-scheduler").getSpec().getReplicas());
        assertNull(deployment("af-scheduler").getMetadata().getAnnotations().get(Workloads.ANNOTATION));
    }

    @Test
    void shouldTimeOutWhenScaledPodsKeepRunning() {
        deployment("af-scheduler", "scheduler", 1, 1, RELEASE);
        pod("af-scheduler-abc", "scheduler", true, "apache/airflow:3.1.1");
        ReconcileException e = assertThrows(ReconcileException.class,
                () -> new Workloads(cluster, log).quiesce(Workloads.WRITERS, SHORT));
        assertEquals(ErrorCode.TIMEOUT, e.code());
        assertTrue(e.getMessage().contains("af-scheduler-abc"), e.getMessage());
    }

    // --- exec

    @Test
    void shouldStreamTheOutputOfACommandThatExitsZero() {
        Pod pod = pod("af-api-server-0", "api-server", true, "apache/airflow:3.1.1");
        expectExec("af-api-server-0", "api-server", "airflow&command=version",
                new OutputStreamMessage("3.1.1\n"), new StatusStreamMessage(0));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PodExec(cluster).run(pod, "api-server", List.of("airflow", "version"), out, Duration.ofSeconds(10));
        assertEquals("3.1.1\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void shouldFailOnANonZeroExit() {
        Pod pod = pod("af-api-server-0", "api-server", true, "apache/airflow:3.1.1");
        expectExec("af-api-server-0", "api-server", "airflow&command=version", new StatusStreamMessage(2));
        ReconcileException e = assertThrows(ReconcileException.class, () -> new PodExec(cluster).run(pod,
                "api-server", List.of("airflow", "version"), new ByteArrayOutputStream(), Duration.ofSeconds(10)));
        assertEquals(ErrorCode.EXECUTION_FAILED, e.code());
        assertTrue(e.getMessage().contains("exited 2"), e.getMessage());
    }

    @Test
    void shouldReportAStreamCutBeforeAnExitStatus() {
        Pod pod = pod("af-api-server-0", "api-server", true, "apache/airflow:3.1.1");
        expectExec("af-api-server-0", "api-server", "airflow&command=version",
                new OutputStreamMessage("Running downgrade\n"));
        assertFalse(new PodExec(cluster).run(pod, "api-server", List.of("airflow", "version"),
                new ByteArrayOutputStream(), Duration.ofSeconds(10)));
    }

    @Test
    void shouldFailWhenThePodVanishedBeforeTheExec() {
        Pod pod = pod("af-api-server-0", "api-server", true, "apache/airflow:3.1.1");
        client.pods().inNamespace(NS).withName("af-api-server-0").delete();
        ReconcileException e = assertThrows(ReconcileException.class, () -> new PodExec(cluster).run(pod,
                "api-server", List.of("airflow", "version"), new ByteArrayOutputStream(), Duration.ofSeconds(10)));
        assertEquals(ErrorCode.EXECUTION_FAILED, e.code());
        assertTrue(e.getMessage().contains("af-api-server-0"), e.getMessage());
    }

    // --- the downgrade and the pod sources

    @Test
    void shouldDowngradeInTheRunningPodAndLeaveTheWritersStopped() {
        pod("af-api-server-0", "api-server", true, "apache/airflow:3.1.1");
        deployment("af-scheduler", "scheduler", 2, 2, RELEASE);
        expectExec("af-api-server-0", "api-server", downgradeCommand(),
                new OutputStreamMessage("DB: postgresql://airflow:s3cret@db/airflow\nPerforming downgrade\n"),
                new StatusStreamMessage(0));
        AtomicBoolean verified = new AtomicBoolean();

        executor().downgrade(downgradePlan(), () -> verified.set(true));

        assertTrue(verified.get());
        assertEquals(0, deployment("af-scheduler").getSpec().getReplicas());
        assertTrue(logged().contains("Performing downgrade"), logged());
        assertTrue(logged().contains("postgresql://airflow:***@db/airflow"), logged());
        assertFalse(logged().contains("s3cret"), logged());
    }

    @Test
    void shouldRestoreTheWritersWhenTheDowngradeFails() {
        pod("af-api-server-0", "api-server", true, "apache/airflow:3.1.1");
        deployment("af-scheduler", "scheduler", 2, 2, RELEASE);
        expectExec("af-api-server-0", "api-server", downgradeCommand(), new StatusStreamMessage(1));

        ReconcileException e = assertThrows(ReconcileException.class,
                () -> executor().downgrade(downgradePlan(), KubernetesIT::schemaUnchanged));

        assertEquals(ErrorCode.EXECUTION_FAILED, e.code());
        assertEquals(2, deployment("af-scheduler").getSpec().getReplicas());
        assertNull(deployment("af-scheduler").getMetadata().getAnnotations().get(Workloads.ANNOTATION));
    }

    @Test
    void shouldLetTheDatabaseDecideWhenTheStreamEndsWithoutAnExitStatus() {
        pod("af-api-server-0", "api-server", true, "apache/airflow:3.1.1");
        deployment("af-scheduler", "scheduler", 2, 2, RELEASE);
        expectExec("af-api-server-0", "api-server", downgradeCommand(), new OutputStreamMessage("Downgrading\n"));
        AtomicBoolean verified = new AtomicBoolean();

        executor().downgrade(downgradePlan(), () -> verified.set(true));

        assertTrue(verified.get());
        assertTrue(logged().contains("ended without an exit status"), logged());
        assertEquals(0, deployment("af-scheduler").getSpec().getReplicas());
        assertThrows(ReconcileException.class,
                () -> executor().downgrade(downgradePlan(), KubernetesIT::schemaUnchanged));
        assertEquals(2, deployment("af-scheduler").getSpec().getReplicas());
    }

    @Test
    void shouldRestoreTheWritersWhenTheResultIsWrong() {
        pod("af-api-server-0", "api-server", true, "apache/airflow:3.1.1");
        deployment("af-scheduler", "scheduler", 2, 2, RELEASE);
        expectExec("af-api-server-0", "api-server", downgradeCommand(), new StatusStreamMessage(0));
        assertThrows(ReconcileException.class,
                () -> executor().downgrade(downgradePlan(), KubernetesIT::schemaUnchanged));
        assertEquals(2, deployment("af-scheduler").getSpec().getReplicas());
    }

    @Test
    void shouldNotRunTheDowngradeInAPodWhoseImageLacksTheCurrentRevision() {
        pod("af-api-server-a", "api-server", true, "apache/airflow:3.0.6");
        pod("af-api-server-b", "api-server", true, "apache/airflow:3.1.1");
        deployment("af-scheduler", "scheduler", 2, 2, RELEASE);
        executor().describe(downgradePlan());
        assertTrue(logged().contains("in pod af-api-server-b"), logged());
        assertTrue(logged().contains("would scale deployment/af-scheduler from 2 to 0"), logged());
        assertEquals(2, deployment("af-scheduler").getSpec().getReplicas());
    }

    @Test
    void shouldNameARecordedCountThatIsNoNumberOnADryRun() {
        pod("af-api-server-0", "api-server", true, "apache/airflow:3.1.1");
        deployment("af-scheduler", "scheduler", 0, 0, RELEASE);
        client.apps().deployments().inNamespace(NS).withName("af-scheduler").edit(d -> new DeploymentBuilder(d)
                .editMetadata().addToAnnotations(Workloads.ANNOTATION, "two").endMetadata().build());
        ReconcileException e = assertThrows(ReconcileException.class, () -> executor().describe(downgradePlan()));
        assertEquals(ErrorCode.KUBERNETES, e.code());
        assertTrue(e.getMessage().contains("deployment/af-scheduler has " + Workloads.ANNOTATION + "='two'")
                && e.getMessage().contains("set the replicas by hand"), e.getMessage());
    }

    @Test
    void shouldReadTheCurrentReleaseFromTheImageTag() {
        pod("af-api-server-0", "api-server", true, "apache/airflow:3.1.1-python3.12");
        CurrentState state = source().fromImage();
        assertEquals(TestMaps.R310, state.revision());
        pod("af-api-server-0", "api-server", true, "apache/airflow:latest");
        ReconcileException e = assertThrows(ReconcileException.class, () -> source().fromImage());
        assertEquals(ErrorCode.UNKNOWN_REVISION, e.code());
    }

    @Test
    void shouldReadTheCurrentReleaseFromAirflowVersionInThePod() {
        pod("af-webserver-0", "webserver", true, "my-registry/airflow:custom");
        expectExec("af-webserver-0", "webserver", "airflow&command=version",
                new OutputStreamMessage("2.10.4\n"), new StatusStreamMessage(0));
        assertEquals(TestMaps.R2103, source().fromExec().revision());
    }

    // --- fixtures

    /** What RunCommand's check does when alembic_version did not move. */
    private static void schemaUnchanged() {
        throw new ReconcileException(ErrorCode.EXECUTION_FAILED, "after the downgrade alembic_version holds r310");
    }

    private KubernetesExecutor executor() {
        return new KubernetesExecutor(cluster, TestMaps.realistic(), SHORT, Duration.ofSeconds(10), "s3cret", log);
    }

    private PodVersionSource source() {
        return new PodVersionSource(cluster, TestMaps.realistic(), SHORT, Duration.ofSeconds(10), log);
    }

    private static Plan downgradePlan() {
        return new Decider(TestMaps.realistic()).decide(CurrentState.at(TestMaps.R310, "test"), TestMaps.v("3.0.6"));
    }

    private static String downgradeCommand() {
        return "airflow&command=db&command=downgrade&command=--to-revision&command=" + TestMaps.R306
                + "&command=--yes";
    }

    private void expectExec(String pod, String container, String command, Object... messages) {
        server.expect().get()
                .withPath("/api/v1/namespaces/" + NS + "/pods/" + pod + "/exec?command=" + command + "&container="
                        + container + "&stdout=true&stderr=true")
                .andUpgradeToWebSocket()
                .open(messages)
                .done()
                .always();
    }

    private Pod pod(String name, String component, boolean ready, String image) {
        return pod(name, component, ready, image, RELEASE);
    }

    private Pod pod(String name, String component, boolean ready, String image, String release) {
        Pod pod = new PodBuilder()
                .withNewMetadata().withName(name).withNamespace(NS)
                .addToLabels("release", release).addToLabels("component", component).addToLabels("tier", "airflow")
                .endMetadata()
                .withNewSpec()
                .addNewContainer().withName(component).withImage(image).endContainer()
                .addNewContainer().withName("git-sync").withImage("registry.k8s.io/git-sync:v4.1.0").endContainer()
                .endSpec()
                .withNewStatus().withPhase("Running")
                .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
                .endStatus()
                .build();
        return client.pods().inNamespace(NS).resource(pod).createOr(existing -> existing.update());
    }

    private void deployment(String name, String component, Integer replicas, Integer statusReplicas, String release) {
        Deployment d = new DeploymentBuilder()
                .withNewMetadata().withName(name).withNamespace(NS)
                .addToLabels("release", release).addToLabels("component", component).endMetadata()
                .withNewSpec().withReplicas(replicas).endSpec()
                .withNewStatus().withReplicas(statusReplicas).endStatus()
                .build();
        client.apps().deployments().inNamespace(NS).resource(d).create();
    }

    private void statefulSet(String name, String component, int replicas) {
        StatefulSet s = new StatefulSetBuilder()
                .withNewMetadata().withName(name).withNamespace(NS)
                .addToLabels("release", RELEASE).addToLabels("component", component).endMetadata()
                .withNewSpec().withReplicas(replicas).endSpec()
                .build();
        client.apps().statefulSets().inNamespace(NS).resource(s).create();
    }

    private Deployment deployment(String name) {
        return client.apps().deployments().inNamespace(NS).withName(name).get();
    }

    private StatefulSet statefulSet(String name) {
        return client.apps().statefulSets().inNamespace(NS).withName(name).get();
    }
}
