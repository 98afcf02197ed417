package io.github.airflowdbreconcile.resolver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** A shell script that stands in for the running release's airflow executable (--executor local). */
public final class FakeAirflow {
    /**
     * psql on the URL the resolver hands Airflow: it keeps the DBAPI driver (postgresql+psycopg2://), which libpq
     * does not take.
     */
    public static final String PSQL = "psql \"$(echo \"$AIRFLOW__DATABASE__SQL_ALCHEMY_CONN\" | sed 's/+psycopg2//')\"";

    private FakeAirflow() {}

    /** An executable script in {@code dir} that runs {@code body} with {@code set -e}; its arguments are $1... */
    public static Path script(Path dir, String body) throws IOException {
        Path script = Files.createTempFile(dir, "airflow", ".sh");
        Files.writeString(script, "#!/bin/sh\nset -e\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }
}
