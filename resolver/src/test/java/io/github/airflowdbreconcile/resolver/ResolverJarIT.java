package io.github.airflowdbreconcile.resolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.PodListBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.server.mock.OutputStreamMessage;
import io.fabric8.kubernetes.client.server.mock.StatusStreamMessage;
import io.github.airflowdbreconcile.resolver.internal.Workloads;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The shaded jar as the chart and scripts run it: java -jar, URL from the environment, in-cluster-like config. */
@EnableKubernetesMockClient(https = false, crud = true)
class ResolverJarIT {
    private static final Path JAR = Path.of("target", "resolver.jar");
    /** The exit status of a JVM that SIGTERM ended: 128 + 15. */
    private static final int SIGTERM_EXIT = 143;
    @RegisterExtension
    @Order(1)
    static final PostgresServer pg = PostgresServer.perClass();
    @RegisterExtension
    @Order(2)
    static final PgBouncerServer pgbouncer = PgBouncerServer.transactionPooling(pg);
    @RegisterExtension
    @Order(3)
    static final MariaDbServer mariadb = MariaDbServer.perClass();

    @TempDir
    Path dir;

    KubernetesMockServer server;
    KubernetesClient client;

    private record Result(int exit, String out, String err) {}

    /** {@code java -jar resolver.jar args} with {@code env} added to this JVM's environment. */
    private static ProcessBuilder jar(Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        return builder;
    }

    /** The environment that points fabric8 at a mock API server, as the in-cluster config would at the real one. */
    private static Map<String, String> mockCluster(KubernetesMockServer server) {
        return Map.of("KUBERNETES_MASTER", "http://localhost:" + server.getPort(), "KUBERNETES_AUTH_TRYKUBECONFIG",
                "false", "KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
    }

    private static Result java(Map<String, String> env, String... args) throws Exception {
        Process process = jar(env, args).redirectError(ProcessBuilder.Redirect.PIPE).start();
        byte[] out = process.getInputStream().readAllBytes();
        byte[] err = process.getErrorStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8),
                new String(err, StandardCharsets.UTF_8));
    }

    @Test
    void shouldPlanFromTheUrlInTheVariableTheChartSetsAndPrintOnlyJson() throws Exception {
        assertPlansADowngradeFromTheChartsVariable(pg);
    }

    @Test
    void shouldPlanOnMysqlWithTheDriverTheJarBundles() throws Exception {
        assertPlansADowngradeFromTheChartsVariable(mariadb);
    }

    private void assertPlansADowngradeFromTheChartsVariable(AirflowDatabase db) throws Exception {
        db.alembicVersion(TestMaps.R310);
        Result result = java(Map.of("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", db.sqlAlchemyUrl()), "plan", "--map",
                TestMaps.realisticFile(dir).toString(), "--target-version", "3.0.6", "--db-url-env",
                "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "--output", "json");
        assertEquals(0, result.exit(), result.err());
        assertEquals("downgrade", new ObjectMapper().readTree(result.out()).get("action").asText());
        assertEquals("", result.err());
    }

    @Test
    void shouldRefuseADirectMysqlUrlOfAnotherDatabaseBeforeLocking() throws Exception {
        mariadb.alembicVersion(TestMaps.R310);
        Path marker = dir.resolve("ran");
        String other = "mysql://" + MariaDbServer.USER + ":" + MariaDbServer.PASSWORD + "@127.0.0.1:" + mariadb.port()
                + "/" + MariaDbServer.OTHER_DATABASE;
        Result result = java(Map.of("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", mariadb.sqlAlchemyUrl(), "DIRECT", other),
                "run", "--map", TestMaps.realisticFile(dir).toString(), "--target-version", "3.0.6", "--db-url-env",
                "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "--direct-db-url-env", "DIRECT", "--allow-downgrade",
                "--executor", "local", "--airflow-bin", FakeAirflow.script(dir, "touch " + marker).toString());
        assertEquals(ExitCodes.USAGE, result.exit(), result.err());
        String error = result.err().lines().reduce((first, last) -> last).orElse("");
        assertTrue(error.matches("airflow-db-reconcile: --direct-db-url-env's mysql\\+mysqldb://airflow:\\*\\*\\*@.*/other"
                + " reaches database other on .*:" + mariadb.port() + ", but .* reaches database airflow on .*"), error);
        assertFalse(result.err().contains(MariaDbServer.PASSWORD), result.err());
        assertFalse(Files.exists(marker));
        assertEquals(TestMaps.R310, mariadb.revision());
    }

    @Test
    void shouldCarryTheLicenseOfTheLgplDriverItBundles() throws Exception {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            assertNotNull(jar.getEntry("org/mariadb/jdbc/Driver.class"), "the driver, not relocated");
            JarEntry license = jar.getJarEntry("META-INF/licenses/mariadb-java-client/LICENSE");
            assertNotNull(license, "the LGPL's text beside the driver it covers");
            assertTrue(new String(jar.getInputStream(license).readAllBytes(), StandardCharsets.UTF_8)
                    .contains("GNU LESSER GENERAL PUBLIC LICENSE"));
            assertNotNull(jar.getEntry("META-INF/licenses/mariadb-java-client/NOTICE"), "where its source is");
        }
    }

    @Test
    void shouldRefuseToLockThroughPgBouncerAndNameTheOptionThatGivesTheDatabaseItself() throws Exception {
        pg.alembicVersion(TestMaps.R310);
        Path marker = dir.resolve("ran");
        Result result = java(Map.of("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", pgbouncer.url()), "run", "--map",
                TestMaps.realisticFile(dir).toString(), "--target-version", "3.0.6", "--db-url-env",
                "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "--allow-downgrade", "--executor", "local", "--airflow-bin",
                FakeAirflow.script(dir, "touch " + marker).toString());
        assertEquals(ExitCodes.USAGE, result.exit(), result.err());
        String error = result.err().lines().reduce((first, last) -> last).orElse("");
        assertTrue(error.startsWith("airflow-db-reconcile: database postgresql://airflow:***@127.0.0.1:")
                && error.contains("/airflow-metadata goes through a connection pooler such as PgBouncer")
                && error.endsWith("pass --direct-db-url-env with a variable holding a URL of the database itself"),
                result.err());
        assertFalse(result.err().contains(PostgresServer.PASSWORD), result.err());
        assertFalse(Files.exists(marker));
        assertEquals(TestMaps.R310, pg.revision());
    }

    @Test
    void shouldLockAndCheckThroughTheDirectUrlWhileAirflowKeepsPgBouncer() throws Exception {
        pg.alembicVersion(TestMaps.R310);
        Path seen = dir.resolve("seen");
        // Airflow keeps the pool's URL; meanwhile the reconcile lock must be held by the direct URL's session.
        Path airflow = FakeAirflow.script(dir, "echo \"$AIRFLOW__DATABASE__SQL_ALCHEMY_CONN\" > " + seen + "\n"
                + "psql \"$DIRECT\" -Atc \"SELECT application_name FROM pg_locks JOIN pg_stat_activity USING (pid)"
                + " WHERE locktype = 'advisory' AND granted\" >> " + seen + "\n"
                + FakeAirflow.PSQL + " -q -c \"UPDATE alembic_version SET version_num='$4'\"");
        String direct = "postgresql://" + PostgresServer.USER + ":" + PostgresServer.PASSWORD + "@127.0.0.1:"
                + pg.port() + "/" + PostgresServer.DATABASE + "?application_name=direct";
        Result result = java(Map.of("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", pgbouncer.url(), "DIRECT", direct),
                "run", "--map", TestMaps.realisticFile(dir).toString(), "--target-version", "3.0.6", "--db-url-env",
                "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "--direct-db-url-env", "DIRECT", "--allow-downgrade",
                "--executor", "local", "--airflow-bin", airflow.toString(), "--output", "json");
        assertEquals(0, result.exit(), result.err());
        assertEquals(List.of(pgbouncer.url(), "direct"), Files.readAllLines(seen));
        assertEquals(TestMaps.R306, pg.revision());
        assertEquals("downgrade", new ObjectMapper().readTree(result.out()).get("action").asText());
    }

    @Test
    void shouldReadAlembicVersionInTheSchemaAirflowsVariableNames() throws Exception {
        pg.alembicVersion(TestMaps.R310);
        pg.sql("CREATE SCHEMA meta", "CREATE TABLE meta.alembic_version (version_num VARCHAR(32) NOT NULL)",
                "INSERT INTO meta.alembic_version VALUES ('" + TestMaps.R306 + "')");
        try {
            Result result = java(Map.of("AIRFLOW__DATABASE__SQL_ALCHEMY_SCHEMA", "meta"), "status", "--map",
                    TestMaps.realisticFile(dir).toString(), "--db-url", pg.sqlAlchemyUrl());
            assertEquals(0, result.exit(), result.err());
            assertEquals("revision 'r306': head of Airflow 3.0.6", result.out().strip());
        } finally {
            pg.sql("DROP SCHEMA meta CASCADE");
        }
    }

    @Test
    void shouldLockAndCheckTheDirectUrlInTheSchemaAirflowsVariableNames() throws Exception {
        // public.alembic_version is at the target: a direct database that forgot the schema would re-plan "none".
        pg.alembicVersion(TestMaps.R306);
        pg.sql("CREATE SCHEMA meta", "CREATE TABLE meta.alembic_version (version_num VARCHAR(32) NOT NULL)",
                "INSERT INTO meta.alembic_version VALUES ('" + TestMaps.R310 + "')");
        try {
            Path airflow = FakeAirflow.script(dir, FakeAirflow.PSQL + " -q -c"
                    + " \"UPDATE meta.alembic_version SET version_num='$4'\"");
            String direct = "postgresql://" + PostgresServer.USER + ":" + PostgresServer.PASSWORD + "@127.0.0.1:"
                    + pg.port() + "/" + PostgresServer.DATABASE;
            Result result = java(Map.of("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", pgbouncer.url(), "DIRECT", direct,
                    "AIRFLOW__DATABASE__SQL_ALCHEMY_SCHEMA", "meta"), "run", "--map",
                    TestMaps.realisticFile(dir).toString(), "--target-version", "3.0.6", "--db-url-env",
                    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "--direct-db-url-env", "DIRECT", "--allow-downgrade",
                    "--executor", "local", "--airflow-bin", airflow.toString());
            assertEquals(0, result.exit(), result.err());
            assertTrue(result.err().contains("done: the database is at Airflow 3.0.6's head r306"), result.err());
            assertEquals(TestMaps.R306, pg.revision("meta"));
        } finally {
            pg.sql("DROP SCHEMA meta CASCADE");
        }
    }

    @Test
    void shouldReachTheClusterThroughTheShadedClient() throws Exception {
        KubernetesMockServer server = new KubernetesMockServer(false);
        server.init();
        try {
            server.expect().get().withPath("/api/v1/namespaces/airflow/pods?labelSelector=release%3Daf")
                    .andReturn(200, new PodListBuilder().addToItems(MockAirflow.runningPod("af-api-server-0",
                            "api-server", true, "apache/airflow:3.0.6", "af")).build())
                    .always();
            Result result = java(mockCluster(server), "plan", "--map", TestMaps.realisticFile(dir).toString(), "--target-version", "3.0.6",
                    "--source", "running-pod-image", "--namespace", "airflow", "--release", "af", "--output", "json");
            assertEquals(0, result.exit(), result.err());
            JsonNode plan = new ObjectMapper().readTree(result.out());
            assertEquals("none", plan.get("action").asText());
            assertEquals(TestMaps.R306, plan.get("currentRevision").asText());
        } finally {
            server.destroy();
        }
    }

    @Test
    void shouldRestoreTheWritersWhenStoppedBeforeTheDowngradeStarted() throws Exception {
        MockAirflow airflow = downgradeToRun();
        airflow.pod("af-scheduler-abc", "scheduler", true, "apache/airflow:3.1.1", "af");
        Process run = startDowngrade();
        String err = stopOnce(run, "scaled deployment/af-scheduler from 2 to 0");

        assertEquals(SIGTERM_EXIT, run.exitValue(), err);
        assertTrue(err.contains("stopped from outside before the downgrade started")
                && err.contains("scaled deployment/af-scheduler back to 2"), err);
        assertEquals(2, airflow.deployment("af-scheduler").getSpec().getReplicas());
        assertNull(airflow.deployment("af-scheduler").getMetadata().getAnnotations().get(Workloads.ANNOTATION));
    }

    @Test
    void shouldLeaveTheWritersStoppedAndSayWhatIsLeftWhenStoppedWhileTheDowngradeRuns() throws Exception {
        MockAirflow airflow = downgradeToRun();
        airflow.expectExec("af-api-server-0", "api-server", List.of("airflow", "db", "downgrade", "--to-revision",
                TestMaps.R306, "--yes"), new OutputStreamMessage("Downgrading\n"),
                MockAirflow.late(new StatusStreamMessage(0), 15_000));
        Process run = startDowngrade();
        String err = stopOnce(run, "Downgrading");

        assertEquals(SIGTERM_EXIT, run.exitValue(), err);
        assertTrue(err.contains("stopped from outside while `airflow db downgrade` ran in pod af-api-server-0")
                && err.contains("left at 0 replicas: deployment/af-scheduler (recorded 2)")
                && err.contains("airflow-db-reconcile restore --namespace airflow --release af"), err);
        assertEquals(0, airflow.deployment("af-scheduler").getSpec().getReplicas());
        assertEquals("2", airflow.deployment("af-scheduler").getMetadata().getAnnotations()
                .get(Workloads.ANNOTATION));
    }

    /** A 3.1.1 release with a scheduler, over a database at 3.1.1's head, to be taken down to 3.0.6. */
    private MockAirflow downgradeToRun() {
        pg.alembicVersion(TestMaps.R310);
        MockAirflow airflow = new MockAirflow(server, client, "airflow");
        airflow.pod("af-api-server-0", "api-server", true, "apache/airflow:3.1.1", "af");
        airflow.deployment("af-scheduler", "scheduler", 2, 2, "af");
        return airflow;
    }

    private Process startDowngrade() throws IOException {
        Map<String, String> env = new HashMap<>(mockCluster(server));
        env.put("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", pg.sqlAlchemyUrl());
        return jar(env, "run", "--map", TestMaps.realisticFile(dir).toString(), "--target-version", "3.0.6",
                "--db-url-env", "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "--allow-downgrade", "--namespace", "airflow",
                "--release", "af", "--pod-timeout", "60", "--exec-timeout", "60")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** Sends SIGTERM once {@code line} shows on stderr, as a deleted Job does, and returns all of stderr. */
    private static String stopOnce(Process run, String line) throws Exception {
        StringBuilder err = new StringBuilder();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(run.getErrorStream(),
                StandardCharsets.UTF_8))) {
            for (String read = reader.readLine(); read != null; read = reader.readLine()) {
                err.append(read).append('\n');
                if (read.contains(line) && run.isAlive()) {
                    run.toHandle().destroy(); // SIGTERM; Process.destroy would also close the stream read here
                }
            }
        }
        assertTrue(run.waitFor(60, TimeUnit.SECONDS), err.toString());
        return err.toString();
    }

    @Test
    void shouldServeUntilStopped() throws Exception {
        pg.alembicVersion(TestMaps.R306);
        int port = PostgresServer.freePort();
        Process serve = jar(Map.of(), "serve", "--map", TestMaps.realisticFile(dir).toString(), "--db-url",
                pg.sqlAlchemyUrl(), "--port", Integer.toString(port), "--bind", "127.0.0.1")
                .redirectErrorStream(true).start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> status = null;
            for (int i = 0; i < 100 && status == null; i++) {
                try {
                    status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/status"))
                            .build(), HttpResponse.BodyHandlers.ofString());
                } catch (IOException notYet) {
                    Thread.sleep(100);
                }
            }
            assertEquals(200, status.statusCode());
            assertTrue(status.body().contains("\"r306\""), status.body());
        } finally {
            serve.destroy();
            assertTrue(serve.waitFor(30, TimeUnit.SECONDS), "serve stops on SIGTERM");
        }
    }
}
