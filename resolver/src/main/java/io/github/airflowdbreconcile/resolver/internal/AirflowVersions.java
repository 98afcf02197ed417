package io.github.airflowdbreconcile.resolver.internal;

import io.github.airflowdbreconcile.map.api.AirflowVersion;
import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import io.github.airflowdbreconcile.map.api.Urls;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads an Airflow version out of an image reference or the output of {@code airflow version}. */
public final class AirflowVersions {
    private static final Pattern VERSION = Pattern.compile(
            "(?<![0-9.])(\\d+\\.\\d+\\.\\d+(?:(?:a|b|rc)\\d+)?(?:\\.post\\d+)?(?:\\.dev\\d+)?)(?![0-9.])");

    private AirflowVersions() {}

    /**
     * The version in an image's tag: {@code apache/airflow:3.0.2-python3.12} and {@code slim-2.10.5} give 3.0.2 and
     * 2.10.5. Empty for a digest-only reference or a tag without a version ({@code latest}, {@code main}).
     */
    public static Optional<AirflowVersion> fromImage(String image) {
        if (image == null) {
            return Optional.empty();
        }
        String reference = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
        int slash = reference.lastIndexOf('/');
        int colon = reference.lastIndexOf(':');
        if (colon <= slash) {
            return Optional.empty();
        }
        return first(reference.substring(colon + 1));
    }

    /** The version {@code airflow version} printed: its last line that is one (warnings may come first). */
    public static AirflowVersion fromVersionOutput(String output) {
        List<String> lines = output.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        for (int i = lines.size() - 1; i >= 0; i--) {
            Matcher m = VERSION.matcher(lines.get(i));
            if (m.matches()) {
                return AirflowVersion.parse(m.group(1));
            }
        }
        // A failing airflow may end with an error that quotes its connection URL.
        String shown = lines.isEmpty() ? "nothing" : "'" + Urls.maskAll(lines.get(lines.size() - 1)) + "'";
        throw new ReconcileException(ErrorCode.UNKNOWN_REVISION, "`airflow version` printed " + shown
                + " instead of a version: use --source alembic-table");
    }

    private static Optional<AirflowVersion> first(String text) {
        Matcher m = VERSION.matcher(text);
        return m.find() ? Optional.of(AirflowVersion.parse(m.group(1))) : Optional.empty();
    }
}
