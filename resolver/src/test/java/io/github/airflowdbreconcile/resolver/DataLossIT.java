package io.github.airflowdbreconcile.resolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a downgrade deletes, counted on a real PostgreSQL ({@link DataLossCases}), and what only PostgreSQL has:
 * schemas, a transaction aborted by an error, and the reserializing after a downgrade.
 */
class DataLossIT extends DataLossCases {
    @RegisterExtension
    static final PostgresServer pg = PostgresServer.perClass();

    @Override
    AirflowDatabase db() {
        return pg;
    }

    @Override
    void analyze(String... tables) {
        pg.sql("ANALYZE " + String.join(", ", tables));
    }

    /** An exclusive lock, held until the locker's transaction ends (when it is closed). */
    @Override
    void lockAgainstCounting(Connection locker, String table) throws SQLException {
        locker.setAutoCommit(false);
        try (Statement statement = locker.createStatement()) {
            statement.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
        }
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
}
