package io.github.airflowdbreconcile.resolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The registry image (Dockerfile) and the image the real-cluster tests run (image/build.sh) start the JVM the same
 * way: the flags live in image/jvm.options only, and both dump the class-data archive where those flags look for it.
 */
class ImageRecipesTest {
    private static final String ENTRYPOINT = "[\"/opt/java/bin/java\", \"@/app/jvm.options\", \"-jar\", \"/app/resolver.jar\"]";

    @Test
    void shouldStartTheJvmOnlyWithTheFlagsOfJvmOptionsInBothRecipes() throws IOException {
        String dockerfile = Files.readString(Path.of("Dockerfile"));
        String buildScript = Files.readString(Path.of("image/build.sh"));

        assertEquals(List.of("ENTRYPOINT [\"java\", \"@/app/jvm.options\", \"-jar\", \"/app/resolver.jar\"]"),
                dockerfile.lines().filter(l -> l.startsWith("ENTRYPOINT")).toList());
        assertTrue(dockerfile.contains("COPY resolver/image/jvm.options /app/jvm.options"), dockerfile);
        assertTrue(buildScript.contains("--entrypoint '" + ENTRYPOINT + "'"), "image/build.sh starts java otherwise");
        assertTrue(buildScript.contains("cp \"$HERE/jvm.options\" \"$ROOT/app/jvm.options\""), buildScript);
    }

    @Test
    void shouldDumpTheClassDataArchiveFromTheClassListWhereJvmOptionsLooksForIt() throws IOException {
        Matcher archive = Pattern.compile("(?m)^-XX:SharedArchiveFile=(\\S+)$")
                .matcher(Files.readString(Path.of("image/jvm.options")));
        assertTrue(archive.find(), "jvm.options names no SharedArchiveFile");
        String dockerfile = Files.readString(Path.of("Dockerfile"));
        String buildScript = Files.readString(Path.of("image/build.sh"));

        assertTrue(dockerfile.contains("\"-XX:SharedArchiveFile=" + archive.group(1) + "\""), "the Dockerfile dumps elsewhere");
        assertTrue(buildScript.contains("-XX:SharedArchiveFile=" + archive.group(1) + " "), "image/build.sh dumps elsewhere");
        assertTrue(dockerfile.contains("COPY resolver/image/classlist /app/classlist")
                && dockerfile.contains("\"-XX:SharedClassListFile=/app/classlist\""), "the Dockerfile dumps another list");
        assertTrue(buildScript.contains("cp \"$HERE/classlist\" \"$ROOT/tmp/classlist\"")
                && buildScript.contains("-XX:SharedClassListFile=/tmp/classlist "), "image/build.sh dumps another list");
    }
}
