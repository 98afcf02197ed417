package io.github.airflowdbreconcile.resolver.internal;

import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.mariadb.jdbc.Configuration;

/**
 * The query options of a MySQL URL, as mysqlclient and PyMySQL read them through SQLAlchemy, turned into MariaDB
 * Connector/J's. TLS options the driver cannot honour as the Python driver would are refused, never dropped: a dropped
 * one would connect with less protection than the user asked for.
 */
final class MySqlOptions {
    /** mysqlclient's ssl_mode values (MySQL's --ssl-mode) and the driver's sslMode for each. */
    private static final Map<String, String> SSL_MODES = Map.of(
            "DISABLED", "disable",
            // The JDBC driver cannot fall back to plain text: PREFERRED is taken as REQUIRED, never weaker.
            "PREFERRED", "trust",
            "REQUIRED", "trust",
            "VERIFY_CA", "verify-ca",
            "VERIFY_IDENTITY", "verify-full");
    /** Options only the Python drivers understand; connect_timeout too, because --db-timeout bounds every attempt. */
    private static final Set<String> PYTHON_ONLY = Set.of("charset", "use_unicode", "binary_prefix", "local_infile",
            "client_flag", "compress", "connect_timeout", "read_timeout", "write_timeout", "init_command",
            "autocommit", "program_name", "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count");
    /** Options that would make the Python driver connect elsewhere or with other credentials. */
    private static final Map<String, String> ELSEWHERE = Map.of(
            "unix_socket", "give a host name or address; the JVM cannot reach a unix socket",
            "read_default_file", "put the host, user and password in the URL; the resolver reads no option file",
            "read_default_group", "put the host, user and password in the URL; the resolver reads no option file");

    private MySqlOptions() {}

    /**
     * The driver's options for these SQLAlchemy (or JDBC) options; USAGE naming the option when one cannot be honoured.
     * {@code url} is the masked URL, for the message.
     */
    static Map<String, String> jdbc(Map<String, String> options, String url) {
        Map<String, String> jdbc = new LinkedHashMap<>();
        String sslMode = null;
        String ca = null;
        boolean checkHostname = true;
        for (Map.Entry<String, String> option : options.entrySet()) {
            String key = option.getKey();
            String value = option.getValue();
            if (ELSEWHERE.containsKey(key)) {
                throw refused(url, "option " + key, ELSEWHERE.get(key));
            }
            switch (key) {
                case "ssl_mode" -> {
                    sslMode = SSL_MODES.get(value.strip().toUpperCase(Locale.ROOT));
                    if (sslMode == null) {
                        throw refused(url, key + "=" + value,
                                "use DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY");
                    }
                }
                case "ssl_ca" -> ca = value;
                case "ssl_check_hostname" -> checkHostname = bool(url, key, value);
                default -> {
                    if (key.equals("ssl") || key.startsWith("ssl_")) {
                        throw refused(url, "option " + key, "the resolver's JDBC driver takes the TLS options ssl_mode,"
                                + " ssl_ca and ssl_check_hostname only: give the server's CA with ssl_ca and ssl_mode="
                                + "VERIFY_CA or VERIFY_IDENTITY (client certificates are not supported)");
                    }
                    if (!PYTHON_ONLY.contains(key)) {
                        // JDBC spellings (from a jdbc: URL, say sslMode or serverSslCert) pass as they are.
                        jdbc.put(key, value);
                    }
                }
            }
        }
        if (ca != null) {
            jdbc.put("serverSslCert", ca);
            // As PyMySQL does: a CA given means the server's certificate is checked, its name too
            // unless ssl_check_hostname=false.
            sslMode = sslMode != null ? sslMode : checkHostname ? "verify-full" : "verify-ca";
        }
        if (sslMode != null) {
            jdbc.put("sslMode", sslMode);
        }
        // caching_sha2_password (MySQL 8's default) without TLS needs the server's RSA key; PyMySQL fetches it too.
        jdbc.putIfAbsent("allowPublicKeyRetrieval", "true");
        return jdbc;
    }

    /**
     * Lets the driver read the JDBC URL now, so that an option it refuses (a JDBC spelling with a bad value) fails as a
     * bad URL before anything connects, not as an unreachable server after --db-timeout.
     */
    static void checkWithDriver(String jdbcUrl, String url) {
        try {
            Configuration.parse(jdbcUrl);
        } catch (SQLException e) {
            throw new ReconcileException(ErrorCode.USAGE, "database URL " + url + " has an option the MySQL driver"
                    + " refuses (" + Database.oneLine(e) + "): correct or remove it");
        }
    }

    /** SQLAlchemy's asbool: true/yes/on/1 and false/no/off/0. */
    private static boolean bool(String url, String key, String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "y", "t", "1" -> true;
            case "false", "no", "off", "n", "f", "0" -> false;
            default -> throw refused(url, key + "=" + value, "use true or false");
        };
    }

    /** {@code what} names the option, with its value only where that cannot be a secret. */
    private static ReconcileException refused(String url, String what, String todo) {
        return new ReconcileException(ErrorCode.USAGE, "database URL " + url + " has " + what + ": " + todo);
    }
}
