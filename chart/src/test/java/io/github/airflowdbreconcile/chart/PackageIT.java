package io.github.airflowdbreconcile.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `helm package` ships the chart and its map, and none of the Maven module around it. */
class PackageIT {

    @Test
    void shouldPackageOnlyTheChart(@TempDir Path destination) throws Exception {
        Path archive = packageChart(destination);

        Set<String> entries = new TreeSet<>();
        try (InputStream in = Files.newInputStream(archive);
             TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(in))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                entries.add(e.getName());
            }
        }

        assertEquals(Set.of(
                "airflow-db-reconcile/.helmignore",
                "airflow-db-reconcile/Chart.yaml",
                "airflow-db-reconcile/README.md",
                "airflow-db-reconcile/files/revision-map.json",
                "airflow-db-reconcile/templates/NOTES.txt",
                "airflow-db-reconcile/templates/_airflow_job.tpl",
                "airflow-db-reconcile/templates/_helpers.tpl",
                "airflow-db-reconcile/templates/_job.tpl",
                "airflow-db-reconcile/templates/configmap.yaml",
                "airflow-db-reconcile/templates/job.yaml",
                "airflow-db-reconcile/templates/migrate-on-rollback-job.yaml",
                "airflow-db-reconcile/templates/reserialize-dags-job.yaml",
                "airflow-db-reconcile/templates/restore-job.yaml",
                "airflow-db-reconcile/templates/role.yaml",
                "airflow-db-reconcile/templates/rolebinding.yaml",
                "airflow-db-reconcile/templates/serve-configmap.yaml",
                "airflow-db-reconcile/templates/serve-deployment.yaml",
                "airflow-db-reconcile/templates/serve-prometheusrule.yaml",
                "airflow-db-reconcile/templates/serve-service.yaml",
                "airflow-db-reconcile/templates/serve-servicemonitor.yaml",
                "airflow-db-reconcile/templates/serviceaccount.yaml",
                "airflow-db-reconcile/values.schema.json",
                "airflow-db-reconcile/values.yaml"), entries);
    }

    @Test
    void shouldShowTheDocumentedValuesFromThePackage(@TempDir Path destination) throws Exception {
        Path archive = packageChart(destination);

        String shown = HelmBinary.run(List.of("show", "values", archive.toString())).outOrFail();

        // helm show adds a blank line at the end.
        assertEquals(Files.readString(ChartFiles.chartDir().resolve("values.yaml"), StandardCharsets.UTF_8).strip(),
                shown.strip());
    }

    private static Path packageChart(Path destination) {
        HelmBinary.run(List.of("package", ChartFiles.chartDir().toString(), "--destination", destination.toString()))
                .outOrFail();
        return destination.resolve("airflow-db-reconcile-" + ChartFiles.chartYaml().path("version").asText() + ".tgz");
    }
}
