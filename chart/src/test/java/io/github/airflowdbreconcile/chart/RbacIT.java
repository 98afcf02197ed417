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
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RBAC objects appear only when the Job needs the Kubernetes API, with exactly the rights resolver/README.md's
 * permission table gives what the Job does (the resolver's KubernetesIT holds that table to the calls it makes).
 */
class RbacIT {

    private static final String FULLNAME = "prod-airflow-db-reconcile";

    static Stream<Arguments> jobForms() {
        return Stream.of(false, true).flatMap(install -> Stream.of(false, true).flatMap(downgrade -> Stream.of(
                "alembic-table", "running-pod-image", "running-pod-exec")
                .map(source -> Arguments.of(install, downgrade, source))));
    }

    /**
     * The Job's uses of the resolver: its --source, --allow-downgrade with the restore Job, and on an install
     * --missing-url-means-fresh (a missing metadata Secret means a fresh database only while the release has no
     * workload).
     */
    @ParameterizedTest(name = "install={0}, allowDowngrade={1}, currentVersionSource={2}")
    @MethodSource("jobForms")
    void shouldGrantExactlyWhatTheResolverDocumentsForWhatTheJobDoes(boolean install, boolean downgrade,
                                                                       String source) {
        String[] values = {"migrateDatabaseJob.allowDowngrade", Boolean.toString(downgrade),
                "migrateDatabaseJob.downgrade.currentVersionSource", source};
        Rendered rendered = install ? HelmRender.template(values) : HelmRender.templateUpgrade(values);
        Set<String> uses = new TreeSet<>();
        if (install) {
            uses.add("missing-url-means-fresh");
        }
        if (downgrade) {
            uses.add("allow-downgrade");
        }
        if (!source.equals("alembic-table")) {
            uses.add(source);
        }

        Set<String> granted = rendered.find("Role").map(RbacIT::grants).orElse(Set.of());

        assertEquals(ResolverRights.of(uses), granted);
    }

    @Test
    void shouldGiveNoApiAccessWhenAnUpgradeOnlyReadsTheAlembicTable() {
        Rendered rendered = HelmRender.templateUpgrade();

        assertEquals(Set.of("ConfigMap", "Job"), Set.copyOf(rendered.kinds()));
        assertFalse(rendered.podSpec().path("automountServiceAccountToken").asBoolean(true));
        assertTrue(rendered.podSpec().path("serviceAccountName").isMissingNode());
    }

    @Test
    void shouldBindTheRoleToTheCreatedServiceAccountTheJobRunsAs() {
        Rendered rendered = HelmRender.template("migrateDatabaseJob.allowDowngrade", "true");

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
                List.of(),
                List.of("migrateDatabaseJob.allowDowngrade", "true"),
                List.of("migrateDatabaseJob.allowDowngrade", "true", "rbac.create", "false"),
                List.of("migrateDatabaseJob.downgrade.currentVersionSource", "running-pod-image"),
                List.of("migrateDatabaseJob.downgrade.currentVersionSource", "running-pod-exec"));
    }

    /**
     * Else the Role (pods/exec, patch) would be bound to, and the Job run as, the namespace's default account. An
     * install (no values) needs the API too: it lists the release's workloads when the metadata Secret is missing.
     */
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
    void shouldNeedNoServiceAccountWhenAnUpgradeOnlyReadsTheAlembicTable() {
        Rendered rendered = HelmRender.templateUpgrade("serviceAccount.create", "false");

        assertEquals(Set.of("ConfigMap", "Job"), Set.copyOf(rendered.kinds()));
        assertTrue(rendered.podSpec().path("serviceAccountName").isMissingNode());
    }

    @Test
    void shouldNotMountTheCreatedServiceAccountTokenByDefault() {
        Rendered rendered = HelmRender.template("migrateDatabaseJob.allowDowngrade", "true");

        // Only the Job's pod opts in; anything else that runs under this account gets no token.
        assertFalse(rendered.get("ServiceAccount").path("automountServiceAccountToken").asBoolean(true));
    }

    private static Set<String> grants(JsonNode role) {
        Set<String> grants = new TreeSet<>();
        for (JsonNode rule : role.path("rules")) {
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
}
