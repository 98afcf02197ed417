package io.github.airflowdbreconcile.resolver.internal;

import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import io.github.airflowdbreconcile.map.api.TableColumn;
import io.github.airflowdbreconcile.resolver.api.DataLoss;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Counts what a {@link DataLossScope} deletes, in the caller's read-only transaction, in plain SQL with identifiers
 * quoted as the server quotes them (PostgreSQL, MySQL, MariaDB). Counting stops when the time budget is spent: the
 * tables left get the planner's estimate (PostgreSQL's reltuples, MySQL's information_schema TABLE_ROWS), marked as
 * such, and the columns left stay uncounted.
 */
public final class DataLossCounter {
    private final Database database;
    private final Duration budget;
    private final Log log;

    public DataLossCounter(Database database, Duration budget, Log log) {
        this.database = database;
        this.budget = budget;
        this.log = log;
    }

    public DataLoss count(Connection connection, DataLossScope scope) throws SQLException {
        boolean oracleMySql = database.oracleMySql(connection);
        if (oracleMySql) {
            // MySQL 8 serves TABLE_ROWS from a cache up to a day old (0 all day for a table first looked at while
            // empty): the estimates must be the storage engine's now. MariaDB has no such cache (nor the variable).
            execute(connection, "SET SESSION information_schema_stats_expiry = 0");
        }
        try {
            return count(connection, scope, new Budget(budget));
        } finally {
            if (oracleMySql) {
                execute(connection, "SET SESSION information_schema_stats_expiry = DEFAULT");
            }
        }
    }

    private DataLoss count(Connection connection, DataLossScope scope, Budget clock) throws SQLException {
        Map<String, String> schemaOf = tablesFound(connection);
        List<String> absent = new ArrayList<>();
        List<DataLoss.TableRows> tables = new ArrayList<>();
        for (String table : scope.tables()) {
            if (schemaOf.containsKey(table)) {
                tables.add(rows(connection, schemaOf.get(table), table, clock));
            } else {
                absent.add(table);
            }
        }
        List<DataLoss.ColumnValues> columns = new ArrayList<>();
        Map<String, Set<String>> columnsOf = new HashMap<>();
        for (TableColumn column : scope.columns()) {
            String schema = schemaOf.get(column.table());
            if (schema != null && columnsOf.computeIfAbsent(column.table(), t -> columnNames(connection, schema, t))
                    .contains(column.column())) {
                columns.add(new DataLoss.ColumnValues(column.table(), column.column(),
                        clock.count(connection, "SELECT COUNT(" + Database.quoted(connection, column.column()) + ")"
                                + " FROM " + qualified(connection, schema, column.table()))));
            } else {
                absent.add(column.table() + "." + column.column());
            }
        }
        List<DataLoss.TableNote> unreadable = notes(connection, scope.kept(), schemaOf, clock);
        List<DataLoss.TableNote> blocking = notes(connection, scope.blocking(), schemaOf, clock);
        if (clock.spent) {
            log.info("counting took longer than the " + budget.toSeconds() + " s budget (--count-budget):"
                    + " the tables left are the planner's estimates, the columns left are not counted");
        }
        return new DataLoss(tables, columns, absent, scope.notAnalysed(), unreadable, blocking, true);
    }

    /** The facts' tables that exist, with their rows. */
    private List<DataLoss.TableNote> notes(Connection connection, List<KeptData.Fact> facts,
                                           Map<String, String> schemaOf, Budget clock) throws SQLException {
        List<DataLoss.TableNote> notes = new ArrayList<>();
        for (KeptData.Fact fact : facts) {
            if (schemaOf.containsKey(fact.table())) {
                DataLoss.TableRows rows = rows(connection, schemaOf.get(fact.table()), fact.table(), clock);
                notes.add(new DataLoss.TableNote(fact.table(), rows.rows(), rows.estimated(), fact.why(),
                        fact.remedy()));
            }
        }
        return notes;
    }

    private DataLoss.TableRows rows(Connection connection, String schema, String table, Budget clock)
            throws SQLException {
        Long counted = clock.count(connection, "SELECT COUNT(*) FROM " + qualified(connection, schema, table));
        return counted != null ? new DataLoss.TableRows(table, counted, false)
                : new DataLoss.TableRows(table, estimate(connection, schema, table), true);
    }

    /** The planner's row count: no table scan, as fresh as the last ANALYZE (or autovacuum). */
    private long estimate(Connection connection, String schema, String table) throws SQLException {
        String sql = postgres() ? "SELECT CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint END, s.n_live_tup"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid WHERE n.nspname = ? AND c.relname = ?"
                : "SELECT TABLE_ROWS, NULL FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, schema);
            statement.setString(2, table);
            try (ResultSet rs = statement.executeQuery()) {
                if (!rs.next()) {
                    return 0;
                }
                // A PostgreSQL table never analysed has reltuples -1: the statistics collector's live rows stand in.
                long analysed = rs.getLong(1);
                return rs.wasNull() ? rs.getLong(2) : analysed;
            }
        }
    }

    /** Every table of Airflow's schema (or the search path's first with that name), with its schema. */
    private Map<String, String> tablesFound(Connection connection) throws SQLException {
        String sql = "SELECT table_name, table_schema FROM information_schema.tables WHERE ";
        String schema = database.schema();
        List<String[]> rows;
        if (schema != null) {
            rows = query(connection, sql + "table_schema = ?", schema);
        } else if (postgres()) {
            rows = query(connection, sql + "table_schema = ANY (current_schemas(false))"
                    + " ORDER BY array_position(current_schemas(false), table_schema::name)");
        } else {
            rows = query(connection, sql + "table_schema = DATABASE()");
        }
        Map<String, String> found = new LinkedHashMap<>();
        rows.forEach(row -> found.putIfAbsent(row[0], row[1]));
        return found;
    }

    private Set<String> columnNames(Connection connection, String schema, String table) {
        try {
            Set<String> names = new HashSet<>();
            query(connection, "SELECT column_name, table_name FROM information_schema.columns WHERE table_schema = ?"
                    + " AND table_name = ?", schema, table).forEach(row -> names.add(row[0]));
            return names;
        } catch (SQLException e) {
            throw new ReconcileException(ErrorCode.DATABASE, "reading the columns of " + table + " in "
                    + database.url() + " failed: " + Database.oneLine(e), e);
        }
    }

    private static List<String[]> query(Connection connection, String sql, String... parameters)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            List<String[]> rows = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    rows.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
            return rows;
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static String qualified(Connection connection, String schema, String table) throws SQLException {
        return Database.quoted(connection, schema) + "." + Database.quoted(connection, table);
    }

    private boolean postgres() {
        return database.url().kind() == DatabaseUrl.Kind.POSTGRESQL;
    }

    /** The time left for counting; once a count runs past it, nothing more is counted. */
    private final class Budget {
        private final long deadline;
        private boolean spent;

        Budget(Duration budget) {
            deadline = System.nanoTime() + budget.toNanos();
        }

        /** The count, or null when the budget is spent or ran out while counting. */
        Long count(Connection connection, String sql) throws SQLException {
            long left = deadline - System.nanoTime();
            if (spent || left <= 0) {
                spent = true;
                return null;
            }
            // A timed-out statement aborts a PostgreSQL transaction: the savepoint keeps it usable for the estimates.
            Savepoint savepoint = connection.setSavepoint();
            try (PreparedStatement statement = database.prepareBounded(connection, sql, Duration.ofNanos(left))) {
                long count;
                try (ResultSet rs = statement.executeQuery()) {
                    rs.next();
                    count = rs.getLong(1);
                }
                connection.releaseSavepoint(savepoint);
                return count;
            } catch (SQLException e) {
                if (!timedOut(e)) {
                    throw e;
                }
                connection.rollback(savepoint);
                spent = true;
                return null;
            }
        }

        /**
         * PostgreSQL's query_canceled; MySQL's max_execution_time (3024), MariaDB's max_statement_time (1969), and
         * either's interrupted statement (1317).
         */
        private static boolean timedOut(SQLException e) {
            return e instanceof SQLTimeoutException || "57014".equals(e.getSQLState()) || e.getErrorCode() == 1317
                    || e.getErrorCode() == 3024 || e.getErrorCode() == 1969;
        }
    }
}
