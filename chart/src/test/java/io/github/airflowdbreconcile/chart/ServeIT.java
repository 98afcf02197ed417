package io.github.airflowdbreconcile.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The version-source service (serve.enabled): what runs, with which rights, reading which map, scraped how. */
class ServeIT {

    private static final String NAME = "prod-airflow-db-reconcile-serve";
    private static final String SERVICE_MONITOR = "monitoring.coreos.com/v1/ServiceMonitor";
    private static final String PROMETHEUS_RULE = "monitoring.coreos.com/v1/PrometheusRule";

    private static JsonNode podSpec(Rendered rendered) {
        return rendered.named("Deployment", NAME).path("spec").path("template").path("spec");
    }

    private static JsonNode container(Rendered rendered) {
        JsonNode containers = podSpec(rendered).path("containers");
        assertEquals(1, containers.size(), containers::toString);
        return containers.get(0);
    }

    private static List<String> args(Rendered rendered) {
        List<String> args = new ArrayList<>();
        container(rendered).path("args").forEach(a -> args.add(a.asText()));
        return args;
    }

    private static Map<String, String> labels(JsonNode labels) {
        Map<String, String> map = new TreeMap<>();
        labels.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }

    @Test
    void shouldRenderNoServiceUnlessEnabled() {
        Set<String> kinds = Set.copyOf(HelmRender.templateUpgrade().kinds());

        assertFalse(kinds.contains("Deployment") || kinds.contains("Service"), kinds::toString);
    }

    @Test
    void shouldServeTheDeployedVersionsDriftWithTheJobsImage() {
        Rendered rendered = HelmRender.templateUpgrade("serve.enabled", "true");

        assertEquals(List.of("serve", "--map", "/etc/airflow-db-reconcile/revision-map.json",
                "--db-url-env", "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN",
                "--deployed-version", HelmRender.AIRFLOW_VERSION, "--port", "8080"), args(rendered));
        assertEquals(rendered.container().path("image").asText(), container(rendered).path("image").asText());
        JsonNode url = container(rendered).path("env").get(0);
        assertEquals("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", url.path("name").asText());
        assertEquals("prod-airflow-metadata", url.path("valueFrom").path("secretKeyRef").path("name").asText());
        assertTrue(url.path("valueFrom").path("secretKeyRef").path("optional").isMissingNode(),
                "a missing Secret keeps the pod from starting, rather than serve a fresh database");
    }

    @Test
    void shouldFollowGlobalAirflowVersionInAnUmbrellaChart() {
        Rendered rendered = HelmRender.templateUmbrella("""
                global:
                  airflowVersion: "3.1.1"
                airflow-db-reconcile:
                  serve:
                    enabled: true
                """);

        List<String> args = args(rendered);
        assertEquals("3.1.1", args.get(args.indexOf("--deployed-version") + 1));
    }

    @Test
    void shouldReadWithTheServicesOwnSecretWhenGivenOne() {
        Rendered rendered = HelmRender.templateUpgrade("serve.enabled", "true",
                "serve.metadataSecret.name", "airflow-reader", "serve.metadataSecret.key", "url");

        JsonNode secret = container(rendered).path("env").get(0).path("valueFrom").path("secretKeyRef");
        assertEquals("airflow-reader", secret.path("name").asText());
        assertEquals("url", secret.path("key").asText());
        assertEquals("prod-airflow-metadata", rendered.container().path("env").get(0).path("valueFrom")
                .path("secretKeyRef").path("name").asText(), "the Job keeps Airflow's own");
    }

    @Test
    void shouldRunLockedDownLikeTheJobWithProbesOnHealthz() {
        Rendered rendered = HelmRender.templateUpgrade("serve.enabled", "true");

        JsonNode pod = podSpec(rendered);
        assertEquals(65532, pod.path("securityContext").path("runAsUser").asInt());
        assertTrue(pod.path("securityContext").path("runAsNonRoot").asBoolean());
        JsonNode container = container(rendered);
        assertTrue(container.path("securityContext").path("readOnlyRootFilesystem").asBoolean());
        assertFalse(container.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true));
        assertEquals("ALL", container.path("securityContext").path("capabilities").path("drop").get(0).asText());
        assertTrue(container.path("volumeMounts").findValuesAsText("mountPath").contains("/tmp"));
        assertEquals("tmp", pod.path("volumes").get(1).path("name").asText());
        assertTrue(pod.path("volumes").get(1).has("emptyDir"));
        for (String probe : List.of("readinessProbe", "livenessProbe")) {
            assertEquals("/healthz", container.path(probe).path("httpGet").path("path").asText(), probe);
            assertEquals("http", container.path(probe).path("httpGet").path("port").asText(), probe);
        }
        assertEquals(8080, container.path("ports").get(0).path("containerPort").asInt());
        assertEquals("192Mi", container.path("resources").path("limits").path("memory").asText());
    }

    /** It reads alembic_version over SQL only: no token, and the Job's rights stay the Job's. */
    @Test
    void shouldGiveTheServiceNoKubernetesApiAccessEvenWhereTheJobHasSome() {
        Rendered rendered = HelmRender.template("serve.enabled", "true", "migrateDatabaseJob.allowDowngrade", "true",
                "migrateDatabaseJob.downgrade.currentVersionSource", "running-pod-exec");

        assertFalse(podSpec(rendered).path("automountServiceAccountToken").asBoolean(true));
        assertTrue(podSpec(rendered).path("serviceAccountName").isMissingNode());
        assertEquals(1, rendered.docs().stream().filter(d -> "Role".equals(d.path("kind").asText())).count());
        assertTrue(Rendered.annotations(rendered.get("Role")).containsKey("helm.sh/hook"), "the Job's Role");
        assertEquals(Set.of("ConfigMap", "Deployment", "Service"),
                Set.copyOf(HelmRender.templateUpgrade("serve.enabled", "true").docs().stream()
                        .filter(d -> !Rendered.annotations(d).containsKey("helm.sh/hook"))
                        .map(d -> d.path("kind").asText()).toList()),
                "the plain objects of an upgrade that only reads alembic_version: no RBAC for the service");
    }

    /** The hooks' ConfigMap is deleted once the hooks succeed; the service needs one for the release's lifetime. */
    @Test
    void shouldMountAMapThatOutlivesTheHooksWithTheHooksContent() throws Exception {
        Rendered rendered = HelmRender.templateUpgrade("serve.enabled", "true");

        String mapName = podSpec(rendered).path("volumes").get(0).path("configMap").path("name").asText();
        ObjectNode serveMap = rendered.named("ConfigMap", mapName);
        assertEquals(Map.of(), Rendered.annotations(serveMap));
        ObjectNode hookMap = rendered.named("ConfigMap", "prod-airflow-db-reconcile-map");
        assertTrue(Rendered.annotations(hookMap).containsKey("helm.sh/hook"));
        assertEquals(hookMap.path("data"), serveMap.path("data"));
        assertEquals("/etc/airflow-db-reconcile", container(rendered).path("volumeMounts").get(0).path("mountPath")
                .asText());
        // A chart with a new map rolls the pods: the JVM reads the map once.
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(ChartFiles.bundledMap())));
        assertEquals(sha256, Rendered.annotations(rendered.named("Deployment", NAME).path("spec").path("template"))
                .get("checksum/revision-map"));
    }

    @Test
    void shouldSelectTheServicesPodsAndNoJobsPod() {
        Rendered rendered = HelmRender.template("serve.enabled", "true", "migrateDatabaseJob.allowDowngrade", "true");

        Map<String, String> selector = labels(rendered.named("Service", NAME).path("spec").path("selector"));
        assertEquals(selector, labels(rendered.named("Deployment", NAME).path("spec").path("selector")
                .path("matchLabels")));
        Map<String, String> podLabels = labels(rendered.named("Deployment", NAME).path("spec").path("template")
                .path("metadata").path("labels"));
        assertTrue(podLabels.entrySet().containsAll(selector.entrySet()), podLabels::toString);
        for (JsonNode job : rendered.docs().stream().filter(d -> "Job".equals(d.path("kind").asText())).toList()) {
            Map<String, String> jobPod = labels(job.path("spec").path("template").path("metadata").path("labels"));
            assertFalse(jobPod.entrySet().containsAll(selector.entrySet()), jobPod::toString);
        }
        assertEquals("http", rendered.named("Service", NAME).path("spec").path("ports").get(0).path("targetPort")
                .asText());
        assertEquals(8080, rendered.named("Service", NAME).path("spec").path("ports").get(0).path("port").asInt());
    }

    @Test
    void shouldRefuseAServiceMonitorInOneLineWhereTheClusterHasNoPrometheusOperator() {
        for (String value : List.of("serve.serviceMonitor.enabled", "serve.prometheusRule.enabled")) {
            String error = HelmRender.templateError("serve.enabled", "true", value, "true");

            List<String> errors = error.lines().filter(l -> l.startsWith("Error:")).toList();
            assertEquals(1, errors.size(), error);
            assertTrue(errors.get(0).contains(value + "=true needs the Prometheus Operator's")
                    && errors.get(0).contains("--api-versions monitoring.coreos.com/v1/"), error);
        }
    }

    @Test
    void shouldScrapeTheServiceWithAServiceMonitorWhenAsked() {
        assertTrue(HelmRender.templateWithApis(List.of(SERVICE_MONITOR), "serve.enabled", "true")
                .find("ServiceMonitor").isEmpty(), "only when asked");
        Rendered rendered = HelmRender.templateWithApis(List.of(SERVICE_MONITOR), "serve.enabled", "true",
                "serve.serviceMonitor.enabled", "true", "serve.serviceMonitor.labels.release", "kube-prometheus");

        ObjectNode monitor = rendered.get("ServiceMonitor");
        assertEquals("monitoring.coreos.com/v1", monitor.path("apiVersion").asText());
        assertEquals("kube-prometheus", monitor.path("metadata").path("labels").path("release").asText());
        assertTrue(labels(rendered.named("Service", NAME).path("metadata").path("labels")).entrySet()
                .containsAll(labels(monitor.path("spec").path("selector").path("matchLabels")).entrySet()),
                "selects the Service");
        JsonNode endpoint = monitor.path("spec").path("endpoints").get(0);
        assertEquals("http", endpoint.path("port").asText());
        assertEquals("/metrics", endpoint.path("path").asText());
        assertEquals("30s", endpoint.path("interval").asText());
    }

    @Test
    void shouldAlertOnTheServicesDriftUnknownSchemaAndUnreadableDatabaseWhenAsked() {
        Rendered rendered = HelmRender.templateWithApis(List.of(PROMETHEUS_RULE), "serve.enabled", "true",
                "serve.prometheusRule.enabled", "true", "serve.prometheusRule.for", "30m");

        JsonNode rules = rendered.get("PrometheusRule").path("spec").path("groups").get(0).path("rules");
        Map<String, String> exprs = new TreeMap<>();
        rules.forEach(rule -> {
            exprs.put(rule.path("alert").asText(), rule.path("expr").asText());
            assertEquals("30m", rule.path("for").asText());
        });
        String series = "job=\"" + NAME + "\",namespace=\"" + HelmRender.NAMESPACE + "\"";
        assertEquals(Map.of(
                "AirflowSchemaDrift", "airflow_db_reconcile_schema_drift{" + series + "} != 0",
                "AirflowSchemaDriftUnknown",
                "airflow_db_reconcile_schema_drift_state{" + series + ",state=\"unknown\"} == 1",
                "AirflowMetadataDatabaseUnreadable", "airflow_db_reconcile_database_up{" + series + "} == 0"), exprs);
        assertTrue(rules.get(0).path("annotations").path("description").asText().contains("{{ $labels.namespace }}"),
                "Prometheus's template, not Helm's");
    }
}
