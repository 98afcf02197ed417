package io.github.airflowdbreconcile.mapgen.internal;

import io.github.airflowdbreconcile.map.api.AirflowVersion;
import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Airflow's private version-to-head table, {@code _REVISION_HEADS_MAP} in airflow/utils/db.py, read as text. */
public final class UpstreamHeads {
    private static final Pattern TABLE = Pattern.compile(
            "^_REVISION_HEADS_MAP\\s*(?::[^=\\n]*)?=\\s*\\{(.*?)^}", Pattern.MULTILINE | Pattern.DOTALL);
    private static final Pattern ENTRY = Pattern.compile("[\"']([^\"']+)[\"']\\s*:\\s*[\"']([^\"']+)[\"']");

    private UpstreamHeads() {}

    public static Map<AirflowVersion, String> parse(String origin, String dbModule) {
        Matcher table = TABLE.matcher(dbModule);
        if (!table.find()) {
            throw new ReconcileException(ErrorCode.ARCHIVE, origin + ": airflow/utils/db.py has no _REVISION_HEADS_MAP");
        }
        Map<AirflowVersion, String> heads = new TreeMap<>();
        Matcher entry = ENTRY.matcher(table.group(1));
        while (entry.find()) {
            heads.put(AirflowVersion.parse(entry.group(1)), entry.group(2));
        }
        return heads;
    }
}
