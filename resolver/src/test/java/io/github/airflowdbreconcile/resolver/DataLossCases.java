package io.github.airflowdbreconcile.resolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a downgrade deletes, counted on a real server; each server's IT runs these cases on the same data, in SQL both
 * dialects take. The test map's 3.1.1 -> 3.0.6 drops dag_favorite (3 rows here), hitl_detail (2 rows) and
 * mysql_only_stats (absent here), and dag_run.triggering_user_name (2 values of 3).
 */
abstract class DataLossCases {
    @TempDir
    Path dir;

    /** The server under test, which the subclass registers. */
    abstract AirflowDatabase db();

    /** Brings the server's row estimates of these tables up to date, as its autovacuum or statistics would. */
    abstract void analyze(String... tables);

    /** Takes, in {@code locker}'s session, a lock on {@code table} that keeps another session's count waiting. */
    abstract void lockAgainstCounting(Connection locker, String table) throws SQLException;

    @BeforeEach
    void seed() {
        db().alembicVersion(TestMaps.R310);
        db().sql("CREATE TABLE dag_favorite (dag_id VARCHAR(250), user_id VARCHAR(250))",
                "INSERT INTO dag_favorite VALUES ('d1', 'u'), ('d2', 'u'), ('d3', 'u')",
                "CREATE TABLE hitl_detail (ti_id INT, chosen_options TEXT)",
                "INSERT INTO hitl_detail VALUES (1, 'a'), (2, NULL)",
                "CREATE TABLE dag_run (id INT PRIMARY KEY, triggering_user_name VARCHAR(512))",
                "INSERT INTO dag_run VALUES (1, 'alice'), (2, NULL), (3, 'bob')",
                "CREATE TABLE serialized_dag (dag_id VARCHAR(250), data TEXT)",
                "INSERT INTO serialized_dag VALUES ('d1', '{}')");
    }

    @AfterEach
    void drop() {
        db().sql("DROP TABLE IF EXISTS dag_favorite, hitl_detail, dag_run, serialized_dag");
    }

    CliRun plan(String... extra) {
        return planAt(db().sqlAlchemyUrl(), extra);
    }

    CliRun planAt(String url, String... extra) {
        List<String> args = new ArrayList<>(List.of("plan", "--map", TestMaps.realisticFile(dir).toString(),
                "--target-version", "3.0.6", "--db-url", url));
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
        db().alembicVersion(TestMaps.R306);
        CliRun run = plan("--output", "json");
        assertEquals(0, run.exit(), run.err());
        assertEquals("none", run.json().get("action").asText());
        assertTrue(run.json().get("dataLoss").isNull(), run.out());
    }

    @Test
    void shouldTakeTheServersEstimatesWithoutACountingBudget() throws Exception {
        analyze("dag_favorite", "hitl_detail");
        CliRun run = plan("--output", "json", "--count-budget", "0");
        assertEquals(0, run.exit(), run.err());
        JsonNode loss = run.json().get("dataLoss");
        assertEquals("[{\"table\":\"dag_favorite\",\"rows\":3,\"estimated\":true},"
                + "{\"table\":\"hitl_detail\",\"rows\":2,\"estimated\":true}]", loss.get("tables").toString());
        assertTrue(loss.get("columns").get(0).get("values").isNull(), run.out());
        assertTrue(run.err().contains("counting took longer than the 0 s budget (--count-budget)"), run.err());
    }

    /** The count on dag_favorite waits for another session's lock until the budget's timeout stops it. */
    @Test
    void shouldEstimateATableWhoseCountRunsPastTheBudget() throws Exception {
        analyze("dag_favorite", "hitl_detail");
        try (Connection locker = db().connect()) {
            lockAgainstCounting(locker, "dag_favorite");
            CliRun run = plan("--output", "json", "--count-budget", "1");
            assertEquals(0, run.exit(), run.err());
            assertEquals("[{\"table\":\"dag_favorite\",\"rows\":3,\"estimated\":true},"
                    + "{\"table\":\"hitl_detail\",\"rows\":2,\"estimated\":true}]",
                    run.json().get("dataLoss").get("tables").toString());
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
        assertEquals(TestMaps.R310, db().revision());
        assertEquals(3, rows("dag_favorite"));
    }

    @Test
    void shouldDowngradeWithinTheRowLimit() throws Exception {
        CliRun run = runLocal(downgradingAirflow(), "--max-rows-lost", "5");
        assertEquals(0, run.exit(), run.err());
        assertEquals(TestMaps.R306, db().revision());
    }

    /** A running release's airflow whose downgrade moves alembic_version to the target. */
    Path downgradingAirflow() throws Exception {
        return FakeAirflow.script(dir, db().clientCommand("UPDATE alembic_version SET version_num='$4'"));
    }

    private long rows(String table) throws Exception {
        try (Connection connection = db().connect(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    CliRun runLocal(Path airflow, String... extra) {
        List<String> args = new ArrayList<>(List.of("run", "--map", TestMaps.realisticFile(dir).toString(),
                "--target-version", "3.0.6", "--db-url", db().sqlAlchemyUrl(), "--executor", "local", "--airflow-bin",
                airflow.toString(), "--allow-downgrade", "--db-timeout", "5"));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }
}
