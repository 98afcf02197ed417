package io.github.airflowdbreconcile.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * values.schema.json against values.yaml: the defaults pass, bad values fail, and the two files cannot
 * drift apart (every key in both, described, with the same default).
 */
class ValuesSchemaTest {

    private static final JsonNode SCHEMA = ChartFiles.schema();
    private static final JsonSchema VALIDATOR =
            JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(SCHEMA);

    @Test
    void shouldBeDraft07() {
        assertEquals("http://json-schema.org/draft-07/schema#", SCHEMA.path("$schema").asText());
    }

    @Test
    void shouldAcceptTheChartDefaults() {
        assertEquals(Set.of(), VALIDATOR.validate(ChartFiles.values()));
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of("/migrateDatabaseJob/downgrade/currentVersionSource", "\"foo\"", "currentVersionSource"),
                Arguments.of("/migrateDatabaseJob/allowDowngrade", "\"yes\"", "allowDowngrade"),
                Arguments.of("/migrateDatabaseJob/maxRowsLost", "-1", "maxRowsLost"),
                Arguments.of("/migrateDatabaseJob/maxRowsLost", "\"10k\"", "maxRowsLost"),
                Arguments.of("/migrateDatabaseJob/timeouts/countSeconds", "-1", "countSeconds"),
                Arguments.of("/migrateDatabaseJob/allowDowngrad", "true", "allowDowngrad"),
                Arguments.of("/enabled", "true", "enabled"),
                Arguments.of("/airflowVersion", "\"latest\"", "airflowVersion"),
                Arguments.of("/migrateDatabaseJob/timeouts/execSeconds", "0", "execSeconds"),
                Arguments.of("/migrateDatabaseJob/timeouts/dbSeconds", "\"120s\"", "dbSeconds"),
                Arguments.of("/image/pullPolicy", "\"Sometimes\"", "pullPolicy"),
                Arguments.of("/image/digest", "\"sha256:abc\"", "digest"),
                Arguments.of("/airflow/releaseName", "\"Prod_Airflow\"", "releaseName"),
                Arguments.of("/migrateDatabaseJob/jobAnnotations", "{\"a\": 1}", "jobAnnotations"),
                Arguments.of("/migrateDatabaseJob/downgrade/extraEnv", "[{\"value\": \"x\"}]", "extraEnv"),
                Arguments.of("/migrateDatabaseJob/securityContexts/container",
                        "{\"readOnlyRootFileSystem\": true}", "readOnlyRootFileSystem"),
                Arguments.of("/migrateDatabaseJob/downgrade/resources", "{\"limit\": {\"cpu\": 1}}", "limit"),
                Arguments.of("/migrateDatabaseJob/tolerations", "[{\"efect\": \"NoSchedule\"}]", "efect"),
                Arguments.of("/serve/enabled", "\"yes\"", "enabled"),
                Arguments.of("/serve/service/port", "0", "port"),
                Arguments.of("/serve/serviceMonitor/interval", "\"30 seconds\"", "interval"),
                Arguments.of("/serve/metadataSecret/name", "\"Reader_Secret\"", "name"),
                Arguments.of("/serve/securityContexts/container", "{\"readOnlyRootFileSystem\": true}",
                        "readOnlyRootFileSystem"),
                Arguments.of("/serve/resources", "{\"limit\": {\"memory\": \"1Gi\"}}", "limit"));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("badValues")
    void shouldRejectBadValues(String pointer, String json, String named) throws Exception {
        ObjectNode values = ChartFiles.values().deepCopy();
        int slash = pointer.lastIndexOf('/');
        ((ObjectNode) values.at(pointer.substring(0, slash)))
                .set(pointer.substring(slash + 1), ChartFiles.JSON.readTree(json));

        Set<ValidationMessage> errors = VALIDATOR.validate(values);

        assertFalse(errors.isEmpty(), pointer + " = " + json + " was accepted");
        assertTrue(errors.stream().anyMatch(e -> e.getMessage().contains(named)),
                () -> "no error names " + named + ": " + errors);
    }

    @Test
    void shouldDescribeEveryKeyOfValuesYamlWithItsDefault() {
        List<String> problems = new ArrayList<>();
        compare("", ChartFiles.values(), SCHEMA, problems);

        assertEquals(List.of(), problems);
    }

    @Test
    void shouldCloseEveryObjectExceptGlobal() {
        List<String> open = new ArrayList<>();
        findOpenObjects("", SCHEMA, open);

        assertEquals(List.of("/properties/global"), open);
    }

    /**
     * A schema node with a default is a value: values.yaml must hold that default there. A node without
     * one only groups keys: its properties and the values.yaml map must name the same keys.
     */
    private static void compare(String path, JsonNode value, JsonNode schema, List<String> problems) {
        if (!schema.path("description").isTextual() || schema.path("description").asText().isBlank()) {
            problems.add(path + ": no description");
        }
        if (schema.has("default")) {
            if (!schema.get("default").equals(value)) {
                problems.add(path + ": schema default " + schema.get("default") + " but values.yaml has " + value);
            }
            return;
        }
        JsonNode properties = schema.path("properties");
        if (!value.isObject() || !properties.isObject()) {
            problems.add(path + ": neither a default nor a group of keys");
            return;
        }
        Set<String> keys = new TreeSet<>();
        value.fieldNames().forEachRemaining(keys::add);
        properties.fieldNames().forEachRemaining(keys::add);
        for (String key : keys) {
            if (!value.has(key)) {
                problems.add(path + "/" + key + ": in values.schema.json, not in values.yaml");
            } else if (!properties.has(key)) {
                problems.add(path + "/" + key + ": in values.yaml, not in values.schema.json");
            } else {
                compare(path + "/" + key, value.get(key), properties.get(key), problems);
            }
        }
    }

    private static void findOpenObjects(String pointer, JsonNode node, List<String> open) {
        if (!node.isContainerNode()) {
            return;
        }
        if (node.isObject() && node.has("properties")
                && !node.path("additionalProperties").equals(ChartFiles.JSON.getNodeFactory().booleanNode(false))) {
            open.add(pointer);
        }
        if (node.isObject()) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                findOpenObjects(pointer + "/" + key, node.get(key), open);
            }
        } else {
            for (int i = 0; i < node.size(); i++) {
                findOpenObjects(pointer + "/" + i, node.get(i), open);
            }
        }
    }
}
