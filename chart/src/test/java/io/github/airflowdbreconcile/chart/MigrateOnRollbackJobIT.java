package io.github.airflowdbreconcile.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * `helm rollback` fires no post-upgrade hook, so the Airflow chart's migrate Job does not run after a rollback to a
 * newer release: this Job runs `airflow db migrate` with the Airflow image of the version rolled back to. The
 * reserialize Job runs the same way, with `airflow dags reserialize`.
 */
class MigrateOnRollbackJobIT {

    @Test
    void shouldMigrateWithTheTargetAirflowImageAfterARollback() {
        ObjectNode job = HelmRender.template().migrateJob().orElseThrow();
        JsonNode pod = job.path("spec").path("template").path("spec");
        JsonNode container = pod.path("containers").get(0);

        assertEquals("prod-airflow-db-reconcile-db-migrate", job.path("metadata").path("name").asText());
        assertEquals(Map.of("helm.sh/hook", "post-rollback", "helm.sh/hook-weight", "-15",
                "helm.sh/hook-delete-policy", "before-hook-creation,hook-succeeded"), Rendered.annotations(job));
        assertEquals("apache/airflow:" + HelmRender.AIRFLOW_VERSION, container.path("image").asText());
        assertEquals(List.of("airflow", "db", "migrate"), texts(container.path("args")));
        JsonNode secret = container.path("env").get(0).path("valueFrom").path("secretKeyRef");
        assertEquals("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", container.path("env").get(0).path("name").asText());
        assertEquals("prod-airflow-metadata", secret.path("name").asText());
        assertEquals("connection", secret.path("key").asText());
        // airflow db migrate talks to the database only.
        assertFalse(pod.path("automountServiceAccountToken").asBoolean(true));
    }

    @Test
    void shouldMigrateBeforeTheRestoreJobScalesTheWritersBack() {
        Rendered rendered = HelmRender.template("migrateDatabaseJob.allowDowngrade", "true");

        int migrate = Integer.parseInt(Rendered.annotations(rendered.migrateJob().orElseThrow())
                .get("helm.sh/hook-weight"));
        Map<String, String> restore = Rendered.annotations(rendered.restoreJob().orElseThrow());
        assertTrue(restore.get("helm.sh/hook").contains("post-rollback"), restore::toString);
        assertTrue(migrate < Integer.parseInt(restore.get("helm.sh/hook-weight")), restore::toString);
    }

    @Test
    void shouldTagTheAirflowImageWithTheGlobalVersionOrTheGivenTag() {
        assertEquals("apache/airflow:2.10.5", image(HelmRender.template("airflowVersion", "",
                "global.airflowVersion", "2.10.5")));
        assertEquals("registry.example.com/airflow:3.0.6-custom", image(HelmRender.template(
                "airflow.image.repository", "registry.example.com/airflow", "airflow.image.tag", "3.0.6-custom")));
    }

    @Test
    void shouldRenderOnlyAsAHelmHookThatIsSwitchedOn() {
        assertTrue(HelmRender.template("migrateDatabaseJob.migrateOnRollback", "false").migrateJob().isEmpty());
        // Argo CD has no rollback hook; there the Airflow chart's own migrate Job runs on every sync anyway.
        assertTrue(HelmRender.template("migrateDatabaseJob.useHelmHooks", "false").migrateJob().isEmpty());
    }

    @Test
    void shouldReserializeWithTheDeployedAirflowImageAfterEveryChangeOnlyWhenEnabled() {
        assertTrue(HelmRender.template().reserializeJob().isEmpty());
        assertTrue(HelmRender.template("migrateDatabaseJob.reserializeDags.enabled", "true",
                "migrateDatabaseJob.useHelmHooks", "false").reserializeJob().isEmpty());
        Rendered rendered = HelmRender.template("migrateDatabaseJob.reserializeDags.enabled", "true",
                "migrateDatabaseJob.allowDowngrade", "true", "airflowVersion", "3.0.6");
        ObjectNode job = rendered.reserializeJob().orElseThrow();
        JsonNode container = job.path("spec").path("template").path("spec").path("containers").get(0);

        assertEquals("prod-airflow-db-reconcile-reserialize-dags", job.path("metadata").path("name").asText());
        assertEquals("apache/airflow:3.0.6", container.path("image").asText());
        assertEquals(List.of("airflow", "dags", "reserialize"), texts(container.path("args")));
        assertEquals("prod-airflow-metadata", container.path("env").get(0).path("valueFrom").path("secretKeyRef")
                .path("name").asText());
        Map<String, String> hook = Rendered.annotations(job);
        assertEquals("post-upgrade,post-rollback", hook.get("helm.sh/hook"));
        // After the rollback's migrate, before the restore Job brings the rest of the writers back.
        int weight = Integer.parseInt(hook.get("helm.sh/hook-weight"));
        assertTrue(weight > Integer.parseInt(Rendered.annotations(rendered.migrateJob().orElseThrow())
                .get("helm.sh/hook-weight")), hook::toString);
        assertTrue(weight < Integer.parseInt(Rendered.annotations(rendered.restoreJob().orElseThrow())
                .get("helm.sh/hook-weight")), hook::toString);
    }

    private static String image(Rendered rendered) {
        return rendered.migrateJob().orElseThrow().path("spec").path("template").path("spec").path("containers")
                .get(0).path("image").asText();
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(a -> texts.add(a.asText()));
        return texts;
    }
}
