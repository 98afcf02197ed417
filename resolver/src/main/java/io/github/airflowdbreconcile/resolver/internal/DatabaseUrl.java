package io.github.airflowdbreconcile.resolver.internal;

import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import io.github.airflowdbreconcile.map.api.Urls;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A metadata-DB connection as Airflow users write it (SQLAlchemy URL) or as Java does (JDBC URL), in both forms.
 * Credentials travel as JDBC properties, never inside the JDBC URL, so nothing printed can carry them.
 *
 * @param kind       which database
 * @param scheme     the SQLAlchemy scheme to hand Airflow: the one given (its DBAPI driver kept), or for a JDBC URL the
 *                   database's default
 * @param host       host name or address (IPv6 in brackets)
 * @param port       the port, or -1 for the default
 * @param database   the database name
 * @param user       the user, or null
 * @param password   the password, or null
 * @param options    query options in SQLAlchemy/libpq spelling, in their order
 */
public record DatabaseUrl(Kind kind, String scheme, String host, int port, String database, String user,
                          String password, Map<String, String> options) {
    /**
     * Supported databases with their JDBC and SQLAlchemy spellings. MySQL goes through MariaDB Connector/J, which
     * takes jdbc:mysql: only with permitMysqlScheme: its own scheme needs no option.
     */
    public enum Kind {
        POSTGRESQL("postgresql", "postgresql", 5432),
        MYSQL("mariadb", "mysql+mysqldb", 3306);

        private final String jdbcScheme;
        private final String sqlAlchemyScheme;
        private final int defaultPort;

        Kind(String jdbcScheme, String sqlAlchemyScheme, int defaultPort) {
            this.jdbcScheme = jdbcScheme;
            this.sqlAlchemyScheme = sqlAlchemyScheme;
            this.defaultPort = defaultPort;
        }

        public int defaultPort() {
            return defaultPort;
        }
    }

    // scheme://[user[:password]@]host[:port][/database][?query]; the password may hold an unencoded '@'.
    private static final Pattern URL = Pattern.compile(
            "(?<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?:(?<userinfo>.*)@)?(?<host>\\[[^\\]]*]|[^:/?#@]*)"
                    + "(?::(?<port>[^/?#]*))?(?:/(?<db>[^?#]*))?(?:\\?(?<query>[^#]*))?(?:#.*)?");
    /** SQLAlchemy option names that pgjdbc spells differently; the others pass under their own name. */
    private static final Map<String, String> PG_JDBC_NAMES = Map.of(
            "application_name", "ApplicationName",
            "target_session_attrs", "targetServerType",
            "keepalives", "tcpKeepAlive");
    /**
     * Options that only steer psycopg or that pgjdbc would misread; connect_timeout too, because --db-timeout bounds
     * every attempt. The keepalive options are the exception: see jdbcOptions. MySQL's: see MySqlOptions.
     */
    private static final Set<String> PYTHON_ONLY = Set.of("client_encoding", "keepalives",
            "keepalives_idle", "keepalives_interval", "keepalives_count", "gssencmode", "connect_timeout");

    public DatabaseUrl {
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    /** Parses a SQLAlchemy or JDBC URL; the message of a bad one carries only the masked URL. */
    public static DatabaseUrl parse(String text) {
        if (text == null || text.isBlank()) {
            throw bad("an empty database URL", "pass a URL such as postgresql://user:password@host:5432/airflow");
        }
        String url = text.strip();
        boolean jdbc = url.regionMatches(true, 0, "jdbc:", 0, 5);
        if (jdbc) {
            url = url.substring(5);
        }
        Matcher m = URL.matcher(url);
        if (!m.matches()) {
            throw bad("database URL " + Urls.mask(text.strip()) + " is malformed",
                    "use scheme://user:password@host:port/database");
        }
        String scheme = m.group("scheme").toLowerCase(Locale.ROOT);
        Kind kind = kindOf(scheme, text.strip());
        Map<String, String> options = parseQuery(m.group("query"));
        String user = null;
        String password = null;
        String userInfo = m.group("userinfo");
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
        }
        if (jdbc) {
            // JDBC carries credentials as query parameters; take them out so they never stay in the URL.
            String queryUser = options.remove("user");
            String queryPassword = options.remove("password");
            user = user != null ? user : queryUser;
            password = password != null ? password : queryPassword;
        }
        String host = m.group("host");
        if (host.isEmpty() || host.startsWith("/")) {
            String socket = options.get("host");
            if (socket != null && socket.startsWith("/")) {
                throw bad("database URL " + Urls.mask(text.strip()) + " uses a unix socket (" + socket + ")",
                        "give a host name or address; the JVM cannot reach a unix socket");
            }
            host = socket != null ? options.remove("host") : host;
        }
        if (host == null || host.isEmpty()) {
            throw bad("database URL " + Urls.mask(text.strip()) + " names no host", "add the host, e.g. @db:5432");
        }
        int port = -1;
        String portText = m.group("port");
        if (portText != null && !portText.isEmpty()) {
            try {
                port = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                port = 0;
            }
            if (port <= 0 || port > 65535) {
                throw bad("database URL " + Urls.mask(text.strip()) + " has port '" + portText + "'",
                        "use a number from 1 to 65535");
            }
        }
        String database = m.group("db") == null ? "" : decode(m.group("db"));
        if (database.isEmpty()) {
            throw bad("database URL " + Urls.mask(text.strip()) + " names no database",
                    "add it after the host, e.g. /airflow");
        }
        DatabaseUrl parsed = new DatabaseUrl(kind, jdbc ? kind.sqlAlchemyScheme : sqlAlchemyScheme(scheme), host, port,
                database, user, password, options);
        // Options the JDBC driver cannot honour are refused now, before anything connects.
        if (kind == Kind.MYSQL) {
            MySqlOptions.checkWithDriver(parsed.jdbcUrl(), parsed.toString());
        }
        return parsed;
    }

    /** The JDBC URL without credentials; options the JDBC driver understands go in its own spelling. */
    public String jdbcUrl() {
        StringBuilder url = new StringBuilder("jdbc:").append(kind.jdbcScheme).append("://").append(host);
        if (port > 0) {
            url.append(':').append(port);
        }
        url.append('/').append(encode(database));
        StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
        jdbcOptions().forEach((k, v) -> query.add(encode(k) + "=" + encode(v)));
        return url.append(query).toString();
    }

    /** The credentials as JDBC properties. */
    public Properties credentials() {
        Properties properties = new Properties();
        if (user != null) {
            properties.setProperty("user", user);
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
        return properties;
    }

    /**
     * The URL in SQLAlchemy form, as {@code AIRFLOW__DATABASE__SQL_ALCHEMY_CONN} wants it (with the password), with
     * the DBAPI driver it was given with: Airflow's image may lack the default one.
     */
    public String sqlAlchemyUrl() {
        return sqlAlchemyUrl(scheme);
    }

    private String sqlAlchemyUrl(String scheme) {
        StringBuilder url = new StringBuilder(scheme).append("://");
        if (user != null) {
            url.append(encode(user));
            if (password != null) {
                url.append(':').append(encode(password));
            }
            url.append('@');
        }
        url.append(host);
        if (port > 0) {
            url.append(':').append(port);
        }
        url.append('/').append(encode(database));
        StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
        options.forEach((k, v) -> query.add(encode(k) + "=" + encode(v)));
        return url.append(query).toString();
    }

    /** Safe to print: the SQLAlchemy form with the password masked, in the database's default spelling. */
    @Override
    public String toString() {
        return Urls.mask(sqlAlchemyUrl(kind.sqlAlchemyScheme));
    }

    private Map<String, String> jdbcOptions() {
        if (kind == Kind.MYSQL) {
            return MySqlOptions.jdbc(options, toString());
        }
        Map<String, String> jdbc = new LinkedHashMap<>();
        options.forEach((k, v) -> {
            // libpq's keepalive options keep the lock's idle session alive: pgjdbc takes them (see below).
            if (!PYTHON_ONLY.contains(k) || k.equals("keepalives") || KeepAliveSocketFactory.OPTIONS.contains(k)) {
                jdbc.put(PG_JDBC_NAMES.getOrDefault(k, k), pgJdbcValue(k, v));
            }
        });
        if (options.keySet().stream().anyMatch(KeepAliveSocketFactory.OPTIONS::contains)) {
            jdbc.putIfAbsent("socketFactory", KeepAliveSocketFactory.class.getName());
        }
        return jdbc;
    }

    private static String pgJdbcValue(String key, String value) {
        if (key.equals("target_session_attrs")) {
            return switch (value) {
                case "read-write" -> "primary";
                case "read-only" -> "secondary";
                default -> "any";
            };
        }
        if (key.equals("keepalives")) {
            return Boolean.toString(!value.strip().equals("0"));
        }
        return value;
    }

    private static Kind kindOf(String scheme, String original) {
        String dialect = scheme.contains("+") ? scheme.substring(0, scheme.indexOf('+')) : scheme;
        return switch (dialect) {
            case "postgresql", "postgres", "pgsql" -> Kind.POSTGRESQL;
            case "mysql", "mariadb" -> Kind.MYSQL;
            case "sqlite" -> throw bad("SQLite (" + Urls.mask(original) + ") is not supported",
                    "a SQLite database belongs to one machine: run `airflow db downgrade` there yourself");
            default -> throw bad("database URL " + Urls.mask(original) + " has scheme '" + scheme + "'",
                    "use postgresql://, postgresql+psycopg2://, mysql://, mysql+mysqldb://, mysql+pymysql:// or a"
                            + " jdbc: URL");
        };
    }

    /** The scheme as given, its DBAPI driver kept; postgres:// in the spelling SQLAlchemy 1.4 and later accept. */
    private static String sqlAlchemyScheme(String scheme) {
        int plus = scheme.indexOf('+');
        String dialect = plus < 0 ? scheme : scheme.substring(0, plus);
        return dialect.equals("postgres") || dialect.equals("pgsql") ? "postgresql" + scheme.substring(dialect.length())
                : scheme;
    }

    private static Map<String, String> parseQuery(String query) {
        Map<String, String> options = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) {
            return options;
        }
        for (String pair : query.split("[&;]")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            options.put(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        return options;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // A literal '%' that is no escape: take the text as written.
            return text;
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static ReconcileException bad(String what, String todo) {
        return new ReconcileException(ErrorCode.USAGE, what + ": " + todo);
    }
}
