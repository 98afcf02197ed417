package io.github.airflowdbreconcile.resolver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A throw-away MariaDB server (Debian's mariadb-server: MySQL's protocol, GET_LOCK and information_schema) in a temp
 * dir, on a free port, with a password user over TCP so that a wrong password fails like in production. mariadbd runs
 * as user mysql when the tests run as root. Registered like {@link PostgresServer}: one per test class.
 */
public final class MariaDbServer implements AirflowDatabase, BeforeAllCallback, AfterAllCallback {
    public static final String USER = "airflow";
    public static final String PASSWORD = "s3cret";
    public static final String DATABASE = "airflow";
    /** A second database on the same server, which the user may use too. */
    public static final String OTHER_DATABASE = "other";
    /** A third database, whose name must be quoted in SQL (the hyphen), as an operator's may be. */
    public static final String QUOTED_DATABASE = "air-flow";
    private static final Path SERVER = Path.of("/usr/sbin/mariadbd");

    private Path dir;
    private int port;
    private Process process;

    private MariaDbServer() {}

    /** A server for one test class, started by JUnit before its first test. */
    public static MariaDbServer perClass() {
        return new MariaDbServer();
    }

    /** Starts the server; JUnit calls {@link #afterAll} even when this fails, which cleans up what was made. */
    @Override
    public void beforeAll(ExtensionContext context) throws IOException, InterruptedException {
        dir = Files.createTempDirectory("adr-mariadb");
        port = PostgresServer.freePort();
        List<String> asMysql = LocalServers.isRoot() ? List.of("--user=mysql") : List.of();
        if (LocalServers.isRoot()) {
            LocalServers.run(List.of("chown", "-R", "mysql", dir.toString()));
        }
        // --no-defaults: the machine's /etc/mysql configuration (a running server's port, socket) must not leak in.
        List<String> install = new ArrayList<>(List.of("mariadb-install-db", "--no-defaults",
                "--datadir=" + dir.resolve("data"), "--auth-root-authentication-method=normal", "--skip-test-db"));
        install.addAll(asMysql);
        LocalServers.run(install);
        List<String> server = new ArrayList<>(List.of(SERVER.toString(), "--no-defaults",
                "--datadir=" + dir.resolve("data"), "--port=" + port, "--bind-address=127.0.0.1",
                "--socket=" + dir.resolve("socket"), "--pid-file=" + dir.resolve("pid"), "--skip-name-resolve",
                "--innodb-flush-log-at-trx-commit=0", "--innodb-buffer-pool-size=32M"));
        server.addAll(asMysql);
        process = new ProcessBuilder(server).redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile())
                .start();
        LocalServers.awaitPort(process, port, dir.resolve("log"));
        root("CREATE USER '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "'",
                "CREATE DATABASE " + DATABASE + " CHARACTER SET utf8mb4",
                "CREATE DATABASE " + OTHER_DATABASE + " CHARACTER SET utf8mb4",
                "CREATE DATABASE `" + QUOTED_DATABASE + "` CHARACTER SET utf8mb4",
                "GRANT ALL ON " + DATABASE + ".* TO '" + USER + "'@'%'",
                "GRANT ALL ON " + OTHER_DATABASE + ".* TO '" + USER + "'@'%'",
                "GRANT ALL ON `" + QUOTED_DATABASE + "`.* TO '" + USER + "'@'%'");
    }

    public int port() {
        return port;
    }

    /** The URL as Airflow users write it (mysqlclient, Airflow's documented driver). */
    @Override
    public String sqlAlchemyUrl() {
        return sqlAlchemyUrl(DATABASE);
    }

    /** The URL of another database of this server, as the airflow user. */
    public String sqlAlchemyUrl(String database) {
        return "mysql+mysqldb://" + USER + ":" + PASSWORD + "@127.0.0.1:" + port + "/" + database;
    }

    @Override
    public Connection connect() throws SQLException {
        return connect(DATABASE);
    }

    public Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        properties.setProperty("password", PASSWORD);
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/" + database, properties);
    }

    /** The mariadb client, with the airflow user's password. */
    @Override
    public String clientCommand(String sql) {
        return "mariadb --no-defaults -h 127.0.0.1 -P " + port + " -u " + USER + " -p" + PASSWORD + " -N " + DATABASE
                + " -e \"" + sql + "\"";
    }

    /** Statements as root, through the server's unix socket (root has no TCP account). */
    private void root(String... statements) {
        LocalServers.run(List.of("mariadb", "--no-defaults", "--user=root", "--socket=" + dir.resolve("socket"),
                "--execute=" + String.join(";", statements)));
    }

    /** Stops the server and removes its directory. */
    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        try {
            LocalServers.stop(process);
        } finally {
            LocalServers.deleteTree(dir);
        }
    }
}
