package io.github.airflowdbreconcile.resolver.internal;

import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/**
 * A session-level database lock that keeps two reconciles apart. It needs no Kubernetes permission, and the server
 * drops it when the session ends, so a killed job cannot leave it behind.
 */
public final class AdvisoryLock implements AutoCloseable {
    /** "adbrecon" in ASCII: a key no Airflow lock uses. */
    static final long POSTGRES_KEY = 0x6164627265636f6eL;
    /**
     * MySQL's named locks are the whole server's, PostgreSQL's advisory locks one database's: the name carries the
     * database, so that Airflow deployments sharing a server do not wait for each other. MySQL refuses names longer
     * than 64 characters; two databases whose names share their first 43 only wait for each other.
     */
    private static final String MYSQL_NAME = "CONCAT('airflow-db-reconcile:', LEFT(DATABASE(), 43))";
    private static final int VALIDITY_SECONDS = 5;

    private final Connection connection;
    private final DatabaseUrl.Kind kind;

    private AdvisoryLock(Connection connection, DatabaseUrl.Kind kind) {
        this.connection = connection;
        this.kind = kind;
    }

    /** Takes the lock on {@code connection}, waiting with backoff; TIMEOUT when another holder keeps it. */
    public static AdvisoryLock acquire(Connection connection, DatabaseUrl.Kind kind, Duration timeout, Log log) {
        Backoff backoff = Backoff.within(timeout);
        try {
            do {
                if (tryLock(connection, kind)) {
                    return new AdvisoryLock(connection, kind);
                }
                log.info("another airflow-db-reconcile holds the lock; waiting");
            } while (backoff.pause());
        } catch (SQLException e) {
            throw new ReconcileException(ErrorCode.DATABASE, "taking the reconcile lock failed: "
                    + Database.oneLine(e), e);
        }
        throw new ReconcileException(ErrorCode.TIMEOUT, "another airflow-db-reconcile kept the lock for "
                + timeout.toSeconds() + " s: let it finish, or raise --db-timeout");
    }

    private static boolean tryLock(Connection connection, DatabaseUrl.Kind kind) throws SQLException {
        try (PreparedStatement statement = statement(connection, kind,
                "SELECT CASE WHEN pg_try_advisory_lock(?) THEN 1 ELSE 0 END", "SELECT GET_LOCK(" + MYSQL_NAME + ", 0)");
             ResultSet rs = statement.executeQuery()) {
            return rs.next() && rs.getInt(1) == 1;
        }
    }

    /** Whether the session that took the lock still answers: the server drops the lock with a session that ended. */
    public boolean held() {
        try {
            return connection.isValid(VALIDITY_SECONDS);
        } catch (SQLException e) {
            return false;
        }
    }

    /** Releases the lock; closing the session would too, so a failure here is not worth reporting twice. */
    @Override
    public void close() {
        try (PreparedStatement statement = statement(connection, kind, "SELECT pg_advisory_unlock(?)",
                "SELECT RELEASE_LOCK(" + MYSQL_NAME + ")")) {
            statement.execute();
        } catch (SQLException e) {
            // The session ends right after; the server drops the lock with it.
        }
    }

    /** The PostgreSQL statement bound to this lock's key, or the MySQL one (its name is in the SQL). */
    private static PreparedStatement statement(Connection connection, DatabaseUrl.Kind kind, String postgres,
                                               String mysql) throws SQLException {
        if (kind == DatabaseUrl.Kind.POSTGRESQL) {
            PreparedStatement statement = connection.prepareStatement(postgres);
            statement.setLong(1, POSTGRES_KEY);
            return statement;
        }
        return connection.prepareStatement(mysql);
    }
}
