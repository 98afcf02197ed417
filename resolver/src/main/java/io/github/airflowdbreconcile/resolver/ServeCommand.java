package io.github.airflowdbreconcile.resolver;

import io.github.airflowdbreconcile.map.api.AirflowVersion;
import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import io.github.airflowdbreconcile.map.api.RevisionMap;
import io.github.airflowdbreconcile.resolver.internal.Database;
import io.github.airflowdbreconcile.resolver.internal.DeployedRelease;
import io.github.airflowdbreconcile.resolver.internal.StatusReader;
import io.github.airflowdbreconcile.resolver.internal.StatusServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The version-source service. */
@Command(name = "serve", description = "Serve the database's schema over HTTP: GET /v1/status (JSON), /healthz,"
        + " /metrics (Prometheus text). Runs until stopped.")
final class ServeCommand extends MapCommand {
    /** One status read must not hold a scrape for the whole --db-timeout. */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

    @Mixin
    DatabaseOptions db;

    @Option(names = "--deployed-version", paramLabel = "V",
            description = "The Airflow version deployed (the chart passes its airflowVersion): /metrics then says"
                    + " whether the schema is at its head (airflow_db_reconcile_schema_drift).")
    String deployedVersion;

    @Option(names = "--port", paramLabel = "P", defaultValue = "8080",
            description = "The port to listen on (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "0.0.0.0",
            description = "The address to listen on (default: ${DEFAULT-VALUE}).")
    String bind;

    @Override
    int execute() {
        RevisionMap map = map();
        Optional<DeployedRelease> deployed = Optional.ofNullable(deployedVersion)
                .map(version -> DeployedRelease.of(map, AirflowVersion.parse(version.strip())));
        Database database = db.required(READ_TIMEOUT.compareTo(db.timeout()) < 0 ? READ_TIMEOUT : db.timeout(),
                log());
        StatusReader reader = new StatusReader(map);
        CountDownLatch stopped = new CountDownLatch(1);
        try (StatusServer server = StatusServer.start(new InetSocketAddress(bind, port),
                () -> reader.describe(database.readState()), deployed)) {
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "serve-stop"));
            log().info("serving the schema of " + database.url() + " on " + bind + ":" + server.port()
                    + " (map up to Airflow " + map.newestVersion() + ")"
                    + deployed.map(release -> ", deployed Airflow " + release.version()).orElse(""));
            stopped.await();
        } catch (IOException e) {
            throw new ReconcileException(ErrorCode.IO, "cannot listen on " + bind + ":" + port + ": " + e.getMessage()
                    + ": pick another --port", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ExitCodes.OK;
    }
}
