package io.github.airflowdbreconcile.mapgen.internal;

import io.github.airflowdbreconcile.mapgen.internal.PythonSource.Span;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What string values a name can hold where a migration uses it as a table or column name: a module constant
 * ({@code TABLE_NAME = "x"}), a local one, or the target of a {@code for} over a literal list. Any other binding (a
 * parameter, a second value, a computed one) makes the name unresolvable: no guess.
 */
final class NameBindings {
    private static final Pattern MODULE_ASSIGNMENT =
            Pattern.compile("^(\\w+)[ \\t]*(?::[^=\\n]*)?=(?!=)[ \\t]*", Pattern.MULTILINE);
    private static final Pattern LOCAL_ASSIGNMENT =
            Pattern.compile("^[ \\t]+(\\w+)[ \\t]*(?::[^=\\n]*)?=(?!=)[ \\t]*", Pattern.MULTILINE);
    private static final Pattern FOR_STATEMENT = Pattern.compile("(?m)^[ \\t]*(for)\\s+(\\w+)\\s+in\\s+");
    private static final Pattern ANY_FOR_TARGET = Pattern.compile("(?<![\\w.])for\\s+(.+?)\\s+in\\b");
    private static final Pattern WITH_TARGET = Pattern.compile("(?<![\\w.])as\\s+(\\w+)");
    private static final Pattern DEF = Pattern.compile("(?m)^[ \\t]*def\\s+\\w+\\s*\\(");
    private static final Pattern SEQUENCE_ITEM = Pattern.compile("\\s*([rRuU]?(?:\"[^\"\\\\\\n]*\"|'[^'\\\\\\n]*'))\\s*,?");

    private final PythonSource source;
    private final Map<String, List<String>> module;

    NameBindings(PythonSource source) {
        this.source = source;
        this.module = bound(MODULE_ASSIGNMENT, new Span(0, source.code.length()), new HashSet<>());
    }

    /** The bindings seen from inside one function: its own hide the module's. */
    Scope scopeOf(Span body) {
        Set<String> rebound = new HashSet<>();
        Map<String, List<String>> locals = bound(LOCAL_ASSIGNMENT, body, rebound);
        Set<String> opaque = new HashSet<>();
        List<Loop> loops = new ArrayList<>();
        Matcher loop = FOR_STATEMENT.matcher(source.code).region(body.start(), body.end());
        while (loop.find()) {
            String iterable = iterable(loop.end());
            List<String> values = sequence(iterable, null);
            if (values == null && PythonSource.isIdentifier(iterable) && !rebound.contains(iterable)) {
                values = locals.getOrDefault(iterable, module.get(iterable));
            }
            int indent = source.indentAt(source.lineStart(loop.start(1)));
            loops.add(new Loop(loop.group(2), values, loop.start(1),
                    new Span(loop.end(), source.blockEnd(loop.end(), indent, body.end()))));
        }
        Matcher anyLoop = ANY_FOR_TARGET.matcher(source.code).region(body.start(), body.end());
        while (anyLoop.find()) {
            int at = anyLoop.start();
            if (loops.stream().noneMatch(statement -> statement.at == at)) {
                opaque.addAll(List.of(anyLoop.group(1).split("[,()\\[\\]\\s]+")));
            }
        }
        Matcher alias = WITH_TARGET.matcher(source.code).region(body.start(), body.end());
        while (alias.find()) {
            opaque.add(alias.group(1));
        }
        Matcher def = DEF.matcher(source.code).region(body.start(), body.end());
        while (def.find()) {
            for (Span parameter : source.arguments(def.end() - 1)) {
                opaque.add(source.code(parameter).replaceAll("^\\*+|[:=].*$", "").strip());
            }
        }
        for (Loop each : loops) {
            if (locals.containsKey(each.target) || rebound.contains(each.target)) {
                opaque.add(each.target);
            }
        }
        opaque.forEach(locals::remove);
        rebound.forEach(name -> locals.putIfAbsent(name, List.of()));
        return new Scope(body, locals, opaque, loops);
    }

    /**
     * Names assigned a string or a literal list of strings, each once (or always the same); names assigned anything
     * else, or several values, go to {@code rebound}.
     */
    private Map<String, List<String>> bound(Pattern assignment, Span region, Set<String> rebound) {
        Map<String, List<String>> values = new HashMap<>();
        Matcher m = assignment.matcher(source.code).region(region.start(), region.end());
        while (m.find()) {
            String name = m.group(1);
            String expression = source.code(source.expressionAt(m.end()));
            String single = PythonSource.stringValue(expression);
            List<String> value = single != null ? List.of(single) : sequence(expression, null);
            List<String> before = values.put(name, value);
            if (value == null || before != null && !before.equals(value)) {
                rebound.add(name);
            }
        }
        rebound.forEach(values::remove);
        return values;
    }

    /** The iterable of a {@code for} statement: up to its colon. */
    private String iterable(int start) {
        int end = start;
        while (end < source.code.length() && source.code.charAt(end) != ':' && source.code.charAt(end) != '\n') {
            char c = source.code.charAt(end);
            end = c == '(' || c == '[' || c == '{' ? source.closing(end) + 1 : end + 1;
        }
        return source.code.substring(start, Math.min(end, source.code.length())).strip();
    }

    /** The strings of a literal tuple or list of strings, or {@code otherwise}. */
    private static List<String> sequence(String expression, List<String> otherwise) {
        if (!expression.matches("(?s)\\(.*\\)|\\[.*]")) {
            return otherwise;
        }
        String inner = expression.substring(1, expression.length() - 1);
        List<String> items = new ArrayList<>();
        Matcher item = SEQUENCE_ITEM.matcher(inner);
        int at = 0;
        while (at < inner.length() && !inner.substring(at).isBlank()) {
            if (!item.region(at, inner.length()).lookingAt()) {
                return otherwise;
            }
            items.add(PythonSource.stringValue(item.group(1)));
            at = item.end();
        }
        return items.isEmpty() ? otherwise : List.copyOf(items);
    }

    /** A {@code for name in iterable:} statement; values null where the iterable is not a literal list. */
    private record Loop(String target, List<String> values, int at, Span block) {}

    /** What a function's own bindings make of a name (a name it rebinds to something else holds nothing known). */
    final class Scope {
        final Span body;
        private final Map<String, List<String>> locals;
        private final Set<String> opaque;
        private final List<Loop> loops;

        private Scope(Span body, Map<String, List<String>> locals, Set<String> opaque, List<Loop> loops) {
            this.body = body;
            this.locals = locals;
            this.opaque = opaque;
            this.loops = loops;
        }

        /** The string values {@code expression}, used at {@code offset}, can have: empty when mapgen cannot tell. */
        List<String> values(String expression, int offset) {
            String literal = PythonSource.stringValue(expression);
            if (literal != null) {
                return List.of(literal);
            }
            String name = expression.strip();
            if (!PythonSource.isIdentifier(name) || opaque.contains(name)) {
                return List.of();
            }
            Loop innermost = null;
            for (Loop loop : loops) {
                if (loop.target.equals(name) && loop.block.contains(offset)) {
                    innermost = loop;
                }
            }
            if (innermost != null || loops.stream().anyMatch(loop -> loop.target.equals(name))) {
                return innermost == null || innermost.values == null ? List.of() : innermost.values;
            }
            return locals.getOrDefault(name, module.getOrDefault(name, List.of()));
        }

        /** A parameter or a loop or {@code with} target: what it holds is decided elsewhere. */
        boolean isOpaque(String name) {
            return opaque.contains(name) || loops.stream().anyMatch(loop -> loop.target.equals(name));
        }
    }
}
