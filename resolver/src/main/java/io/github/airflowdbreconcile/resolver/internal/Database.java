package io.github.airflowdbreconcile.resolver.internal;

import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import io.github.airflowdbreconcile.resolver.api.CurrentState;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** The metadata database: waits for it with bounded backoff, then reads {@code alembic_version}. */
public final class Database {
    private static final int MAX_CONNECT_SECONDS = 10;
    private static final String[] MYSQL_DRIVERS = {"com.mysql.cj.jdbc.Driver", "org.mariadb.jdbc.Driver"};

    private final DatabaseUrl url;
    private final Duration timeout;
    private final Log log;

    public Database(DatabaseUrl url, Duration timeout, Log log) {
        this.url = url;
        this.timeout = timeout;
        this.log = log;
    }

    public DatabaseUrl url() {
        return url;
    }

    public Duration timeout() {
        return timeout;
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

    /** The rows of {@code alembic_version} through an open connection; no table or no row reads as fresh. */
    public CurrentState readState(Connection connection) {
        List<String> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement()) {
            statement.setQueryTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toSeconds())));
            try (ResultSet rs = statement.executeQuery("SELECT version_num FROM alembic_version ORDER BY 1")) {
                while (rs.next()) {
                    String value = rs.getString(1);
                    rows.add(value == null ? "" : value.strip());
                }
            }
        } catch (SQLException e) {
            if (isMissingTable(e)) {
                return CurrentState.fresh(url.toString());
            }
            throw new ReconcileException(ErrorCode.DATABASE, "reading alembic_version from " + url + " failed: "
                    + oneLine(e), e);
        }
        return new CurrentState(rows, url.toString());
    }

    private Driver driver() {
        if (url.kind() == DatabaseUrl.Kind.POSTGRESQL) {
            return new org.postgresql.Driver();
        }
        for (String name : MYSQL_DRIVERS) {
            try {
                return (Driver) Class.forName(name).getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                // Not on the class path: try the next one.
            }
        }
        throw new ReconcileException(ErrorCode.DATABASE, "MySQL needs a JDBC driver this build does not bundle:"
                + " run java -cp resolver.jar:mysql-connector-j.jar " + "io.github.airflowdbreconcile.resolver"
                + ".ReconcileCli ... (or the MariaDB driver)");
    }

    /** Worth another try: the server is down, starting, overloaded, or the database is not created yet. */
    private static boolean worthRetrying(SQLException e) {
        String state = e.getSQLState();
        return state == null || state.startsWith("08") || state.startsWith("53") || state.equals("57P03")
                || state.equals("3D000") || state.equals("HY000") && e.getMessage() != null
                && e.getMessage().contains("Communications link failure");
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
