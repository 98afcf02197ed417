package io.github.airflowdbreconcile.mapgen.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.airflowdbreconcile.map.api.AirflowVersion;
import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Checks that a map file lists releases in PEP 440 order, and each revision's parent changes oldest first. Reading a
 * map sorts it, so the order can only be checked on the file's own text.
 */
public final class ReleaseOrder {
    private ReleaseOrder() {}

    public static List<String> problems(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new ReconcileException(ErrorCode.IO, "cannot read map file " + file + ": " + e.getMessage(), e);
        }
        List<String> problems = new ArrayList<>();
        AirflowVersion previous = null;
        for (Iterator<String> names = root.path("versions").fieldNames(); names.hasNext(); ) {
            AirflowVersion version = AirflowVersion.parse(names.next());
            if (previous != null && previous.compareTo(version) >= 0) {
                problems.add("release " + version + " is listed after " + previous + ": releases must be in version"
                        + " order");
            }
            previous = version;
        }
        root.path("revisions").fields().forEachRemaining(revision -> {
            AirflowVersion before = null;
            for (JsonNode change : revision.getValue().path("parentChanges")) {
                AirflowVersion from = AirflowVersion.parse(change.path("from").asText());
                if (before != null && before.compareTo(from) >= 0) {
                    problems.add("revision " + revision.getKey() + ": parent change from " + from + " is listed after"
                            + " the one from " + before);
                }
                before = from;
            }
        });
        return problems;
    }
}
