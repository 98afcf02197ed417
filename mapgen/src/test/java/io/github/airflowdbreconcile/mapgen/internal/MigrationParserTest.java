package io.github.airflowdbreconcile.mapgen.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import java.util.List;
import org.junit.jupiter.api.Test;

class MigrationParserTest {
    private static MigrationFile parse(String text) {
        return MigrationParser.parse("tag 2.10.5", "0001_x.py", text);
    }

    @Test
    void shouldReadDoubleQuotedAssignments() {
        MigrationFile file = parse("\"\"\"Add the thing.\n\nRevision ID: 111111111111\nRevises: 222222222222\n\"\"\"\n"
                + "revision = \"c7e1f40d6e24\"\ndown_revision = \"c4e7a1f9b2d0\"\nairflow_version = \"3.0.0\"\n");

        assertEquals("c7e1f40d6e24", file.revision());
        assertEquals(List.of("c4e7a1f9b2d0"), file.parents());
        assertEquals("3.0.0", file.declaredVersion());
        assertEquals("Add the thing.", file.description());
        assertEquals(7, file.parentsLine());
    }

    @Test
    void shouldReadSingleQuotesAndMissingVersion() {
        MigrationFile file = parse("revision = 'e3a246e0dc1'\ndown_revision = None\n");

        assertEquals("e3a246e0dc1", file.revision());
        assertEquals(List.of(), file.parents());
        assertNull(file.declaredVersion());
        assertEquals("", file.description());
    }

    @Test
    void shouldReadTypeAnnotatedAssignments() {
        MigrationFile file = parse("revision: str = \"aaaa\"\ndown_revision: str | None = 'bbbb'\n"
                + "branch_labels: Union[str, Sequence[str], None] = None\nairflow_version: str = '2.9.0'\n");

        assertEquals("aaaa", file.revision());
        assertEquals(List.of("bbbb"), file.parents());
        assertEquals("2.9.0", file.declaredVersion());
    }

    @Test
    void shouldReadMergesWrittenAsTuplesOrListsOverSeveralLines() {
        assertEquals(List.of("a1", "b2"), parse("revision = 'm'\ndown_revision = ('a1', 'b2')\n").parents());
        assertEquals(List.of("a1", "b2"), parse("revision = 'm'\ndown_revision = [\n    \"a1\",  # first\n"
                + "    \"b2\",\n]\n").parents());
        assertEquals(List.of("a1"), parse("revision = 'm'\ndown_revision = (\"a1\",)\n").parents());
    }

    @Test
    void shouldIgnoreAssignmentsInsideDocstringsAndStrings() {
        MigrationFile file = parse("'''\nrevision = 'fromdocstring'\ndown_revision = 'x'\n'''\n"
                + "revision = 'real'  # trailing comment\ndown_revision = None\n"
                + "def upgrade():\n    op.execute(\"\"\"\nrevision = 'sql'\n\"\"\")\n");

        assertEquals("real", file.revision());
        assertEquals(List.of(), file.parents());
    }

    @Test
    void shouldKeepIdsThatAreNotTwelveHexCharacters() {
        assertEquals("1b2c3d4e5f6g", parse("revision = '1b2c3d4e5f6g'\ndown_revision = '0a1b2c3d4e'\n").revision());
    }

    @Test
    void shouldNameTheSourceFileAndLineWhenRevisionIsMissing() {
        ReconcileException e = assertThrows(ReconcileException.class,
                () -> parse("\"\"\"Revision ID: abc\n\"\"\"\ndown_revision = None\n"));

        assertEquals(ErrorCode.MIGRATION_PARSE, e.code());
        assertEquals("tag 2.10.5: 0001_x.py:1: has no module-level `revision = \"...\"` assignment", e.getMessage());
    }

    @Test
    void shouldRejectARevisionThatIsNotAQuotedString() {
        ReconcileException e = assertThrows(ReconcileException.class,
                () -> parse("\n\nrevision = make_id()\ndown_revision = None\n"));

        assertEquals("tag 2.10.5: 0001_x.py:3: revision must be one quoted string, found `make_id()`",
                e.getMessage());
    }

    @Test
    void shouldRejectADownRevisionItCannotRead() {
        ReconcileException e = assertThrows(ReconcileException.class,
                () -> parse("revision = 'a'\ndown_revision = PREVIOUS\n"));

        assertEquals(ErrorCode.MIGRATION_PARSE, e.code());
        assertEquals(true, e.getMessage().startsWith("tag 2.10.5: 0001_x.py:2: down_revision must be None"));
    }
}
