package io.github.airflowdbreconcile.mapgen.internal;

import io.github.airflowdbreconcile.map.api.Effects;
import io.github.airflowdbreconcile.map.api.TableChanges;
import io.github.airflowdbreconcile.map.api.TableColumn;
import io.github.airflowdbreconcile.mapgen.internal.NameBindings.Scope;
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
    private static final Pattern BATCH_CALL =
            Pattern.compile("(?<![\\w.])(\\w+)\\s*\\.\\s*(add_column|drop_column)\\s*\\(");
    private static final Pattern BATCH_CONTEXT = Pattern.compile("(?<![\\w.])op\\s*\\.\\s*batch_alter_table\\s*\\(");
    private static final Pattern AS_ALIAS = Pattern.compile("\\)\\s*as\\s+(\\w+)");
    private static final Pattern EXECUTE = Pattern.compile("\\.\\s*(?:execute|exec_driver_sql)\\s*\\(");
    private static final Pattern CALL = Pattern.compile("(?<![\\w.])(\\w+)\\s*\\(");
    /** Row deletes and drops through SQLAlchemy objects: {@code table.delete()}, {@code session.delete(row)}. */
    private static final Pattern SQLALCHEMY_REMOVAL =
            Pattern.compile("(?:\\.\\s*|(?<![\\w.]))(?:delete|drop|drop_all|truncate)\\s*\\(");
    private static final Pattern COLUMN = Pattern.compile("(?:\\w+\\.)*Column\\s*\\(");
    private static final Pattern TEXT_WRAPPER = Pattern.compile("^(?:\\w+\\.)*text\\s*\\(");
    /** Anywhere in a name too: {@code DropTable(t)}, {@code delete_rows()}. */
    private static final Pattern DESTRUCTIVE_WORD = Pattern.compile("(?i)drop|delete|truncate");
    private static final Pattern KEYWORD_ARGUMENT = Pattern.compile("(?s)^(\\w+)\\s*=(?!=)(.*)$");

    private final PythonSource source;
    private final NameBindings bindings;
    private final Map<String, Span> functions = new LinkedHashMap<>();

    private EffectsReader(PythonSource source) {
        this.source = source;
        this.bindings = new NameBindings(source);
        Matcher def = DEF.matcher(source.code);
        while (def.find()) {
            int header = source.closing(def.end() - 1);
            functions.put(def.group(1), new Span(def.start(), source.blockEnd(header, 0, source.code.length())));
        }
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
        Scope scope = bindings.scopeOf(body);
        readOpCalls(body, scope, removals, changes);
        readBatchCalls(body, scope, removals, changes);
        if (removals) {
            readSql(body, scope, changes);
            Matcher removal = SQLALCHEMY_REMOVAL.matcher(source.code).region(body.start(), body.end());
            while (removal.find()) {
                changes.unreadable(source, removal.start(), "removes data through SQLAlchemy (`"
                        + source.lineAt(removal.start()) + "`)");
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
        return source.code.substring(source.lineStart(nameStart), nameStart).strip().equals("def");
    }

    /** {@code op.create_table("t")}, {@code op.add_column("t", sa.Column("c"))} and their drops. */
    private void readOpCalls(Span body, Scope scope, boolean removals, Changes changes) {
        Matcher call = OP_CALL.matcher(source.code).region(body.start(), body.end());
        while (call.find()) {
            String kind = call.group(1);
            if (removals != kind.startsWith("drop")) {
                continue;
            }
            List<Span> args = source.arguments(call.end() - 1);
            Span table = argument(args, 0, "table_name");
            Span column = switch (kind) {
                case "add_column" -> columnName(argument(args, 1, "column"));
                case "drop_column" -> argument(args, 1, "column_name");
                default -> null;
            };
            record(changes, call.start(), kind, table, values(table, scope), column, values(column, scope));
        }
    }

    /** {@code batch_op.drop_column("c")} inside {@code with op.batch_alter_table("t") as batch_op:}. */
    private void readBatchCalls(Span body, Scope scope, boolean removals, Changes changes) {
        List<BatchContext> contexts = batchContexts(body, scope);
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
            Span column = kind.equals("add_column") ? columnName(argument(args, 0, "column"))
                    : argument(args, 0, "column_name");
            if (context == null) {
                changes.unreadable(source, call.start(), alias + "." + kind + " outside a `with op.batch_alter_table("
                        + "...) as " + alias + ":` block, so its table is unknown");
            } else {
                record(changes, call.start(), kind, context.table, context.tables, column, values(column, scope));
            }
        }
    }

    private List<BatchContext> batchContexts(Span body, Scope scope) {
        List<BatchContext> contexts = new ArrayList<>();
        Matcher with = BATCH_CONTEXT.matcher(source.code).region(body.start(), body.end());
        while (with.find()) {
            int open = with.end() - 1;
            Matcher alias = AS_ALIAS.matcher(source.code).region(source.closing(open), body.end());
            if (alias.lookingAt()) {
                Span table = argument(source.arguments(open), 0, "table_name");
                int indent = source.indentAt(source.lineStart(with.start()));
                Span block = new Span(alias.end(), source.blockEnd(alias.end(), indent, body.end()));
                contexts.add(new BatchContext(alias.group(1), table, values(table, scope), block));
            }
        }
        return contexts;
    }

    private void record(Changes changes, int at, String kind, Span table, List<String> tables, Span column,
                        List<String> columns) {
        boolean wholeTable = kind.endsWith("_table");
        if (tables.isEmpty() || !wholeTable && columns.isEmpty()) {
            Span unknown = tables.isEmpty() ? table : column;
            changes.unreadable(source, at, kind + " of " + (tables.isEmpty() ? "a table" : "a column") + " named by `"
                    + (unknown == null ? "" : source.code(unknown)) + "`, which mapgen cannot resolve to a string");
            return;
        }
        for (String tableName : tables) {
            if (wholeTable) {
                changes.tables.add(tableName);
            } else {
                columns.forEach(columnName -> changes.columns.add(new TableColumn(tableName, columnName)));
            }
        }
    }

    /** The name argument of a {@code sa.Column("c", ...)} argument, or null. */
    private Span columnName(Span argument) {
        if (argument == null) {
            return null;
        }
        Matcher column = COLUMN.matcher(source.code).region(argument.start(), argument.end());
        if (!column.find() || !source.code.substring(argument.start(), column.start()).isBlank()) {
            return null;
        }
        return argument(source.arguments(column.end() - 1), 0, "name");
    }

    /** The positional argument at {@code index}, or the keyword argument {@code keyword}, or null. */
    private Span argument(List<Span> args, int index, String keyword) {
        int position = 0;
        for (Span arg : args) {
            String written = source.code.substring(arg.start(), arg.end());
            Matcher named = KEYWORD_ARGUMENT.matcher(written.stripLeading());
            if (named.matches()) {
                if (named.group(1).equals(keyword)) {
                    return new Span(arg.end() - named.group(2).length(), arg.end());
                }
            } else if (!written.strip().startsWith("*") && position++ == index) {
                return arg;
            }
        }
        return null;
    }

    private List<String> values(Span span, Scope scope) {
        return span == null ? List.of() : scope.values(source.original(span), span.start());
    }

    /** SQL a downgrade runs through {@code execute}: what it drops or deletes, where its text can be read. */
    private void readSql(Span body, Scope scope, Changes changes) {
        Matcher execute = EXECUTE.matcher(source.code).region(body.start(), body.end());
        while (execute.find()) {
            List<Span> args = source.arguments(execute.end() - 1);
            if (!args.isEmpty()) {
                readStatement(execute.start(), source.original(args.get(0)), scope, changes, 0);
            }
        }
    }

    private void readStatement(int at, String expression, Scope scope, Changes changes, int depth) {
        Matcher wrapper = TEXT_WRAPPER.matcher(expression);
        String literal = PythonSource.literalText(expression);
        if (wrapper.lookingAt() && expression.endsWith(")")) {
            readStatement(at, expression.substring(wrapper.end(), expression.length() - 1).strip(), scope, changes,
                    depth);
        } else if (literal != null) {
            readSqlText(at, literal, changes);
        } else if (PythonSource.isIdentifier(expression)) {
            List<String> values = scope.values(expression, at);
            List<String> assigned = scope.isOpaque(expression) ? List.of() : assignedExpressions(expression, scope.body);
            if (!values.isEmpty()) {
                values.forEach(sql -> readSqlText(at, sql, changes));
            } else if (assigned.isEmpty() || depth > 2) {
                changes.unreadable(source, at, "runs SQL held in `" + expression + "`, which mapgen cannot read");
            } else {
                assigned.forEach(each -> readStatement(at, each, scope, changes, depth + 1));
            }
        } else if (DESTRUCTIVE_WORD.matcher(withHelperBodies(expression)).find()) {
            changes.unreadable(source, at, "runs SQL built in code that may drop or delete (`"
                    + PythonSource.shortened(expression) + "`)");
        }
    }

    /** An expression's text followed by the text of each module-level function it calls. */
    private String withHelperBodies(String expression) {
        StringBuilder text = new StringBuilder(expression);
        Matcher call = CALL.matcher(expression);
        while (call.find()) {
            Span helper = functions.get(call.group(1));
            if (helper != null) {
                text.append('\n').append(source.text, helper.start(), helper.end());
            }
        }
        return text.toString();
    }

    /** The expressions a name is bound to by assignments in the function or at module level, as written. */
    private List<String> assignedExpressions(String name, Span body) {
        List<String> expressions = new ArrayList<>();
        Matcher assignment = Pattern.compile("^([ \\t]*)" + name + "[ \\t]*(?::[^=\\n]*)?=(?!=)[ \\t]*",
                Pattern.MULTILINE).matcher(source.code);
        while (assignment.find()) {
            if (assignment.group(1).isEmpty() || body.contains(assignment.start())) {
                expressions.add(source.original(source.expressionAt(assignment.end())));
            }
        }
        return expressions;
    }

    private void readSqlText(int at, String sql, Changes changes) {
        SqlReader.Removals removals = SqlReader.read(sql);
        changes.tables.addAll(removals.tables());
        changes.columns.addAll(removals.columns());
        removals.problems().forEach(problem -> changes.unreadable(source, at, problem));
    }

    private record BatchContext(String alias, Span table, List<String> tables, Span block) {}

    private static final class Changes {
        final Set<String> tables = new LinkedHashSet<>();
        final Set<TableColumn> columns = new LinkedHashSet<>();
        final Set<String> unreadable = new LinkedHashSet<>();

        void unreadable(PythonSource source, int at, String why) {
            unreadable.add("line " + source.lineOf(at) + ": " + why);
        }

        /** The first place the reader could not follow, and how many more there are. */
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
