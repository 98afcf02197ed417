package io.github.airflowdbreconcile.map.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RevisionMapJsonTest {
    static final Path SCHEMA = Path.of("..", "maps", "revision-map.schema.json");

    @Test
    void shouldRoundTripByteForByte() {
        String written = RevisionMapJson.write(RevisionMapTest.sample());
        RevisionMap read = RevisionMapJson.read(stream(written), "test");
        assertEquals(written, RevisionMapJson.write(read));
        assertEquals(List.of("squash"), read.parentsIn("a270", RevisionMapTest.V300));
        assertEquals(List.of("base"), read.parentsIn("a270", RevisionMapTest.V2105));
    }

    @Test
    void shouldWriteReleasesInVersionOrder() {
        String written = RevisionMapJson.write(RevisionMapTest.sample());
        assertTrue(written.indexOf("\"2.7.0\" : {") < written.indexOf("\"2.10.5\" : {"), written);
        assertTrue(written.indexOf("\"2.10.5\" : {") < written.indexOf("\"3.0.0\" : {"), written);
        assertTrue(written.endsWith("}\n"));
    }

    @Test
    void shouldWriteMapsTheSchemaAccepts() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7)
                .getSchema(mapper.readTree(SCHEMA.toFile()));
        Set<ValidationMessage> errors = schema.validate(mapper.readTree(RevisionMapJson.write(RevisionMapTest.sample())));
        assertEquals(Set.of(), errors);
        Set<ValidationMessage> badErrors = schema.validate(mapper.readTree("{\"format\": 2}"));
        assertTrue(!badErrors.isEmpty());
    }

    @Test
    void shouldRefuseAMapWithoutAnyReleaseNamingIt() {
        String empty = "{\"format\": " + RevisionMap.FORMAT + ", \"generator\": {\"name\": \"mapgen\", \"version\": \"1\"},"
                + " \"sources\": [], \"versions\": {}, \"revisions\": {}}";
        ReconcileException e = assertThrows(ReconcileException.class, () -> RevisionMapJson.read(stream(empty),
                "m.json"));
        assertEquals(ErrorCode.MAP_INVALID, e.code());
        assertTrue(e.getMessage().startsWith("map m.json lists no release"), e.getMessage());
    }

    @Test
    void shouldRefuseUnknownFormatSayingWhatToDo() {
        ReconcileException e = assertThrows(ReconcileException.class,
                () -> RevisionMapJson.read(stream("{\"format\": 1}"), "m.json"));
        assertEquals(ErrorCode.MAP_INVALID, e.code());
        assertTrue(e.getMessage().contains("has format 1; this build reads format " + RevisionMap.FORMAT), e.getMessage());
    }

    @Test
    void shouldRefuseTextThatIsNotJson() {
        ReconcileException e = assertThrows(ReconcileException.class,
                () -> RevisionMapJson.read(stream("not json"), "m.json"));
        assertEquals(ErrorCode.MAP_INVALID, e.code());
        assertTrue(e.getMessage().startsWith("map m.json is not JSON"), e.getMessage());
    }

    @Test
    void shouldNameMissingMapFile(@TempDir Path dir) {
        ReconcileException e = assertThrows(ReconcileException.class,
                () -> RevisionMapJson.read(dir.resolve("missing.json")));
        assertEquals(ErrorCode.IO, e.code());
        assertTrue(e.getMessage().contains("missing.json"), e.getMessage());
    }

    @Test
    void shouldWriteFileCreatingFolders(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("a/b/map.json");
        RevisionMapJson.write(RevisionMapTest.sample(), file);
        assertEquals(RevisionMapJson.write(RevisionMapTest.sample()), Files.readString(file));
    }

    @Test
    void shouldWriteAMapOthersCanRead(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("map.json");
        RevisionMapJson.write(RevisionMapTest.sample(), file);

        assertTrue(Files.getPosixFilePermissions(file).contains(PosixFilePermission.OTHERS_READ));
        try (var left = Files.list(dir)) {
            assertEquals(List.of(file), left.toList());
        }
    }

    private static ByteArrayInputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
