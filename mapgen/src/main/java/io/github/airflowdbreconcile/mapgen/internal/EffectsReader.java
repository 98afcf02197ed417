package io.github.airflowdbreconcile.mapgen.internal;

import io.github.airflowdbreconcile.map.api.Effects;
import io.github.airflowdbreconcile.map.api.TableChanges;
import io.github.airflowdbreconcile.map.api.TableColumn;
import io.github.airflowdbreconcile.mapgen.internal.PythonSource.Span;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what a migration's {@code upgrade()} creates and what its {@code downgrade()} drops, with regular expressions
 * over the code. Every statement of a function counts, whichever {@code if} branch holds it, so drops are an upper
 * bound of one run; module-level helpers the function calls are read as part of it. Where a downgrade may remove data
 * in a way these rules cannot name (a table name mapgen cannot resolve, SQL built in code, a row delete through
 * SQLAlchemy), the revision is marked not analysed with the first such place: its drops are then a lower bound.
 */
final class EffectsReader {
    private static final Pattern DEF = Pattern.compile("^def\\s+(\\w+)\\s*\\(", Pattern.MULTILINE);
    private static final Pattern OP_CALL = Pattern.compile(
            "(?<![\\w.])op\\s*\\.\\s*(create_table|drop_table|add_column|drop_column)\\s*\\(");
    private static final Pattern BATCH_CALL = Pattern.compile("(?<![\\w.])(\\w+)\\s*\\.\\s*(add_column|drop_column)\\s*\\(");
    private static final Pattern BATCH_CONTEXT = Pattern.compile("(?<![\\w.])op\\s*\\.\\s*batch_alter_table\\s*\\(");
    private static final Pattern AS_ALIAS = Pattern.compile("\\)\\s*as\\s+(\\w+)");
    private static final Pattern EXECUTE = Pattern.compile("\\.\\s*(?:execute|exec_driver_sql)\\s*\\(");
    private static final Pattern CALL = Pattern.compile("(?<![\\w.])(\\w+)\\s*\\(");
    /** Row deletes and drops through SQLAlchemy objects: {@code table.delete()}, {@code sa.delete(t)}, {@code drop_all}. */
    private static final Pattern SQLALCHEMY_REMOVAL =
            Pattern.compile("(?<!\\w)(?:[\\w.()]*\\.)?(delete|drop|drop_all|truncate)\\s*\\(");
    private static final Pattern COLUMN = Pattern.compile("^(?:\\w+\\.)*Column\\s*\\(");
    private static final Pattern TEXT_WRAPPER = Pattern.compile("^(?:\\w+\\.)*text\\s*\\(");
    private static final Pattern SQL_LITERAL =
            Pattern.compile("(?s)^([rRuUbBfF]{0,2})(\"\"\"|'''|\"|')(.*)\\2$");
    private static final Pattern DESTRUCTIVE_WORD = Pattern.compile("(?i)\\b(drop|delete|truncate)\\b");
    private static final String SQL_PART = "(?:[\\w{}$%:]+|\"[^\"]*\"|`[^`]*`|\\[[^\\]]*\\])";
    /** A possibly quoted, possibly schema-qualified name; braces and placeholders mark one built at run time. */
    private static final String SQL_NAME = "(" + SQL_PART + "(?:\\." + SQL_PART + ")?)";
    private static final Pattern SQL_DROP_TABLE =
            Pattern.compile("(?i)\\bDROP\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?" + SQL_NAME);
    private static final Pattern SQL_DELETE = Pattern.compile("(?i)(?<!\\bON\\s{1,20})\\bDELETE\\s+(FROM\\s+)?" + SQL_NAME);
    private static final Pattern SQL_TRUNCATE = Pattern.compile("(?i)\\bTRUNCATE\\s+(?:TABLE\\s+)?" + SQL_NAME);
    private static final Pattern SQL_ALTER_TABLE =
            Pattern.compile("(?i)\\bALTER\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?(?:ONLY\\s+)?" + SQL_NAME + "([^;]*)");
    private static final Pattern SQL_DROP_COLUMN = Pattern.compile("(?i)\\bDROP\\s+(?!(?:CONSTRAINT|INDEX|DEFAULT|NOT"
            + "|PRIMARY|FOREIGN|CHECK|KEY|PARTITION|IDENTITY|EXPRESSION|TABLE|SEQUENCE|VIEW|FUNCTION|TRIGGER|TYPE)\\b)(?:COLUMN\\s+)?(?:IF\\s+EXISTS\\s+)?"
            + SQL_NAME);

    private static final Pattern LOCAL_ASSIGNMENT =
            Pattern.compile("^[ \\t]+(\\w+)[ \\t]*(?::[^=\\n]*)?=(?!=)[ \\t]*(.*)$", Pattern.MULTILINE);
    private static final Pattern LOOP_TARGET = Pattern.compile("(?<![\\w.])for\\s+(.+?)\\s+in\\b");
    private static final Pattern WITH_TARGET = Pattern.compile("(?<![\\w.])as\\s+(\\w+)");
    private static final Pattern NESTED_DEF = Pattern.compile("(?m)^[ \\t]*def\\s+\\w+\\s*\\(");

    private final PythonSource source;
    private final Map<String, Span> functions = new LinkedHashMap<>();
    /** Module-level names bound once to a string literal, as {@code TABLE_NAME = "x"}. */
    private final Map<String, String> constants = new LinkedHashMap<>();

    private EffectsReader(PythonSource source) {
        this.source = source;
        Matcher def = DEF.matcher(source.code);
        while (def.find()) {
            int header = source.closing(def.end() - 1);
            functions.put(def.group(1), new Span(def.start(), source.blockEnd(header, 0, source.code.length())));
        }
        Set<String> rebound = new HashSet<>();
        Matcher assignment = Pattern.compile("^(\\w+)[ \\t]*(?::[^=\\n]*)?=[ \\t]*(.*)$", Pattern.MULTILINE)
                .matcher(source.code);
        while (assignment.find()) {
            String value = PythonSource.stringValue(assignment.group(2));
            String name = assignment.group(1);
            if (value == null || constants.containsKey(name) && !constants.get(name).equals(value)) {
                rebound.add(name);
            } else {
                constants.put(name, value);
            }
        }
        rebound.forEach(constants::remove);
    }

    static Effects read(PythonSource source) {
        EffectsReader reader = new EffectsReader(source);
        Changes creates = reader.changesOf("upgrade", false);
        Changes drops = reader.changesOf("downgrade", true);
        return new Effects(creates.toTableChanges(), drops.toTableChanges(), drops.whyNotAnalysed());
    }

    private Changes changesOf(String function, boolean removals) {
        Changes changes = new Changes();
        if (functions.containsKey(function)) {
            read(function, removals, changes, new HashSet<>());
        }
        return changes;
    }

    /** Reads one function and, once each, the module-level functions it calls. */
    private void read(String function, boolean removals, Changes changes, Set<String> seen) {
        if (!seen.add(function)) {
            return;
        }
        Span body = functions.get(function);
        Scope locals = scopeOf(body);
        readOpCalls(body, locals, removals, changes);
        readBatchCalls(body, locals, removals, changes);
        if (removals) {
            readSql(body, locals, changes);
            Matcher removal = SQLALCHEMY_REMOVAL.matcher(source.code).region(body.start(), body.end());
            while (removal.find()) {
                changes.unreadable(source, removal.start(), "removes data through SQLAlchemy (`"
                        + source.code.substring(removal.start(), removal.end()).strip() + "`)");
            }
        }
        Matcher call = CALL.matcher(source.code).region(body.start(), body.end());
        while (call.find()) {
            String callee = call.group(1);
            if (functions.containsKey(callee) && !isDefinition(call.start())) {
                read(callee, removals, changes, seen);
            }
        }
    }

    private boolean isDefinition(int nameStart) {
        int lineStart = source.lineStart(nameStart);
        return source.code.substring(lineStart, nameStart).strip().equals("def");
    }

    private void readOpCalls(Span body, Scope locals, boolean removals, Changes changes) {
        Matcher call = OP_CALL.matcher(source.code).region(body.start(), body.end());
        while (call.find()) {
            String kind = call.group(1);
            if (removals != kind.startsWith("drop")) {
                continue;
            }
            int at = call.start();
            List<Span> args = source.arguments(call.end() - 1);
            Span table = argument(args, 0, "table_name");
            String tableName = name(table, locals);
            if (kind.endsWith("_table")) {
                record(changes, at, kind, table, tableName, null, null);
            } else {
                Span column = kind.equals("add_column") ? columnOf(argument(args, 1, "column"))
                        : argument(args, 1, "column_name");
                record(changes, at, kind, table, tableName, column, name(column, locals));
            }
        }
    }

    /** {@code batch_op.drop_column("c")} inside {@code with op.batch_alter_table("t") as batch_op:}. */
    private void readBatchCalls(Span body, Scope locals, boolean removals, Changes changes) {
        List<BatchContext> contexts = batchContexts(body, locals);
        Matcher call = BATCH_CALL.matcher(source.code).region(body.start(), body.end());
        while (call.find()) {
            String alias = call.group(1);
            String kind = call.group(2);
            if (alias.equals("op") || removals != kind.startsWith("drop")) {
                continue;
            }
            BatchContext context = null;
            for (BatchContext candidate : contexts) {
                if (candidate.alias.equals(alias) && candidate.block.contains(call.start())) {
                    context = candidate;
                }
            }
            List<Span> args = source.arguments(call.end() - 1);
            Span column = kind.equals("add_column") ? columnOf(argument(args, 0, "column"))
                    : argument(args, 0, "column_name");
            if (context == null) {
                changes.unreadable(source, call.start(), alias + "." + kind + " outside a `with op.batch_alter_table("
                        + "...) as " + alias + ":` block mapgen can see, so its table is unknown");
                continue;
            }
            record(changes, call.start(), kind, context.table, context.tableName, column, name(column, locals));
        }
    }

    private List<BatchContext> batchContexts(Span body, Scope locals) {
        List<BatchContext> contexts = new ArrayList<>();
        Matcher with = BATCH_CONTEXT.matcher(source.code).region(body.start(), body.end());
        while (with.find()) {
            int open = with.end() - 1;
            int close = source.closing(open);
            Matcher alias = AS_ALIAS.matcher(source.code).region(close, body.end());
            if (!alias.lookingAt()) {
                continue;
            }
            Span table = argument(source.arguments(open), 0, "table_name");
            int lineStart = source.lineStart(with.start());
            int end = source.blockEnd(alias.end(), source.indentAt(lineStart), body.end());
            contexts.add(new BatchContext(alias.group(1), table, name(table, locals), new Span(alias.end(), end)));
        }
        return contexts;
    }

    private void record(Changes changes, int at, String kind, Span table, String tableName, Span column,
                        String columnName) {
        boolean tableOnly = kind.endsWith("_table");
        if (tableName == null || !tableOnly && columnName == null) {
            Span unknown = tableName == null ? table : column;
            changes.unreadable(source, at, kind + " of " + (tableName == null ? "a table" : "a column") + " named by `"
                    + (unknown == null ? "" : source.code(unknown)) + "`, which mapgen cannot resolve to a string");
        } else if (tableOnly) {
            changes.tables.add(tableName);
        } else {
            changes.columns.add(new TableColumn(tableName, columnName));
        }
    }

    /** The column name span of a {@code sa.Column("c", ...)} argument, or null. */
    private Span columnOf(Span argument) {
        if (argument == null) {
            return null;
        }
        int start = argument.start();
        while (Character.isWhitespace(source.code.charAt(start))) {
            start++;
        }
        Matcher column = COLUMN.matcher(source.code).region(start, argument.end());
        if (!column.lookingAt()) {
            return null;
        }
        return argument(source.arguments(column.end() - 1), 0, "name");
    }

    /** The positional argument at {@code index}, or the keyword argument {@code keyword}, or null. */
    private Span argument(List<Span> args, int index, String keyword) {
        Pattern named = Pattern.compile("^\\s*" + keyword + "\\s*=");
        int position = 0;
        for (Span arg : args) {
            Matcher m = named.matcher(source.code.substring(arg.start(), arg.end()));
            if (m.find()) {
                return new Span(arg.start() + m.end(), arg.end());
            }
            if (!source.code(arg).matches("(?s)\\w+\\s*=[^=].*") && !source.code(arg).startsWith("*")) {
                if (position++ == index) {
                    return arg;
                }
            }
        }
        return null;
    }

    /** A string literal's value, or a name bound to one in the function or the module; null otherwise. */
    private String name(Span span, Scope locals) {
        if (span == null) {
            return null;
        }
        String written = source.original(span);
        String literal = PythonSource.stringValue(written);
        if (literal != null) {
            return literal;
        }
        return PythonSource.isIdentifier(written) ? locals.constant(written, constants) : null;
    }

    /**
     * The names a function binds: to one string literal (a local constant), or otherwise (several values, a loop
     * target, a parameter, a {@code with ... as} target): those hide the module's constant of the same name.
     */
    private Scope scopeOf(Span body) {
        Map<String, String> locals = new LinkedHashMap<>();
        Set<String> rebound = new HashSet<>();
        Matcher assignment = LOCAL_ASSIGNMENT.matcher(source.code).region(body.start(), body.end());
        while (assignment.find()) {
            String name = assignment.group(1);
            String value = PythonSource.stringValue(assignment.group(2));
            if (value == null || locals.containsKey(name) && !locals.get(name).equals(value)) {
                rebound.add(name);
            } else {
                locals.put(name, value);
            }
        }
        Set<String> opaque = new HashSet<>();
        Matcher loop = LOOP_TARGET.matcher(source.code).region(body.start(), body.end());
        while (loop.find()) {
            opaque.addAll(List.of(loop.group(1).split("[,()\\[\\]\\s]+")));
        }
        Matcher alias = WITH_TARGET.matcher(source.code).region(body.start(), body.end());
        while (alias.find()) {
            opaque.add(alias.group(1));
        }
        Matcher def = NESTED_DEF.matcher(source.code).region(body.start(), body.end());
        while (def.find()) {
            for (Span parameter : source.arguments(def.end() - 1)) {
                opaque.add(source.code(parameter).replaceAll("^\\*+|[:=].*$", "").strip());
            }
        }
        rebound.addAll(opaque);
        rebound.forEach(locals::remove);
        return new Scope(body, locals, rebound, opaque);
    }

    /** SQL a downgrade runs through {@code execute}: what it drops or deletes, where its text can be read. */
    private void readSql(Span body, Scope locals, Changes changes) {
        Matcher execute = EXECUTE.matcher(source.code).region(body.start(), body.end());
        while (execute.find()) {
            List<Span> args = source.arguments(execute.end() - 1);
            if (args.isEmpty()) {
                continue;
            }
            readStatement(execute.start(), source.original(args.get(0)), locals, changes, 0);
        }
    }

    private void readStatement(int at, String expression, Scope locals, Changes changes, int depth) {
        Matcher wrapper = TEXT_WRAPPER.matcher(expression);
        if (wrapper.lookingAt() && expression.endsWith(")")) {
            readStatement(at, expression.substring(wrapper.end(), expression.length() - 1).strip(), locals, changes,
                    depth);
            return;
        }
        Matcher literal = SQL_LITERAL.matcher(expression);
        if (literal.matches()) {
            readSqlText(at, literal.group(3), changes);
            return;
        }
        if (PythonSource.isIdentifier(expression)) {
            String value = locals.constant(expression, constants);
            List<String> assigned = locals.isParameterOrLoopTarget(expression) ? List.of()
                    : assignedExpressions(expression, locals.body);
            if (value != null) {
                readSqlText(at, value, changes);
            } else if (assigned.isEmpty() || depth > 2) {
                changes.unreadable(source, at, "runs SQL held in `" + expression + "`, which mapgen cannot read");
            } else {
                assigned.forEach(each -> readStatement(at, each, locals, changes, depth + 1));
            }
            return;
        }
        String evidence = expression;
        Matcher call = CALL.matcher(expression);
        while (call.find()) {
            Span helper = functions.get(call.group(1));
            if (helper != null) {
                evidence += source.text.substring(helper.start(), helper.end());
            }
        }
        if (DESTRUCTIVE_WORD.matcher(evidence).find()) {
            changes.unreadable(source, at, "runs SQL built in code that may drop or delete (`"
                    + expression.replaceAll("\\s+", " ") + "`)");
        }
    }

    /** The expressions a name is bound to by assignments in the function or at module level. */
    private List<String> assignedExpressions(String name, Span body) {
        List<String> expressions = new ArrayList<>();
        Matcher assignment = Pattern.compile("^([ \\t]*)" + name + "[ \\t]*(?::[^=\\n]*)?=(?!=)[ \\t]*",
                Pattern.MULTILINE).matcher(source.code);
        while (assignment.find()) {
            if (!assignment.group(1).isEmpty() && !body.contains(assignment.start())) {
                continue;
            }
            int start = assignment.end();
            int end = start;
            while (end < source.code.length() && source.code.charAt(end) != '\n') {
                char c = source.code.charAt(end);
                end = c == '(' || c == '[' || c == '{' ? source.closing(end) + 1 : end + 1;
            }
            expressions.add(source.text.substring(start, Math.min(end, source.text.length())).strip());
        }
        return expressions;
    }

    private void readSqlText(int at, String sql, Changes changes) {
        readTables(at, SQL_DROP_TABLE.matcher(sql), 1, changes);
        Matcher delete = SQL_DELETE.matcher(sql);
        while (delete.find()) {
            if (delete.group(1) == null) {
                changes.unreadable(source, at, "runs a DELETE mapgen cannot read (`" + excerpt(sql, delete.start())
                        + "`)");
            } else {
                addTable(at, delete.group(2), changes);
            }
        }
        readTables(at, SQL_TRUNCATE.matcher(sql), 1, changes);
        Matcher alter = SQL_ALTER_TABLE.matcher(sql);
        while (alter.find()) {
            Matcher column = SQL_DROP_COLUMN.matcher(alter.group(2));
            while (column.find()) {
                String table = sqlName(alter.group(1));
                String name = sqlName(column.group(1));
                if (table == null || name == null) {
                    changes.unreadable(source, at, "runs SQL that drops a column named at run time (`"
                            + excerpt(sql, alter.start()) + "`)");
                } else {
                    changes.columns.add(new TableColumn(table, name));
                }
            }
        }
    }

    private void readTables(int at, Matcher matcher, int group, Changes changes) {
        while (matcher.find()) {
            addTable(at, matcher.group(group), changes);
        }
    }

    private void addTable(int at, String written, Changes changes) {
        String table = sqlName(written);
        if (table == null) {
            changes.unreadable(source, at, "runs SQL on a table named at run time (`" + written + "`)");
        } else {
            changes.tables.add(table);
        }
    }

    /** A table or column name as SQL writes it, unquoted and without schema; null when built at run time. */
    private static String sqlName(String written) {
        if (written.matches(".*[{}$%:].*")) {
            return null;
        }
        String unqualified = written.substring(written.lastIndexOf('.') + 1);
        return unqualified.replaceAll("[\"`\\[\\]]", "");
    }

    private static String excerpt(String sql, int start) {
        String text = sql.substring(start).replaceAll("\\s+", " ").strip();
        return text.length() > 60 ? text.substring(0, 60) + "..." : text;
    }

    /** What a function's own bindings make of a name. */
    private record Scope(Span body, Map<String, String> constants, Set<String> rebound, Set<String> opaque) {
        String constant(String name, Map<String, String> module) {
            return rebound.contains(name) ? null : constants.getOrDefault(name, module.get(name));
        }

        boolean isParameterOrLoopTarget(String name) {
            return opaque.contains(name);
        }
    }

    private record BatchContext(String alias, Span table, String tableName, Span block) {}

    private static final class Changes {
        final Set<String> tables = new LinkedHashSet<>();
        final Set<TableColumn> columns = new LinkedHashSet<>();
        final Set<String> unreadable = new LinkedHashSet<>();

        void unreadable(PythonSource source, int at, String why) {
            unreadable.add("line " + source.lineOf(at) + ": " + why);
        }

        /** The first place it could not read, and how many more there are. */
        String whyNotAnalysed() {
            if (unreadable.isEmpty()) {
                return null;
            }
            String first = unreadable.iterator().next();
            return unreadable.size() == 1 ? first : first + " (and " + (unreadable.size() - 1) + " more)";
        }

        TableChanges toTableChanges() {
            return new TableChanges(List.copyOf(tables), List.copyOf(columns));
        }
    }
}
