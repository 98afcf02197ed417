package io.github.airflowdbreconcile.mapgen;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;

/**
 * A small Airflow-like history with what the real one has been through: the move of the migrations folder from 2.x to
 * 3.x, 3.x dropping the old revisions so that a kept one revises nothing, a later squash that becomes the new base and
 * rewrites that revision's parent, a merge, an id that is not 12 hex characters, a release without migrations,
 * release candidates and unrelated tags. It is written both as a git repository and as release archives.
 */
final class AirflowHistory {
    static final String OLD_FOLDER = "airflow/migrations/versions/";
    static final String NEW_FOLDER = "airflow-core/src/airflow/migrations/versions/";
    private static final PersonIdent AUTHOR = new PersonIdent("Release Manager", "rm@example.org", 1700000000000L, 0);

    /** Migration files per release, file name to text. */
    static Map<String, Map<String, String>> releases() {
        Map<String, String> v200 = new LinkedHashMap<>();
        v200.put("e3a246e0dc1_current_schema.py", migration("e3a246e0dc1", "None", null, "current schema"));
        v200.put("1b2c3d4e5f6g_add_dag_code.py", singleQuoted("1b2c3d4e5f6g", "'e3a246e0dc1'", "add dag_code table"));
        Map<String, String> v210 = new LinkedHashMap<>(v200);
        v210.put("0003_2_1_0_add_pool_slots.py", migration("aaaa00000003", "\"1b2c3d4e5f6g\"", "2.1.0",
                "Add pool slots"));
        Map<String, String> v211 = new LinkedHashMap<>(v210);
        Map<String, String> v220 = new LinkedHashMap<>(v210);
        v220.put("0004_2_2_0_branch_a.py", migration("bbbb00000004", "\"aaaa00000003\"", "2.2.0", "Branch a"));
        v220.put("0005_2_2_0_branch_b.py", migration("cccc00000005", "\"aaaa00000003\"", "2.2.0", "Branch b"));
        v220.put("0006_2_2_0_merge.py", migration("dddd00000006", "(\n    \"bbbb00000004\",\n    \"cccc00000005\",\n)",
                "2.2.0", "Merge heads"));
        Map<String, String> v300 = new LinkedHashMap<>();
        v300.put("0001_2_1_0_add_pool_slots.py", migration("aaaa00000003", "None", "2.1.0", "Add pool slots"));
        v300.put("0002_2_2_0_branch_a.py", v220.get("0004_2_2_0_branch_a.py"));
        v300.put("0003_2_2_0_branch_b.py", v220.get("0005_2_2_0_branch_b.py"));
        v300.put("0004_2_2_0_merge.py", v220.get("0006_2_2_0_merge.py"));
        v300.put("0005_3_0_0_add_assets.py", annotated("eeee00000007", "\"dddd00000006\"", "3.0.0", "Add assets"));
        Map<String, String> v310 = new LinkedHashMap<>(v300);
        v310.put("0000_2_0_0_squashed_migrations.py", migration("ffff00000000", "None", "2.0.0",
                "Squashed migrations"));
        v310.put("0001_2_1_0_add_pool_slots.py", migration("aaaa00000003", "\"ffff00000000\"", "2.1.0",
                "Add pool slots"));
        v310.put("0006_3_1_0_add_deadline.py", migration("abcd00000008", "'eeee00000007'", "3.1.0", "Add deadline"));
        Map<String, Map<String, String>> releases = new LinkedHashMap<>();
        releases.put("2.0.0", v200);
        releases.put("2.1.0", v210);
        releases.put("2.1.1", v211);
        releases.put("2.2.0", v220);
        releases.put("3.0.0", v300);
        releases.put("3.1.0", v310);
        return releases;
    }

    /** The pre-release of 3.1.0, with a migration the final release dropped. */
    static Map<String, String> releaseCandidate() {
        Map<String, String> rc = new LinkedHashMap<>(releases().get("3.0.0"));
        rc.put("0006_3_1_0_draft.py", migration("9999000000rc", "\"eeee00000007\"", "3.1.0", "Draft"));
        return rc;
    }

    /** The layout of Airflow's own files: license, a docstring that repeats the ids, then the assignments. */
    static String migration(String revision, String downRevision, String airflowVersion, String description) {
        return "#\n# Licensed to the Apache Software Foundation (ASF)\n#\n\"\"\"\n" + description + ".\n\n"
                + "Revision ID: " + revision + "\nRevises: 000000000bad\nCreate Date: 2024-01-01\n\n"
                + "revision = \"0000docstring\"\n\"\"\"\n\nfrom __future__ import annotations\n\n"
                + "from alembic import op\n\n# revision identifiers, used by Alembic.\n"
                + "revision = \"" + revision + "\"\ndown_revision = " + downRevision + "\n"
                + "branch_labels = None\ndepends_on = None\n"
                + (airflowVersion == null ? "" : "airflow_version = \"" + airflowVersion + "\"\n")
                + "\n\ndef upgrade():\n    \"\"\"Apply.\"\"\"\n    op.execute(\"\"\"\nrevision = 'inside_sql'\n\"\"\")\n"
                + "    op.create_table(\"table_" + revision + "\")\n"
                + "\n\ndef downgrade():\n    op.drop_table(\"table_" + revision + "\")\n";
    }

    /** An old-style file: single quotes, no airflow_version. */
    static String singleQuoted(String revision, String downRevision, String description) {
        return "'''" + description + "\n\nRevision ID: " + revision + "\n'''\nfrom alembic import op\n\n"
                + "revision = '" + revision + "'\ndown_revision = " + downRevision + "\nbranch_labels = None\n"
                + "depends_on = None\n\n\ndef upgrade():  # noqa\n    pass\n\n\ndef downgrade():\n"
                + "    op.execute(query)\n";
    }

    /** Type-annotated assignments, as alembic's newer templates write them. */
    static String annotated(String revision, String downRevision, String airflowVersion, String description) {
        return "\"\"\"" + description + ".\"\"\"\nfrom typing import Sequence, Union\n\n"
                + "revision: str = \"" + revision + "\"\ndown_revision: Union[str, None] = " + downRevision + "\n"
                + "branch_labels: Union[str, Sequence[str], None] = None\ndepends_on: Union[str, None] = None\n"
                + "airflow_version: str = \"" + airflowVersion + "\"\n";
    }

    /** Upstream's private version-to-head table as db.py carries it. */
    static String dbModule(Map<String, String> heads) {
        StringBuilder table = new StringBuilder("_REVISION_HEADS_MAP: dict[str, str] = {\n");
        heads.forEach((version, head) -> table.append("    \"").append(version).append("\": \"").append(head)
                .append("\",\n"));
        return "import os\n\n" + table + "}\n\n\ndef check():\n    pass\n";
    }

    /**
     * The history as a repository: one commit per release with unrelated commits between them, annotated tags for 2.x,
     * lightweight for 3.x, a release candidate and tags of other products.
     */
    static Path writeRepository(Path dir) throws Exception {
        try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
            Map<String, Map<String, String>> releases = releases();
            for (Map.Entry<String, Map<String, String>> release : releases.entrySet()) {
                String version = release.getKey();
                if (version.equals("3.1.0")) {
                    writeRelease(git, dir, "3.1.0rc1", releaseCandidate());
                    git.tag().setName("3.1.0rc1").setAnnotated(true).setMessage("rc").setTagger(AUTHOR).call();
                }
                writeRelease(git, dir, version, release.getValue());
                if (version.startsWith("2.")) {
                    git.tag().setName(version).setAnnotated(true).setMessage("Airflow " + version).setTagger(AUTHOR)
                            .call();
                } else {
                    git.tag().setName(version).setAnnotated(false).call();
                }
                Files.writeString(dir.resolve("README.md"), "after " + version + "\n");
                git.add().addFilepattern("README.md").call();
                git.commit().setMessage("docs after " + version).setAuthor(AUTHOR).setCommitter(AUTHOR).call();
                if (version.equals("2.2.0")) {
                    git.tag().setName("providers-fab/1.0.0").setAnnotated(false).call();
                    git.tag().setName("helm-chart/1.0.0").setAnnotated(true).setMessage("chart").setTagger(AUTHOR)
                            .call();
                }
            }
        }
        return dir;
    }

    private static void writeRelease(Git git, Path dir, String version, Map<String, String> files) throws Exception {
        String folder = version.startsWith("2.") ? OLD_FOLDER : NEW_FOLDER;
        git.rm().addFilepattern("airflow").addFilepattern("airflow-core").call();
        deleteTree(dir.resolve("airflow"));
        deleteTree(dir.resolve("airflow-core"));
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path path = dir.resolve(folder + file.getKey());
            Files.createDirectories(path.getParent());
            Files.writeString(path, file.getValue());
        }
        Files.writeString(dir.resolve(folder + "__init__.py"), "");
        git.add().addFilepattern(".").call();
        git.commit().setMessage("Release " + version).setAuthor(AUTHOR).setCommitter(AUTHOR).call();
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** 2.x as sdists of apache-airflow, 3.x as wheels of apache-airflow-core, named so the name cannot be trusted. */
    static Path writeArchives(Path dir, Map<String, String> upstreamHeads) throws IOException {
        Files.createDirectories(dir);
        for (Map.Entry<String, Map<String, String>> release : releases().entrySet()) {
            String version = release.getKey();
            if (version.startsWith("2.")) {
                writeSdist(dir.resolve("apache-airflow-" + version + ".tar.gz"), "apache-airflow", version,
                        release.getValue());
            } else {
                writeWheel(dir.resolve("release-" + version.replace('.', '_') + ".whl"), "apache_airflow_core",
                        version, release.getValue(), upstreamHeads);
            }
        }
        return dir;
    }

    static void writeWheel(Path file, String distribution, String version, Map<String, String> migrations,
                           Map<String, String> upstreamHeads) throws IOException {
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(file)) {
            put(zip, distribution + "-" + version + ".dist-info/METADATA", "Metadata-Version: 2.4\nName: "
                    + distribution.replace('_', '-') + "\nVersion: " + version + "\n\nVersion: 0.0.0 in a description\n");
            for (Map.Entry<String, String> migration : migrations.entrySet()) {
                put(zip, OLD_FOLDER + migration.getKey(), migration.getValue());
            }
            put(zip, OLD_FOLDER + "__init__.py", "");
            if (upstreamHeads != null) {
                put(zip, "airflow/utils/db.py", dbModule(upstreamHeads));
            }
        }
    }

    private static void put(ZipArchiveOutputStream zip, String name, String text) throws IOException {
        zip.putArchiveEntry(new ZipArchiveEntry(name));
        zip.write(text.getBytes(StandardCharsets.UTF_8));
        zip.closeArchiveEntry();
    }

    static void writeSdist(Path file, String distribution, String version, Map<String, String> migrations)
            throws IOException {
        String top = distribution + "-" + version + "/";
        try (OutputStream out = Files.newOutputStream(file);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
            put(tar, top + "PKG-INFO", "Metadata-Version: 2.1\nName: " + distribution + "\nVersion: " + version + "\n");
            put(tar, top + "apache_airflow.egg-info/PKG-INFO", "Name: other\nVersion: 9.9.9\n");
            for (Map.Entry<String, String> migration : migrations.entrySet()) {
                put(tar, top + OLD_FOLDER + migration.getKey(), migration.getValue());
            }
        }
    }

    private static void put(TarArchiveOutputStream tar, String name, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(bytes.length);
        tar.putArchiveEntry(entry);
        tar.write(bytes);
        tar.closeArchiveEntry();
    }

    private AirflowHistory() {}
}
