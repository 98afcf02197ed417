package io.github.airflowdbreconcile.mapgen.internal;

import io.github.airflowdbreconcile.map.api.TableColumn;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a SQL text drops or empties: {@code DROP TABLE}, {@code TRUNCATE} and a {@code DELETE FROM} without condition
 * (all of a table's rows are gone), and {@code ALTER TABLE ... DROP COLUMN}. A table or column dropped after the same
 * text created it is left out: it held nothing before the downgrade. What cannot be counted is reported as a problem:
 * a drop of a name built at run time ({@code {table}}, a bind parameter), a {@code DELETE} of some rows only.
 */
final class SqlReader {
    private static final String PART = "(?:[\\w{}$%:]+|\"[^\"]*\"|`[^`]*`|\\[[^\\]]*\\])";
    /** A possibly quoted, possibly schema-qualified name; braces and placeholders mark one built at run time. */
    private static final String NAME = "(" + PART + "(?:\\." + PART + ")?)";
    private static final Pattern CREATE_TABLE =
            Pattern.compile("(?i)\\bCREATE\\s+(?:TEMP(?:ORARY)?\\s+)?TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?" + NAME);
    private static final Pattern DROP_TABLE = Pattern.compile("(?i)\\bDROP\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?" + NAME);
    private static final Pattern DELETE =
            Pattern.compile("(?i)(?<!\\bON\\s{1,20})\\bDELETE\\s+(FROM\\s+)?" + NAME + "\\s*([^;]*)");
    private static final Pattern LINE_COMMENT = Pattern.compile("--[^\\n]*");
    private static final Pattern TRUNCATE = Pattern.compile("(?i)\\bTRUNCATE\\s+(?:TABLE\\s+)?" + NAME);
    private static final Pattern ALTER_TABLE =
            Pattern.compile("(?i)\\bALTER\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?(?:ONLY\\s+)?" + NAME + "([^;]*)");
    private static final Pattern ADD_COLUMN = Pattern.compile("(?i)\\bADD\\s+(?!(?:CONSTRAINT|INDEX|PRIMARY|FOREIGN"
            + "|UNIQUE|CHECK|KEY|PARTITION)\\b)(?:COLUMN\\s+)?(?:IF\\s+NOT\\s+EXISTS\\s+)?" + NAME);
    private static final Pattern DROP_COLUMN = Pattern.compile("(?i)\\bDROP\\s+(?!(?:CONSTRAINT|INDEX|DEFAULT|NOT"
            + "|PRIMARY|FOREIGN|CHECK|KEY|PARTITION|IDENTITY|EXPRESSION|TABLE|SEQUENCE|VIEW|FUNCTION|TRIGGER|TYPE)\\b)"
            + "(?:COLUMN\\s+)?(?:IF\\s+EXISTS\\s+)?" + NAME);

    private SqlReader() {}

    /** What one SQL text removes. */
    record Removals(List<String> tables, List<TableColumn> columns, List<String> problems) {}

    static Removals read(String text) {
        String sql = LINE_COMMENT.matcher(text).replaceAll("");
        List<Located> created = new ArrayList<>();
        List<Located> dropped = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        tables(CREATE_TABLE.matcher(sql), created, new ArrayList<>());
        tables(DROP_TABLE.matcher(sql), dropped, problems);
        Matcher delete = DELETE.matcher(sql);
        while (delete.find()) {
            if (delete.group(1) == null || !delete.group(3).isBlank()) {
                problems.add("deletes some rows with SQL, which mapgen cannot count (`" + PythonSource.shortened(sql.substring(delete.start()))
                        + "`)");
            } else {
                table(delete.group(2), delete.start(), dropped, problems);
            }
        }
        tables(TRUNCATE.matcher(sql), dropped, problems);
        Matcher alter = ALTER_TABLE.matcher(sql);
        while (alter.find()) {
            columns(sql, alter, ADD_COLUMN, created, new ArrayList<>());
            columns(sql, alter, DROP_COLUMN, dropped, problems);
        }
        List<String> tables = new ArrayList<>();
        List<TableColumn> columns = new ArrayList<>();
        for (Located drop : dropped) {
            boolean createdBefore = created.stream().anyMatch(c -> c.what.equals(drop.what) && c.at < drop.at);
            if (!createdBefore && drop.what instanceof TableColumn column) {
                columns.add(column);
            } else if (!createdBefore) {
                tables.add((String) drop.what);
            }
        }
        return new Removals(tables, columns, problems);
    }

    private static void tables(Matcher matcher, List<Located> into, List<String> problems) {
        while (matcher.find()) {
            table(matcher.group(1), matcher.start(), into, problems);
        }
    }

    private static void table(String written, int at, List<Located> into, List<String> problems) {
        String table = name(written);
        if (table == null) {
            problems.add("runs SQL on a table named at run time (`" + written + "`)");
        } else {
            into.add(new Located(table, at));
        }
    }

    private static void columns(String sql, Matcher alter, Pattern change, List<Located> into, List<String> problems) {
        Matcher column = change.matcher(alter.group(2));
        while (column.find()) {
            String table = name(alter.group(1));
            String name = name(column.group(1));
            if (table == null || name == null) {
                problems.add("runs SQL that changes a column named at run time (`" + PythonSource.shortened(sql.substring(alter.start()))
                        + "`)");
            } else {
                into.add(new Located(new TableColumn(table, name), alter.start(2) + column.start()));
            }
        }
    }

    /** A table or column name as SQL writes it, unquoted and without schema; null when built at run time. */
    private static String name(String written) {
        if (written.matches(".*[{}$%:].*")) {
            return null;
        }
        return written.substring(written.lastIndexOf('.') + 1).replaceAll("[\"`\\[\\]]", "");
    }

    private record Located(Object what, int at) {}
}
