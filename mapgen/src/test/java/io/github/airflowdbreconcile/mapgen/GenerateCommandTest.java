package io.github.airflowdbreconcile.mapgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.airflowdbreconcile.map.api.AirflowVersion;
import io.github.airflowdbreconcile.map.api.ParentChange;
import io.github.airflowdbreconcile.map.api.Release;
import io.github.airflowdbreconcile.map.api.Revision;
import io.github.airflowdbreconcile.map.api.RevisionMap;
import io.github.airflowdbreconcile.map.api.RevisionMapJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectInserter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerateCommandTest {
    @TempDir
    static Path shared;
    static Path repository;
    static Path archives;

    @TempDir
    Path dir;

    @BeforeAll
    static void writeHistory() throws Exception {
        repository = AirflowHistory.writeRepository(shared.resolve("airflow"));
        archives = AirflowHistory.writeArchives(shared.resolve("archives"), Map.of());
    }

    private static AirflowVersion v(String version) {
        return AirflowVersion.parse(version);
    }

    private RevisionMap generate(String... args) throws Exception {
        Path output = dir.resolve("map-" + System.nanoTime() + ".json");
        String[] full = new String[args.length + 4];
        full[0] = "generate";
        System.arraycopy(args, 0, full, 1, args.length);
        full[args.length + 1] = "--output";
        full[args.length + 2] = output.toString();
        full[args.length + 3] = "--quiet";
        Cli cli = Cli.run(full);
        assertEquals(0, cli.exitCode(), cli.err());
        return RevisionMapJson.read(output);
    }

    @Test
    void shouldMapEveryFinalReleaseTagToItsHeadAndFloor() throws Exception {
        RevisionMap map = generate("--git", repository.toString());

        assertEquals(List.of(v("2.0.0"), v("2.1.0"), v("2.1.1"), v("2.2.0"), v("3.0.0"), v("3.1.0")),
                List.copyOf(map.versions().keySet()));
        assertEquals(new Release("1b2c3d4e5f6g", "e3a246e0dc1", 2), map.versions().get(v("2.0.0")));
        assertEquals(map.versions().get(v("2.1.0")), map.versions().get(v("2.1.1")));
        assertEquals(new Release("dddd00000006", "e3a246e0dc1", 6), map.versions().get(v("2.2.0")));
        assertEquals(new Release("eeee00000007", "aaaa00000003", 5), map.versions().get(v("3.0.0")));
        assertEquals(new Release("abcd00000008", "ffff00000000", 7), map.versions().get(v("3.1.0")));
        assertEquals(List.of(), map.problems());
    }

    @Test
    void shouldKeepTheParentsEachReleaseGivesARevision() throws Exception {
        RevisionMap map = generate("--git", repository.toString());
        Revision rewritten = map.revisions().get("aaaa00000003");

        assertEquals(List.of(new ParentChange(v("2.1.0"), List.of("1b2c3d4e5f6g")), new ParentChange(v("3.0.0"),
                List.of()), new ParentChange(v("3.1.0"), List.of("ffff00000000"))), rewritten.parentChanges());
        assertEquals(List.of("bbbb00000004", "cccc00000005"), map.revisions().get("dddd00000006").parents());
        assertTrue(map.isAncestor(v("2.2.0"), "e3a246e0dc1", "dddd00000006"));
        assertFalse(map.isAncestor(v("3.0.0"), "1b2c3d4e5f6g", "eeee00000007"));
    }

    @Test
    void shouldTakeIdsAndMetadataFromTheAssignmentsNotTheDocstring() throws Exception {
        RevisionMap map = generate("--git", repository.toString());

        assertFalse(map.revisions().containsKey("0000docstring"));
        assertFalse(map.revisions().containsKey("000000000bad"));
        Revision squash = map.revisions().get("ffff00000000");
        assertEquals(v("3.1.0"), squash.introducedIn());
        assertEquals("2.0.0", squash.declaredVersion());
        assertEquals("Squashed migrations.", squash.description());
        assertEquals("0000_2_0_0_squashed_migrations.py", squash.file());
        Revision old = map.revisions().get("1b2c3d4e5f6g");
        assertEquals(null, old.declaredVersion());
        assertEquals("add dag_code table", old.description());
        assertEquals("Add assets.", map.revisions().get("eeee00000007").description());
    }

    @Test
    void shouldReadPreReleaseTagsOnlyWhenAsked() throws Exception {
        RevisionMap finals = generate("--git", repository.toString());
        RevisionMap all = generate("--git", repository.toString(), "--include-prereleases");

        assertFalse(finals.versions().containsKey(v("3.1.0rc1")));
        assertEquals("9999000000rc", all.versions().get(v("3.1.0rc1")).head());
        assertTrue(v("3.1.0rc1").compareTo(v("3.1.0")) < 0);
    }

    @Test
    void shouldReadOnlyTheTagsThePatternSelects() throws Exception {
        RevisionMap map = generate("--git", repository.toString(), "--tags", "2\\.1\\.\\d+");

        assertEquals(List.of(v("2.1.0"), v("2.1.1")), List.copyOf(map.versions().keySet()));
    }

    @Test
    void shouldGiveTheSameMapFromArchivesAsFromTags() throws Exception {
        Path fromGit = dir.resolve("git.json");
        Path fromArchives = dir.resolve("archives.json");
        assertEquals(0, Cli.run("generate", "--git", repository.toString(), "--output", fromGit.toString(), "--quiet")
                .exitCode());
        assertEquals(0, Cli.run("generate", "--archive", archives.toString(), "--output", fromArchives.toString(),
                "--quiet").exitCode());

        assertEquals(withoutSources(Files.readString(fromGit)), withoutSources(Files.readString(fromArchives)));
        assertTrue(Files.readString(fromArchives).contains("\"digest\" : \"sha256:"));
    }

    private static String withoutSources(String json) {
        return Pattern.compile("\"sources\" : \\[.*?\\n  \\],", Pattern.DOTALL).matcher(json).replaceFirst("");
    }

    @Test
    void shouldWriteByteIdenticalMapsForTheSameInput() throws Exception {
        Path first = dir.resolve("first.json");
        Path second = dir.resolve("second.json");
        Cli.run("generate", "--git", repository.toString(), "--output", first.toString(), "--quiet");
        Cli.run("generate", "--git", repository.toString(), "--output", second.toString(), "--quiet");

        assertEquals(Files.readString(first), Files.readString(second));
    }

    @Test
    void shouldAddReleasesToABaseMapAsAFullRegenerationWould() throws Exception {
        Path full = dir.resolve("full.json");
        Path base = dir.resolve("base.json");
        Path extended = dir.resolve("extended.json");
        Cli.run("generate", "--git", repository.toString(), "--output", full.toString(), "--quiet");
        Cli.run("generate", "--git", repository.toString(), "--tags", "2\\..*", "--output", base.toString(), "--quiet");

        Cli cli = Cli.run("generate", "--git", repository.toString(), "--tags", "3\\..*", "--base", base.toString(),
                "--output", extended.toString(), "--quiet");

        assertEquals(0, cli.exitCode(), cli.err());
        assertEquals(Files.readString(full), Files.readString(extended));
    }

    @Test
    void shouldShowProgressOnStderrUnlessQuiet() {
        Cli loud = Cli.run("generate", "--git", repository.toString(), "--output", dir.resolve("a.json").toString());
        Cli quiet = Cli.run("generate", "--git", repository.toString(), "--output", dir.resolve("b.json").toString(),
                "--quiet");

        assertEquals(0, loud.exitCode());
        assertTrue(loud.err().contains("reading tags 6/6 (3.1.0)"), loud.err());
        assertTrue(loud.err().contains("6 releases, 9 revisions"), loud.err());
        assertEquals("", quiet.err());
        assertEquals("", quiet.out());
    }

    @Test
    void shouldCloneAUrlBareIntoTheCacheAndFetchItOnTheNextRun() throws Exception {
        String url = repository.toUri().toString();
        Path cache = dir.resolve("cache");
        Path first = dir.resolve("first.json");
        Path second = dir.resolve("second.json");

        Cli clone = Cli.run("generate", "--git", url, "--cache-dir", cache.toString(), "--output", first.toString());
        Cli fetch = Cli.run("generate", "--git", url, "--cache-dir", cache.toString(), "--output", second.toString());

        assertEquals(0, clone.exitCode(), clone.err());
        assertEquals(0, fetch.exitCode(), fetch.err());
        assertTrue(clone.err().contains("cloning " + url + " (bare)"), clone.err());
        assertTrue(fetch.err().contains("fetching tags of " + url), fetch.err());
        assertEquals(generate("--git", repository.toString()).versions(), RevisionMapJson.read(second).versions());
        try (var clones = Files.list(cache)) {
            assertTrue(clones.allMatch(cached -> Files.isDirectory(cached.resolve("objects"))
                    && !Files.exists(cached.resolve(".git"))));
        }
    }

    @Test
    void shouldCloseTheCachedCloneWhenAFetchFails() throws Exception {
        Path source = AirflowHistory.writeRepository(dir.resolve("source"));
        String url = source.toUri().toString();
        Path cache = dir.resolve("cache");
        assertEquals(0, Cli.run("generate", "--git", url, "--cache-dir", cache.toString(), "--output",
                dir.resolve("first.json").toString(), "--quiet").exitCode());
        // A new tag whose blob is gone: the fetch gets as far as reading the clone's pack, then the source fails.
        try (Git git = Git.open(source.toFile())) {
            Files.writeString(source.resolve("lost.txt"), "lost");
            git.add().addFilepattern("lost.txt").call();
            git.commit().setMessage("lost").call();
            git.tag().setName("9.9.9").setAnnotated(false).call();
            String blob = new ObjectInserter.Formatter().idFor(Constants.OBJ_BLOB,
                    "lost".getBytes(StandardCharsets.UTF_8)).getName();
            Files.delete(source.resolve(".git/objects/" + blob.substring(0, 2) + "/" + blob.substring(2)));
        }

        Cli fetch = Cli.run("generate", "--git", url, "--cache-dir", cache.toString(), "--output",
                dir.resolve("second.json").toString(), "--quiet");

        assertEquals(ExitCodes.FAILURE, fetch.exitCode());
        assertEquals(List.of(), openFilesUnder(cache));
        assertTrue(fetch.err().startsWith("mapgen: cannot fetch " + url), fetch.err());
    }

    /** The files this JVM holds open below {@code folder}, as Linux lists them. */
    private static List<Path> openFilesUnder(Path folder) throws Exception {
        try (var descriptors = Files.list(Path.of("/proc/self/fd"))) {
            return descriptors.map(fd -> {
                try {
                    return Files.readSymbolicLink(fd);
                } catch (IOException closedMeanwhile) {
                    return Path.of("");
                }
            }).filter(file -> file.startsWith(folder)).toList();
        }
    }

    @Test
    void shouldRefuseARepositoryThatDoesNotExist() {
        Cli cli = Cli.run("generate", "--git", dir.resolve("nowhere").toString(), "--output",
                dir.resolve("m.json").toString());

        assertEquals(ExitCodes.USAGE, cli.exitCode());
        assertTrue(cli.err().contains("nowhere") && cli.err().contains("does not exist"), cli.err());
        assertFalse(Files.exists(dir.resolve("m.json")));
    }

    @Test
    void shouldNeverPrintTheCredentialsOfAUrlItCannotClone() {
        Cli cli = Cli.run("generate", "--git", "http://bot:hunter2@127.0.0.1:9/apache/airflow.git", "--output",
                dir.resolve("m.json").toString(), "--cache-dir", dir.resolve("cache").toString(), "--verbose");

        assertEquals(ExitCodes.FAILURE, cli.exitCode());
        assertTrue(cli.err().contains("bot:***@127.0.0.1"), cli.err());
        assertFalse(cli.err().contains("hunter2"), cli.err());
    }

    @Test
    void shouldRejectABadTagPatternAsUsage() {
        Cli cli = Cli.run("generate", "--git", repository.toString(), "--tags", "(", "--output",
                dir.resolve("m.json").toString());

        assertEquals(ExitCodes.USAGE, cli.exitCode());
        assertTrue(cli.err().startsWith("mapgen: --tags `(`"), cli.err());
    }

    @Test
    void shouldRequireExactlyOneSource() {
        assertEquals(ExitCodes.USAGE, Cli.run("generate", "--output", "x.json").exitCode());
        assertEquals(ExitCodes.USAGE, Cli.run("generate", "--git", ".", "--archive", ".", "--output", "x.json")
                .exitCode());
    }
}
