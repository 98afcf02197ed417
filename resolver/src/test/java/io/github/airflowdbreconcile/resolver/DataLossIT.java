package io.github.airflowdbreconcile.resolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a downgrade deletes, counted on a real PostgreSQL: the test map's 3.1.1 -> 3.0.6 drops dag_favorite (3 rows
 * here), hitl_detail (2 rows) and mysql_only_stats (absent here), and dag_run.triggering_user_name (2 values of 3).
 */
class DataLossIT {
    @RegisterExtension
    static final PostgresServer pg = PostgresServer.perClass();

    @TempDir
    Path dir;

    @BeforeEach
    void seed() {
        pg.alembicVersion(TestMaps.R310);
        pg.sql("CREATE TABLE dag_favorite (dag_id VARCHAR(250), user_id VARCHAR(250))",
                "INSERT INTO dag_favorite SELECT 'd' || i, 'u' FROM generate_series(1, 3) i",
                "CREATE TABLE hitl_detail (ti_id INT, chosen_options TEXT)",
                "INSERT INTO hitl_detail VALUES (1, 'a'), (2, NULL)",
                "CREATE TABLE dag_run (id SERIAL PRIMARY KEY, triggering_user_name VARCHAR(512))",
                "INSERT INTO dag_run (triggering_user_name) VALUES ('alice'), (NULL), ('bob')",
                "CREATE TABLE serialized_dag (dag_id VARCHAR(250), data TEXT)",
                "INSERT INTO serialized_dag VALUES ('d1', '{}')");
    }

    @AfterEach
    void drop() {
        pg.sql("DROP TABLE IF EXISTS dag_favorite, hitl_detail, dag_run, serialized_dag");
    }

    private CliRun plan(String... extra) {
        List<String> args = new ArrayList<>(List.of("plan", "--map", TestMaps.realisticFile(dir).toString(),
                "--target-version", "3.0.6", "--db-url", pg.sqlAlchemyUrl()));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void shouldCountRowsOfDroppedTablesAndValuesOfDroppedColumnsInTheContractedJson() throws Exception {
        CliRun run = plan("--output", "json");
        assertEquals(0, run.exit(), run.err());
        JsonNode loss = run.json().get("dataLoss");
        List<String> fields = new ArrayList<>();
        loss.fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("tables", "columns", "notAnalysed"), fields);
        assertEquals("[{\"table\":\"dag_favorite\",\"rows\":3,\"estimated\":false},"
                + "{\"table\":\"hitl_detail\",\"rows\":2,\"estimated\":false}]", loss.get("tables").toString());
        assertEquals("[{\"table\":\"dag_run\",\"column\":\"triggering_user_name\",\"values\":2}]",
                loss.get("columns").toString());
        assertEquals("[\"r310a\"]", loss.get("notAnalysed").toString());
        JsonNode kept = run.json().get("unreadableAfterDowngrade").get(0);
        assertEquals("serialized_dag", kept.get("table").asText());
        assertEquals(1, kept.get("rows").asLong());
    }

    @Test
    void shouldSummariseTheLossInOneLineAndNameWhatTheDatabaseLacks() {
        CliRun run = plan();
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("data loss: will delete 5 rows in 2 tables and values in 1 columns"
                + " (1 revisions not analysed)\n"), run.out());
        assertTrue(run.out().contains("  table  dag_favorite"), run.out());
        assertTrue(run.out().contains("  absent from this database: mysql_only_stats\n"), run.out());
        assertTrue(run.out().contains("  not analysed, so the loss is at least the above: r310a\n"), run.out());
        assertTrue(run.out().contains("warning:  the downgrade keeps 1 rows of serialized_dag: serialized DAGs"
                + " written by Airflow 3.1.1's serializer"), run.out());
    }

    @Test
    void shouldCountNothingForAPlanThatIsNoDowngrade() throws Exception {
        pg.alembicVersion(TestMaps.R306);
        CliRun run = plan("--output", "json");
        assertEquals(0, run.exit(), run.err());
        assertEquals("none", run.json().get("action").asText());
        assertTrue(run.json().get("dataLoss").isNull(), run.out());
    }

    @Test
    void shouldTakeThePlannersEstimatesWithoutACountingBudget() throws Exception {
        pg.sql("ANALYZE dag_favorite", "ANALYZE hitl_detail");
        CliRun run = plan("--output", "json", "--count-budget", "0");
        assertEquals(0, run.exit(), run.err());
        JsonNode loss = run.json().get("dataLoss");
        assertEquals("[{\"table\":\"dag_favorite\",\"rows\":3,\"estimated\":true},"
                + "{\"table\":\"hitl_detail\",\"rows\":2,\"estimated\":true}]", loss.get("tables").toString());
        assertTrue(loss.get("columns").get(0).get("values").isNull(), run.out());
        assertTrue(run.err().contains("counting took longer than the 0 s budget (--count-budget)"), run.err());
    }

    @Test
    void shouldEstimateATableWhoseCountRunsPastTheBudget() throws Exception {
        pg.sql("ANALYZE dag_favorite", "ANALYZE hitl_detail");
        // Another session's exclusive lock holds the count on dag_favorite until the budget's timeout cancels it.
        try (Connection locker = pg.connect(); Statement statement = locker.createStatement()) {
            locker.setAutoCommit(false);
            statement.execute("LOCK TABLE dag_favorite IN ACCESS EXCLUSIVE MODE");
            CliRun run = plan("--output", "json", "--count-budget", "1");
            assertEquals(0, run.exit(), run.err());
            assertEquals("[{\"table\":\"dag_favorite\",\"rows\":3,\"estimated\":true},"
                    + "{\"table\":\"hitl_detail\",\"rows\":2,\"estimated\":true}]",
                    run.json().get("dataLoss").get("tables").toString());
            locker.rollback();
        }
    }

    @Test
    void shouldRefuseAPlanOverTheRowLimitWithExitThreeAfterPrintingIt() throws Exception {
        CliRun over = plan("--output", "json", "--max-rows-lost", "4");
        assertEquals(ExitCodes.DOWNGRADE_NOT_ALLOWED, over.exit(), over.err());
        assertEquals("downgrade", over.json().get("action").asText());
        assertEquals("airflow-db-reconcile: downgrade from 3.1.1 to 3.0.6 would delete at least 5 rows"
                + " (dag_favorite 3, hitl_detail 2), more than --max-rows-lost 4: raise migrateDatabaseJob.maxRowsLost"
                + " (or --max-rows-lost) to 5 or more, or remove those rows first", over.err().strip());
        assertEquals(0, plan("--max-rows-lost", "5").exit());
    }

    @Test
    void shouldRefuseADowngradeOverTheRowLimitBeforeAnythingIsWritten() throws Exception {
        Path marker = dir.resolve("ran");
        CliRun run = runLocal(FakeAirflow.script(dir, "touch " + marker), "--max-rows-lost", "4");
        assertEquals(ExitCodes.DOWNGRADE_NOT_ALLOWED, run.exit(), run.err());
        assertTrue(run.err().contains("would delete at least 5 rows (dag_favorite 3, hitl_detail 2), more than"
                + " --max-rows-lost 4"), run.err());
        assertFalse(Files.exists(marker));
        assertEquals(TestMaps.R310, pg.revision());
        assertEquals(3, rows("dag_favorite"));
    }

    @Test
    void shouldDowngradeWithinTheRowLimit() throws Exception {
        CliRun run = runLocal(downgradingAirflow(), "--max-rows-lost", "5");
        assertEquals(0, run.exit(), run.err());
        assertEquals(TestMaps.R306, pg.revision());
    }

    @Test
    void shouldReserializeWithTheTargetsAirflowAfterTheDowngradeWhenAsked() throws Exception {
        Path args = dir.resolve("args");
        Path target = FakeAirflow.script(dir, "echo \"$@ $AIRFLOW__DATABASE__SQL_ALCHEMY_CONN\" > " + args);
        CliRun run = runLocal(downgradingAirflow(), "--reserialize-with", target.toString());
        assertEquals(0, run.exit(), run.err());
        assertEquals("dags reserialize " + pg.sqlAlchemyUrl(),
                Files.readString(args).strip());
        assertEquals(TestMaps.R306, pg.revision());
    }

    @Test
    void shouldSayTheDowngradeIsDoneWhenReserializingFails() throws Exception {
        Path target = FakeAirflow.script(dir, "echo 'no bundle' >&2; exit 2");
        CliRun run = runLocal(downgradingAirflow(), "--reserialize-with", target.toString());
        assertEquals(ExitCodes.FAILURE, run.exit(), run.err());
        assertTrue(run.err().contains("airflow-db-reconcile: the database is at Airflow 3.0.6's head, but reserializing"
                + " the DAGs failed: " + target + " dags reserialize exited 2: see its output above; run `airflow"
                + " dags reserialize` with Airflow 3.0.6 yourself"), run.err());
        assertEquals(TestMaps.R306, pg.revision());
    }

    /** The test map's 3.1.1 is one of the releases whose downgrade below 3.1.0 fails on a row of deadline. */
    @Test
    void shouldRefuseADowngradeThatWouldFailHalfWayOnTheRowsItCannotHandle() throws Exception {
        pg.sql("CREATE TABLE deadline (id SERIAL PRIMARY KEY)", "INSERT INTO deadline DEFAULT VALUES");
        try {
            CliRun plan = plan("--output", "json");
            assertEquals(ExitCodes.IMPOSSIBLE, plan.exit(), plan.err());
            assertEquals("refuse", plan.json().get("action").asText());
            assertTrue(plan.json().get("reason").asText().startsWith("downgrade from 3.1.1 to 3.0.6 cannot handle the 1"
                    + " rows of deadline: Airflow 3.1.1's downgrade of 808787349f22 adds the NOT NULL column"
                    + " deadline.callback without a default"), plan.out());
            Path marker = dir.resolve("ran");
            CliRun run = runLocal(FakeAirflow.script(dir, "touch " + marker));
            assertEquals(ExitCodes.IMPOSSIBLE, run.exit(), run.err());
            assertFalse(Files.exists(marker));
            assertEquals(TestMaps.R310, pg.revision());
            pg.sql("DELETE FROM deadline");
            assertEquals(0, plan().exit());
        } finally {
            pg.sql("DROP TABLE deadline");
        }
    }

    @Test
    void shouldCountInTheSchemaAirflowKeepsItsTablesIn() throws Exception {
        pg.sql("CREATE SCHEMA \"Airflow\"", "CREATE TABLE \"Airflow\".alembic_version (version_num VARCHAR(32))",
                "INSERT INTO \"Airflow\".alembic_version VALUES ('" + TestMaps.R310 + "')",
                "CREATE TABLE \"Airflow\".\"dag_favorite\" (dag_id VARCHAR(250))",
                "INSERT INTO \"Airflow\".dag_favorite VALUES ('x')");
        try {
            CliRun run = plan("--output", "json", "--db-schema", "Airflow");
            assertEquals(0, run.exit(), run.err());
            assertEquals("[{\"table\":\"dag_favorite\",\"rows\":1,\"estimated\":false}]",
                    run.json().get("dataLoss").get("tables").toString());
        } finally {
            pg.sql("DROP SCHEMA \"Airflow\" CASCADE");
        }
    }

    /** PostgreSQL aborts a transaction on a missing table: the tables are still looked for after that. */
    @Test
    void shouldLookForAirflowsTablesAfterMissingAlembicVersionInTheReadOnlyTransaction() throws Exception {
        pg.dropAlembicVersion();
        CliRun withTables = plan("--output", "json");
        assertEquals(ExitCodes.UNKNOWN_REVISION, withTables.exit(), withTables.err());
        assertTrue(withTables.json().get("reason").asText().startsWith("the database holds Airflow tables"
                + " (public.dag_run, public.serialized_dag)"), withTables.out());
        drop();
        CliRun fresh = plan("--output", "json");
        assertEquals(0, fresh.exit(), fresh.err());
        assertEquals("install", fresh.json().get("action").asText());
    }

    /** A running release's airflow whose downgrade moves alembic_version to the target. */
    private Path downgradingAirflow() throws Exception {
        return FakeAirflow.script(dir, FakeAirflow.PSQL + " -q -c"
                + " \"UPDATE alembic_version SET version_num='$4'\"");
    }

    private static long rows(String table) throws Exception {
        try (Connection connection = pg.connect(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private CliRun runLocal(Path airflow, String... extra) {
        List<String> args = new ArrayList<>(List.of("run", "--map", TestMaps.realisticFile(dir).toString(),
                "--target-version", "3.0.6", "--db-url", pg.sqlAlchemyUrl(), "--executor", "local", "--airflow-bin",
                airflow.toString(), "--allow-downgrade", "--db-timeout", "5"));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }
}
