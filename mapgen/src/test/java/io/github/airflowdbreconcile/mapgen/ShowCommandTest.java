package io.github.airflowdbreconcile.mapgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShowCommandTest {
    @TempDir
    Path dir;
    Path map;

    @BeforeEach
    void generate() throws Exception {
        map = dir.resolve("map.json");
        Path archives = AirflowHistory.writeArchives(dir.resolve("archives"), null);
        assertEquals(0, Cli.run("generate", "--archive", archives.toString(), "--output", map.toString(), "--quiet")
                .exitCode());
    }

    @Test
    void shouldListReleasesAndMarkSchemaEquivalentOnes() {
        Cli cli = Cli.run("show", map.toString());

        assertEquals(0, cli.exitCode());
        assertTrue(cli.out().lines().anyMatch(line -> line.startsWith("2.1.1") && line.contains("aaaa00000003")
                && line.endsWith("(same schema as 2.1.0)")), cli.out());
    }

    @Test
    void shouldShowARelease() {
        Cli cli = Cli.run("show", map.toString(), "--version", "3.1.0");

        assertTrue(cli.out().contains("head:      abcd00000008  Add deadline."), cli.out());
        assertTrue(cli.out().contains("floor:     ffff00000000  Squashed migrations."), cli.out());
        assertTrue(cli.out().contains("    ffff00000000  Squashed migrations."), cli.out());
    }

    @Test
    void shouldShowHowARevisionsParentsChangedBetweenReleases() {
        Cli cli = Cli.run("show", map.toString(), "--revision", "aaaa00000003");

        assertTrue(cli.out().contains("revises:       1b2c3d4e5f6g from 2.1.0 on"), cli.out());
        assertTrue(cli.out().contains("revises:       nothing (a base) from 3.0.0 on"), cli.out());
        assertTrue(cli.out().contains("revises:       ffff00000000 from 3.1.0 on"), cli.out());
        assertTrue(cli.out().contains("head of:       [2.1.0, 2.1.1]"), cli.out());
    }

    @Test
    void shouldShowWhatARevisionCreatesAndDrops() {
        Cli cli = Cli.run("show", map.toString(), "--revision", "abcd00000008");

        assertTrue(cli.out().contains("  creates:       tables table_abcd00000008\n"), cli.out());
        assertTrue(cli.out().contains("  drops:         tables table_abcd00000008\n"), cli.out());
        assertFalse(cli.out().contains("not analysed"), cli.out());
    }

    @Test
    void shouldShowWhyARevisionsDropsAreALowerBound() {
        Cli cli = Cli.run("show", map.toString(), "--revision", "1b2c3d4e5f6g");

        assertTrue(cli.out().contains("  creates:       nothing\n"), cli.out());
        assertTrue(cli.out().contains("  drops:         nothing (a lower bound: see below)\n"), cli.out());
        assertTrue(cli.out().contains("  not analysed:  line 18: runs SQL held in `query`, which mapgen cannot read\n"),
                cli.out());
    }

    @Test
    void shouldRefuseAnUnknownRelease() {
        Cli cli = Cli.run("show", map.toString(), "--version", "9.9.9");

        assertEquals(ExitCodes.FAILURE, cli.exitCode());
        assertTrue(cli.err().contains("Airflow 9.9.9 is not in"), cli.err());
    }

    @Test
    void shouldRefuseAVersionThatIsNotOne() {
        Cli cli = Cli.run("show", map.toString(), "--version", "three");

        assertEquals(ExitCodes.USAGE, cli.exitCode());
        assertTrue(cli.err().contains("three"), cli.err());
    }
}
