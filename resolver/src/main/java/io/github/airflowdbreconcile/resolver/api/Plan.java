package io.github.airflowdbreconcile.resolver.api;

import io.github.airflowdbreconcile.map.api.AirflowVersion;
import io.github.airflowdbreconcile.map.api.ErrorCode;
import java.util.List;

/**
 * A decision and everything that explains it.
 *
 * @param action          what to do
 * @param currentRevision the database's head, null when fresh or branched
 * @param currentHeads    every row of alembic_version: none when fresh, several when branched
 * @param currentVersions every release whose head is the current revision (schema-equivalent releases), oldest first
 * @param targetVersion   the release being deployed
 * @param targetRevision  its head, null when the map does not know it
 * @param revisionsToUndo newest first; empty unless the action is a downgrade
 * @param runner          the release whose files run the change and whose graph decided it, null when none applies
 * @param floor           the base of the runner's files: the lowest schema it can downgrade to
 * @param reason          why a plan refuses, null otherwise
 * @param refusal         the error code of a refusal (it picks the exit code), null otherwise
 * @param dataLoss        what a downgrade deletes (and keeps unreadable), null for other actions
 */
public record Plan(Action action, String currentRevision, List<String> currentHeads,
                   List<AirflowVersion> currentVersions,
                   AirflowVersion targetVersion, String targetRevision, List<UndoStep> revisionsToUndo,
                   AirflowVersion runner, String floor, String reason, ErrorCode refusal,
                   DataLoss dataLoss) {
    public Plan {
        currentHeads = List.copyOf(currentHeads);
        currentVersions = List.copyOf(currentVersions);
        revisionsToUndo = List.copyOf(revisionsToUndo);
    }

    /** The same decision with what it deletes. */
    public Plan withDataLoss(DataLoss loss) {
        return new Plan(action, currentRevision, currentHeads, currentVersions, targetVersion, targetRevision,
                revisionsToUndo, runner, floor, reason, refusal, loss);
    }

    /** The same plan refused: nothing to undo, nothing deleted. */
    public Plan asRefusal(String why, ErrorCode code) {
        return new Plan(Action.REFUSE, currentRevision, currentHeads, currentVersions, targetVersion, targetRevision,
                List.of(), runner, floor, why, code, null);
    }

    public boolean refused() {
        return action == Action.REFUSE;
    }

    /** How the current schema reads to a person: the newest release with that head, or the bare revision. */
    public String currentLabel() {
        if (currentRevision == null) {
            return "an empty database";
        }
        if (currentVersions.isEmpty()) {
            return "revision " + currentRevision;
        }
        return currentVersions.get(currentVersions.size() - 1).toString();
    }
}
