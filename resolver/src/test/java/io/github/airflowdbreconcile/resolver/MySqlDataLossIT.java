package io.github.airflowdbreconcile.resolver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a downgrade deletes, counted on a real MariaDB ({@link DataLossCases}): MySQL's dialect, backticks,
 * information_schema's TABLE_ROWS as the estimate, the server's own statement timeout; and the URL's database as the
 * schema.
 */
class MySqlDataLossIT extends DataLossCases {
    @RegisterExtension
    static final MariaDbServer mariadb = MariaDbServer.perClass();

    @Override
    AirflowDatabase db() {
        return mariadb;
    }

    /** Nothing: InnoDB's TABLE_ROWS follows inserts without ANALYZE TABLE, exactly for tables this small. */
    @Override
    void analyze(String... tables) {}

    /** A write lock, held until the locker's session ends (when it is closed). */
    @Override
    void lockAgainstCounting(Connection locker, String table) throws SQLException {
        try (Statement statement = locker.createStatement()) {
            statement.execute("LOCK TABLES " + table + " WRITE");
        }
    }

    /** The URL's database is the schema; this one's name needs quoting (backticks) in every count. */
    @Test
    void shouldCountInTheUrlsDatabaseGivenAsTheSchema() throws Exception {
        String database = MariaDbServer.QUOTED_DATABASE;
        try (Connection connection = mariadb.connect(database); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)");
            statement.execute("INSERT INTO alembic_version VALUES ('" + TestMaps.R310 + "')");
            statement.execute("CREATE TABLE dag_favorite (dag_id VARCHAR(250))");
            statement.execute("INSERT INTO dag_favorite VALUES ('x')");
            statement.execute("CREATE TABLE dag_run (id INT PRIMARY KEY, triggering_user_name VARCHAR(512))");
            statement.execute("INSERT INTO dag_run VALUES (1, 'alice')");
            try {
                CliRun run = planAt(mariadb.sqlAlchemyUrl(database), "--output", "json", "--db-schema", database);
                assertEquals(0, run.exit(), run.err());
                assertEquals("[{\"table\":\"dag_favorite\",\"rows\":1,\"estimated\":false}]",
                        run.json().get("dataLoss").get("tables").toString());
                assertEquals("[{\"table\":\"dag_run\",\"column\":\"triggering_user_name\",\"values\":1}]",
                        run.json().get("dataLoss").get("columns").toString());
            } finally {
                statement.execute("DROP TABLE alembic_version, dag_favorite, dag_run");
            }
        }
    }
}
