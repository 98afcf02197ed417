package io.github.airflowdbreconcile.resolver.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import io.github.airflowdbreconcile.resolver.api.SchemaDrift;
import io.github.airflowdbreconcile.resolver.api.SchemaStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The version-source service: {@code GET /v1/status} (the schema in the map's terms), {@code /healthz} and
 * {@code /metrics} (Prometheus text). Each status read asks the database, so the answer is never stale. Given the
 * release deployed, the metrics also say whether the schema is at its head (the drift gauge).
 */
public final class StatusServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService threads;
    private final Supplier<SchemaStatus> status;
    private final Optional<DeployedRelease> deployed;
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();

    private StatusServer(HttpServer server, ExecutorService threads, Supplier<SchemaStatus> status,
                         Optional<DeployedRelease> deployed) {
        this.server = server;
        this.threads = threads;
        this.status = status;
        this.deployed = deployed;
    }

    /** Starts serving on {@code address}; port 0 picks a free one. */
    public static StatusServer start(InetSocketAddress address, Supplier<SchemaStatus> status,
                                     Optional<DeployedRelease> deployed) throws IOException {
        HttpServer http = HttpServer.create(address, 0);
        ExecutorService threads = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "status-server");
            thread.setDaemon(true);
            return thread;
        });
        StatusServer server = new StatusServer(http, threads, status, deployed);
        http.createContext("/v1/status", exchange -> server.handle(exchange, server::status));
        http.createContext("/healthz", exchange -> server.handle(exchange, () -> new Reply(200, "text/plain", "ok\n")));
        http.createContext("/metrics", exchange -> server.handle(exchange, server::metrics));
        http.createContext("/", exchange -> server.handle(exchange,
                () -> new Reply(404, "text/plain", "not found: use /v1/status, /healthz or /metrics\n")));
        http.setExecutor(threads);
        http.start();
        return server;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        // HttpServer.stop leaves the executor it was given running.
        threads.shutdownNow();
    }

    private record Reply(int code, String type, String body) {}

    private void handle(HttpExchange exchange, Supplier<Reply> reply) throws IOException {
        try (exchange) {
            boolean exact = exchange.getHttpContext().getPath().equals("/")
                    || exchange.getRequestURI().getPath().equals(exchange.getHttpContext().getPath());
            Reply answer;
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().add("Allow", "GET, HEAD");
                answer = new Reply(405, "text/plain", "method not allowed: use GET\n");
            } else if (!exact) {
                answer = new Reply(404, "text/plain", "not found: use /v1/status, /healthz or /metrics\n");
            } else {
                answer = reply.get();
            }
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", answer.type() + "; charset=utf-8");
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(answer.code(), head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    private Reply status() {
        try {
            SchemaStatus current = read();
            return new Reply(200, "application/json", StatusReader.json(current) + "\n");
        } catch (ReconcileException e) {
            ObjectNode error = JsonNodeFactory.instance.objectNode().put("error", e.getMessage());
            return new Reply(503, "application/json", error.toString() + "\n");
        }
    }

    private Reply metrics() {
        SchemaStatus current = readOrNull();
        StringBuilder text = new StringBuilder();
        gauge(text, "airflow_db_reconcile_database_up", "Whether the last read of alembic_version succeeded.", "",
                current == null ? 0 : 1);
        if (current != null) {
            String labels = "{state=\"" + escape(current.state()) + "\",revision=\""
                    + escape(current.currentRevision() == null ? "" : current.currentRevision()) + "\",versions=\""
                    + escape(String.join(",", current.currentVersions().stream().map(Object::toString).toList()))
                    + "\"}";
            gauge(text, "airflow_db_reconcile_schema_info", "The database's alembic revision and the releases whose"
                    + " head it is.", labels, 1);
            gauge(text, "airflow_db_reconcile_map_info", "The newest Airflow release the revision map knows.",
                    "{version=\"" + escape(current.mapVersion().toString()) + "\"}", 1);
        }
        deployed.ifPresent(release -> drift(text, release, current));
        counter(text, "airflow_db_reconcile_status_reads_total", "Reads of alembic_version.", reads.get());
        counter(text, "airflow_db_reconcile_status_read_failures_total", "Reads of alembic_version that failed.",
                failures.get());
        return new Reply(200, "text/plain; version=0.0.4", text.toString());
    }

    /** The deployed release always; the drift only when the schema was read (else database_up says why not). */
    private static void drift(StringBuilder text, DeployedRelease release, SchemaStatus current) {
        gauge(text, "airflow_db_reconcile_deployed_info", "The Airflow release deployed (--deployed-version) and the"
                + " head its image expects.", "{version=\"" + escape(release.version().toString()) + "\",revision=\""
                + escape(release.head()) + "\"}", 1);
        if (current == null) {
            return;
        }
        SchemaDrift drift = release.driftOf(current);
        if (drift.gauge() != null) {
            gauge(text, "airflow_db_reconcile_schema_drift", "The schema against the deployed release's head: 1 ahead"
                    + " (a newer release migrated it), 0 equal, -1 behind (not migrated yet, or fresh); absent when"
                    + " unknown.", "", drift.gauge());
        }
        header(text, "gauge", "airflow_db_reconcile_schema_drift_state", "1 for the schema's drift against the"
                + " deployed release: ahead, equal, behind, or unknown (a revision the map lacks, diverged branches,"
                + " several heads, Airflow's tables without a revision).");
        for (SchemaDrift state : SchemaDrift.values()) {
            sample(text, "airflow_db_reconcile_schema_drift_state", "{state=\"" + state.label() + "\"}",
                    state == drift ? 1 : 0);
        }
    }

    /** Null when the database did not answer: reported as airflow_db_reconcile_database_up 0. */
    private SchemaStatus readOrNull() {
        try {
            return read();
        } catch (ReconcileException e) {
            return null;
        }
    }

    private SchemaStatus read() {
        reads.incrementAndGet();
        try {
            return status.get();
        } catch (ReconcileException e) {
            failures.incrementAndGet();
            throw e;
        }
    }

    private static void gauge(StringBuilder text, String name, String help, String labels, long value) {
        metric(text, "gauge", name, help, labels, value);
    }

    private static void counter(StringBuilder text, String name, String help, long value) {
        metric(text, "counter", name, help, "", value);
    }

    private static void metric(StringBuilder text, String type, String name, String help, String labels, long value) {
        header(text, type, name, help);
        sample(text, name, labels, value);
    }

    private static void header(StringBuilder text, String type, String name, String help) {
        text.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void sample(StringBuilder text, String name, String labels, long value) {
        text.append(name).append(labels).append(' ').append(value).append('\n');
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
