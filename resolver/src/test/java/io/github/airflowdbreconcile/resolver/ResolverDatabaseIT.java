package io.github.airflowdbreconcile.resolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The command line against a real PostgreSQL: every alembic_version state, and run with a local airflow. */
class ResolverDatabaseIT {
    private static final String PSQL = FakeAirflow.PSQL;
    /** What a dropped connection does to the reconcile lock: the server ends its session, and the lock with it. */
    private static final String TERMINATE_LOCK_SESSION = PSQL + " -q -A -t -c"
            + " \"SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'\"";
    @RegisterExtension
    static final PostgresServer pg = PostgresServer.perClass();

    @TempDir
    Path dir;

    private CliRun plan(String target, String... extra) {
        String[] base = {"plan", "--map", TestMaps.realisticFile(dir).toString(), "--target-version", target,
                "--db-url", pg.sqlAlchemyUrl(), "--output", "json"};
        String[] args = Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return CliRun.of(args);
    }

    @Test
    void shouldPlanAnInstallWithoutTheTableAndWithAnEmptyOne() throws Exception {
        pg.dropAlembicVersion();
        CliRun noTable = plan("3.0.6");
        assertEquals(0, noTable.exit(), noTable.err());
        assertEquals("install", noTable.json().get("action").asText());
        pg.alembicVersion();
        assertEquals("install", plan("3.0.6").json().get("action").asText());
    }

    @Test
    void shouldRefuseAirflowTablesWithoutARevisionWithExitFour() throws Exception {
        pg.dropAlembicVersion();
        airflowTables("public");
        CliRun noTable = plan("3.0.6");
        assertEquals(ExitCodes.UNKNOWN_REVISION, noTable.exit(), noTable.err());
        String reason = noTable.json().get("reason").asText();
        assertTrue(reason.startsWith("the database holds Airflow tables (public.dag, public.dag_run,"
                + " public.task_instance) but alembic_version records no revision") && reason.contains("--db-schema"),
                reason);
        assertEquals("airflow-db-reconcile: refused: " + reason, noTable.err().strip());
        pg.alembicVersion();
        CliRun emptyTable = plan("3.0.6");
        assertEquals(ExitCodes.UNKNOWN_REVISION, emptyTable.exit(), emptyTable.err());
        assertEquals(reason, emptyTable.json().get("reason").asText());
        CliRun status = CliRun.of("status", "--map", TestMaps.realisticFile(dir).toString(), "--db-url",
                pg.sqlAlchemyUrl(), "--output", "json");
        assertEquals(ExitCodes.UNKNOWN_REVISION, status.exit(), status.err());
        assertEquals("tables-without-revision", status.json().get("state").asText());
    }

    @Test
    void shouldReadAlembicVersionInTheSchemaAirflowKeepsItsTablesIn() throws Exception {
        pg.dropAlembicVersion();
        airflowTables("Airflow");
        pg.sql("CREATE TABLE \"Airflow\".alembic_version (version_num VARCHAR(32) NOT NULL)",
                "INSERT INTO \"Airflow\".alembic_version VALUES ('" + TestMaps.R310 + "')");
        CliRun run = plan("3.0.6", "--db-schema", "Airflow");
        assertEquals(0, run.exit(), run.err());
        assertEquals("downgrade", run.json().get("action").asText());
        assertEquals(TestMaps.R310, run.json().get("currentRevision").asText());
        pg.sql("DELETE FROM \"Airflow\".alembic_version");
        CliRun noRevision = plan("3.0.6", "--db-schema", "Airflow");
        assertEquals(ExitCodes.UNKNOWN_REVISION, noRevision.exit(), noRevision.err());
        assertTrue(noRevision.json().get("reason").asText().contains("(Airflow.dag, Airflow.dag_run,"
                + " Airflow.task_instance)"), noRevision.out());
    }

    @Test
    void shouldRefuseASchemaThatDoesNotExistWithExitTwo() {
        pg.dropAlembicVersion();
        CliRun run = plan("3.0.6", "--db-schema", "airflw");
        assertEquals(ExitCodes.USAGE, run.exit(), run.err());
        assertTrue(run.err().startsWith("airflow-db-reconcile: schema 'airflw' (--db-schema"), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
    }

    @Test
    void shouldPlanFromTheOneRow() throws Exception {
        pg.alembicVersion(TestMaps.R310);
        CliRun run = plan("3.0.6");
        assertEquals(0, run.exit(), run.err());
        JsonNode plan = run.json();
        assertEquals("downgrade", plan.get("action").asText());
        assertEquals(2, plan.get("revisionsToUndo").size());
        pg.alembicVersion(TestMaps.R2103);
        assertEquals("none", plan("2.10.5").json().get("action").asText());
        assertEquals("upgrade", plan("3.0.6").json().get("action").asText());
    }

    @Test
    void shouldRefuseSeveralRowsWithExitFive() throws Exception {
        pg.alembicVersion(TestMaps.R306, TestMaps.R2110);
        CliRun run = plan("3.0.6");
        assertEquals(ExitCodes.IMPOSSIBLE, run.exit());
        assertEquals("refuse", run.json().get("action").asText());
        assertEquals("airflow-db-reconcile: refused: alembic_version holds several heads ('r2110', 'r306'): the"
                + " database is branched; merge or repair it by hand before deploying 3.0.6", run.err().strip());
    }

    @Test
    void shouldRefuseGarbageWithExitFour() throws Exception {
        pg.alembicVersion("<garbage>");
        CliRun run = plan("3.0.6");
        assertEquals(ExitCodes.UNKNOWN_REVISION, run.exit());
        assertTrue(run.json().get("reason").asText().contains("<garbage>"));
    }

    @Test
    void shouldTimeOutWithExitSixOnAnUnreachableDatabase() {
        CliRun run = CliRun.of("plan", "--map", TestMaps.realisticFile(dir).toString(), "--target-version", "3.0.6",
                "--db-url", "postgresql://airflow:s3cret@127.0.0.1:" + PostgresServer.freePort() + "/airflow",
                "--db-timeout", "1");
        assertEquals(ExitCodes.TIMEOUT, run.exit());
        assertFalse(run.err().contains("s3cret"), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
    }

    @Test
    void shouldReadTheUrlFromAFile() throws Exception {
        pg.alembicVersion(TestMaps.R306);
        Path file = Files.writeString(dir.resolve("url"), pg.sqlAlchemyUrl() + "\n");
        CliRun fromFile = CliRun.of("status", "--map", TestMaps.realisticFile(dir).toString(), "--db-url-file",
                file.toString());
        assertEquals(0, fromFile.exit(), fromFile.err());
        assertEquals("revision 'r306': head of Airflow 3.0.6", fromFile.out().strip());
    }

    @Test
    void shouldPrintStatusAsJson() throws Exception {
        pg.alembicVersion(TestMaps.R2103);
        CliRun run = CliRun.of("status", "--map", TestMaps.realisticFile(dir).toString(), "--db-url",
                pg.sqlAlchemyUrl(), "--output", "json");
        assertEquals(0, run.exit(), run.err());
        JsonNode status = run.json();
        assertEquals("known", status.get("state").asText());
        assertEquals("[\"2.10.3\",\"2.10.4\",\"2.10.5\"]", status.get("currentVersions").toString());
        assertEquals("3.1.1", status.get("mapVersion").asText());
        pg.alembicVersion("dev0000");
        assertEquals(ExitCodes.UNKNOWN_REVISION, CliRun.of("status", "--map", TestMaps.realisticFile(dir).toString(),
                "--db-url", pg.sqlAlchemyUrl()).exit());
    }

    @Test
    void shouldExitThreeWhenADowngradeIsNeededButNotAllowed() throws Exception {
        pg.alembicVersion(TestMaps.R310);
        CliRun run = runLocal(FakeAirflow.script(dir, "exit 0"), false);
        assertEquals(ExitCodes.DOWNGRADE_NOT_ALLOWED, run.exit());
        assertTrue(run.err().contains("downgrade from 3.1.1 to 3.0.6 needed; set migrateDatabaseJob.allowDowngrade=true"),
                run.err());
        assertEquals(TestMaps.R310, pg.revision());
    }

    @Test
    void shouldDowngradeWithALocalAirflowAndCheckTheResult() throws Exception {
        pg.alembicVersion(TestMaps.R310);
        Path args = dir.resolve("args");
        Path airflow = FakeAirflow.script(dir, "echo \"$@\" > " + args + "\n"
                + "echo \"Connecting to $AIRFLOW__DATABASE__SQL_ALCHEMY_CONN\"\n"
                + PSQL + " -q -c \"UPDATE alembic_version SET version_num='$4'\"");
        CliRun run = runLocal(airflow, true);
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.err().contains("Connecting to postgresql+psycopg2://airflow:***@127.0.0.1"), run.err());
        assertFalse(run.err().contains(PostgresServer.PASSWORD), run.err());
        assertEquals(TestMaps.R306, pg.revision());
        assertEquals("db downgrade --to-revision r306 --yes", Files.readString(args).strip());
        assertEquals("downgrade", run.json().get("action").asText());
    }

    @Test
    void shouldFailWhenTheLocalAirflowFails() throws Exception {
        pg.alembicVersion(TestMaps.R310);
        CliRun run = runLocal(FakeAirflow.script(dir, "echo 'Can not downgrade' >&2; exit 3"), true);
        assertEquals(ExitCodes.FAILURE, run.exit());
        assertTrue(run.err().contains("exited 3"), run.err());
        assertEquals(TestMaps.R310, pg.revision());
    }

    @Test
    void shouldFailWhenTheSchemaIsNotTheTargetAfterwards() throws Exception {
        pg.alembicVersion(TestMaps.R310);
        CliRun run = runLocal(FakeAirflow.script(dir, "exit 0"), true);
        assertEquals(ExitCodes.FAILURE, run.exit());
        assertTrue(run.err().contains("alembic_version holds 'r310', not Airflow 3.0.6's head r306"), run.err());
    }

    @Test
    void shouldCheckOnANewConnectionWhenTheLockSessionDiedDuringTheDowngrade() throws Exception {
        pg.alembicVersion(TestMaps.R310);
        CliRun run = runLocal(FakeAirflow.script(dir, TERMINATE_LOCK_SESSION + "\n"
                + PSQL + " -q -c \"UPDATE alembic_version SET version_num='$4'\""),
                true);
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.err().contains("the session that held the reconcile lock ended while the downgrade ran"),
                run.err());
        assertTrue(run.err().contains("done: the database is at Airflow 3.0.6's head r306"), run.err());
        assertEquals(TestMaps.R306, pg.revision());
    }

    @Test
    void shouldFailSayingTheLockWasLostWhenTheSchemaMissedTheTarget() throws Exception {
        pg.alembicVersion(TestMaps.R310);
        CliRun run = runLocal(FakeAirflow.script(dir, TERMINATE_LOCK_SESSION), true);
        assertEquals(ExitCodes.FAILURE, run.exit());
        assertTrue(run.err().contains("airflow-db-reconcile: after the downgrade alembic_version holds 'r310', not"
                + " Airflow 3.0.6's head r306: inspect the database; the reconcile lock was lost while the downgrade"
                + " ran"), run.err());
        assertEquals(TestMaps.R310, pg.revision());
    }

    @Test
    void shouldTimeOutALocalAirflowThatHangs() throws Exception {
        pg.alembicVersion(TestMaps.R310);
        CliRun run = runLocal(FakeAirflow.script(dir, "sleep 30"), true, "--exec-timeout", "1");
        assertEquals(ExitCodes.TIMEOUT, run.exit());
    }

    @Test
    void shouldOnlySayWhatItWouldRunOnADryRun() throws Exception {
        pg.alembicVersion(TestMaps.R310);
        Path marker = dir.resolve("ran");
        CliRun run = runLocal(FakeAirflow.script(dir, "touch " + marker), true, "--dry-run");
        assertEquals(0, run.exit(), run.err());
        assertEquals("downgrade", run.json().get("action").asText());
        assertFalse(Files.exists(marker));
        assertEquals(TestMaps.R310, pg.revision());
    }

    @Test
    void shouldLeaveAnUpgradeToTheTargetImage() throws Exception {
        pg.alembicVersion(TestMaps.R300);
        Path marker = dir.resolve("ran");
        CliRun run = CliRun.of("run", "--map", TestMaps.realisticFile(dir).toString(), "--target-version", "3.0.6",
                "--db-url", pg.sqlAlchemyUrl(), "--executor", "local", "--airflow-bin",
                FakeAirflow.script(dir, "touch " + marker).toString(), "--allow-downgrade");
        assertEquals(0, run.exit(), run.err());
        assertFalse(Files.exists(marker));
        assertEquals(TestMaps.R300, pg.revision());
    }

    @Test
    void shouldRunNothingWhenTheRunningReleaseHasNoDowngradeCommand() throws Exception {
        pg.alembicVersion(TestMaps.R225);
        Path marker = dir.resolve("ran");
        CliRun run = CliRun.of("run", "--map", TestMaps.realisticFile(dir).toString(), "--target-version", "2.0.0",
                "--db-url", pg.sqlAlchemyUrl(), "--executor", "local", "--airflow-bin",
                FakeAirflow.script(dir, "touch " + marker).toString(), "--allow-downgrade", "--output", "json");
        assertEquals(ExitCodes.IMPOSSIBLE, run.exit(), run.err());
        assertTrue(run.json().get("reason").asText().contains("has no `airflow db downgrade`"), run.out());
        assertFalse(Files.exists(marker));
        assertEquals(TestMaps.R225, pg.revision());
    }

    @Test
    void shouldSayWhenTheDirectUrlVariableIsUnset() throws Exception {
        pg.alembicVersion(TestMaps.R310);
        CliRun run = runLocal(FakeAirflow.script(dir, "exit 0"), true, "--direct-db-url-env",
                "AIRFLOW_DB_RECONCILE_TEST_UNSET");
        assertEquals(ExitCodes.USAGE, run.exit(), run.err());
        assertTrue(run.err().contains("environment variable AIRFLOW_DB_RECONCILE_TEST_UNSET (--direct-db-url-env) is"
                + " not set"), run.err());
        assertEquals(TestMaps.R310, pg.revision());
    }

    /** Three of the tables every Airflow release has, in {@code schema}. */
    private static void airflowTables(String schema) {
        pg.sql("CREATE SCHEMA IF NOT EXISTS \"" + schema + "\"",
                "CREATE TABLE \"" + schema + "\".dag (dag_id VARCHAR(250) PRIMARY KEY)",
                "CREATE TABLE \"" + schema + "\".dag_run (id SERIAL PRIMARY KEY)",
                "CREATE TABLE \"" + schema + "\".task_instance (id SERIAL PRIMARY KEY)");
    }

    @AfterEach
    void dropAirflowTables() {
        pg.sql("DROP TABLE IF EXISTS dag, dag_run, task_instance", "DROP SCHEMA IF EXISTS \"Airflow\" CASCADE");
    }

    private CliRun runLocal(Path airflow, boolean allow, String... extra) {
        List<String> args = new ArrayList<>(List.of("run", "--map",
                TestMaps.realisticFile(dir).toString(), "--target-version", "3.0.6", "--db-url", pg.sqlAlchemyUrl(),
                "--executor", "local", "--airflow-bin", airflow.toString(), "--output", "json", "--db-timeout", "5"));
        if (allow) {
            args.add("--allow-downgrade");
        }
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }
}
