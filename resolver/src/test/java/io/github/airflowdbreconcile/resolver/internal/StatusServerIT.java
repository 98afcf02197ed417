package io.github.airflowdbreconcile.resolver.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.airflowdbreconcile.map.api.RevisionMap;
import io.github.airflowdbreconcile.resolver.PostgresServer;
import io.github.airflowdbreconcile.resolver.TestMaps;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class StatusServerIT {
    @RegisterExtension
    static final PostgresServer pg = PostgresServer.perClass();
    private final HttpClient http = HttpClient.newHttpClient();
    private final Log log = new Log(new PrintWriter(Writer.nullWriter()), false);

    private StatusServer serve(String url) throws Exception {
        return serve(url, Optional.empty());
    }

    private StatusServer serve(String url, Optional<String> deployedVersion) throws Exception {
        Database database = new Database(DatabaseUrl.parse(url), null, Duration.ofSeconds(1), log);
        RevisionMap map = TestMaps.realistic();
        StatusReader reader = new StatusReader(map);
        return StatusServer.start(new InetSocketAddress("127.0.0.1", 0), () -> reader.describe(database.readState()),
                deployedVersion.map(version -> DeployedRelease.of(map, TestMaps.v(version))));
    }

    private HttpResponse<String> get(StatusServer server, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldServeTheCurrentRevisionAndItsReleases() throws Exception {
        pg.alembicVersion(TestMaps.R310);
        try (StatusServer server = serve(pg.sqlAlchemyUrl())) {
            HttpResponse<String> response = get(server, "/v1/status");
            assertEquals(200, response.statusCode());
            JsonNode status = new ObjectMapper().readTree(response.body());
            assertEquals("r310", status.get("currentRevision").asText());
            assertEquals("[\"3.1.0\",\"3.1.1\"]", status.get("currentVersions").toString());
            assertEquals("3.1.1", status.get("mapVersion").asText());
            pg.alembicVersion(TestMaps.R306);
            assertTrue(get(server, "/v1/status").body().contains("\"r306\""), "each read asks the database");
        }
    }

    @Test
    void shouldServeHealthAndPrometheusMetrics() throws Exception {
        pg.alembicVersion(TestMaps.R2103);
        try (StatusServer server = serve(pg.sqlAlchemyUrl())) {
            assertEquals("ok\n", get(server, "/healthz").body());
            HttpResponse<String> metrics = get(server, "/metrics");
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
            assertTrue(metrics.body().contains("airflow_db_reconcile_database_up 1\n"), metrics.body());
            assertTrue(metrics.body().contains("airflow_db_reconcile_schema_info{state=\"known\",revision=\"r2103\","
                    + "versions=\"2.10.3,2.10.4,2.10.5\"} 1\n"), metrics.body());
            assertTrue(metrics.body().contains("# TYPE airflow_db_reconcile_status_reads_total counter\n"));
            assertEquals(404, get(server, "/v1/nothing").statusCode());
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + server.port() + "/v1/status")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(405, post.statusCode());
        }
    }

    @Test
    void shouldAnswer503AndReportTheDatabaseDownWithoutItsPassword() throws Exception {
        try (StatusServer server = serve("postgresql://airflow:s3cret@127.0.0.1:" + PostgresServer.freePort()
                + "/airflow")) {
            HttpResponse<String> status = get(server, "/v1/status");
            assertEquals(503, status.statusCode());
            assertFalse(status.body().contains("s3cret"), status.body());
            assertTrue(get(server, "/metrics").body().contains("airflow_db_reconcile_database_up 0\n"));
            assertEquals(200, get(server, "/healthz").statusCode());
        }
    }

    @Test
    void shouldSayWhetherTheSchemaIsWhereTheDeployedReleaseExpectsItAsTheSchemaMoves() throws Exception {
        pg.alembicVersion(TestMaps.R306);
        try (StatusServer server = serve(pg.sqlAlchemyUrl(), Optional.of("3.0.6"))) {
            String equal = get(server, "/metrics").body();
            assertTrue(equal.contains("airflow_db_reconcile_deployed_info{version=\"3.0.6\",revision=\"r306\"} 1\n"),
                    equal);
            assertTrue(equal.contains("airflow_db_reconcile_schema_drift 0\n"), equal);
            assertTrue(equal.contains("airflow_db_reconcile_schema_drift_state{state=\"equal\"} 1\n"), equal);
            assertTrue(equal.contains("airflow_db_reconcile_schema_drift_state{state=\"ahead\"} 0\n"), equal);

            pg.alembicVersion(TestMaps.R310);
            String ahead = get(server, "/metrics").body();
            assertTrue(ahead.contains("airflow_db_reconcile_schema_drift 1\n"), ahead);
            assertTrue(ahead.contains("airflow_db_reconcile_schema_drift_state{state=\"ahead\"} 1\n"), ahead);

            pg.alembicVersion(TestMaps.R300);
            String behind = get(server, "/metrics").body();
            assertTrue(behind.contains("airflow_db_reconcile_schema_drift -1\n"), behind);
            assertTrue(behind.contains("airflow_db_reconcile_schema_drift_state{state=\"behind\"} 1\n"), behind);

            pg.alembicVersion("0123456789ab");
            String unknown = get(server, "/metrics").body();
            assertFalse(unknown.contains("airflow_db_reconcile_schema_drift "), "no drift value to give: " + unknown);
            assertTrue(unknown.contains("airflow_db_reconcile_schema_drift_state{state=\"unknown\"} 1\n"), unknown);
            assertTrue(unknown.contains("airflow_db_reconcile_schema_drift_state{state=\"equal\"} 0\n"), unknown);
        }
    }

    @Test
    void shouldLeaveTheDriftOutButNameTheDeployedReleaseWhileTheDatabaseIsDown() throws Exception {
        try (StatusServer server = serve("postgresql://airflow:s3cret@127.0.0.1:" + PostgresServer.freePort()
                + "/airflow", Optional.of("3.0.6"))) {
            String metrics = get(server, "/metrics").body();
            assertTrue(metrics.contains("airflow_db_reconcile_database_up 0\n"), metrics);
            assertTrue(metrics.contains("airflow_db_reconcile_deployed_info{version=\"3.0.6\",revision=\"r306\"} 1"),
                    metrics);
            assertFalse(metrics.contains("airflow_db_reconcile_schema_drift"), metrics);
        }
    }

    @Test
    void shouldServeNoDriftWithoutADeployedRelease() throws Exception {
        pg.alembicVersion(TestMaps.R306);
        try (StatusServer server = serve(pg.sqlAlchemyUrl())) {
            String metrics = get(server, "/metrics").body();
            assertFalse(metrics.contains("airflow_db_reconcile_deployed_info"), metrics);
            assertFalse(metrics.contains("airflow_db_reconcile_schema_drift"), metrics);
        }
    }
}
