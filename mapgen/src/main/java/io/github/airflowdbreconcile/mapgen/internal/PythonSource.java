package io.github.airflowdbreconcile.mapgen.internal;

import java.util.ArrayList;
import java.util.List;
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
        char quote = 0;
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote || c == '\n') {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '#') {
                int end = code.indexOf('\n', i);
                end = end < 0 ? code.length() : end;
                blank(out, i, end);
                i = end;
            }
        }
        return out.toString();
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
        int depth = 0;
        char quote = 0;
        for (int i = open; i < code.length(); i++) {
            char c = code.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote || c == '\n') {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if ((c == ')' || c == ']' || c == '}') && --depth == 0) {
                return i;
            }
        }
        return code.length();
    }

    /** The arguments of the call whose opening parenthesis is at {@code open}, as spans of the code. */
    List<Span> arguments(int open) {
        int close = closing(open);
        List<Span> args = new ArrayList<>();
        int start = open + 1;
        int depth = 0;
        char quote = 0;
        for (int i = open + 1; i < close; i++) {
            char c = code.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote || c == '\n') {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            } else if (c == ',' && depth == 0) {
                args.add(new Span(start, i));
                start = i + 1;
            }
        }
        if (!text.substring(start, close).isBlank()) {
            args.add(new Span(start, close));
        }
        return args;
    }

    /** The value of a plain (not f-) string literal as written, or null when {@code expression} is something else. */
    static String stringValue(String expression) {
        Matcher m = STRING_LITERAL.matcher(expression.strip());
        if (!m.matches()) {
            return null;
        }
        return m.group(1) != null ? m.group(1) : m.group(2);
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
