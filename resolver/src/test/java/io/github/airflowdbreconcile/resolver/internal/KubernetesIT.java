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
import io.github.airflowdbreconcile.resolver.ApiRights;
import io.github.airflowdbreconcile.resolver.MockAirflow;
import io.github.airflowdbreconcile.resolver.PostgresServer;
import io.github.airflowdbreconcile.resolver.TestMaps;
import io.github.airflowdbreconcile.resolver.api.CurrentState;
import io.github.airflowdbreconcile.resolver.api.Plan;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
    private MockAirflow airflow;

    @BeforeEach
    void setUp() {
        log = new Log(new PrintWriter(logged, true), true);
        cluster = new Cluster(client, NS, RELEASE, "component");
        airflow = new MockAirflow(server, client, NS);
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

        workloads.quiesce(Workloads.WRITERS, SHORT, Runnable::run);

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
        workloads.quiesce(Workloads.WRITERS, SHORT, Runnable::run);
        workloads.quiesce(Workloads.WRITERS, SHORT, Runnable::run);
        assertEquals("2", deployment("af-scheduler").getMetadata().getAnnotations().get(Workloads.ANNOTATION));
        workloads.restore();
        assertEquals(2, deployment("af-scheduler").getSpec().getReplicas());
    }

    @Test
    void shouldLeaveAWorkloadThatHelmAlreadyScaledUp() {
        deployment("af-scheduler", "scheduler", 2, 2, RELEASE);
        Workloads workloads = new Workloads(cluster, log);
        workloads.quiesce(Workloads.WRITERS, SHORT, Runnable::run);
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
                () -> new Workloads(cluster, log).quiesce(Workloads.WRITERS, SHORT, Runnable::run));
        assertEquals(ErrorCode.TIMEOUT, e.code());
        assertTrue(e.getMessage().contains("af-scheduler-abc"), e.getMessage());
    }

    @Test
    void shouldWaitForRunningTaskPodsAndNameThemWhenTheyOutlastTheWait() {
        deployment("af-scheduler", "scheduler", 1, 1, RELEASE);
        workerPod("af-task-abc", null);
        workerPod("af-worker-0", "af-worker");

        ReconcileException e = assertThrows(ReconcileException.class,
                () -> new Workloads(cluster, log).quiesce(Workloads.WRITERS, SHORT, Runnable::run));

        assertEquals(ErrorCode.TIMEOUT, e.code());
        assertTrue(e.getMessage().startsWith("task pods af-task-abc of the KubernetesExecutor still run")
                && e.getMessage().contains("pods af-worker-0 still run"), e.getMessage());
        assertTrue(logged().indexOf("task pods of the KubernetesExecutor run: af-task-abc;")
                < logged().indexOf("scaled deployment/af-scheduler"), logged());
    }

    @Test
    void shouldGoOnOnceTheRunningTasksHaveEnded() throws Exception {
        deployment("af-scheduler", "scheduler", 1, 1, RELEASE);
        workerPod("af-task-abc", null);
        Thread taskEnds = new Thread(() -> {
            sleep(Duration.ofSeconds(1));
            client.pods().inNamespace(NS).withName("af-task-abc").editStatus(p -> new PodBuilder(p).editStatus()
                    .withPhase("Succeeded").endStatus().build());
        });
        taskEnds.start();

        new Workloads(cluster, log).quiesce(Workloads.WRITERS, Duration.ofSeconds(30), Runnable::run);

        taskEnds.join();
        assertEquals(0, deployment("af-scheduler").getSpec().getReplicas());
    }

    @Test
    void shouldSayWhenAWorkerMayTakeLongerToStopThanTheWait() {
        client.apps().statefulSets().inNamespace(NS).resource(new StatefulSetBuilder()
                .withNewMetadata().withName("af-worker").withNamespace(NS)
                .addToLabels("release", RELEASE).addToLabels("component", "worker").endMetadata()
                .withNewSpec().withReplicas(2).withNewTemplate().withNewSpec().withTerminationGracePeriodSeconds(600L)
                .endSpec().endTemplate().endSpec()
                .withNewStatus().withReplicas(2).endStatus()
                .build()).create();

        new Workloads(cluster, log).quiesce(Workloads.WRITERS, SHORT, Runnable::run);

        assertTrue(logged().contains("statefulset/af-worker may take up to 1200 s to stop its pods"), logged());
    }

    // --- exec

    @Test
    void shouldStreamTheOutputOfACommandThatExitsZero() {
        Pod pod = pod("af-api-server-0", "api-server", true, "apache/airflow:3.1.1");
        expectExec("af-api-server-0", "api-server", List.of("airflow", "version"),
                new OutputStreamMessage("3.1.1\n"), new StatusStreamMessage(0));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(PodExec.Ending.EXITED, podExec().run(pod, "api-server", List.of("airflow", "version"), out,
                Duration.ofSeconds(10)));
        assertEquals("3.1.1\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void shouldFailOnANonZeroExit() {
        Pod pod = pod("af-api-server-0", "api-server", true, "apache/airflow:3.1.1");
        expectExec("af-api-server-0", "api-server", List.of("airflow", "version"), new StatusStreamMessage(2));
        ReconcileException e = assertThrows(ReconcileException.class, () -> podExec().run(pod,
                "api-server", List.of("airflow", "version"), new ByteArrayOutputStream(), Duration.ofSeconds(10)));
        assertEquals(ErrorCode.EXECUTION_FAILED, e.code());
        assertTrue(e.getMessage().contains("exited 2"), e.getMessage());
    }

    @Test
    void shouldReportAStreamCutBeforeAnExitStatus() {
        Pod pod = pod("af-api-server-0", "api-server", true, "apache/airflow:3.1.1");
        expectExec("af-api-server-0", "api-server", List.of("airflow", "version"),
                new OutputStreamMessage("Running downgrade\n"));
        assertEquals(PodExec.Ending.NO_STATUS, podExec().run(pod, "api-server", List.of("airflow", "version"),
                new ByteArrayOutputStream(), Duration.ofSeconds(10)));
    }

    @Test
    void shouldFailWhenThePodVanishedBeforeTheExec() {
        Pod pod = pod("af-api-server-0", "api-server", true, "apache/airflow:3.1.1");
        client.pods().inNamespace(NS).withName("af-api-server-0").delete();
        ReconcileException e = assertThrows(ReconcileException.class, () -> podExec().run(pod,
                "api-server", List.of("airflow", "version"), new ByteArrayOutputStream(), Duration.ofSeconds(10)));
        assertEquals(ErrorCode.EXECUTION_FAILED, e.code());
        assertTrue(e.getMessage().contains("af-api-server-0"), e.getMessage());
    }

    // --- whether the downgrade still runs in its pod

    @Test
    void shouldSeeARunningDowngradeAmongThePodsProcesses() {
        Pod pod = pod("af-api-server-0", "api-server", true, "apache/airflow:3.1.1");
        expectProcessChecks("running 42: python /home/airflow/.local/bin/airflow db downgrade --yes\n"
                + "airflow-db-reconcile-checked\n", "airflow-db-reconcile-checked\n");
        DowngradeProcess processes = new DowngradeProcess(cluster, podExec());
        DowngradeProcess.Check running = processes.check(pod, "api-server");
        assertEquals(DowngradeProcess.State.RUNNING, running.state());
        assertTrue(running.detail().contains("42: python"), running.detail());
        assertEquals(DowngradeProcess.State.ENDED, processes.check(pod, "api-server").state());
    }

    @Test
    void shouldConcludeNothingFromALookThatGaveNoAnswer() {
        Pod pod = pod("af-api-server-0", "api-server", true, "apache/airflow:3.1.1");
        expectProcessChecks("", "sh: 1: tr: not found\n");
        DowngradeProcess processes = new DowngradeProcess(cluster, podExec());
        assertEquals(DowngradeProcess.State.UNKNOWN, processes.check(pod, "api-server").state());
        DowngradeProcess.Check broken = processes.check(pod, "api-server");
        assertEquals(DowngradeProcess.State.UNKNOWN, broken.state());
        assertTrue(broken.detail().contains("tr: not found"), broken.detail());
    }

    @Test
    void shouldKnowThatNoDowngradeRunsInAPodThatIsGone() {
        Pod pod = pod("af-api-server-0", "api-server", true, "apache/airflow:3.1.1");
        client.pods().inNamespace(NS).withName("af-api-server-0").delete();
        DowngradeProcess.Check check = new DowngradeProcess(cluster, podExec()).check(pod, "api-server");
        assertEquals(DowngradeProcess.State.ENDED, check.state());
        assertTrue(check.detail().contains("is gone"), check.detail());
    }

    // --- the downgrade and the pod sources

    @Test
    void shouldDowngradeInTheRunningPodAndLeaveTheWritersStopped() {
        pod("af-api-server-0", "api-server", true, "apache/airflow:3.1.1");
        deployment("af-scheduler", "scheduler", 2, 2, RELEASE);
        expectExec("af-api-server-0", "api-server", downgradeCommand(),
                new OutputStreamMessage("DB: postgresql://airflow:s3cret@db/airflow\nPerforming downgrade\n"),
                new StatusStreamMessage(0));

        executor().downgrade(downgradePlan(), () -> CurrentState.at(TestMaps.R306, "test"));

        assertEquals(0, deployment("af-scheduler").getSpec().getReplicas());
        assertTrue(logged().contains("Performing downgrade"), logged());
        assertTrue(logged().contains("postgresql://airflow:***@db/airflow"), logged());
        assertFalse(logged().contains("s3cret"), logged());
    }

    @Test
    void shouldRestoreTheWritersWhenTheDowngradeFailsWithoutChangingTheSchema() {
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
    void shouldLeaveTheWritersStoppedWhenTheDowngradeStoppedHalfWay() {
        pod("af-api-server-0", "api-server", true, "apache/airflow:3.1.1");
        deployment("af-scheduler", "scheduler", 2, 2, RELEASE);
        expectExec("af-api-server-0", "api-server", downgradeCommand(), new StatusStreamMessage(1));

        ReconcileException e = assertThrows(ReconcileException.class,
                () -> executor().downgrade(downgradePlan(), () -> CurrentState.at(TestMaps.R310A, "test")));

        assertEquals(ErrorCode.WRITERS_LEFT_STOPPED, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("exited 1") && e.getMessage().contains("'r310a'"), e.getMessage());
        assertLeftStopped();
    }

    @Test
    void shouldWaitUntilTheDowngradeHasEndedWhenTheStreamLostItsExitStatus() {
        pod("af-api-server-0", "api-server", true, "apache/airflow:3.1.1");
        deployment("af-scheduler", "scheduler", 2, 2, RELEASE);
        expectExec("af-api-server-0", "api-server", downgradeCommand(), new OutputStreamMessage("Downgrading\n"));
        expectProcessChecks("running 42: python airflow db downgrade\nairflow-db-reconcile-checked\n",
                "airflow-db-reconcile-checked\n");
        List<String> logWhenRead = new ArrayList<>();

        executor().downgrade(downgradePlan(), () -> {
            logWhenRead.add(logged());
            return CurrentState.at(TestMaps.R306, "test");
        });

        assertEquals(1, logWhenRead.size());
        assertTrue(logWhenRead.get(0).contains("still runs process 42")
                && logWhenRead.get(0).contains("no `airflow db downgrade` runs in pod af-api-server-0 any more"),
                logWhenRead.get(0));
        assertEquals(0, deployment("af-scheduler").getSpec().getReplicas());
    }

    @Test
    void shouldLeaveTheWritersStoppedWhileADowngradeThatLostItsStreamStillRuns() {
        pod("af-api-server-0", "api-server", true, "apache/airflow:3.1.1");
        deployment("af-scheduler", "scheduler", 2, 2, RELEASE);
        expectExec("af-api-server-0", "api-server", downgradeCommand(), new OutputStreamMessage("Downgrading\n"));
        String running = "running 42: python airflow db downgrade\nairflow-db-reconcile-checked\n";
        expectProcessChecks(running, running);

        ReconcileException e = assertThrows(ReconcileException.class, () -> executor(Duration.ofSeconds(2))
                .downgrade(downgradePlan(), KubernetesIT::schemaUnchanged));

        assertEquals(ErrorCode.WRITERS_LEFT_STOPPED, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("may still run in pod af-api-server-0")
                && e.getMessage().contains("airflow-db-reconcile restore --namespace airflow --release af"),
                e.getMessage());
        assertTrue(logged().contains("left at 0 replicas: deployment/af-scheduler (recorded 2)"), logged());
        assertLeftStopped();
    }

    @Test
    void shouldLeaveTheWritersStoppedWhenTheExecTimesOutWhileTheDowngradeRuns() {
        pod("af-api-server-0", "api-server", true, "apache/airflow:3.1.1");
        deployment("af-scheduler", "scheduler", 2, 2, RELEASE);
        expectExec("af-api-server-0", "api-server", downgradeCommand(), new OutputStreamMessage("Downgrading\n"),
                MockAirflow.late(new StatusStreamMessage(0), 5_000));
        String running = "running 42: python airflow db downgrade\nairflow-db-reconcile-checked\n";
        expectProcessChecks(running, running);

        ReconcileException e = assertThrows(ReconcileException.class, () -> executor(Duration.ofSeconds(1))
                .downgrade(downgradePlan(), KubernetesIT::schemaUnchanged));

        assertEquals(ErrorCode.WRITERS_LEFT_STOPPED, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("did not finish within 1 s"), e.getMessage());
        assertLeftStopped();
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
        expectExec("af-webserver-0", "webserver", List.of("airflow", "version"),
                new OutputStreamMessage("2.10.4\n"), new StatusStreamMessage(0));
        assertEquals(TestMaps.R2103, source().fromExec().revision());
    }

    // --- the rights these calls need: resolver/README.md's table, which the chart's Role is checked against

    @Test
    void shouldNeedExactlyTheDocumentedRightsToReadTheRunningPodsImage() throws Exception {
        pod("af-api-server-0", "api-server", true, "apache/airflow:3.1.1");
        int setup = server.getRequestCount();

        source().fromImage();

        ApiRights.assertDocumented("running-pod-image", ApiRights.neededBy(server, setup));
    }

    @Test
    void shouldNeedExactlyTheDocumentedRightsToAskTheRunningPodForItsVersion() throws Exception {
        pod("af-api-server-0", "api-server", true, "apache/airflow:3.1.1");
        expectExec("af-api-server-0", "api-server", List.of("airflow", "version"),
                new OutputStreamMessage("3.1.1\n"), new StatusStreamMessage(0));
        int setup = server.getRequestCount();

        source().fromExec();

        ApiRights.assertDocumented("running-pod-exec", ApiRights.neededBy(server, setup));
    }

    /**
     * `run --allow-downgrade`: a downgrade whose stream lost its exit status (the pod and its processes are looked
     * at until it has ended), its dry run, a downgrade, one whose result is wrong (put back); then `restore`.
     */
    @Test
    void shouldNeedExactlyTheDocumentedRightsToDowngradeAndRestore() throws Exception {
        pod("af-api-server-0", "api-server", true, "apache/airflow:3.1.1");
        deployment("af-scheduler", "scheduler", 2, 2, RELEASE);
        statefulSet("af-worker", "worker", 1);
        String path = airflow.execPath("af-api-server-0", "api-server", downgradeCommand());
        server.expect().get().withPath(path).andUpgradeToWebSocket().open(new OutputStreamMessage("Downgrading\n"))
                .done().once();
        server.expect().get().withPath(path).andUpgradeToWebSocket().open(new StatusStreamMessage(0)).done().always();
        expectProcessChecks("airflow-db-reconcile-checked\n", "airflow-db-reconcile-checked\n");
        int setup = server.getRequestCount();

        executor().downgrade(downgradePlan(), () -> CurrentState.at(TestMaps.R306, "test"));
        new Workloads(cluster, log).restore();
        executor().describe(downgradePlan());
        executor().downgrade(downgradePlan(), () -> CurrentState.at(TestMaps.R306, "test"));
        new Workloads(cluster, log).restore();
        assertThrows(ReconcileException.class,
                () -> executor().downgrade(downgradePlan(), KubernetesIT::schemaUnchanged));

        assertTrue(logged().contains("no `airflow db downgrade` runs in pod af-api-server-0 any more"), logged());
        ApiRights.assertDocumented("allow-downgrade", ApiRights.neededBy(server, setup));
    }

    /** A use the table names but no test exercises (here, and FreshProofIT) would go unchecked. */
    @Test
    void shouldDocumentRightsOnlyForTheUsesCheckedHere() {
        assertEquals(Set.of("allow-downgrade", "missing-url-means-fresh", "running-pod-exec", "running-pod-image"),
                ApiRights.documentedUses());
    }

    // --- fixtures

    /** alembic_version where the downgrade began. */
    private static CurrentState schemaUnchanged() {
        return CurrentState.at(TestMaps.R310, "test");
    }

    /** The scheduler still at 0, its count recorded, and the steps to finish by hand in the log. */
    private void assertLeftStopped() {
        assertEquals(0, deployment("af-scheduler").getSpec().getReplicas());
        assertEquals("2", deployment("af-scheduler").getMetadata().getAnnotations().get(Workloads.ANNOTATION));
        assertTrue(logged().contains("to finish by hand"), logged());
    }

    private PodExec podExec() {
        return new PodExec(cluster, log);
    }

    private KubernetesExecutor executor() {
        return executor(Duration.ofSeconds(10));
    }

    private KubernetesExecutor executor(Duration execTimeout) {
        return new KubernetesExecutor(cluster, TestMaps.realistic(), SHORT, execTimeout, "s3cret", log);
    }

    private PodVersionSource source() {
        return new PodVersionSource(cluster, TestMaps.realistic(), SHORT, Duration.ofSeconds(10), log);
    }

    private static Plan downgradePlan() {
        return new Decider(TestMaps.realistic()).decide(CurrentState.at(TestMaps.R310, "test"), TestMaps.v("3.0.6"));
    }

    private static List<String> downgradeCommand() {
        return Executor.downgradeCommand("airflow", downgradePlan());
    }

    private void expectExec(String pod, String container, List<String> command, Object... messages) {
        airflow.expectExec(pod, container, command, messages);
    }

    /** What the look at the pod's processes answers: once {@code first}, then always {@code then}. */
    private void expectProcessChecks(String first, String then) {
        String path = airflow.execPath("af-api-server-0", "api-server",
                List.of("sh", "-c", DowngradeProcess.SCRIPT));
        server.expect().get().withPath(path).andUpgradeToWebSocket().open(new OutputStreamMessage(first),
                new StatusStreamMessage(0)).done().once();
        server.expect().get().withPath(path).andUpgradeToWebSocket().open(new OutputStreamMessage(then),
                new StatusStreamMessage(0)).done().always();
    }

    /** A running worker pod: of a task when {@code statefulSet} is null, else a Celery worker it controls. */
    private void workerPod(String name, String statefulSet) {
        PodBuilder pod = new PodBuilder(pod(name, "worker", true, "apache/airflow:3.1.1"));
        if (statefulSet != null) {
            pod.editMetadata().addNewOwnerReference().withApiVersion("apps/v1").withKind("StatefulSet")
                    .withName(statefulSet).withUid("uid-" + statefulSet).withController(true).endOwnerReference()
                    .endMetadata();
        }
        client.pods().inNamespace(NS).resource(pod.build()).update();
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Pod pod(String name, String component, boolean ready, String image) {
        return pod(name, component, ready, image, RELEASE);
    }

    private Pod pod(String name, String component, boolean ready, String image, String release) {
        return airflow.pod(name, component, ready, image, release);
    }

    private void deployment(String name, String component, Integer replicas, Integer statusReplicas, String release) {
        airflow.deployment(name, component, replicas, statusReplicas, release);
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
        return airflow.deployment(name);
    }

    private StatefulSet statefulSet(String name) {
        return client.apps().statefulSets().inNamespace(NS).withName(name).get();
    }
}
