package io.github.airflowdbreconcile.resolver.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MaskingOutputStreamTest {
    private static String through(String password, String... chunks) throws IOException {
        StringWriter sink = new StringWriter();
        try (MaskingOutputStream masked = new MaskingOutputStream(sink, password)) {
            for (String chunk : chunks) {
                masked.write(chunk.getBytes(StandardCharsets.UTF_8));
            }
        }
        return sink.toString();
    }

    @Test
    void shouldMaskAPasswordSplitAcrossWrites() throws IOException {
        assertEquals("url postgresql://u:***@db/x\nnext\n", through("s3cret", "url postgresql://u:s3", "cret@db/x\nne",
                "xt\n"));
    }

    @Test
    void shouldMaskThePercentEncodedFormAndKeepAPartialLastLine() throws IOException {
        assertEquals("postgresql://u:***@db/x ready?", through("p@ss/word", "postgresql://u:p%40ss%2Fword@db/x ready?"));
    }

    @Test
    void shouldLeaveTextAloneWithoutAPasswordWorthMasking() throws IOException {
        assertEquals("a b c\n", through("a", "a b c\n"));
        assertEquals("a b c\n", through(null, "a b c\n"));
    }

    @Test
    void shouldPassEachLineOnAsSoonAsItEnds() throws IOException {
        StringWriter log = new StringWriter();
        MaskingOutputStream masked = new MaskingOutputStream(new BufferedWriter(log), "s3cret");
        masked.write("Running downgrade 1 of 2\nhalf a li".getBytes(StandardCharsets.UTF_8));
        assertEquals("Running downgrade 1 of 2\n", log.toString());
    }
}
