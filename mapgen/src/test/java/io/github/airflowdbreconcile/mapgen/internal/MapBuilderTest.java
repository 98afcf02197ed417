package io.github.airflowdbreconcile.mapgen.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.airflowdbreconcile.map.api.AirflowVersion;
import io.github.airflowdbreconcile.map.api.Effects;
import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.Generator;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import io.github.airflowdbreconcile.map.api.RevisionMap;
import io.github.airflowdbreconcile.map.api.Source;
import java.util.List;
import org.junit.jupiter.api.Test;

class MapBuilderTest {
    private static MigrationFile file(String name, String revision, String... parents) {
        return new MigrationFile(name, revision, List.of(parents), null, "", 7, Effects.NONE);
    }

    private static ReleaseSnapshot release(String version, MigrationFile... files) {
        AirflowVersion v = AirflowVersion.parse(version);
        return new ReleaseSnapshot(v, new Source(v, Source.GIT, version, "0".repeat(40)), "tag " + version,
                List.of(files));
    }

    private static MapBuilder builder(boolean lenient) {
        return new MapBuilder(new Generator("mapgen", "test"), lenient);
    }

    @Test
    void shouldRefuseTwoHeadsNamingTheReleaseAndFiles() {
        MapBuilder builder = builder(false).add(release("2.9.0", file("a.py", "a"), file("b.py", "b", "a"),
                file("c.py", "c", "a")));

        ReconcileException e = assertThrows(ReconcileException.class, builder::build);

        assertEquals(ErrorCode.REVISION_GRAPH, e.code());
        assertEquals("tag 2.9.0: has 2 heads b (b.py), c (c.py): a release must have one; a merge migration is missing",
                e.getMessage());
    }

    @Test
    void shouldRefuseAParentNoFileDeclaresNamingFileAndLine() {
        MapBuilder builder = builder(false).add(release("2.9.0", file("a.py", "a"), file("b.py", "b", "ghost")));

        ReconcileException e = assertThrows(ReconcileException.class, builder::build);

        assertEquals("tag 2.9.0: b.py:7: down_revision ghost is revised but no file of this release declares it",
                e.getMessage());
    }

    @Test
    void shouldRefuseACycle() {
        MapBuilder builder = builder(false).add(release("2.9.0", file("a.py", "a"), file("b.py", "b", "a", "d"),
                file("c.py", "c", "b"), file("d.py", "d", "c"), file("e.py", "e", "d")));

        ReconcileException e = assertThrows(ReconcileException.class, builder::build);

        assertTrue(e.getMessage().startsWith("tag 2.9.0: its revisions form a cycle (b -> d -> c -> b)"),
                e.getMessage());
    }

    @Test
    void shouldRefuseOneRevisionDeclaredByTwoFiles() {
        MapBuilder builder = builder(false).add(release("2.9.0", file("a.py", "a"), file("a2.py", "a")));

        ReconcileException e = assertThrows(ReconcileException.class, builder::build);

        assertEquals("tag 2.9.0: revision a is declared by both a.py and a2.py", e.getMessage());
    }

    @Test
    void shouldLeaveABrokenReleaseOutWithAWarningWhenLenient() {
        MapBuilder builder = builder(true)
                .add(release("2.8.0", file("a.py", "a")))
                .add(release("2.9.0", file("a.py", "a"), file("b.py", "b", "a"), file("c.py", "c", "a")));

        RevisionMap map = builder.build();

        assertEquals(List.of(AirflowVersion.parse("2.8.0")), List.copyOf(map.versions().keySet()));
        assertEquals(1, map.warnings().size());
        assertTrue(map.warnings().get(0).startsWith("tag 2.9.0: has 2 heads"));
        assertEquals(List.of(), map.problems());
    }
}
