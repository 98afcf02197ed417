package io.github.airflowdbreconcile.mapgen;

import io.github.airflowdbreconcile.map.api.AirflowVersion;
import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import io.github.airflowdbreconcile.map.api.Release;
import io.github.airflowdbreconcile.map.api.Revision;
import io.github.airflowdbreconcile.map.api.RevisionMap;
import io.github.airflowdbreconcile.map.api.RevisionMapJson;
import io.github.airflowdbreconcile.mapgen.internal.ArchiveReleaseReader;
import io.github.airflowdbreconcile.mapgen.internal.ReleaseOrder;
import io.github.airflowdbreconcile.mapgen.internal.UpstreamHeads;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "verify", description = "Checks a map's consistency (every parent known, one head and one floor per"
        + " release, release order) and, with --archive, its heads against the _REVISION_HEADS_MAP of that release.")
final class VerifyCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "MAP", description = "The map to check.")
    Path mapFile;

    @Option(names = "--archive", paramLabel = "FILE", description = "A wheel or sdist whose airflow/utils/db.py holds"
            + " the _REVISION_HEADS_MAP to compare with.")
    Path archive;

    @Override
    int run() {
        RevisionMap map = RevisionMapJson.read(mapFile);
        List<String> problems = new ArrayList<>(ReleaseOrder.problems(mapFile));
        problems.addAll(map.problems());
        problems.forEach(problem -> out().println("inconsistent: " + problem));
        int checked = 0;
        if (archive != null) {
            ArchiveReleaseReader.Contents contents = ArchiveReleaseReader.read(archive);
            if (contents.dbModule() == null) {
                throw new ReconcileException(ErrorCode.ARCHIVE, "archive " + archive.getFileName()
                        + " has no airflow/utils/db.py: pass an apache-airflow (2.x) or apache-airflow-core (3.x) wheel");
            }
            Map<AirflowVersion, String> upstream = UpstreamHeads.parse("archive " + archive.getFileName(),
                    contents.dbModule());
            for (Map.Entry<AirflowVersion, String> entry : upstream.entrySet()) {
                checked++;
                Release release = map.versions().get(entry.getKey());
                if (release != null && release.head().equals(entry.getValue())) {
                    continue;
                }
                if (release != null && isSquashOf(map, contents.version(), entry.getKey(), entry.getValue())) {
                    out().println("squashed: " + entry.getKey() + ": the archive names its squashed base "
                            + entry.getValue() + " for it; " + entry.getKey() + "'s own files have head "
                            + release.head() + ", which the map keeps");
                    continue;
                }
                String disagreement = release == null ? "the archive lists head " + entry.getValue()
                        + ", the map has no such release"
                        : "the archive says head " + entry.getValue() + ", the map says " + release.head();
                problems.add(disagreement);
                out().println("disagree: " + entry.getKey() + ": " + disagreement);
            }
        }
        out().println(mapFile.getFileName() + ": " + map.versions().size() + " releases, " + map.revisions().size()
                + " revisions, " + (archive == null ? "" : checked + " upstream heads compared with "
                + archive.getFileName() + ", ") + problems.size() + " problem" + (problems.size() == 1 ? "" : "s"));
        return problems.isEmpty() ? ExitCodes.OK : ExitCodes.VERIFY_FAILED;
    }

    /**
     * Whether upstream names, for {@code version}, the squashed base of the archive's own release: a later release that
     * squashed everything up to {@code version} into one revision uses that revision for the version's schema, while
     * the version's own files still end at their own head.
     */
    private static boolean isSquashOf(RevisionMap map, AirflowVersion archiveVersion, AirflowVersion version,
                                      String upstreamHead) {
        Release archiveRelease = map.versions().get(archiveVersion);
        Revision squash = map.revisions().get(upstreamHead);
        return archiveRelease != null && squash != null && archiveRelease.floor().equals(upstreamHead)
                && squash.declaredVersion() != null && AirflowVersion.parse(squash.declaredVersion()).equals(version);
    }
}
