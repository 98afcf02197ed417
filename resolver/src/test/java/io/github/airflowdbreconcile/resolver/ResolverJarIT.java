package io.github.airflowdbreconcile.resolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.PodListBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The shaded jar as the chart and scripts run it: java -jar, URL from the environment, in-cluster-like config. */
class ResolverJarIT {
    private static final Path JAR = Path.of("target", "resolver.jar");
    @RegisterExtension
    static final PostgresServer pg = PostgresServer.perClass();

    @TempDir
    Path dir;

    private record Result(int exit, String out, String err) {}

    private static Result java(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        builder.redirectError(ProcessBuilder.Redirect.PIPE);
        Process process = builder.start();
        byte[] out = process.getInputStream().readAllBytes();
        byte[] err = process.getErrorStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8),
                new String(err, StandardCharsets.UTF_8));
    }

    @Test
    void shouldPlanFromTheUrlInTheVariableTheChartSetsAndPrintOnlyJson() throws Exception {
        pg.alembicVersion(TestMaps.R310);
        Result result = java(Map.of("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", pg.sqlAlchemyUrl()), "plan", "--map",
                TestMaps.realisticFile(dir).toString(), "--target-version", "3.0.6", "--db-url-env",
                "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "--output", "json");
        assertEquals(0, result.exit(), result.err());
        assertEquals("downgrade", new ObjectMapper().readTree(result.out()).get("action").asText());
        assertEquals("", result.err());
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
    void shouldReachTheClusterThroughTheShadedClient() throws Exception {
        KubernetesMockServer server = new KubernetesMockServer(false);
        server.init();
        try {
            server.expect().get().withPath("/api/v1/namespaces/airflow/pods?labelSelector=release%3Daf")
                    .andReturn(200, new PodListBuilder().addToItems(TestPods.ready("af-api-server-0", "af",
                            "api-server", "apache/airflow:3.0.6")).build())
                    .always();
            Result result = java(Map.of("KUBERNETES_MASTER", "http://localhost:" + server.getPort(),
                    "KUBERNETES_AUTH_TRYKUBECONFIG", "false", "KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false"),
                    "plan", "--map", TestMaps.realisticFile(dir).toString(), "--target-version", "3.0.6",
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
    void shouldServeUntilStopped() throws Exception {
        pg.alembicVersion(TestMaps.R306);
        int port = PostgresServer.freePort();
        Process serve = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString(), "serve", "--map", TestMaps.realisticFile(dir).toString(), "--db-url",
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
