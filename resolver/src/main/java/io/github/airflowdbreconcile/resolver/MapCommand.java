package io.github.airflowdbreconcile.resolver;

import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import io.github.airflowdbreconcile.map.api.RevisionMap;
import io.github.airflowdbreconcile.map.api.RevisionMapJson;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** Commands that read the revision map. */
abstract class MapCommand extends BaseCommand {
    @Option(names = "--map", paramLabel = "FILE", required = true,
            description = "The revision map (made by mapgen; the chart mounts it at"
                    + " /etc/airflow-db-reconcile/revision-map.json).")
    Path mapFile;

    /** The map, refused when it contradicts itself: every decision walks its graphs. */
    RevisionMap map() {
        RevisionMap map = RevisionMapJson.read(mapFile);
        List<String> problems = map.problems();
        if (!problems.isEmpty()) {
            throw new ReconcileException(ErrorCode.MAP_INVALID, "map " + mapFile + " is inconsistent ("
                    + problems.get(0) + (problems.size() > 1 ? " and " + (problems.size() - 1) + " more" : "")
                    + "): regenerate it with mapgen");
        }
        return map;
    }
}
