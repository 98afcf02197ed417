package io.github.airflowdbreconcile.chart;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every rendered document, across the value combinations operators use, is an object Kubernetes accepts. */
class RenderedObjectsIT {

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Set<String> KNOWN = Set.of(
            "v1/ConfigMap", "v1/ServiceAccount", "batch/v1/Job",
            "rbac.authorization.k8s.io/v1/Role", "rbac.authorization.k8s.io/v1/RoleBinding");

    static Stream<Arguments> valueSets() {
        return Stream.of(
                Arguments.of("defaults", Map.of()),
                Arguments.of("downgrade allowed", Map.of("migrateDatabaseJob.allowDowngrade", "true")),
                Arguments.of("Argo CD", Map.of("migrateDatabaseJob.useHelmHooks", "false",
                        "migrateDatabaseJob.allowDowngrade", "true")),
                Arguments.of("exec source without RBAC", Map.of(
                        "migrateDatabaseJob.downgrade.currentVersionSource", "running-pod-exec",
                        "rbac.create", "false")),
                Arguments.of("long names", Map.of(
                        "fullnameOverride", "a-very-long-name-for-an-airflow-database-reconcile-release-x",
                        "migrateDatabaseJob.allowDowngrade", "true")),
                Arguments.of("everything set", Map.ofEntries(
                        Map.entry("migrateDatabaseJob.allowDowngrade", "true"),
                        Map.entry("airflow.releaseName", "airflow"),
                        Map.entry("airflow.componentLabel", "tier"),
                        Map.entry("imagePullSecrets[0].name", "regcred"),
                        Map.entry("migrateDatabaseJob.downgrade.extraEnv[0].name", "JAVA_TOOL_OPTIONS"),
                        Map.entry("migrateDatabaseJob.downgrade.extraEnv[0].value", "-Xmx256m"),
                        Map.entry("migrateDatabaseJob.downgrade.resources.limits.memory", "512Mi"),
                        Map.entry("migrateDatabaseJob.nodeSelector.pool", "system"),
                        Map.entry("migrateDatabaseJob.tolerations[0].key", "dedicated"),
                        Map.entry("migrateDatabaseJob.tolerations[0].operator", "Exists"),
                        Map.entry("migrateDatabaseJob.podAnnotations.example\\.com/owner", "data-team"),
                        Map.entry("serviceAccount.annotations.iam\\.gke\\.io/gcp-service-account", "x@y.iam"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valueSets")
    void shouldRenderOnlyWellFormedKubernetesObjects(String name, Map<String, String> values) {
        Rendered rendered = HelmRender.template(values);

        assertFalse(rendered.docs().isEmpty());
        List<org.junit.jupiter.api.function.Executable> checks = new ArrayList<>();
        for (ObjectNode doc : rendered.docs()) {
            String id = doc.path("apiVersion").asText() + "/" + doc.path("kind").asText();
            JsonNode metadata = doc.path("metadata");
            String objectName = metadata.path("name").asText();
            checks.add(() -> assertTrue(KNOWN.contains(id), "unexpected object " + id));
            checks.add(() -> assertTrue(DNS_LABEL.matcher(objectName).matches() && objectName.length() <= 63,
                    id + " name is not a DNS label: " + objectName));
            checks.add(() -> assertEquals(HelmRender.NAMESPACE, metadata.path("namespace").asText(), id));
            checks.add(() -> assertEquals("airflow-db-reconcile",
                    metadata.path("labels").path("app.kubernetes.io/name").asText(), id));
            checks.add(() -> assertEquals(HelmRender.RELEASE,
                    metadata.path("labels").path("app.kubernetes.io/instance").asText(), id));
        }
        assertAll(checks);
    }
}
