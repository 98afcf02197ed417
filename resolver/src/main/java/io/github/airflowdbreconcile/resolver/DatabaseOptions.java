package io.github.airflowdbreconcile.resolver;

import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import io.github.airflowdbreconcile.resolver.internal.Database;
import io.github.airflowdbreconcile.resolver.internal.DatabaseUrl;
import io.github.airflowdbreconcile.resolver.internal.Log;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Where the metadata database is: a URL given directly, in a file, or in an environment variable. */
final class DatabaseOptions {
    /** Airflow's own setting for {@code [database] sql_alchemy_schema}; the chart passes it through. */
    static final String SCHEMA_VARIABLE = "AIRFLOW__DATABASE__SQL_ALCHEMY_SCHEMA";

    @Option(names = "--db-url", paramLabel = "URL",
            description = "The metadata DB: a SQLAlchemy URL (postgresql://, postgresql+psycopg2://, postgres://,"
                    + " mysql://, mysql+mysqldb://, mysql+pymysql://, query options such as sslmode or ssl_mode) or a"
                    + " JDBC URL. Prefer --db-url-file or --db-url-env: a password on the command line shows in process"
                    + " lists.")
    String url;

    @Option(names = "--db-url-file", paramLabel = "FILE", description = "A file holding the DB URL.")
    Path file;

    @Option(names = "--db-url-env", paramLabel = "VAR",
            description = "An environment variable holding the DB URL, e.g. AIRFLOW__DATABASE__SQL_ALCHEMY_CONN.")
    String variable;

    @Option(names = "--missing-url-means-fresh",
            description = "For a first install, where the metadata secret does not exist yet: an unset or empty"
                    + " --db-url-env variable means a fresh database (action install) instead of an error.")
    boolean missingUrlMeansFresh;

    @Option(names = "--db-schema", paramLabel = "SCHEMA", defaultValue = "${env:" + SCHEMA_VARIABLE + "}",
            description = "The schema that holds Airflow's tables and alembic_version, as Airflow's [database]"
                    + " sql_alchemy_schema names it (default: $" + SCHEMA_VARIABLE + ", else the connection's"
                    + " search path). MySQL: the URL's database, or none.")
    String schema;

    @Option(names = "--db-timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "How long to wait for the database (and the reconcile lock) (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    /** The URL, when one of the three options was given. */
    Optional<DatabaseUrl> url() {
        List<String> given = new ArrayList<>();
        if (url != null) {
            given.add("--db-url");
        }
        if (file != null) {
            given.add("--db-url-file");
        }
        if (variable != null) {
            given.add("--db-url-env");
        }
        if (given.size() > 1) {
            throw new ReconcileException(ErrorCode.USAGE, "give the database once, not with " + String.join(" and ",
                    given));
        }
        if (url != null) {
            return Optional.of(DatabaseUrl.parse(url));
        }
        if (file != null) {
            try {
                return Optional.of(DatabaseUrl.parse(Files.readString(file, StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new ReconcileException(ErrorCode.IO, "cannot read the DB URL file " + file + ": "
                        + e.getClass().getSimpleName() + ": mount the secret there or use --db-url-env", e);
            }
        }
        if (variable != null) {
            if (!variableUnset()) {
                return Optional.of(DatabaseUrl.parse(System.getenv(variable)));
            }
            if (!missingUrlMeansFresh) {
                throw new ReconcileException(ErrorCode.USAGE, "environment variable " + variable + " is not set:"
                        + " set it to the DB URL (the chart takes it from the Airflow release's metadata secret)");
            }
        }
        return Optional.empty();
    }

    /** The database, for the commands that only read it; {@code timeout} bounds waiting for it. */
    Database required(Duration timeout, Log log) {
        return new Database(url().orElseThrow(() -> new ReconcileException(ErrorCode.USAGE,
                "give --db-url, --db-url-file or --db-url-env")), schema(), timeout, log);
    }

    /** A first install before the metadata secret exists: nothing has been migrated yet. */
    boolean urlMissingOnFirstInstall() {
        return missingUrlMeansFresh && variable != null && url == null && file == null && variableUnset();
    }

    private boolean variableUnset() {
        String value = System.getenv(variable);
        return value == null || value.isBlank();
    }

    Duration timeout() {
        return BaseCommand.seconds("--db-timeout", timeoutSeconds);
    }

    Optional<Database> database(Log log) {
        return url().map(u -> new Database(u, schema(), timeout(), log));
    }

    /** Null for the connection's default: Airflow's empty sql_alchemy_schema means the same. */
    private String schema() {
        return schema == null || schema.isBlank() ? null : schema.strip();
    }
}
