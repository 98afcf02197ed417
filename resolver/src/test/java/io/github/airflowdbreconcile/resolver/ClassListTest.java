package io.github.airflowdbreconcile.resolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * image/classlist, from which both image recipes dump the class-data archive, must name classes the code still has:
 * a renamed or removed class silently drops out of the archive and the cold start gets slower.
 */
class ClassListTest {
    @Test
    void shouldNameOnlyClassesTheResolverAndItsLibrariesStillHave() throws IOException {
        List<String> classes = Files.readAllLines(Path.of("image/classlist")).stream()
                .filter(line -> !line.startsWith("#") && !line.startsWith("@") && !line.isBlank())
                .map(line -> line.replace('/', '.'))
                .toList();
        assertTrue(classes.contains(ReconcileCli.class.getName()), "the list lacks the main class: run image/train.sh");

        List<String> missing = classes.stream().filter(name -> !exists(name)).toList();

        assertEquals(List.of(), missing, "image/classlist names classes that are gone: run resolver/image/train.sh");
    }

    private static boolean exists(String name) {
        try {
            Class.forName(name, false, ClassListTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
