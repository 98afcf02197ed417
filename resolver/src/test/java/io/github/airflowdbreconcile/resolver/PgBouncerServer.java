package io.github.airflowdbreconcile.resolver;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Debian's PgBouncer in front of a {@link PostgresServer}, configured like the official Airflow chart's: transaction
 * pooling, SCRAM, one pool named {@value #POOL} for the metadata database, on 127.0.0.1 and a free port. Register it
 * after the server (with {@code @Order}): it needs the server's port.
 */
public final class PgBouncerServer implements BeforeAllCallback, AfterAllCallback {
    public static final String POOL = "airflow-metadata";
    private static final Path BIN = Path.of("/usr/sbin/pgbouncer");

    private final PostgresServer pg;
    private Path dir;
    private int port;
    private Process process;

    private PgBouncerServer(PostgresServer pg) {
        this.pg = pg;
    }

    /** A PgBouncer in transaction mode in front of {@code pg}, for one test class. */
    public static PgBouncerServer transactionPooling(PostgresServer pg) {
        return new PgBouncerServer(pg);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (!Files.isExecutable(BIN)) {
            throw new IllegalStateException(BIN + " is missing: install Debian's pgbouncer package"
                    + " (apt-get install pgbouncer)");
        }
        dir = Files.createTempDirectory("adr-pgbouncer");
        port = PostgresServer.freePort();
        Files.writeString(dir.resolve("users.txt"), "\"" + PostgresServer.USER + "\" \"" + PostgresServer.PASSWORD
                + "\"\n");
        Files.writeString(dir.resolve("pgbouncer.ini"), String.join("\n",
                "[databases]",
                POOL + " = host=127.0.0.1 port=" + pg.port() + " dbname=" + PostgresServer.DATABASE + " pool_size=5",
                "[pgbouncer]",
                "pool_mode = transaction",
                "listen_addr = 127.0.0.1",
                "listen_port = " + port,
                "unix_socket_dir =",
                "auth_type = scram-sha-256",
                "auth_file = " + dir.resolve("users.txt"),
                "ignore_startup_parameters = extra_float_digits",
                ""));
        List<String> command = new ArrayList<>(List.of(BIN.toString()));
        if (LocalServers.isRoot()) {
            // PgBouncer refuses to run as root; -u drops to another user.
            command.addAll(List.of("-u", "postgres"));
            new ProcessBuilder("chown", "-R", "postgres", dir.toString()).start().waitFor();
        }
        command.add(dir.resolve("pgbouncer.ini").toString());
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("log").toFile()).start();
        LocalServers.awaitPort(process, port, dir.resolve("log"));
    }

    /** The URL the official chart's metadata Secret holds with pgbouncer.enabled: the pool, not the database. */
    public String url() {
        return "postgresql://" + PostgresServer.USER + ":" + PostgresServer.PASSWORD + "@127.0.0.1:" + port
                + "/" + POOL;
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        LocalServers.stop(process);
        LocalServers.deleteTree(dir);
    }
}
