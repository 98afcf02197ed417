package io.github.airflowdbreconcile.resolver.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DatabaseUrlTest {
    @ParameterizedTest
    @CsvSource({
            "postgresql://airflow:s3cret@db:5432/airflow, jdbc:postgresql://db:5432/airflow",
            "postgresql+psycopg2://airflow:s3cret@db/airflow, jdbc:postgresql://db/airflow",
            "postgres://airflow:s3cret@db:6432/airflow, jdbc:postgresql://db:6432/airflow",
            "postgresql+psycopg://airflow:s3cret@10.0.0.7:5432/airflow, jdbc:postgresql://10.0.0.7:5432/airflow",
            "mysql://airflow:s3cret@db:3306/airflow, jdbc:mariadb://db:3306/airflow?allowPublicKeyRetrieval=true",
            "mysql+mysqldb://airflow:s3cret@db/airflow, jdbc:mariadb://db/airflow?allowPublicKeyRetrieval=true",
            "mysql+pymysql://airflow:s3cret@db/airflow, jdbc:mariadb://db/airflow?allowPublicKeyRetrieval=true",
            "mariadb+mariadbconnector://airflow:s3cret@db/airflow,"
                    + " jdbc:mariadb://db/airflow?allowPublicKeyRetrieval=true",
            "jdbc:postgresql://db:5432/airflow?user=airflow&password=s3cret, jdbc:postgresql://db:5432/airflow",
            "jdbc:mysql://db:3306/airflow?user=airflow&password=s3cret,"
                    + " jdbc:mariadb://db:3306/airflow?allowPublicKeyRetrieval=true",
    })
    void shouldTurnEveryAcceptedFormIntoJdbcWithoutCredentials(String url, String jdbc) {
        DatabaseUrl parsed = DatabaseUrl.parse(url);
        assertEquals(jdbc, parsed.jdbcUrl());
        assertEquals("airflow", parsed.credentials().getProperty("user"));
        assertEquals("s3cret", parsed.credentials().getProperty("password"));
        assertFalse(parsed.toString().contains("s3cret"), parsed.toString());
    }

    @Test
    void shouldDecodePercentEncodedCredentialsAndKeepThemEncodedForSqlAlchemy() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql+psycopg2://air%40flow:p%40ss%2Fw+rd@db:5432/airflow");
        assertEquals("air@flow", url.user());
        assertEquals("p@ss/w+rd", url.password());
        assertEquals("postgresql+psycopg2://air%40flow:p%40ss%2Fw%2Brd@db:5432/airflow", url.sqlAlchemyUrl());
        assertEquals("postgresql://air%40flow:***@db:5432/airflow", url.toString());
    }

    @Test
    void shouldTakeAnUnencodedAtSignInThePasswordAsCredentials() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://airflow:p@ss@db:5432/airflow");
        assertEquals("p@ss", url.password());
        assertEquals("db", url.host());
    }

    @Test
    void shouldPassQueryOptionsInTheDriversSpelling() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://u:p@db:5432/airflow?sslmode=require&connect_timeout=10"
                + "&application_name=airflow&keepalives=1&target_session_attrs=read-write");
        assertEquals("jdbc:postgresql://db:5432/airflow?sslmode=require&ApplicationName=airflow"
                + "&tcpKeepAlive=true&targetServerType=primary", url.jdbcUrl());
        assertEquals("postgresql://u:p@db:5432/airflow?sslmode=require&connect_timeout=10&application_name=airflow"
                + "&keepalives=1&target_session_attrs=read-write", url.sqlAlchemyUrl());
    }

    @Test
    void shouldPassLibpqsKeepaliveOptionsToPgjdbcAndItsSocketFactory() {
        assertEquals("jdbc:postgresql://db/airflow?tcpKeepAlive=false",
                DatabaseUrl.parse("postgresql://u:p@db/airflow?keepalives=0").jdbcUrl());
        assertEquals("jdbc:postgresql://db/airflow?keepalives_idle=30&keepalives_count=3&socketFactory="
                + KeepAliveSocketFactory.class.getName(),
                DatabaseUrl.parse("postgresql://u:p@db/airflow?keepalives_idle=30&keepalives_count=3").jdbcUrl());
        assertEquals("jdbc:mariadb://db/airflow?allowPublicKeyRetrieval=true",
                DatabaseUrl.parse("mysql://u:p@db/airflow?keepalives_idle=30").jdbcUrl());
    }

    @Test
    void shouldConvertJdbcToSqlAlchemyForAirflow() {
        DatabaseUrl url = DatabaseUrl.parse("jdbc:postgresql://db:5432/airflow?user=u&password=p%26q&sslmode=verify-full");
        assertEquals("postgresql://u:p%26q@db:5432/airflow?sslmode=verify-full", url.sqlAlchemyUrl());
        DatabaseUrl mysql = DatabaseUrl.parse("jdbc:mysql://db/airflow?user=u");
        assertEquals("mysql+mysqldb://u@db/airflow", mysql.sqlAlchemyUrl());
        assertNull(mysql.password());
    }

    @Test
    void shouldHandAirflowTheDbapiDriverItWasGiven() {
        assertEquals("mysql+pymysql://u:p@db/airflow",
                DatabaseUrl.parse("mysql+pymysql://u:p@db/airflow").sqlAlchemyUrl());
        assertEquals("mysql://u:p@db/airflow", DatabaseUrl.parse("mysql://u:p@db/airflow").sqlAlchemyUrl());
        assertEquals("postgresql+psycopg://u:p@db/airflow",
                DatabaseUrl.parse("postgres+psycopg://u:p@db/airflow").sqlAlchemyUrl());
        assertEquals("mysql+mysqldb://u:***@db/airflow",
                DatabaseUrl.parse("mysql+pymysql://u:p@db/airflow").toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ssl_mode=DISABLED | sslMode=disable",
            "ssl_mode=preferred | sslMode=trust",
            "ssl_mode=REQUIRED | sslMode=trust",
            "ssl_mode=VERIFY_CA&ssl_ca=/certs/ca.pem | serverSslCert=%2Fcerts%2Fca.pem&sslMode=verify-ca",
            "ssl_mode=VERIFY_IDENTITY | sslMode=verify-full",
            "ssl_ca=/certs/ca.pem | serverSslCert=%2Fcerts%2Fca.pem&sslMode=verify-full",
            "ssl_ca=/certs/ca.pem&ssl_check_hostname=false | serverSslCert=%2Fcerts%2Fca.pem&sslMode=verify-ca",
            "charset=utf8mb4&connect_timeout=10&binary_prefix=true | allowPublicKeyRetrieval=true",
            "allowPublicKeyRetrieval=false | allowPublicKeyRetrieval=false",
    })
    void shouldTurnAirflowsMysqlTlsOptionsIntoTheDriversNeverWeaker(String query, String jdbcQuery) {
        String expected = "jdbc:mariadb://db/airflow?" + jdbcQuery
                + (jdbcQuery.contains("allowPublicKeyRetrieval") ? "" : "&allowPublicKeyRetrieval=true");
        assertEquals(expected, DatabaseUrl.parse("mysql+mysqldb://u:p@db/airflow?" + query).jdbcUrl());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ssl_mode=SOMETIMES | has ssl_mode=SOMETIMES: use DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_ID",
            "ssl_cert=/c.pem&ssl_key=/k.pem | has option ssl_cert: the resolver's JDBC driver takes the TLS options",
            "ssl_capath=/certs | has option ssl_capath:",
            "ssl_cipher=AES256-SHA | has option ssl_cipher:",
            "ssl_check_hostname=maybe | has ssl_check_hostname=maybe: use true or false",
            "unix_socket=/run/mysqld/mysqld.sock | has option unix_socket: give a host name or address",
            "read_default_file=/etc/my.cnf | has option read_default_file: put the host, user and password in the URL",
    })
    void shouldRefuseMysqlOptionsTheDriverCannotHonourInOneLine(String query, String message) {
        ReconcileException e = assertThrows(ReconcileException.class,
                () -> DatabaseUrl.parse("mysql+mysqldb://u:s3cret@db/airflow?" + query));
        assertEquals(ErrorCode.USAGE, e.code());
        assertTrue(e.getMessage().startsWith("database URL mysql+mysqldb://u:***@db/airflow?"), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void shouldRefuseAJdbcOptionTheMysqlDriverRefusesBeforeConnecting() {
        ReconcileException e = assertThrows(ReconcileException.class,
                () -> DatabaseUrl.parse("jdbc:mysql://db/airflow?user=u&password=s3cret&sslMode=PREFERRED"));
        assertEquals(ErrorCode.USAGE, e.code());
        assertEquals("database URL mysql+mysqldb://u:***@db/airflow?sslMode=PREFERRED has an option the MySQL driver"
                + " refuses (error parsing url: Wrong argument value 'PREFERRED' for SslMode): correct or remove it",
                e.getMessage());
    }

    @Test
    void shouldAcceptAnIpv6Host() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://u:p@[::1]:5432/airflow");
        assertEquals("jdbc:postgresql://[::1]:5432/airflow", url.jdbcUrl());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "not a url", "postgresql://u:s3cret@db:port/airflow",
            "postgresql://u:s3cret@db:99999/airflow", "postgresql://u:s3cret@db:5432",
            "postgresql://u:s3cret@:5432/airflow", "oracle://u:s3cret@db/airflow", "sqlite:////tmp/airflow.db",
            "postgresql://u:s3cret@/airflow?host=/var/run/postgresql"})
    void shouldRejectMalformedUrlsWithoutShowingThePassword(String url) {
        ReconcileException e = assertThrows(ReconcileException.class, () -> DatabaseUrl.parse(url));
        assertEquals(ErrorCode.USAGE, e.code());
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void shouldSayWhatToDoAboutSqlite() {
        ReconcileException e = assertThrows(ReconcileException.class,
                () -> DatabaseUrl.parse("sqlite:////opt/airflow/airflow.db"));
        assertTrue(e.getMessage().contains("SQLite") && e.getMessage().contains("airflow db downgrade"),
                e.getMessage());
    }
}
