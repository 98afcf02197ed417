package io.github.airflowdbreconcile.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** RBAC objects appear only when the Job needs the Kubernetes API, with the verbs that need and no more. */
class RbacIT {

    private static final String FULLNAME = "prod-airflow-db-reconcile";
    private static final Set<String> POD_READS = Set.of(":pods:get", ":pods:list");
    private static final Set<String> EXEC = Set.of(":pods/exec:create", ":pods/exec:get");
    private static final Set<String> SCALING = Set.of(
            "apps:deployments:get", "apps:deployments:list", "apps:deployments:patch",
            "apps:statefulsets:get", "apps:statefulsets:list", "apps:statefulsets:patch",
            "apps:deployments/scale:get", "apps:deployments/scale:patch", "apps:deployments/scale:update",
            "apps:statefulsets/scale:get", "apps:statefulsets/scale:patch", "apps:statefulsets/scale:update");

    @Test
    void shouldGiveNoApiAccessWhenOnlyTheAlembicTableIsRead() {
        Rendered rendered = HelmRender.template();

        assertEquals(Set.of("ConfigMap", "Job"), Set.copyOf(rendered.kinds()));
        assertFalse(rendered.podSpec().path("automountServiceAccountToken").asBoolean(true));
        assertTrue(rendered.podSpec().path("serviceAccountName").isMissingNode());
    }

    @Test
    void shouldGrantExecAndScalingWhenDowngradeIsAllowed() {
        Rendered rendered = HelmRender.template("migrateDatabaseJob.allowDowngrade", "true");

        assertEquals(union(POD_READS, EXEC, SCALING), grants(rendered));
        assertEquals(FULLNAME, rendered.get("ServiceAccount").path("metadata").path("name").asText());
        assertEquals(FULLNAME, rendered.podSpec().path("serviceAccountName").asText());
        assertTrue(rendered.podSpec().path("automountServiceAccountToken").asBoolean());
        JsonNode binding = rendered.get("RoleBinding");
        assertEquals("Role", binding.path("roleRef").path("kind").asText());
        assertEquals(FULLNAME, binding.path("roleRef").path("name").asText());
        assertEquals(FULLNAME, binding.path("subjects").get(0).path("name").asText());
        assertEquals(HelmRender.NAMESPACE, binding.path("subjects").get(0).path("namespace").asText());
    }

    @Test
    void shouldOnlyReadPodsForTheImageSource() {
        Rendered rendered = HelmRender.template(
                "migrateDatabaseJob.downgrade.currentVersionSource", "running-pod-image");

        assertEquals(POD_READS, grants(rendered));
    }

    @Test
    void shouldExecWithoutScalingForTheExecSourceWhenDowngradeIsNotAllowed() {
        Rendered rendered = HelmRender.template(
                "migrateDatabaseJob.downgrade.currentVersionSource", "running-pod-exec");

        assertEquals(union(POD_READS, EXEC), grants(rendered));
    }

    @Test
    void shouldLeaveRbacToTheOperatorWhenRbacCreateIsFalse() {
        Rendered rendered = HelmRender.template("migrateDatabaseJob.allowDowngrade", "true", "rbac.create", "false");

        assertEquals(Set.of("ConfigMap", "Job", "ServiceAccount"), Set.copyOf(rendered.kinds()));
        assertEquals(FULLNAME, rendered.podSpec().path("serviceAccountName").asText());
    }

    @Test
    void shouldUseTheOperatorsServiceAccountWhenToldNotToCreateOne() {
        Rendered rendered = HelmRender.template("migrateDatabaseJob.allowDowngrade", "true",
                "serviceAccount.create", "false", "serviceAccount.name", "airflow-admin");

        assertTrue(rendered.find("ServiceAccount").isEmpty());
        assertEquals("airflow-admin", rendered.podSpec().path("serviceAccountName").asText());
        assertEquals("airflow-admin", rendered.get("RoleBinding").path("subjects").get(0).path("name").asText());
    }

    static Stream<List<String>> apiUses() {
        return Stream.of(
                List.of("migrateDatabaseJob.allowDowngrade", "true"),
                List.of("migrateDatabaseJob.allowDowngrade", "true", "rbac.create", "false"),
                List.of("migrateDatabaseJob.downgrade.currentVersionSource", "running-pod-image"),
                List.of("migrateDatabaseJob.downgrade.currentVersionSource", "running-pod-exec"));
    }

    /** Else the Role (pods/exec, patch) would be bound to, and the Job run as, the namespace's default account. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("apiUses")
    void shouldRefuseToUseTheDefaultServiceAccountWhenTheJobNeedsTheApi(List<String> values) {
        List<String> all = new ArrayList<>(values);
        all.addAll(List.of("serviceAccount.create", "false"));

        String error = HelmRender.templateError(all.toArray(String[]::new));

        List<String> errors = error.lines().filter(l -> l.startsWith("Error:")).toList();
        assertEquals(1, errors.size(), error);
        assertTrue(errors.get(0).contains("serviceAccount.create=false") && errors.get(0).contains("serviceAccount.name"),
                error);
    }

    @Test
    void shouldNeedNoServiceAccountWhenOnlyTheAlembicTableIsRead() {
        Rendered rendered = HelmRender.template("serviceAccount.create", "false");

        assertEquals(Set.of("ConfigMap", "Job"), Set.copyOf(rendered.kinds()));
        assertTrue(rendered.podSpec().path("serviceAccountName").isMissingNode());
    }

    @Test
    void shouldNotMountTheCreatedServiceAccountTokenByDefault() {
        Rendered rendered = HelmRender.template("migrateDatabaseJob.allowDowngrade", "true");

        // Only the Job's pod opts in; anything else that runs under this account gets no token.
        assertFalse(rendered.get("ServiceAccount").path("automountServiceAccountToken").asBoolean(true));
    }

    private static Set<String> grants(Rendered rendered) {
        Set<String> grants = new TreeSet<>();
        for (JsonNode rule : rendered.get("Role").path("rules")) {
            for (JsonNode group : rule.path("apiGroups")) {
                for (JsonNode resource : rule.path("resources")) {
                    for (JsonNode verb : rule.path("verbs")) {
                        grants.add(group.asText() + ":" + resource.asText() + ":" + verb.asText());
                    }
                }
            }
            assertTrue(rule.path("resourceNames").isMissingNode() && rule.path("nonResourceURLs").isMissingNode());
        }
        return grants;
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> all = new TreeSet<>();
        for (Set<String> set : sets) {
            all.addAll(set);
        }
        return all;
    }
}
