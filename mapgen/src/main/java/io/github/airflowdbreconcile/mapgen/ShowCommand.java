package io.github.airflowdbreconcile.mapgen;

import io.github.airflowdbreconcile.map.api.AirflowVersion;
import io.github.airflowdbreconcile.map.api.Effects;
import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ParentChange;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import io.github.airflowdbreconcile.map.api.Release;
import io.github.airflowdbreconcile.map.api.Revision;
import io.github.airflowdbreconcile.map.api.RevisionMap;
import io.github.airflowdbreconcile.map.api.RevisionMapJson;
import io.github.airflowdbreconcile.map.api.TableChanges;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "show", description = "Prints a map readably: every release, one release, or one revision.")
final class ShowCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "MAP", description = "The map to show.")
    Path mapFile;

    static final class Selection {
        @Option(names = "--version", paramLabel = "V", description = "One release: its head, floor and the revisions"
                + " it introduced.")
        String version;

        @Option(names = "--revision", paramLabel = "R", description = "One revision: its parents in each release, the"
                + " release that introduced it, the releases whose head it is, and the tables and columns its upgrade"
                + " creates and its downgrade drops.")
        String revision;
    }

    @ArgGroup(exclusive = true)
    Selection selection;

    @Override
    int run() {
        RevisionMap map = RevisionMapJson.read(mapFile);
        if (selection != null && selection.version != null) {
            showRelease(map, AirflowVersion.parse(selection.version));
        } else if (selection != null && selection.revision != null) {
            showRevision(map, selection.revision);
        } else {
            showReleases(map);
        }
        return ExitCodes.OK;
    }

    private void showReleases(RevisionMap map) {
        PrintWriter out = out();
        out.printf("%-10s %-14s %-14s %9s  %s%n", "release", "head", "floor", "revisions", "new");
        AirflowVersion[] previous = {null};
        map.versions().forEach((version, release) -> {
            long introduced = map.revisions().values().stream().filter(r -> r.introducedIn().equals(version)).count();
            String same = previous[0] != null && map.versions().get(previous[0]).head().equals(release.head())
                    ? "  (same schema as " + previous[0] + ")" : "";
            out.printf("%-10s %-14s %-14s %9d  %d%s%n", version, release.head(), release.floor(),
                    release.revisions(), introduced, same);
            previous[0] = version;
        });
        map.warnings().forEach(warning -> out.println("warning: " + warning));
    }

    private void showRelease(RevisionMap map, AirflowVersion version) {
        Release release = map.release(version).orElseThrow(() -> new ReconcileException(ErrorCode.UNKNOWN_VERSION,
                "Airflow " + version + " is not in " + mapFile + " (it knows " + map.versions().firstKey() + " to "
                        + map.newestVersion() + ")"));
        PrintWriter out = out();
        out.println("Airflow " + version);
        out.println("  head:      " + release.head() + "  " + map.revisions().get(release.head()).description());
        out.println("  floor:     " + release.floor() + "  " + map.revisions().get(release.floor()).description());
        out.println("  revisions: " + release.revisions());
        out.println("  same schema as: " + map.releasesWithHead(release.head()));
        out.println("  introduced here:");
        map.revisionsOf(version).stream().filter(id -> map.revisions().get(id).introducedIn().equals(version))
                .forEach(id -> out.println("    " + id + "  " + map.revisions().get(id).description()));
    }

    private void showRevision(RevisionMap map, String id) {
        Revision revision = map.revision(id).orElseThrow(() -> new ReconcileException(ErrorCode.UNKNOWN_REVISION,
                "revision " + id + " is not in " + mapFile));
        PrintWriter out = out();
        out.println("revision " + id + "  " + revision.description());
        out.println("  file:          " + revision.file());
        out.println("  introduced in: " + revision.introducedIn() + (revision.declaredVersion() == null
                ? " (the file declares no airflow_version)" : " (the file declares " + revision.declaredVersion() + ")"));
        if (revision.parentChanges().isEmpty()) {
            out.println("  revises:       " + describe(revision.parents()));
        } else {
            for (ParentChange change : revision.parentChanges()) {
                out.println("  revises:       " + describe(change.parents()) + " from " + change.from() + " on");
            }
        }
        List<AirflowVersion> heads = map.releasesWithHead(id);
        out.println("  head of:       " + (heads.isEmpty() ? "no release" : heads));
        Effects effects = revision.effects();
        out.println("  creates:       " + describe(effects.creates()));
        out.println("  drops:         " + describe(effects.drops()) + (effects.analysed() ? ""
                : " (a lower bound: see below)"));
        if (!effects.analysed()) {
            out.println("  not analysed:  " + effects.notAnalysed());
        }
    }

    private static String describe(TableChanges changes) {
        List<String> parts = new ArrayList<>();
        if (!changes.tables().isEmpty()) {
            parts.add("tables " + String.join(", ", changes.tables()));
        }
        if (!changes.columns().isEmpty()) {
            parts.add("columns " + String.join(", ",
                    changes.columns().stream().map(c -> c.table() + "." + c.column()).toList()));
        }
        return parts.isEmpty() ? "nothing" : String.join("; ", parts);
    }

    private static String describe(List<String> parents) {
        return parents.isEmpty() ? "nothing (a base)" : String.join(", ", parents);
    }
}
