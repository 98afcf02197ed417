package io.github.airflowdbreconcile.resolver.internal;

import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;

/**
 * Makes sure the reconcile lock is taken in a server session of its own, on the metadata database itself.
 *
 * <p>PostgreSQL tells a client its backend's PID in the protocol (BackendKeyData), the number {@code pg_backend_pid()}
 * returns. A pooler such as PgBouncer answers the protocol itself with a cancel key of its own, so through it the two
 * differ: measured with PgBouncer 1.18 in transaction and in session mode. The pool mode cannot be asked through a
 * pooled connection ({@code SHOW pool_mode} belongs to PgBouncer's admin console), so any pooler is refused. In
 * transaction mode, the official chart's, a session lock stays on whichever server connection took it, and the next
 * transaction, or another client, gets another one (or that one, and the same lock again).
 */
public final class DirectSession {
    private DirectSession() {}

    /**
     * Checks {@code session}, the database the lock will be taken on: USAGE when it goes through a pooler, or when it
     * is not the database {@code metadata} reaches (a direct URL given for a pooled one must be the same database).
     */
    public static void check(Database session, Database metadata) {
        try (Connection connection = session.connect()) {
            refusePooler(connection, session.url());
            if (session != metadata) {
                String direct = identity(connection, session.url());
                String pooled;
                try (Connection other = metadata.connect()) {
                    pooled = identity(other, metadata.url());
                }
                if (!direct.equals(pooled)) {
                    throw new ReconcileException(ErrorCode.USAGE, "--direct-db-url-env's " + session.url()
                            + " reaches " + direct + ", but " + metadata.url() + " reaches " + pooled
                            + ": give a URL of the same database, without the pooler");
                }
            }
        } catch (SQLException e) {
            throw new ReconcileException(ErrorCode.DATABASE, "checking " + session.url() + " for a pooler failed: "
                    + Database.oneLine(e), e);
        }
    }

    private static void refusePooler(Connection connection, DatabaseUrl url) throws SQLException {
        if (url.kind() != DatabaseUrl.Kind.POSTGRESQL) {
            return;
        }
        int given = connection.unwrap(PGConnection.class).getBackendPID();
        int server = Integer.parseInt(query(connection, "SELECT pg_backend_pid()"));
        if (given != server) {
            throw new ReconcileException(ErrorCode.USAGE, "database " + url + " goes through a connection pooler"
                    + " such as PgBouncer (it gave the connection PID " + given + ", the server's is " + server
                    + "), where the reconcile lock is not held: pass --direct-db-url-env with a variable holding a URL"
                    + " of the database itself");
        }
    }

    /** The database and the server instance a connection reaches, through a pooler or not. */
    private static String identity(Connection connection, DatabaseUrl url) throws SQLException {
        return query(connection, url.kind() == DatabaseUrl.Kind.POSTGRESQL
                ? "SELECT 'database ' || current_database() || ' of the server started at '"
                        + " || pg_postmaster_start_time()"
                : "SELECT CONCAT('database ', DATABASE(), ' on ', @@hostname, ':', @@port)");
    }

    private static String query(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
