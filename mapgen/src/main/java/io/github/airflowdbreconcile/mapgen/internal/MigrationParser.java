package io.github.airflowdbreconcile.mapgen.internal;

import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the module-level assignments of an alembic migration with regular expressions: no Python runs. Triple-quoted
 * strings are blanked first so that the docstring's {@code Revision ID:} and {@code Revises:} lines, or an example
 * assignment inside it, are never taken for the real ones.
 */
public final class MigrationParser {
    /** {@code name = value} or {@code name: annotation = value} at column 0. */
    private static final Pattern ASSIGNMENT = Pattern.compile(
            "^(revision|down_revision|airflow_version)[ \\t]*(?::[^=\\n]*)?=[ \\t]*(.*)$", Pattern.MULTILINE);
    private static final Pattern STRING = Pattern.compile("\"([^\"\\n]*)\"|'([^'\\n]*)'");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_]+");

    private MigrationParser() {}

    /**
     * @param where names the tag or archive in errors
     */
    public static MigrationFile parse(String where, String name, String text) {
        PythonSource source = new PythonSource(text);
        String code = source.code;
        String revision = null;
        List<String> parents = null;
        String declaredVersion = null;
        int parentsLine = 0;
        Matcher assignment = ASSIGNMENT.matcher(code);
        while (assignment.find()) {
            int line = source.lineOf(assignment.start());
            String value = valueFrom(code, assignment.start(2));
            switch (assignment.group(1)) {
                case "revision" -> revision = single(where, name, line, "revision", value);
                case "down_revision" -> {
                    parents = several(where, name, line, value);
                    parentsLine = line;
                }
                default -> declaredVersion = value.strip().equals("None") ? null
                        : single(where, name, line, "airflow_version", value);
            }
        }
        if (revision == null) {
            throw error(where, name, 1, "has no module-level `revision = \"...\"` assignment");
        }
        if (parents == null) {
            throw error(where, name, 1, "has no module-level `down_revision = ...` assignment");
        }
        return new MigrationFile(name, revision, parents, declaredVersion, description(text), parentsLine,
                EffectsReader.read(source));
    }

    /** The value's text, continued over lines while a bracket it opened is still open. */
    private static String valueFrom(String code, int start) {
        int depth = 0;
        int i = start;
        for (; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c == '(' || c == '[') {
                depth++;
            } else if (c == ')' || c == ']') {
                depth--;
            } else if (c == '#' && depth == 0) {
                break;
            } else if (c == '\n' && depth <= 0) {
                break;
            }
        }
        return code.substring(start, i);
    }

    private static String single(String where, String name, int line, String field, String value) {
        List<String> ids = strings(value);
        if (ids.size() != 1 || !value.strip().matches("[\"'][^\"']*[\"']")) {
            throw error(where, name, line, field + " must be one quoted string, found `" + value.strip() + "`");
        }
        String id = ids.get(0);
        if ("revision".equals(field)) {
            checkId(where, name, line, id);
        }
        return id;
    }

    private static List<String> several(String where, String name, int line, String value) {
        String trimmed = value.strip();
        if (trimmed.equals("None") || trimmed.equals("()") || trimmed.equals("[]")) {
            return List.of();
        }
        List<String> ids = strings(trimmed);
        if (ids.isEmpty()) {
            throw error(where, name, line, "down_revision must be None, a quoted id or a tuple or list of them, found `"
                    + trimmed + "`");
        }
        ids.forEach(id -> checkId(where, name, line, id));
        return ids;
    }

    private static void checkId(String where, String name, int line, String id) {
        if (!ID.matcher(id).matches()) {
            throw error(where, name, line, "revision id `" + id + "` is not an identifier");
        }
    }

    private static List<String> strings(String value) {
        List<String> found = new ArrayList<>();
        Matcher m = STRING.matcher(value);
        while (m.find()) {
            found.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return found;
    }

    /** First non-blank line of the module docstring (the first triple-quoted string before any code). */
    private static String description(String text) {
        Matcher m = PythonSource.TRIPLE_QUOTED.matcher(text);
        if (!m.find()) {
            return "";
        }
        StringBuilder before = new StringBuilder();
        for (String line : text.substring(0, m.start()).split("\n")) {
            if (!line.strip().startsWith("#")) {
                before.append(line.strip());
            }
        }
        if (!before.toString().matches("[rRuU]?")) {
            return "";
        }
        for (String line : m.group(2).split("\n")) {
            if (!line.isBlank()) {
                return line.strip();
            }
        }
        return "";
    }

    private static ReconcileException error(String where, String name, int line, String what) {
        return new ReconcileException(ErrorCode.MIGRATION_PARSE, where + ": " + name + ":" + line + ": " + what);
    }
}
