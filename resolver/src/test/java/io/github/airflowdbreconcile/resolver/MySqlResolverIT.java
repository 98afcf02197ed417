package io.github.airflowdbreconcile.resolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The command line against a real MariaDB through the bundled driver: what an operator of a MySQL Airflow sees. */
class MySqlResolverIT {
    @RegisterExtension
    static final MariaDbServer mariadb = MariaDbServer.perClass();

    @TempDir
    Path dir;

    private CliRun planAt(String url, String target, String... extra) {
        String[] base = {"plan", "--map", TestMaps.realisticFile(dir).toString(), "--target-version", target,
                "--db-url", url, "--output", "json", "--db-timeout", "2"};
        String[] args = Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return CliRun.of(args);
    }

    private CliRun plan(String target, String... extra) {
        return planAt(mariadb.sqlAlchemyUrl(), target, extra);
    }

    @Test
    void shouldPlanAnInstallWithoutTheTableAndWithAnEmptyOne() throws Exception {
        mariadb.dropAlembicVersion();
        CliRun noTable = plan("3.0.6");
        assertEquals(0, noTable.exit(), noTable.err());
        assertEquals("install", noTable.json().get("action").asText());
        mariadb.alembicVersion();
        CliRun emptyTable = plan("3.0.6");
        assertEquals(0, emptyTable.exit(), emptyTable.err());
        assertEquals("install", emptyTable.json().get("action").asText());
    }

    @Test
    void shouldPlanFromTheOneRowInEveryUrlFormAirflowUsersWrite() throws Exception {
        mariadb.alembicVersion(TestMaps.R310);
        String credentials = MariaDbServer.USER + ":" + MariaDbServer.PASSWORD + "@127.0.0.1:" + mariadb.port()
                + "/" + MariaDbServer.DATABASE;
        for (String scheme : List.of("mysql", "mysql+mysqldb", "mysql+pymysql", "mariadb+mariadbconnector")) {
            CliRun run = planAt(scheme + "://" + credentials + "?charset=utf8mb4", "3.0.6");
            assertEquals(0, run.exit(), scheme + ": " + run.err());
            assertEquals("downgrade", run.json().get("action").asText(), scheme);
            assertEquals(TestMaps.R310, run.json().get("currentRevision").asText(), scheme);
        }
        CliRun jdbc = planAt("jdbc:mysql://127.0.0.1:" + mariadb.port() + "/airflow?user=airflow&password="
                + MariaDbServer.PASSWORD, "3.0.6");
        assertEquals("downgrade", jdbc.json().get("action").asText(), jdbc.err());
    }

    @Test
    void shouldRefuseARevisionUnknownToTheMapWithExitFour() throws Exception {
        mariadb.alembicVersion("dev0000");
        CliRun run = plan("3.0.6");
        assertEquals(ExitCodes.UNKNOWN_REVISION, run.exit(), run.err());
        assertEquals("refuse", run.json().get("action").asText());
    }

    @Test
    void shouldRefuseSeveralRowsWithExitFive() throws Exception {
        mariadb.alembicVersion(TestMaps.R306, TestMaps.R2110);
        CliRun run = plan("3.0.6");
        assertEquals(ExitCodes.IMPOSSIBLE, run.exit(), run.err());
        assertEquals("airflow-db-reconcile: refused: alembic_version holds several heads ('r2110', 'r306'): the"
                + " database is branched; merge or repair it by hand before deploying 3.0.6", run.err().strip());
    }

    @Test
    void shouldRefuseAirflowTablesWithoutARevisionWithExitFour() throws Exception {
        mariadb.dropAlembicVersion();
        mariadb.sql("CREATE TABLE dag (dag_id VARCHAR(250) PRIMARY KEY)", "CREATE TABLE dag_run (id INT PRIMARY KEY)");
        CliRun run = plan("3.0.6");
        assertEquals(ExitCodes.UNKNOWN_REVISION, run.exit(), run.err());
        assertTrue(run.json().get("reason").asText().startsWith("the database holds Airflow tables (airflow.dag,"
                + " airflow.dag_run) but alembic_version records no revision"), run.out());
    }

    @Test
    void shouldTakeTheUrlsDatabaseAsTheSchemaAndRefuseAnother() throws Exception {
        mariadb.alembicVersion(TestMaps.R306);
        CliRun same = plan("3.0.6", "--db-schema", MariaDbServer.DATABASE);
        assertEquals(0, same.exit(), same.err());
        assertEquals("none", same.json().get("action").asText());
        CliRun other = plan("3.0.6", "--db-schema", MariaDbServer.OTHER_DATABASE);
        assertEquals(ExitCodes.USAGE, other.exit(), other.err());
        assertEquals("airflow-db-reconcile: schema 'other' (--db-schema or AIRFLOW__DATABASE__SQL_ALCHEMY_SCHEMA) is"
                + " not the database of mysql+mysqldb://airflow:***@127.0.0.1:" + mariadb.port() + "/airflow: on"
                + " MySQL a schema is a database, and Airflow keeps alembic_version in the URL's; give none, or name"
                + " the database in the URL", other.err().strip());
    }

    @Test
    void shouldTimeOutWithExitSixOnAnUnreachableServerInOneLineWithoutThePassword() {
        CliRun run = planAt("mysql+mysqldb://airflow:" + MariaDbServer.PASSWORD + "@127.0.0.1:"
                + PostgresServer.freePort() + "/airflow", "3.0.6");
        assertEquals(ExitCodes.TIMEOUT, run.exit(), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().contains("not reachable within 2 s"), run.err());
        assertFalse(run.err().contains(MariaDbServer.PASSWORD), run.err());
    }

    @Test
    void shouldFailWithExitOneOnAWrongPasswordInOneLineWithoutIt() {
        CliRun run = planAt("mysql+mysqldb://airflow:n0t-the-password@127.0.0.1:" + mariadb.port() + "/airflow",
                "3.0.6");
        assertEquals(ExitCodes.FAILURE, run.exit(), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().contains("Access denied for user 'airflow'"), run.err());
        assertFalse(run.err().contains("n0t-the-password"), run.err());
    }

    @Test
    void shouldRefuseATlsOptionTheDriverCannotHonourBeforeConnecting() {
        CliRun run = planAt(mariadb.sqlAlchemyUrl() + "?ssl_cert=/certs/client.pem&ssl_key=/certs/client.key",
                "3.0.6");
        assertEquals(ExitCodes.USAGE, run.exit(), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().contains("has option ssl_cert: the resolver's JDBC driver takes the TLS options"),
                run.err());
        assertFalse(run.err().contains(MariaDbServer.PASSWORD), run.err());
    }

    @Test
    void shouldDowngradeUnderGetLockHandingAirflowItsOwnDriver() throws Exception {
        mariadb.alembicVersion(TestMaps.R310);
        Path args = dir.resolve("args");
        Path airflow = FakeAirflow.script(dir, "echo \"$@\" > " + args + "\n"
                + "echo \"Connecting to $AIRFLOW__DATABASE__SQL_ALCHEMY_CONN\"\n"
                + mariadb.clientCommand("SELECT CONCAT('lock held by session ',"
                        + " IS_USED_LOCK('airflow-db-reconcile:airflow'))") + "\n"
                + mariadb.clientCommand("UPDATE alembic_version SET version_num='$4'"));
        String pymysql = mariadb.sqlAlchemyUrl().replace("mysql+mysqldb://", "mysql+pymysql://");
        CliRun run = runLocal(pymysql, airflow, "--db-timeout", "5");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.err().contains("Connecting to mysql+pymysql://airflow:***@127.0.0.1"), run.err());
        assertTrue(run.err().matches("(?s).*lock held by session \\d+.*"), run.err());
        assertFalse(run.err().contains(MariaDbServer.PASSWORD), run.err());
        assertEquals("db downgrade --to-revision r306 --yes", Files.readString(args).strip());
        assertEquals(TestMaps.R306, mariadb.revision());
    }

    @Test
    void shouldWaitForTheLockAnotherSessionHoldsThenExitSixWithoutRunningAnything() throws Exception {
        mariadb.alembicVersion(TestMaps.R310);
        Path marker = dir.resolve("ran");
        try (Connection other = mariadb.connect(); Statement statement = other.createStatement();
             ResultSet taken = statement.executeQuery("SELECT GET_LOCK('airflow-db-reconcile:airflow', 0)")) {
            taken.next();
            assertEquals(1, taken.getInt(1));
            CliRun run = runLocal(mariadb.sqlAlchemyUrl(), FakeAirflow.script(dir, "touch " + marker), "--db-timeout",
                    "2");
            assertEquals(ExitCodes.TIMEOUT, run.exit(), run.err());
            assertTrue(run.err().contains("another airflow-db-reconcile holds the lock; waiting"), run.err());
            assertTrue(run.err().contains("another airflow-db-reconcile kept the lock for 2 s"), run.err());
        }
        assertFalse(Files.exists(marker));
        assertEquals(TestMaps.R310, mariadb.revision());
    }

    @AfterEach
    void dropAirflowTables() {
        mariadb.sql("DROP TABLE IF EXISTS dag, dag_run");
    }

    private CliRun runLocal(String url, Path airflow, String... extra) {
        List<String> args = new ArrayList<>(List.of("run", "--map", TestMaps.realisticFile(dir).toString(),
                "--target-version", "3.0.6", "--db-url", url, "--executor", "local", "--airflow-bin",
                airflow.toString(), "--output", "json", "--allow-downgrade"));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }
}
