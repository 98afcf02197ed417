package io.github.airflowdbreconcile.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The reconcile Job: its command line (the resolver's contract), its database secret and its lock-down. */
class JobIT {

    private static final String APP_VERSION = ChartFiles.chartYaml().path("appVersion").asText();

    @Test
    void shouldRunTheReconcilerWithTheContractArguments() {
        Rendered rendered = HelmRender.templateUpgrade();

        assertEquals(List.of("run",
                "--map", "/etc/airflow-db-reconcile/revision-map.json",
                "--target-version", HelmRender.AIRFLOW_VERSION,
                "--db-url-env", "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN",
                "--source", "alembic-table",
                "--db-timeout", "120",
                "--exec-timeout", "3600",
                "--count-budget", "10",
                "--namespace", "$(POD_NAMESPACE)",
                "--release", HelmRender.RELEASE,
                "--component-label", "component",
                "--pod-timeout", "660"), rendered.args());
        assertTrue(env(rendered, "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN").path("valueFrom").path("secretKeyRef")
                .path("optional").isMissingNode());
        assertEquals("prod-airflow-db-reconcile-db-downgrade", rendered.job().path("metadata").path("name").asText());
    }

    @Test
    void shouldTreatAMissingMetadataSecretOnAFirstInstallAsAFreshDatabase() {
        // Before the Airflow release's first install its secret does not exist; on upgrades it must.
        Rendered rendered = HelmRender.template();

        assertTrue(rendered.args().contains("--missing-url-means-fresh"), rendered.args()::toString);
        assertTrue(env(rendered, "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN").path("valueFrom").path("secretKeyRef")
                .path("optional").asBoolean());
        assertFalse(HelmRender.templateUpgrade().args().contains("--missing-url-means-fresh"));
    }

    @Test
    void shouldAllowTheDowngradeOnlyWhenEnabled() {
        assertFalse(HelmRender.template().args().contains("--allow-downgrade"));
        assertFalse(HelmRender.template("migrateDatabaseJob.downgrade.currentVersionSource", "running-pod-exec")
                .args().contains("--allow-downgrade"));
        assertTrue(HelmRender.template("migrateDatabaseJob.allowDowngrade", "true").args().contains("--allow-downgrade"));
    }

    @Test
    void shouldPassTheChosenSourceTimeoutsAndVerbosity() {
        Rendered rendered = HelmRender.template(
                "migrateDatabaseJob.downgrade.currentVersionSource", "running-pod-image",
                "migrateDatabaseJob.timeouts.dbSeconds", "30",
                "migrateDatabaseJob.timeouts.podSeconds", "60",
                "migrateDatabaseJob.timeouts.execSeconds", "900",
                "migrateDatabaseJob.timeouts.countSeconds", "5",
                "migrateDatabaseJob.verbose", "true",
                "airflow.componentLabel", "app.example.com/component");

        assertEquals(Optional.of("running-pod-image"), rendered.arg("--source"));
        assertEquals(Optional.of("30"), rendered.arg("--db-timeout"));
        assertEquals(Optional.of("60"), rendered.arg("--pod-timeout"));
        assertEquals(Optional.of("900"), rendered.arg("--exec-timeout"));
        assertEquals(Optional.of("5"), rendered.arg("--count-budget"));
        assertEquals(Optional.of("app.example.com/component"), rendered.arg("--component-label"));
        assertTrue(rendered.args().contains("--verbose"));
        // 7 x db + 2 x pod + exec + 2 x count + 120: Kubernetes must not kill the Job while one of its waits runs.
        assertEquals(1360, rendered.job().path("spec").path("activeDeadlineSeconds").asInt());
    }

    @Test
    void shouldLimitTheRowsADowngradeMayDeleteOnlyWhenAsked() {
        // The default sets no limit: an upgrade that already allowed downgrades must not start failing.
        assertFalse(HelmRender.template("migrateDatabaseJob.allowDowngrade", "true").args().contains("--max-rows-lost"));
        assertEquals(Optional.of("0"), HelmRender.template("migrateDatabaseJob.maxRowsLost", "0").arg("--max-rows-lost"));
        assertEquals(Optional.of("25000000"), HelmRender.template("migrateDatabaseJob.maxRowsLost", "25000000")
                .arg("--max-rows-lost"));
    }

    @Test
    void shouldTakeTheTargetVersionFromGlobalWhenAirflowVersionIsEmpty() {
        Rendered rendered = HelmRender.template("airflowVersion", "", "global.airflowVersion", "2.10.5");

        assertEquals(Optional.of("2.10.5"), rendered.arg("--target-version"));
    }

    @Test
    void shouldPreferAirflowVersionOverGlobal() {
        Rendered rendered = HelmRender.template("airflowVersion", "3.0.6", "global.airflowVersion", "2.10.5");

        assertEquals(Optional.of("3.0.6"), rendered.arg("--target-version"));
    }

    @Test
    void shouldReadTheDatabaseUrlFromTheOfficialChartsMetadataSecret() {
        JsonNode env = env(HelmRender.template(), "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN");

        assertEquals("prod-airflow-metadata", env.path("valueFrom").path("secretKeyRef").path("name").asText());
        assertEquals("connection", env.path("valueFrom").path("secretKeyRef").path("key").asText());
    }

    @Test
    void shouldTargetAnotherAirflowReleaseAndSecretWhenNamed() {
        Rendered rendered = HelmRender.template("airflow.releaseName", "airflow");
        assertEquals(Optional.of("airflow"), rendered.arg("--release"));
        assertEquals("airflow-airflow-metadata",
                env(rendered, "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN").path("valueFrom").path("secretKeyRef")
                        .path("name").asText());

        JsonNode ref = env(HelmRender.template("airflow.metadataSecret.name", "airflow-db",
                "airflow.metadataSecret.key", "uri"), "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN")
                .path("valueFrom").path("secretKeyRef");
        assertEquals("airflow-db", ref.path("name").asText());
        assertEquals("uri", ref.path("key").asText());
    }

    @Test
    void shouldLockPastPgBouncerThroughTheDirectSecretOnlyWhenOneIsNamed() {
        assertTrue(HelmRender.template().arg("--direct-db-url-env").isEmpty());

        Rendered rendered = HelmRender.template("airflow.directMetadataSecret.name", "airflow-db-direct");
        assertEquals(Optional.of("AIRFLOW_DB_RECONCILE_DIRECT_CONN"), rendered.arg("--direct-db-url-env"));
        JsonNode ref = env(rendered, "AIRFLOW_DB_RECONCILE_DIRECT_CONN").path("valueFrom").path("secretKeyRef");
        assertEquals("airflow-db-direct", ref.path("name").asText());
        assertEquals("connection", ref.path("key").asText());
    }

    @Test
    void shouldTellTheReconcilerItsNamespaceThroughTheDownwardApi() {
        JsonNode env = env(HelmRender.template(), "POD_NAMESPACE");

        assertEquals("metadata.namespace", env.path("valueFrom").path("fieldRef").path("fieldPath").asText());
    }

    @Test
    void shouldAddExtraEnvAfterTheChartsOwn() {
        Rendered rendered = HelmRender.template(
                "migrateDatabaseJob.downgrade.extraEnv[0].name", "JAVA_TOOL_OPTIONS",
                "migrateDatabaseJob.downgrade.extraEnv[0].value", "-Xmx256m");

        assertEquals("-Xmx256m", env(rendered, "JAVA_TOOL_OPTIONS").path("value").asText());
        assertEquals(List.of("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "POD_NAMESPACE", "JAVA_TOOL_OPTIONS"),
                envNames(rendered));
    }

    @Test
    void shouldStayOutOfTheLabelsTheReconcilerSelectsAirflowWorkloadsBy() {
        // The reconciler scales and execs into pods labelled release=<airflow release> and component=...;
        // its own pod must never match, or it could scale itself down mid-run.
        JsonNode labels = HelmRender.template("migrateDatabaseJob.allowDowngrade", "true")
                .job().path("spec").path("template").path("metadata").path("labels");

        assertFalse(labels.has("release"), labels::toString);
        assertFalse(labels.has("component"), labels::toString);
    }

    @Test
    void shouldRunLockedDownByDefault() {
        Rendered rendered = HelmRender.template();
        JsonNode pod = rendered.podSpec().path("securityContext");
        JsonNode container = rendered.container().path("securityContext");

        assertTrue(pod.path("runAsNonRoot").asBoolean());
        assertEquals("RuntimeDefault", pod.path("seccompProfile").path("type").asText());
        assertFalse(container.path("allowPrivilegeEscalation").asBoolean(true));
        assertTrue(container.path("readOnlyRootFilesystem").asBoolean());
        assertEquals("ALL", container.path("capabilities").path("drop").get(0).asText());
        assertEquals("Never", rendered.podSpec().path("restartPolicy").asText());
        assertEquals(0, rendered.job().path("spec").path("backoffLimit").asInt(-1));
        assertEquals(600, rendered.job().path("spec").path("ttlSecondsAfterFinished").asInt());
    }

    @Test
    void shouldMountTheMapReadOnlyAndAWritableTmp() {
        Rendered rendered = HelmRender.template();

        Map<String, JsonNode> mounts = byName(rendered.container().path("volumeMounts"));
        Map<String, JsonNode> volumes = byName(rendered.podSpec().path("volumes"));
        JsonNode map = mounts.get("revision-map");
        assertEquals("/etc/airflow-db-reconcile", map.path("mountPath").asText());
        assertTrue(map.path("readOnly").asBoolean());
        assertEquals("prod-airflow-db-reconcile-map", volumes.get("revision-map").path("configMap").path("name").asText());
        assertEquals("/tmp", mounts.get("tmp").path("mountPath").asText());
        assertTrue(volumes.get("tmp").has("emptyDir"));
    }

    @Test
    void shouldTagTheImageWithTheAppVersionUnlessToldOrPinned() {
        String repository = ChartFiles.values().path("image").path("repository").asText();

        assertEquals(repository + ":" + APP_VERSION, HelmRender.template().container().path("image").asText());
        assertEquals("example.org/reconcile:dev", HelmRender.template("image.repository", "example.org/reconcile",
                "image.tag", "dev").container().path("image").asText());
        String digest = "sha256:" + "0123456789abcdef".repeat(4);
        assertEquals(repository + "@" + digest, HelmRender.template("image.tag", "dev", "image.digest", digest)
                .container().path("image").asText());
    }

    @Test
    void shouldPassSchedulingAndPullSecretsThrough() {
        Rendered rendered = HelmRender.template(
                "migrateDatabaseJob.nodeSelector.pool", "system",
                "migrateDatabaseJob.tolerations[0].key", "dedicated",
                "migrateDatabaseJob.tolerations[0].operator", "Exists",
                "migrateDatabaseJob.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
                        + ".nodeSelectorTerms[0].matchExpressions[0].key", "zone",
                "migrateDatabaseJob.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
                        + ".nodeSelectorTerms[0].matchExpressions[0].operator", "Exists",
                "migrateDatabaseJob.downgrade.resources.limits.memory", "512Mi",
                "migrateDatabaseJob.podAnnotations.example\\.com/owner", "data-team",
                "imagePullSecrets[0].name", "regcred");
        JsonNode pod = rendered.podSpec();

        assertEquals("system", pod.path("nodeSelector").path("pool").asText());
        assertEquals("dedicated", pod.path("tolerations").get(0).path("key").asText());
        assertEquals("zone", pod.path("affinity").path("nodeAffinity")
                .path("requiredDuringSchedulingIgnoredDuringExecution").path("nodeSelectorTerms").get(0)
                .path("matchExpressions").get(0).path("key").asText());
        assertEquals("512Mi", rendered.container().path("resources").path("limits").path("memory").asText());
        assertEquals("regcred", pod.path("imagePullSecrets").get(0).path("name").asText());
        assertEquals("data-team", rendered.job().path("spec").path("template").path("metadata").path("annotations")
                .path("example.com/owner").asText());
    }

    private static JsonNode env(Rendered rendered, String name) {
        for (JsonNode env : rendered.container().path("env")) {
            if (name.equals(env.path("name").asText())) {
                return env;
            }
        }
        throw new AssertionError("no env " + name + " in " + rendered.container().path("env"));
    }

    private static List<String> envNames(Rendered rendered) {
        List<String> names = new ArrayList<>();
        rendered.container().path("env").forEach(e -> names.add(e.path("name").asText()));
        return names;
    }

    private static Map<String, JsonNode> byName(JsonNode list) {
        Map<String, JsonNode> byName = new java.util.HashMap<>();
        list.forEach(item -> byName.put(item.path("name").asText(), item));
        return byName;
    }
}
