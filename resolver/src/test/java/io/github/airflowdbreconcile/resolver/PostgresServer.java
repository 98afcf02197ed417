package io.github.airflowdbreconcile.resolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A throw-away PostgreSQL 15 server in a temp dir, on a free port, with password authentication over TCP so that a
 * wrong password fails like in production. initdb refuses to run as root, so as root it runs as user postgres.
 * A test class registers one as a static {@code @RegisterExtension} field: it starts before the class's first test and
 * stops after its last, whatever happens.
 */
public final class PostgresServer implements AirflowDatabase, BeforeAllCallback, AfterAllCallback {
    public static final String USER = "airflow";
    public static final String PASSWORD = "s3cret";
    public static final String DATABASE = "airflow";
    private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    private static final String SUPERUSER_PASSWORD = "postgres";

    private Path dir;
    private int port;

    private PostgresServer() {}

    /** A server for one test class, started by JUnit before its first test. */
    public static PostgresServer perClass() {
        return new PostgresServer();
    }

    /** Starts the server; JUnit calls {@link #afterAll} even when this fails, which cleans up what was made. */
    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("adr-pg");
        port = freePort();
        Files.writeString(dir.resolve("pwfile"), SUPERUSER_PASSWORD + "\n");
        Files.createDirectories(dir.resolve("socket"));
        if (LocalServers.isRoot()) {
            LocalServers.run(List.of("chown", "-R", "postgres", dir.toString()));
        }
        LocalServers.run(asPostgres(List.of(BIN.resolve("initdb").toString(), "-D", dir.resolve("data").toString(),
                "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256",
                "--pwfile=" + dir.resolve("pwfile"), "--no-sync")));
        LocalServers.run(asPostgres(List.of(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
                "-l", dir.resolve("log").toString(), "-w", "-t", "60", "-o",
                "-p " + port + " -k " + dir.resolve("socket") + " -c listen_addresses=127.0.0.1"
                        + " -c fsync=off", "start")));
        superuser(String.join(";", "CREATE ROLE " + USER + " LOGIN PASSWORD '" + PASSWORD + "'",
                "CREATE DATABASE " + DATABASE + " OWNER " + USER));
    }

    public int port() {
        return port;
    }

    /** The URL as Airflow users write it. */
    @Override
    public String sqlAlchemyUrl() {
        return "postgresql+psycopg2://" + USER + ":" + PASSWORD + "@127.0.0.1:" + port + "/" + DATABASE;
    }

    /** psql on the URL the resolver hands Airflow. */
    @Override
    public String clientCommand(String sql) {
        return FakeAirflow.PSQL + " -q -c \"" + sql + "\"";
    }

    @Override
    public Connection connect() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        properties.setProperty("password", PASSWORD);
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE, properties);
    }

    /** The one row of alembic_version in {@code schema} (Airflow's sql_alchemy_schema), or null without one. */
    public String revision(String schema) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT version_num FROM " + schema + ".alembic_version")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private void superuser(String sql) {
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        properties.setProperty("password", SUPERUSER_PASSWORD);
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                properties); Statement statement = connection.createStatement()) {
            for (String one : sql.split(";")) {
                statement.execute(one);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops the server and removes its directory. */
    @Override
    public void afterAll(ExtensionContext context) {
        if (dir == null) {
            return;
        }
        try {
            if (Files.exists(dir.resolve("data/postmaster.pid"))) {
                LocalServers.run(asPostgres(List.of(BIN.resolve("pg_ctl").toString(), "-D",
                        dir.resolve("data").toString(), "-m", "immediate", "-w", "stop")));
            }
        } finally {
            LocalServers.deleteTree(dir);
        }
    }

    /** A port nothing listens on, for "unreachable" tests. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> asPostgres(List<String> command) {
        if (!LocalServers.isRoot()) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        wrapped.addAll(command);
        return wrapped;
    }
}
