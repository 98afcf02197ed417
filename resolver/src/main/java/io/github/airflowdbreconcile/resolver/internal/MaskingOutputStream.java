package io.github.airflowdbreconcile.resolver.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Passes another program's output on line by line with the database password replaced by {@code ***}: Airflow may
 * print its connection, and secrets never reach the job log.
 */
public final class MaskingOutputStream extends OutputStream {
    /** Shorter secrets would mask ordinary text; a password that short is no secret anyway. */
    private static final int MIN_SECRET_LENGTH = 4;

    private final Writer out;
    private final List<String> secrets;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    public MaskingOutputStream(Writer out, String password) {
        this.out = out;
        Set<String> forms = new LinkedHashSet<>();
        if (password != null && password.length() >= MIN_SECRET_LENGTH) {
            forms.add(URLEncoder.encode(password, StandardCharsets.UTF_8).replace("+", "%20"));
            forms.add(password);
        }
        this.secrets = List.copyOf(forms);
    }

    @Override
    public synchronized void write(int b) throws IOException {
        line.write(b);
        if (b == '\n') {
            emit();
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

    /** Writes out a partial line too: a prompt without a newline must still show. */
    @Override
    public synchronized void flush() throws IOException {
        emit();
        out.flush();
    }

    @Override
    public void close() throws IOException {
        flush();
    }

    private void emit() throws IOException {
        if (line.size() == 0) {
            return;
        }
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        for (String secret : secrets) {
            text = text.replace(secret, "***");
        }
        out.write(text);
        // The job log shows a long downgrade as it runs, not when it ends.
        out.flush();
    }
}
