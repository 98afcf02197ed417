package io.github.airflowdbreconcile.mapgen.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntUnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A migration file's text with its triple-quoted strings and comments blanked ({@link #code}), offsets kept equal to
 * the original's ({@link #text}) so that a span found in the code can be read back as written (SQL inside a blanked
 * string, for instance). Enough of Python's lexical rules to find calls and their arguments; no Python runs.
 */
final class PythonSource {
    static final Pattern TRIPLE_QUOTED = Pattern.compile("(\"\"\"|''')(.*?)\\1", Pattern.DOTALL);
    private static final Pattern STRING_LITERAL =
            Pattern.compile("(?s)[rRuU]?(?:\"((?:[^\"\\\\\\n]|\\\\.)*)\"|'((?:[^'\\\\\\n]|\\\\.)*)')");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_]\\w*");

    final String text;
    final String code;

    PythonSource(String text) {
        this.text = text;
        this.code = blankComments(blankTripleQuoted(text));
    }

    /** Replaces triple-quoted strings by blanks of the same length, keeping newlines so line numbers stay right. */
    static String blankTripleQuoted(String text) {
        StringBuilder out = new StringBuilder(text);
        Matcher m = TRIPLE_QUOTED.matcher(text);
        while (m.find()) {
            blank(out, m.start(), m.end());
        }
        return out.toString();
    }

    /** Blanks {@code #} comments: a commented-out {@code op.drop_table(...)} does nothing. */
    private static String blankComments(String code) {
        StringBuilder out = new StringBuilder(code);
        outsideStrings(code, 0, i -> {
            if (code.charAt(i) != '#') {
                return i;
            }
            int end = code.indexOf('\n', i);
            end = end < 0 ? code.length() : end;
            blank(out, i, end);
            return end;
        });
        return out.toString();
    }

    /**
     * Calls {@code visit} with every offset from {@code from} on that is outside a single-line string literal; it
     * returns the offset it has read up to (its argument, usually), or -1 to stop there. Returns where it stopped,
     * or the code's end.
     */
    private static int outsideStrings(String code, int from, IntUnaryOperator visit) {
        char quote = 0;
        for (int i = from; i < code.length(); i++) {
            char c = code.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote || c == '\n') {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else {
                int next = visit.applyAsInt(i);
                if (next < 0) {
                    return i;
                }
                i = next;
            }
        }
        return code.length();
    }

    private static void blank(StringBuilder out, int start, int end) {
        for (int i = start; i < end; i++) {
            if (out.charAt(i) != '\n') {
                out.setCharAt(i, ' ');
            }
        }
    }

    /** Offset of the bracket closing the one at {@code open}, skipping strings; the code's end when unbalanced. */
    int closing(int open) {
        int[] depth = {0};
        return outsideStrings(code, open, i -> {
            char c = code.charAt(i);
            if (c == '(' || c == '[' || c == '{') {
                depth[0]++;
            } else if ((c == ')' || c == ']' || c == '}') && --depth[0] == 0) {
                return -1;
            }
            return i;
        });
    }

    /** The arguments of the call whose opening parenthesis is at {@code open}, as spans of the code. */
    List<Span> arguments(int open) {
        int close = closing(open);
        List<Span> args = new ArrayList<>();
        int[] start = {open + 1};
        int[] depth = {0};
        outsideStrings(code, open + 1, i -> {
            char c = code.charAt(i);
            if (i >= close) {
                return -1;
            } else if (c == '(' || c == '[' || c == '{') {
                depth[0]++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth[0]--;
            } else if (c == ',' && depth[0] == 0) {
                args.add(new Span(start[0], i));
                start[0] = i + 1;
            }
            return i;
        });
        if (!text.substring(start[0], close).isBlank()) {
            args.add(new Span(start[0], close));
        }
        return args;
    }

    /** The expression starting at {@code start}: to the end of its line, continued while a bracket is open. */
    Span expressionAt(int start) {
        int end = start;
        while (end < code.length() && code.charAt(end) != '\n') {
            char c = code.charAt(end);
            end = c == '(' || c == '[' || c == '{' ? closing(end) + 1 : end + 1;
        }
        return new Span(start, Math.min(end, code.length()));
    }

    /** The value of a plain (not f-) string literal as written, or null when {@code expression} is something else. */
    static String stringValue(String expression) {
        Matcher m = STRING_LITERAL.matcher(expression.strip());
        if (!m.matches()) {
            return null;
        }
        return m.group(1) != null ? m.group(1) : m.group(2);
    }

    /**
     * The text of a string literal or of adjacent literals Python joins ({@code "a " "b"}), any prefix allowed
     * ({@code f}-strings keep their braces), escapes resolved except in raw strings; null for anything else.
     */
    static String literalText(String expression) {
        StringBuilder text = new StringBuilder();
        int at = skipBlanks(expression, 0);
        while (at < expression.length()) {
            int prefixEnd = at;
            while (prefixEnd < at + 2 && prefixEnd < expression.length()
                    && "rRuUbBfF".indexOf(expression.charAt(prefixEnd)) >= 0) {
                prefixEnd++;
            }
            if (prefixEnd >= expression.length() || "\"'".indexOf(expression.charAt(prefixEnd)) < 0) {
                return null;
            }
            String quote = expression.startsWith(expression.substring(prefixEnd, prefixEnd + 1).repeat(3), prefixEnd)
                    ? expression.substring(prefixEnd, prefixEnd + 3) : expression.substring(prefixEnd, prefixEnd + 1);
            int contentStart = prefixEnd + quote.length();
            int close = contentStart;
            while (close < expression.length() && !expression.startsWith(quote, close)) {
                close += expression.charAt(close) == '\\' ? 2 : 1;
            }
            if (close >= expression.length()) {
                return null;
            }
            String content = expression.substring(contentStart, close);
            boolean raw = expression.substring(at, prefixEnd).toLowerCase(Locale.ROOT).contains("r");
            text.append(raw ? content : unescape(content));
            at = skipBlanks(expression, close + quote.length());
        }
        return text.isEmpty() && at == 0 ? null : text.toString();
    }

    private static int skipBlanks(String text, int from) {
        int at = from;
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
        return at;
    }

    /** A string literal's text with Python's backslash escapes resolved ({@code \\"} is {@code "}). */
    static String unescape(String literal) {
        StringBuilder out = new StringBuilder(literal.length());
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            if (c == '\\' && i + 1 < literal.length()) {
                char next = literal.charAt(++i);
                out.append(switch (next) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    default -> next;
                });
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    static boolean isIdentifier(String expression) {
        return IDENTIFIER.matcher(expression.strip()).matches();
    }

    /** The original text of a span: a string the code blanked reads as written. */
    String original(Span span) {
        return text.substring(span.start(), span.end()).strip();
    }

    String code(Span span) {
        return code.substring(span.start(), span.end()).strip();
    }

    int lineOf(int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /** The code of the line holding {@code offset}, shortened for a message. */
    String lineAt(int offset) {
        int end = code.indexOf('\n', offset);
        return shortened(code.substring(lineStart(offset), end < 0 ? code.length() : end));
    }

    /** Text on one line, at most 80 characters, for a message. */
    static String shortened(String text) {
        String line = text.replaceAll("\\s+", " ").strip();
        return line.length() > 80 ? line.substring(0, 77) + "..." : line;
    }

    int lineStart(int offset) {
        return code.lastIndexOf('\n', offset - 1) + 1;
    }

    int indentAt(int lineStart) {
        int i = lineStart;
        while (i < code.length() && (code.charAt(i) == ' ' || code.charAt(i) == '\t')) {
            i++;
        }
        return i - lineStart;
    }

    /**
     * End of the block opened by the statement on the line at {@code headerEnd}'s line: the start of the first later
     * non-blank line indented no deeper than {@code indent}, or {@code limit}.
     */
    int blockEnd(int headerEnd, int indent, int limit) {
        int line = code.indexOf('\n', headerEnd);
        while (line >= 0 && line + 1 < limit) {
            int start = line + 1;
            int next = code.indexOf('\n', start);
            String content = code.substring(start, next < 0 ? code.length() : next);
            if (!content.isBlank() && indentAt(start) <= indent && !content.strip().startsWith(")")) {
                return start;
            }
            line = next;
        }
        return limit;
    }

    /** A range of offsets, end exclusive. */
    record Span(int start, int end) {
        boolean contains(int offset) {
            return offset >= start && offset < end;
        }
    }
}
