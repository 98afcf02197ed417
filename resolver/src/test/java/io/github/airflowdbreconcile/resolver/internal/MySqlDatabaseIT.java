package io.github.airflowdbreconcile.resolver.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import io.github.airflowdbreconcile.resolver.MariaDbServer;
import io.github.airflowdbreconcile.resolver.PostgresServer;
import io.github.airflowdbreconcile.resolver.api.CurrentState;
import java.io.PrintWriter;
import java.io.Writer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The bundled MySQL driver against a real MariaDB: reading alembic_version, the reconcile lock, failures. */
class MySqlDatabaseIT {
    @RegisterExtension
    static final MariaDbServer mariadb = MariaDbServer.perClass();
    private final Log log = new Log(new PrintWriter(Writer.nullWriter()), false);

    private Database database(String url, Duration timeout) {
        return new Database(DatabaseUrl.parse(url), null, timeout, log);
    }

    private CurrentState read() {
        return database(mariadb.sqlAlchemyUrl(), Duration.ofSeconds(10)).readState();
    }

    @Test
    void shouldReadAFreshDatabaseWithoutTheTableAndWithAnEmptyOne() {
        mariadb.dropAlembicVersion();
        assertTrue(read().isFresh());
        mariadb.alembicVersion();
        assertTrue(read().isFresh());
    }

    @Test
    void shouldReadTheOneRowAndEveryRowOfABranchedDatabase() {
        mariadb.alembicVersion("29ce7909c52b");
        assertEquals("29ce7909c52b", read().revision());
        mariadb.alembicVersion("b", "a");
        CurrentState state = read();
        assertTrue(state.hasSeveralHeads());
        assertEquals(List.of("a", "b"), state.revisions());
    }

    /** A plan reads in a transaction the server itself keeps read-only: a write there fails and changes nothing. */
    @Test
    void shouldRefuseAWriteInTheReadOnlyTransaction() throws Exception {
        mariadb.alembicVersion("29ce7909c52b");
        Database database = database(mariadb.sqlAlchemyUrl(), Duration.ofSeconds(10));
        ReconcileException e = assertThrows(ReconcileException.class, () -> database.readOnly(connection -> {
            try (Statement statement = connection.createStatement()) {
                return statement.executeUpdate("UPDATE alembic_version SET version_num = 'written'");
            }
        }));
        assertEquals(ErrorCode.DATABASE, e.code());
        assertTrue(e.getMessage().contains("READ ONLY transaction"), e.getMessage());
        assertEquals("29ce7909c52b", read().revision());
    }

    @Test
    void shouldTimeOutOnAnUnreachableServerAndMaskItsPassword() {
        Database unreachable = database("mysql://airflow:s3cret@127.0.0.1:" + PostgresServer.freePort() + "/airflow",
                Duration.ofSeconds(2));
        ReconcileException e = assertThrows(ReconcileException.class, unreachable::readState);
        assertEquals(ErrorCode.TIMEOUT, e.code());
        assertTrue(e.getMessage().contains("within 2 s"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
    }

    @Test
    void shouldFailAtOnceOnAWrongPassword() {
        Database wrong = database("mysql://airflow:wrong@127.0.0.1:" + mariadb.port() + "/airflow",
                Duration.ofSeconds(60));
        ReconcileException e = assertThrows(ReconcileException.class, wrong::readState);
        assertEquals(ErrorCode.DATABASE, e.code());
        assertTrue(e.getMessage().contains("Access denied") && e.getMessage().contains("password"), e.getMessage());
        assertFalse(e.getMessage().contains("wrong@"), e.getMessage());
    }

    @Test
    void shouldKeepASecondReconcileOutWhileGetLockIsHeld() throws Exception {
        Database db = database(mariadb.sqlAlchemyUrl(), Duration.ofSeconds(1));
        try (Connection first = db.connect();
             AdvisoryLock held = AdvisoryLock.acquire(first, DatabaseUrl.Kind.MYSQL, Duration.ofSeconds(1), log);
             Connection second = db.connect()) {
            assertEquals(1, isUsedByAnotherSession(second), "the lock is GET_LOCK's, visible to other sessions");
            ReconcileException e = assertThrows(ReconcileException.class,
                    () -> AdvisoryLock.acquire(second, DatabaseUrl.Kind.MYSQL, Duration.ofSeconds(1), log));
            assertEquals(ErrorCode.TIMEOUT, e.code());
        }
        try (Connection again = db.connect();
             AdvisoryLock lock = AdvisoryLock.acquire(again, DatabaseUrl.Kind.MYSQL, Duration.ofSeconds(1), log)) {
            assertTrue(again.isValid(1));
        }
    }

    @Test
    void shouldNotWaitForTheReconcileOfAnotherDatabaseOnTheSameServer() throws Exception {
        Database airflow = database(mariadb.sqlAlchemyUrl(), Duration.ofSeconds(1));
        Database other = database("mysql://airflow:s3cret@127.0.0.1:" + mariadb.port() + "/"
                + MariaDbServer.OTHER_DATABASE, Duration.ofSeconds(1));
        try (Connection first = other.connect();
             AdvisoryLock held = AdvisoryLock.acquire(first, DatabaseUrl.Kind.MYSQL, Duration.ofSeconds(1), log);
             Connection second = airflow.connect();
             AdvisoryLock mine = AdvisoryLock.acquire(second, DatabaseUrl.Kind.MYSQL, Duration.ofSeconds(1), log)) {
            assertTrue(mine.held());
        }
    }

    /** 1 when another session holds the reconcile lock of the airflow database, by the name the README gives. */
    private static int isUsedByAnotherSession(Connection connection) throws Exception {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT IS_USED_LOCK('airflow-db-reconcile:airflow') IS NOT NULL"
                     + " AND IS_USED_LOCK('airflow-db-reconcile:airflow') <> CONNECTION_ID()")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
