package io.github.airflowdbreconcile.resolver.internal;

import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import io.github.airflowdbreconcile.resolver.api.CurrentState;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** The metadata database: waits for it with bounded backoff, then reads {@code alembic_version}. */
public final class Database {
    private static final int MAX_CONNECT_SECONDS = 10;
    /**
     * Tables every Airflow release from 2.0 on has, with names no other application is likely to use: one of them
     * without a revision means the database is not fresh.
     */
    private static final List<String> AIRFLOW_TABLES =
            List.of("dag", "dag_run", "serialized_dag", "slot_pool", "task_instance");

    private final DatabaseUrl url;
    private final String schema;
    private final Duration timeout;
    private final Log log;

    /**
     * {@code schema} is Airflow's {@code [database] sql_alchemy_schema}: where its tables and alembic_version are;
     * null for the connection's search path (MySQL: its database).
     */
    public Database(DatabaseUrl url, String schema, Duration timeout, Log log) {
        if (schema != null && url.kind() == DatabaseUrl.Kind.MYSQL && !schema.equals(url.database())) {
            // MySQL's schema is a database, and Airflow's alembic keeps alembic_version in the URL's, whatever
            // sql_alchemy_schema says: another one would be read where Airflow never writes.
            throw new ReconcileException(ErrorCode.USAGE, "schema " + CurrentState.printable(schema) + " (--db-schema"
                    + " or AIRFLOW__DATABASE__SQL_ALCHEMY_SCHEMA) is not the database of " + url + ": on MySQL a"
                    + " schema is a database, and Airflow keeps alembic_version in the URL's; give none, or name the"
                    + " database in the URL");
        }
        this.url = url;
        this.schema = schema;
        this.timeout = timeout;
        this.log = log;
    }

    /** The same database reached through another URL (one without a pooler): same schema, timeout and log. */
    public Database at(DatabaseUrl other) {
        return new Database(other, schema, timeout, log);
    }

    public DatabaseUrl url() {
        return url;
    }

    public Duration timeout() {
        return timeout;
    }

    /** Airflow's schema as --db-schema gives it, null for the connection's search path (MySQL: its database). */
    String schema() {
        return schema;
    }

    /** What a {@link ReadOnlyWork} reads in one transaction. */
    @FunctionalInterface
    public interface ReadOnlyWork<T> {
        T read(Connection connection) throws SQLException;
    }

    /** Connects (waiting), runs {@code work} in one read-only transaction, disconnects. */
    public <T> T readOnly(ReadOnlyWork<T> work) {
        try (Connection connection = connect()) {
            return readOnly(connection, work);
        } catch (SQLException e) {
            throw new ReconcileException(ErrorCode.DATABASE, "reading " + url + " failed: " + oneLine(e), e);
        }
    }

    /**
     * Runs {@code work} on an open connection in one read-only transaction with one snapshot (repeatable read), so
     * that what alembic_version holds and what a downgrade would delete are read at the same moment; rolls it back
     * and leaves the session as it was (a session lock it holds stays).
     */
    public <T> T readOnly(Connection connection, ReadOnlyWork<T> work) {
        try {
            int isolation = connection.getTransactionIsolation();
            connection.setReadOnly(true);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            connection.setAutoCommit(false);
            try {
                return work.read(connection);
            } finally {
                connection.rollback();
                connection.setAutoCommit(true);
                connection.setReadOnly(false);
                connection.setTransactionIsolation(isolation);
            }
        } catch (SQLException e) {
            throw new ReconcileException(ErrorCode.DATABASE, "reading " + url + " failed: " + oneLine(e), e);
        }
    }

    /** A connection, once the database answers; TIMEOUT when it does not within the timeout. */
    public Connection connect() {
        Driver driver = driver();
        Backoff backoff = Backoff.within(timeout);
        SQLException last;
        int attempt = 0;
        do {
            attempt++;
            Properties properties = url.credentials();
            long seconds = Math.max(1, Math.min(MAX_CONNECT_SECONDS, backoff.remaining().toSeconds()));
            if (url.kind() == DatabaseUrl.Kind.POSTGRESQL) {
                properties.setProperty("connectTimeout", Long.toString(seconds));
                properties.setProperty("loginTimeout", Long.toString(seconds));
                // On unless the URL says keepalives=0 (or tcpKeepAlive=false), as libpq has it: the lock's session
                // idles for as long as the downgrade runs.
                properties.setProperty("tcpKeepAlive", "true");
                // No server-side named statements (unless the URL asks): through PgBouncer's transaction pooling a
                // server connection outlives its client, and once plans read in a transaction, pgjdbc's named
                // statements (S_1, ...) made a later client fail with "prepared statement S_1 already exists".
                properties.setProperty("prepareThreshold", "0");
            } else {
                properties.setProperty("connectTimeout", Long.toString(seconds * 1000));
            }
            try {
                Connection connection = driver.connect(url.jdbcUrl(), properties);
                if (connection == null) {
                    // The JDBC URL carries the query options unmasked (sslpassword among them): name the masked URL.
                    throw new ReconcileException(ErrorCode.INTERNAL, "the JDBC driver refused " + url);
                }
                return connection;
            } catch (SQLException e) {
                last = e;
                if (!worthRetrying(e)) {
                    throw new ReconcileException(ErrorCode.DATABASE, "cannot connect to " + url + ": "
                            + oneLine(e) + ": check the user, password and database name", e);
                }
                log.debug("database " + url + " not reachable yet (attempt " + attempt + "): " + oneLine(e));
            }
        } while (backoff.pause());
        throw new ReconcileException(ErrorCode.TIMEOUT, "database " + url + " not reachable within "
                + timeout.toSeconds() + " s (" + oneLine(last) + "): check that it runs and the URL's host and port,"
                + " or raise --db-timeout", last);
    }

    /** The current state: connects (waiting), reads, disconnects. */
    public CurrentState readState() {
        try (Connection connection = connect()) {
            return readState(connection);
        } catch (SQLException e) {
            throw new ReconcileException(ErrorCode.DATABASE, "reading " + url + " failed: " + oneLine(e), e);
        }
    }

    /**
     * The rows of {@code alembic_version} through an open connection. No table or no row reads as fresh, unless
     * Airflow's tables are there: then the state says which.
     */
    public CurrentState readState(Connection connection) {
        String source = schema == null ? url.toString() : url + " (schema " + schema + ")";
        try {
            List<String> rows = alembicRows(connection);
            if (!rows.isEmpty()) {
                return new CurrentState(rows, source);
            }
            List<String> tables = airflowTables(connection);
            return tables.isEmpty() ? CurrentState.fresh(source) : CurrentState.withoutRevision(tables, source);
        } catch (SQLException e) {
            throw new ReconcileException(ErrorCode.DATABASE, "reading alembic_version from " + source + " failed: "
                    + oneLine(e), e);
        }
    }

    /** The version_num values; none when the table is missing. */
    private List<String> alembicRows(Connection connection) throws SQLException {
        String table = schema == null ? "alembic_version" : quoted(connection, schema) + ".alembic_version";
        // In a transaction (a read-only plan), PostgreSQL aborts it on the missing table: the savepoint keeps it.
        Savepoint savepoint = connection.getAutoCommit() ? null : connection.setSavepoint();
        try {
            List<String> rows = column(connection, "SELECT version_num FROM " + table + " ORDER BY 1").stream()
                    .map(value -> value == null ? "" : value.strip())
                    .toList();
            if (savepoint != null) {
                connection.releaseSavepoint(savepoint);
            }
            return rows;
        } catch (SQLException e) {
            if (isMissingTable(e)) {
                if (savepoint != null) {
                    connection.rollback(savepoint);
                }
                return List.of();
            }
            throw e;
        }
    }

    /**
     * Airflow's tables in the schema, or on the search path (MySQL: in the connection's database), schema-qualified.
     * A --db-schema that does not exist is refused: Airflow could neither have migrated nor install into it.
     */
    private List<String> airflowTables(Connection connection) throws SQLException {
        String names = String.join(", ", AIRFLOW_TABLES.stream().map(name -> "'" + name + "'").toList());
        String query = "SELECT CONCAT(table_schema, '.', table_name) FROM information_schema.tables"
                + " WHERE table_name IN (" + names + ") AND ";
        if (schema == null) {
            return column(connection, query + (url.kind() == DatabaseUrl.Kind.POSTGRESQL
                    ? "table_schema = ANY (current_schemas(false))" : "table_schema = DATABASE()") + " ORDER BY 1");
        }
        if (column(connection, "SELECT schema_name FROM information_schema.schemata WHERE schema_name = ?", schema)
                .isEmpty()) {
            throw new ReconcileException(ErrorCode.USAGE, "schema " + CurrentState.printable(schema) + " (--db-schema"
                    + " or AIRFLOW__DATABASE__SQL_ALCHEMY_SCHEMA) does not exist in " + url + ": give the schema"
                    + " Airflow's [database] sql_alchemy_schema names, or none for the default");
        }
        return column(connection, query + "table_schema = ? ORDER BY 1", schema);
    }

    /** The first column of a query's rows. */
    private List<String> column(Connection connection, String sql, String... parameters) throws SQLException {
        try (PreparedStatement statement = prepareBounded(connection, sql, timeout)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            List<String> values = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
            return values;
        }
    }

    /**
     * A SELECT the server itself stops after {@code limit}: PostgreSQL cancels it, MariaDB applies max_statement_time
     * (the driver's SET STATEMENT ... FOR), both in whole seconds rounded up; MySQL 8 its MAX_EXECUTION_TIME hint, in
     * milliseconds. Not the driver's query timeout on MySQL: there it is a timer that opens a second connection to send
     * KILL QUERY, which a server at max_connections refuses, and the statement would run unbounded.
     */
    PreparedStatement prepareBounded(Connection connection, String select, Duration limit) throws SQLException {
        if (oracleMySql(connection)) {
            return connection.prepareStatement(select.replaceFirst("^SELECT ", "SELECT /*+ MAX_EXECUTION_TIME("
                    + Math.max(1, Math.min(Integer.MAX_VALUE, limit.toMillis())) + ") */ "));
        }
        PreparedStatement statement = connection.prepareStatement(select);
        long seconds = limit.toSeconds() + (limit.toNanosPart() == 0 ? 0 : 1);
        statement.setQueryTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, seconds)));
        return statement;
    }

    /** Oracle's MySQL, not MariaDB (which the same driver reaches) nor PostgreSQL. */
    boolean oracleMySql(Connection connection) throws SQLException {
        return url.kind() == DatabaseUrl.Kind.MYSQL
                && !connection.getMetaData().getDatabaseProductVersion().contains("MariaDB");
    }

    /** An identifier as written, case and all, the way SQLAlchemy names a schema it had to quote. */
    static String quoted(Connection connection, String identifier) throws SQLException {
        String quote = connection.getMetaData().getIdentifierQuoteString().strip();
        return quote + identifier.replace(quote, quote + quote) + quote;
    }

    private Driver driver() {
        return url.kind() == DatabaseUrl.Kind.POSTGRESQL ? new org.postgresql.Driver() : new org.mariadb.jdbc.Driver();
    }

    /** Worth another try: the server is down, starting, overloaded, or the database is not created yet. */
    private static boolean worthRetrying(SQLException e) {
        String state = e.getSQLState();
        return state == null || state.startsWith("08") || state.startsWith("53") || state.equals("57P03")
                || state.equals("3D000");
    }

    private static boolean isMissingTable(SQLException e) {
        String state = e.getSQLState();
        return "42P01".equals(state) || "42S02".equals(state) || e.getErrorCode() == 1146;
    }

    /** The first line of a library's message, for errors that must stay one line. */
    public static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.lines().findFirst().orElse("").strip();
    }
}
