package io.github.airflowdbreconcile.mapgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyCommandTest {
    @TempDir
    Path dir;

    private Path map() throws Exception {
        Path archives = AirflowHistory.writeArchives(dir.resolve("archives"), null);
        Path map = dir.resolve("map.json");
        assertEquals(0, Cli.run("generate", "--archive", archives.toString(), "--output", map.toString(), "--quiet")
                .exitCode());
        return map;
    }

    private Path wheelWithUpstreamHeads(Map<String, String> heads) throws Exception {
        Path wheel = dir.resolve("apache_airflow_core-3.1.0-py3-none-any.whl");
        AirflowHistory.writeWheel(wheel, "apache_airflow_core", "3.1.0", AirflowHistory.releases().get("3.1.0"), heads);
        return wheel;
    }

    @Test
    void shouldPassAMapThatAgreesWithUpstream() throws Exception {
        Map<String, String> heads = new LinkedHashMap<>();
        heads.put("2.0.0", "1b2c3d4e5f6g");
        heads.put("2.2.0", "dddd00000006");
        heads.put("3.1.0", "abcd00000008");

        Cli cli = Cli.run("verify", map().toString(), "--archive", wheelWithUpstreamHeads(heads).toString());

        assertEquals(ExitCodes.OK, cli.exitCode(), cli.out() + cli.err());
        assertTrue(cli.out().contains("6 releases, 9 revisions, 3 upstream heads compared"), cli.out());
        assertTrue(cli.out().endsWith("0 problems\n"), cli.out());
    }

    @Test
    void shouldAcceptUpstreamNamingTheSquashedBaseForTheVersionItSquashed() throws Exception {
        Map<String, String> heads = new LinkedHashMap<>();
        heads.put("2.0.0", "ffff00000000");
        heads.put("3.1.0", "abcd00000008");

        Cli cli = Cli.run("verify", map().toString(), "--archive", wheelWithUpstreamHeads(heads).toString());

        assertEquals(ExitCodes.OK, cli.exitCode(), cli.out());
        assertTrue(cli.out().contains("squashed: 2.0.0: the archive names its squashed base ffff00000000 for it;"
                + " 2.0.0's own files have head 1b2c3d4e5f6g, which the map keeps"), cli.out());
    }

    @Test
    void shouldNotExcuseASquashedBaseNamedForAnotherVersion() throws Exception {
        Cli cli = Cli.run("verify", map().toString(), "--archive",
                wheelWithUpstreamHeads(Map.of("2.1.0", "ffff00000000")).toString());

        assertEquals(ExitCodes.VERIFY_FAILED, cli.exitCode(), cli.out());
        assertTrue(cli.out().contains("disagree: 2.1.0: the archive says head ffff00000000"), cli.out());
    }

    @Test
    void shouldPrintEveryDisagreementWithUpstream() throws Exception {
        Map<String, String> heads = new LinkedHashMap<>();
        heads.put("2.1.0", "bbbb00000004");
        heads.put("2.3.0", "cafe00000000");
        heads.put("3.0.0", "eeee00000007");

        Cli cli = Cli.run("verify", map().toString(), "--archive", wheelWithUpstreamHeads(heads).toString());

        assertEquals(ExitCodes.VERIFY_FAILED, cli.exitCode());
        assertTrue(cli.out().contains("disagree: 2.1.0: the archive says head bbbb00000004, the map says aaaa00000003"),
                cli.out());
        assertTrue(cli.out().contains("disagree: 2.3.0: the archive lists head cafe00000000, the map has no such"
                + " release"), cli.out());
        assertTrue(cli.out().endsWith("2 problems\n"), cli.out());
    }

    @Test
    void shouldReportAnInconsistentMap() throws Exception {
        Path map = map();
        Files.writeString(map, Files.readString(map).replace("\"head\" : \"abcd00000008\"", "\"head\" : \"eeee00000007\""));

        Cli cli = Cli.run("verify", map.toString());

        assertEquals(ExitCodes.VERIFY_FAILED, cli.exitCode());
        assertTrue(cli.out().contains("inconsistent: release 3.1.0"), cli.out());
    }

    @Test
    void shouldReportReleasesOutOfVersionOrder() throws Exception {
        Path map = map();
        String text = Files.readString(map);
        String v300 = text.substring(text.indexOf("    \"3.0.0\" : {"), text.indexOf("    \"3.1.0\" : {"));
        Files.writeString(map, text.replace(v300, "").replace("    \"2.0.0\" : {", v300 + "    \"2.0.0\" : {"));

        Cli cli = Cli.run("verify", map.toString());

        assertEquals(ExitCodes.VERIFY_FAILED, cli.exitCode(), cli.out());
        assertTrue(cli.out().contains("inconsistent: release 2.0.0 is listed after 3.0.0"), cli.out());
    }

    @Test
    void shouldExplainAMissingMapInOneLine() {
        Cli cli = Cli.run("verify", dir.resolve("absent.json").toString());

        assertEquals(ExitCodes.FAILURE, cli.exitCode());
        assertEquals(1, cli.err().lines().count(), cli.err());
        assertTrue(cli.err().contains("absent.json does not exist"), cli.err());
    }
}
