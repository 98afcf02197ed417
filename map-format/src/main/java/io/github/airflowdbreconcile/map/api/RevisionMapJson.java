package io.github.airflowdbreconcile.map.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads and writes the map's JSON (format 2). Writing is deterministic: the same map gives the same bytes. */
public final class RevisionMapJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Comparator<Map.Entry<String, Revision>> REVISION_ORDER =
            Comparator.comparing((Map.Entry<String, Revision> e) -> e.getValue().introducedIn())
                    .thenComparing(e -> e.getValue().file())
                    .thenComparing(Map.Entry::getKey);

    private RevisionMapJson() {}

    public static RevisionMap read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        } catch (NoSuchFileException e) {
            throw new ReconcileException(ErrorCode.IO, "map file " + file + " does not exist: pass the path of a map"
                    + " made by mapgen");
        } catch (IOException e) {
            throw new ReconcileException(ErrorCode.IO, "cannot read map file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a map; {@code origin} names it in errors. */
    public static RevisionMap read(InputStream in, String origin) {
        JsonNode root;
        try {
            root = MAPPER.readTree(in);
        } catch (JsonProcessingException e) {
            throw invalid(origin, "is not JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new ReconcileException(ErrorCode.IO, "cannot read map " + origin + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw invalid(origin, "is not a JSON object");
        }
        JsonNode format = root.get("format");
        if (format == null || !format.isInt()) {
            throw invalid(origin, "has no \"format\" number");
        }
        if (format.intValue() != RevisionMap.FORMAT) {
            throw new ReconcileException(ErrorCode.MAP_INVALID, "map " + origin + " has format " + format.intValue()
                    + "; this build reads format " + RevisionMap.FORMAT + ": use the map this release ships (maps/, the"
                    + " chart's files/revision-map.json) or regenerate it with this release's mapgen");
        }
        try {
            JsonNode generatorNode = object(root, "generator", origin);
            Generator generator = new Generator(text(generatorNode, "name", origin), text(generatorNode, "version", origin));
            List<Source> sources = new ArrayList<>();
            for (JsonNode node : array(root, "sources", origin)) {
                sources.add(new Source(AirflowVersion.parse(text(node, "version", origin)), text(node, "kind", origin),
                        text(node, "ref", origin), text(node, "digest", origin)));
            }
            Map<AirflowVersion, Release> versions = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = object(root, "versions", origin).fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode count = e.getValue().get("revisions");
                if (count == null || !count.isInt()) {
                    throw invalid(origin, "release " + e.getKey() + " has no \"revisions\" count");
                }
                versions.put(AirflowVersion.parse(e.getKey()), new Release(text(e.getValue(), "head", origin),
                        text(e.getValue(), "floor", origin), count.intValue()));
            }
            if (versions.isEmpty()) {
                // Every decision names a release of the map; one without any has nothing to decide with.
                throw invalid(origin, "lists no release (its \"versions\" object is empty)");
            }
            Map<String, Revision> revisions = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = object(root, "revisions", origin).fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                revisions.put(e.getKey(), revision(e.getKey(), e.getValue(), origin));
            }
            List<String> warnings = new ArrayList<>();
            JsonNode warningNodes = root.get("warnings");
            if (warningNodes != null) {
                warningNodes.forEach(w -> warnings.add(w.asText()));
            }
            return new RevisionMap(generator, sources, versions, revisions, warnings);
        } catch (ReconcileException e) {
            if (e.code() == ErrorCode.INVALID_VERSION) {
                throw invalid(origin, "holds a bad version: " + e.getMessage());
            }
            throw e;
        }
    }

    private static Revision revision(String id, JsonNode node, String origin) {
        List<ParentChange> changes = new ArrayList<>();
        JsonNode changeNodes = node.get("parentChanges");
        if (changeNodes != null) {
            for (JsonNode change : changeNodes) {
                changes.add(new ParentChange(AirflowVersion.parse(text(change, "from", origin)),
                        strings(change, "parents", origin)));
            }
        }
        JsonNode declared = node.get("declaredVersion");
        return new Revision(strings(node, "parents", origin), changes,
                AirflowVersion.parse(text(node, "introducedIn", origin)),
                declared == null || declared.isNull() ? null : declared.asText(),
                text(node, "description", origin), text(node, "file", origin),
                effects(object(node, "effects", origin), origin));
    }

    private static Effects effects(JsonNode node, String origin) {
        JsonNode notAnalysed = node.get("notAnalysed");
        return new Effects(changes(object(node, "creates", origin), origin),
                changes(object(node, "drops", origin), origin), notAnalysed == null ? null : notAnalysed.asText());
    }

    private static TableChanges changes(JsonNode node, String origin) {
        List<TableColumn> columns = new ArrayList<>();
        for (JsonNode column : array(node, "columns", origin)) {
            columns.add(new TableColumn(text(column, "table", origin), text(column, "column", origin)));
        }
        return new TableChanges(strings(node, "tables", origin), columns);
    }

    private static void putChanges(ObjectNode node, TableChanges changes) {
        changes.tables().forEach(node.putArray("tables")::add);
        ArrayNode columns = node.putArray("columns");
        for (TableColumn column : changes.columns()) {
            columns.addObject().put("table", column.table()).put("column", column.column());
        }
    }

    /** The map as pretty-printed JSON with a final newline. */
    public static String write(RevisionMap map) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", RevisionMap.FORMAT);
        ObjectNode generator = root.putObject("generator");
        generator.put("name", map.generator().name());
        generator.put("version", map.generator().version());
        ArrayNode sources = root.putArray("sources");
        map.sources().stream()
                .sorted(Comparator.comparing(Source::version).thenComparing(Source::kind).thenComparing(Source::ref))
                .forEach(s -> {
                    ObjectNode node = sources.addObject();
                    node.put("version", s.version().toString());
                    node.put("kind", s.kind());
                    node.put("ref", s.ref());
                    node.put("digest", s.digest());
                });
        ObjectNode versions = root.putObject("versions");
        map.versions().forEach((version, release) -> {
            ObjectNode node = versions.putObject(version.toString());
            node.put("head", release.head());
            node.put("floor", release.floor());
            node.put("revisions", release.revisions());
        });
        ObjectNode revisions = root.putObject("revisions");
        map.revisions().entrySet().stream().sorted(REVISION_ORDER).forEach(e -> {
            Revision revision = e.getValue();
            ObjectNode node = revisions.putObject(e.getKey());
            revision.parents().forEach(node.putArray("parents")::add);
            if (!revision.parentChanges().isEmpty()) {
                ArrayNode changes = node.putArray("parentChanges");
                for (ParentChange change : revision.parentChanges()) {
                    ObjectNode changeNode = changes.addObject();
                    changeNode.put("from", change.from().toString());
                    change.parents().forEach(changeNode.putArray("parents")::add);
                }
            }
            node.put("introducedIn", revision.introducedIn().toString());
            node.put("declaredVersion", revision.declaredVersion());
            node.put("description", revision.description());
            node.put("file", revision.file());
            ObjectNode effects = node.putObject("effects");
            putChanges(effects.putObject("creates"), revision.effects().creates());
            putChanges(effects.putObject("drops"), revision.effects().drops());
            if (!revision.effects().analysed()) {
                effects.put("notAnalysed", revision.effects().notAnalysed());
            }
        });
        if (!map.warnings().isEmpty()) {
            map.warnings().forEach(root.putArray("warnings")::add);
        }
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                .withArrayIndenter(new DefaultIndenter("  ", "\n"));
        try {
            return MAPPER.writer(printer).writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new ReconcileException(ErrorCode.INTERNAL, "cannot write the map: " + e.getOriginalMessage(), e);
        }
    }

    /** Writes the map as UTF-8 through a temporary file, so a failed run never leaves half a map behind. */
    public static void write(RevisionMap map, Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            // Not Files.createTempFile: its 0600 would make a checked-in map unreadable to others.
            Path partial = parent.resolve("." + file.getFileName() + ".partial");
            try {
                Files.writeString(partial, write(map), StandardCharsets.UTF_8);
                Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(partial);
            }
        } catch (IOException e) {
            throw new ReconcileException(ErrorCode.IO, "cannot write map file " + file + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode object(JsonNode parent, String field, String origin) {
        JsonNode node = parent.get(field);
        if (node == null || !node.isObject()) {
            throw invalid(origin, "has no \"" + field + "\" object");
        }
        return node;
    }

    private static JsonNode array(JsonNode parent, String field, String origin) {
        JsonNode node = parent.get(field);
        if (node == null || !node.isArray()) {
            throw invalid(origin, "has no \"" + field + "\" array");
        }
        return node;
    }

    private static String text(JsonNode parent, String field, String origin) {
        JsonNode node = parent.get(field);
        if (node == null || !node.isTextual()) {
            throw invalid(origin, "lacks the text field \"" + field + "\"");
        }
        return node.textValue();
    }

    private static List<String> strings(JsonNode parent, String field, String origin) {
        List<String> values = new ArrayList<>();
        for (JsonNode node : array(parent, field, origin)) {
            values.add(node.asText());
        }
        return values;
    }

    private static ReconcileException invalid(String origin, String what) {
        return new ReconcileException(ErrorCode.MAP_INVALID, "map " + origin + " " + what
                + ": regenerate it with mapgen or use the one shipped with the chart");
    }
}
