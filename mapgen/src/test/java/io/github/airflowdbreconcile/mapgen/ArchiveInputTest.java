package io.github.airflowdbreconcile.mapgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.airflowdbreconcile.map.api.AirflowVersion;
import io.github.airflowdbreconcile.map.api.RevisionMap;
import io.github.airflowdbreconcile.map.api.RevisionMapJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveInputTest {
    @TempDir
    Path dir;

    private Path archivesWithBrokenFileIn300() throws Exception {
        Path archives = AirflowHistory.writeArchives(dir.resolve("archives"), null);
        Map<String, String> broken = new LinkedHashMap<>(AirflowHistory.releases().get("3.0.0"));
        broken.put("0009_3_0_0_broken.py", "\"\"\"Broken.\"\"\"\ndown_revision = 'eeee00000007'\n");
        AirflowHistory.writeWheel(archives.resolve("release-3_0_0.whl"), "apache_airflow_core", "3.0.0", broken, null);
        return archives;
    }

    @Test
    void shouldFailOnAFileWithoutRevisionNamingArchiveAndFile() throws Exception {
        Path output = dir.resolve("map.json");

        Cli cli = Cli.run("generate", "--archive", archivesWithBrokenFileIn300().toString(), "--output",
                output.toString(), "--quiet");

        assertEquals(ExitCodes.INVALID_MIGRATIONS, cli.exitCode());
        assertEquals("mapgen: archive release-3_0_0.whl: 0009_3_0_0_broken.py:1: has no module-level"
                + " `revision = \"...\"` assignment\n", cli.err());
        assertFalse(Files.exists(output));
    }

    @Test
    void shouldRecordTheBrokenReleaseAsAWarningWhenLenient() throws Exception {
        Path output = dir.resolve("map.json");

        Cli cli = Cli.run("generate", "--archive", archivesWithBrokenFileIn300().toString(), "--output",
                output.toString(), "--lenient", "--quiet");

        assertEquals(ExitCodes.OK, cli.exitCode(), cli.err());
        RevisionMap map = RevisionMapJson.read(output);
        assertFalse(map.versions().containsKey(AirflowVersion.parse("3.0.0")));
        assertTrue(map.versions().containsKey(AirflowVersion.parse("3.1.0")));
        assertEquals(1, map.warnings().size());
        assertTrue(map.warnings().get(0).contains("0009_3_0_0_broken.py"));
    }

    @Test
    void shouldTakeTheVersionFromTheMetadataNotTheFileName() throws Exception {
        Path archives = Files.createDirectories(dir.resolve("misnamed"));
        AirflowHistory.writeWheel(archives.resolve("apache_airflow_core-9.9.9-py3-none-any.whl"), "apache_airflow_core",
                "3.0.0", AirflowHistory.releases().get("3.0.0"), null);
        Path output = dir.resolve("map.json");

        Cli cli = Cli.run("generate", "--archive", archives.toString(), "--output", output.toString(), "--quiet");

        assertEquals(0, cli.exitCode(), cli.err());
        assertEquals("eeee00000007", RevisionMapJson.read(output).versions().get(AirflowVersion.parse("3.0.0"))
                .head());
    }

    @Test
    void shouldRefuseTheApacheAirflowMetaPackageOfThreeX() throws Exception {
        Path wheel = dir.resolve("apache_airflow-3.0.0-py3-none-any.whl");
        AirflowHistory.writeWheel(wheel, "apache_airflow", "3.0.0", Map.of(), null);

        Cli cli = Cli.run("generate", "--archive", wheel.toString(), "--output", dir.resolve("m.json").toString());

        assertEquals(ExitCodes.FAILURE, cli.exitCode());
        assertTrue(cli.err().contains("from 3.0 the migrations are in apache-airflow-core"), cli.err());
    }

    @Test
    void shouldRefuseAFileThatIsNotAnArchive() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.txt"), "hello");

        Cli cli = Cli.run("generate", "--archive", text.toString(), "--output", dir.resolve("m.json").toString());

        assertEquals(ExitCodes.USAGE, cli.exitCode());
        assertTrue(cli.err().contains("notes.txt is neither a wheel (.whl) nor an sdist (.tar.gz)"), cli.err());
    }
}
