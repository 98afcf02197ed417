package io.github.airflowdbreconcile.resolver;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** A throw-away server's Airflow database as the tests set it up and read it, whatever the server (PostgreSQL, MariaDB). */
interface AirflowDatabase {
    /** A connection as the airflow user to its database. */
    Connection connect() throws SQLException;

    /** The URL Airflow and the chart's secret give for that database. */
    String sqlAlchemyUrl();

    /** A shell command that runs {@code sql} as the airflow user, for a fake airflow that stands in for the real one. */
    String clientCommand(String sql);

    /** Runs statements as the airflow user in its database. */
    default void sql(String... statements) {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sets alembic_version to exactly these rows, creating the table as alembic does. */
    default void alembicVersion(String... rows) {
        List<String> statements = new ArrayList<>(List.of("DROP TABLE IF EXISTS alembic_version",
                "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL,"
                        + " CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"));
        for (String row : rows) {
            statements.add("INSERT INTO alembic_version VALUES ('" + row.replace("'", "''") + "')");
        }
        sql(statements.toArray(String[]::new));
    }

    /** The one row of alembic_version in the connection's default schema, or null without one. */
    default String revision() throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT version_num FROM alembic_version")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    default void dropAlembicVersion() {
        sql("DROP TABLE IF EXISTS alembic_version");
    }
}
