package io.github.airflowdbreconcile.chart;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * When the Job runs and what exists before it: Helm hooks by default, Argo CD PreSync hooks when
 * useHelmHooks is off, and user annotations merged over both.
 */
class HooksIT {

    private static final String HOOK = "helm.sh/hook";
    private static final String WEIGHT = "helm.sh/hook-weight";
    private static final String DELETE = "helm.sh/hook-delete-policy";
    private static final String ARGO_HOOK = "argocd.argoproj.io/hook";
    private static final String ARGO_WAVE = "argocd.argoproj.io/sync-wave";
    private static final String ARGO_DELETE = "argocd.argoproj.io/hook-delete-policy";

    @Test
    void shouldRunBeforeUpgradeRollbackAndInstall() {
        Map<String, String> job = Rendered.annotations(HelmRender.template().job());

        assertEquals(Map.of(
                HOOK, "pre-install,pre-upgrade,pre-rollback",
                WEIGHT, "-10",
                DELETE, "before-hook-creation,hook-succeeded"), job);
    }

    @Test
    void shouldCreateTheMapAndRbacAsEarlierHooksOfTheSameEventsAndAgainForTheRestoreJob() {
        Rendered rendered = HelmRender.template("migrateDatabaseJob.allowDowngrade", "true");

        List<ObjectNode> support = rendered.docs().stream().filter(d -> !"Job".equals(d.path("kind").asText())).toList();
        assertEquals(4, support.size(), rendered.kinds()::toString);
        assertAll(support.stream().map(doc -> () -> assertEquals(Map.of(
                HOOK, "pre-install,pre-upgrade,pre-rollback,post-upgrade,post-rollback,pre-delete",
                WEIGHT, "-20",
                DELETE, "before-hook-creation,hook-succeeded"), Rendered.annotations(doc), doc.path("kind").asText())));
    }

    /**
     * Helm deletes no hook on uninstall, and one left by a failed or interrupted run would keep pods/exec rights in
     * the namespace: as pre-delete hooks that Helm first replaces (before-hook-creation) and then deletes once they
     * exist (hook-succeeded), the RBAC objects and the map are gone after `helm uninstall`.
     */
    @Test
    void shouldRemoveTheRbacAndTheMapOnUninstall() {
        Rendered rendered = HelmRender.template("migrateDatabaseJob.allowDowngrade", "true");

        List<ObjectNode> support = rendered.docs().stream().filter(d -> !"Job".equals(d.path("kind").asText())).toList();
        assertEquals(Set.of("ConfigMap", "ServiceAccount", "Role", "RoleBinding"),
                Set.copyOf(support.stream().map(d -> d.path("kind").asText()).toList()));
        assertAll(support.stream().map(doc -> () -> {
            Map<String, String> annotations = Rendered.annotations(doc);
            assertTrue(List.of(annotations.get(HOOK).split(",")).contains("pre-delete"), doc.path("kind").asText());
            assertEquals(List.of("before-hook-creation", "hook-succeeded"), List.of(annotations.get(DELETE).split(",")),
                    doc.path("kind").asText());
        }));
    }

    /** A failed Job stays, with its log, until ttlSecondsAfterFinished; an uninstall does not start one. */
    @Test
    void shouldKeepAFailedJobForItsLogUntilItsTtl() {
        Rendered rendered = HelmRender.template("migrateDatabaseJob.allowDowngrade", "true");

        List<ObjectNode> jobs = rendered.docs().stream().filter(d -> "Job".equals(d.path("kind").asText())).toList();
        assertEquals(3, jobs.size(), rendered.kinds()::toString);
        assertAll(jobs.stream().map(job -> () -> {
            Map<String, String> annotations = Rendered.annotations(job);
            String name = job.path("metadata").path("name").asText();
            assertEquals("before-hook-creation,hook-succeeded", annotations.get(DELETE), name);
            assertFalse(annotations.get(HOOK).contains("delete"), name);
            assertEquals(600, job.path("spec").path("ttlSecondsAfterFinished").asInt(), name);
        }));
    }

    @Test
    void shouldRestoreTheWritersAfterTheReleaseChangedWhenDowngradeIsAllowed() {
        Rendered rendered = HelmRender.template("migrateDatabaseJob.allowDowngrade", "true");

        ObjectNode restore = rendered.restoreJob().orElseThrow();
        assertEquals(Map.of(HOOK, "post-upgrade,post-rollback", WEIGHT, "-10",
                DELETE, "before-hook-creation,hook-succeeded"), Rendered.annotations(restore));
        List<String> args = new ArrayList<>();
        restore.path("spec").path("template").path("spec").path("containers").get(0).path("args")
                .forEach(a -> args.add(a.asText()));
        assertEquals(List.of("restore", "--namespace", "$(POD_NAMESPACE)", "--release", "prod", "--component-label",
                "component", "--pod-timeout", "660"), args);
    }

    @Test
    void shouldRenderNoRestoreJobWhenNoDowngradeCanScaleWritersDown() {
        assertTrue(HelmRender.template().restoreJob().isEmpty());
        assertTrue(HelmRender.template("migrateDatabaseJob.downgrade.currentVersionSource", "running-pod-exec")
                .restoreJob().isEmpty());
    }

    @Test
    void shouldSkipInstallWhenRunOnInstallIsOff() {
        Rendered rendered = HelmRender.template("migrateDatabaseJob.runOnInstall", "false");

        assertEquals("pre-upgrade,pre-rollback", Rendered.annotations(rendered.job()).get(HOOK));
        assertEquals("pre-upgrade,pre-rollback,pre-delete", Rendered.annotations(rendered.get("ConfigMap")).get(HOOK));
    }

    @Test
    void shouldRenderArgoCdPreSyncHooksWithoutHelmHooks() {
        Rendered rendered = HelmRender.template("migrateDatabaseJob.useHelmHooks", "false",
                "migrateDatabaseJob.allowDowngrade", "true");

        assertEquals(Map.of(ARGO_HOOK, "PreSync", ARGO_WAVE, "-10", ARGO_DELETE, "BeforeHookCreation,HookSucceeded"),
                Rendered.annotations(rendered.job()));
        assertEquals(Map.of(ARGO_HOOK, "PostSync", ARGO_WAVE, "-10", ARGO_DELETE, "BeforeHookCreation,HookSucceeded"),
                Rendered.annotations(rendered.restoreJob().orElseThrow()));
        // Argo CD applies plain objects only after the PreSync phase, so the map and RBAC are PreSync
        // hooks too, in an earlier wave; a new chart version's map is then in place before its Job runs.
        List<ObjectNode> support = rendered.docs().stream().filter(d -> !"Job".equals(d.path("kind").asText())).toList();
        assertEquals(4, support.size(), rendered.kinds()::toString);
        assertAll(support.stream().map(doc -> () -> assertEquals(
                Map.of(ARGO_HOOK, "PreSync", ARGO_WAVE, "-20", ARGO_DELETE, "BeforeHookCreation"),
                Rendered.annotations(doc), doc.path("kind").asText())));
    }

    @Test
    void shouldLetJobAnnotationsOverrideAndExtendTheArgoCdDefaults() {
        Rendered rendered = HelmRender.templateWithValuesFile("""
                migrateDatabaseJob:
                  useHelmHooks: false
                  jobAnnotations:
                    argocd.argoproj.io/hook: Sync
                    argocd.argoproj.io/sync-wave: "5"
                    team: data
                """);

        assertEquals(Map.of(ARGO_HOOK, "Sync", ARGO_WAVE, "5", ARGO_DELETE, "BeforeHookCreation,HookSucceeded",
                "team", "data"), Rendered.annotations(rendered.job()));
    }

    @Test
    void shouldLetJobAnnotationsOverrideAndExtendTheHelmHookDefaults() {
        Rendered rendered = HelmRender.templateWithValuesFile("""
                migrateDatabaseJob:
                  jobAnnotations:
                    helm.sh/hook-delete-policy: before-hook-creation
                    helm.sh/hook-weight: "-5"
                    team: data
                """);

        assertEquals(Map.of(
                HOOK, "pre-install,pre-upgrade,pre-rollback",
                WEIGHT, "-5",
                DELETE, "before-hook-creation",
                "team", "data"), Rendered.annotations(rendered.job()));
    }

    @Test
    void shouldKeepServiceAccountAnnotationsBesideTheHookOnes() {
        Rendered rendered = HelmRender.template("migrateDatabaseJob.allowDowngrade", "true",
                "serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn", "arn:aws:iam::1:role/r");

        Map<String, String> annotations = Rendered.annotations(rendered.get("ServiceAccount"));
        assertEquals("arn:aws:iam::1:role/r", annotations.get("eks.amazonaws.com/role-arn"));
        assertTrue(annotations.containsKey(HOOK));
    }
}
