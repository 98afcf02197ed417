package io.github.airflowdbreconcile.resolver.internal;

import io.github.airflowdbreconcile.map.api.AirflowVersion;
import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.Release;
import io.github.airflowdbreconcile.map.api.RevisionMap;
import io.github.airflowdbreconcile.resolver.api.Action;
import io.github.airflowdbreconcile.resolver.api.CurrentState;
import io.github.airflowdbreconcile.resolver.api.Plan;
import io.github.airflowdbreconcile.resolver.api.UndoStep;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides the direction from the revision graph alone, walked as the release that would run the change has it: the
 * target for a forward move, the running release for a downgrade. Version strings only name releases in messages.
 */
public final class Decider {
    private final RevisionMap map;

    public Decider(RevisionMap map) {
        this.map = map;
    }

    public Plan decide(CurrentState current, AirflowVersion target) {
        Optional<Release> targetRelease = map.release(target);
        if (current.hasSeveralHeads()) {
            return new Plan(Action.REFUSE, null, current.revisions(), List.of(), target,
                    targetRelease.map(Release::head).orElse(null), List.of(), null, null,
                    "alembic_version holds several heads (" + current.describeRows()
                            + "): the database is branched; merge or repair it by hand before deploying " + target,
                    ErrorCode.IMPOSSIBLE, null);
        }
        if (targetRelease.isEmpty()) {
            return refuse(current.revision(), versionsWithHead(current.revision()), target, null, null, null,
                    ErrorCode.UNKNOWN_VERSION, "Airflow " + target + " is not in the revision map (it knows "
                            + map.versions().firstKey() + " to " + map.newestVersion()
                            + "): upgrade airflow-db-reconcile (the chart) to one whose map knows " + target);
        }
        String targetHead = targetRelease.get().head();
        String targetFloor = targetRelease.get().floor();
        if (current.lacksRevision()) {
            return refuse(null, List.of(), target, targetHead, null, null, ErrorCode.UNKNOWN_REVISION,
                    "the database holds Airflow tables (" + String.join(", ", current.airflowTables())
                            + ") but alembic_version records no revision: if Airflow keeps alembic_version in another"
                            + " schema, pass --db-schema (AIRFLOW__DATABASE__SQL_ALCHEMY_SCHEMA); otherwise record the"
                            + " revision these tables are at (`airflow db migrate` with the release that created them)"
                            + " before deploying " + target);
        }
        if (current.isFresh()) {
            return plan(Action.INSTALL, null, List.of(), target, targetHead, List.of(), target, targetFloor);
        }
        String revision = current.revision();
        if (map.revision(revision).isEmpty() || map.releasesContaining(revision).isEmpty()) {
            return refuse(revision, List.of(), target, targetHead, null, null, ErrorCode.UNKNOWN_REVISION,
                    "the database is at revision " + CurrentState.printable(revision) + ", which no release in the map has"
                            + " (a development build, or a map older than the Airflow that migrated it):"
                            + " use a chart whose map knows it, or set the schema by hand");
        }
        List<AirflowVersion> currentVersions = versionsWithHead(revision);
        if (revision.equals(targetHead)) {
            return plan(Action.NONE, revision, currentVersions, target, targetHead, List.of(), target, targetFloor);
        }
        if (map.revisionsOf(target).contains(revision)) {
            return plan(Action.UPGRADE, revision, currentVersions, target, targetHead, List.of(), target, targetFloor);
        }
        AirflowVersion runner = runnerOf(revision, currentVersions);
        String runnerFloor = map.versions().get(runner).floor();
        if (map.isAncestor(runner, targetHead, revision)) {
            if (runner.compareTo(Executor.FIRST_WITH_DOWNGRADE) < 0) {
                return refuseWithoutDowngradeCommand(revision, currentVersions, target, targetHead, runner,
                        runnerFloor);
            }
            List<UndoStep> undo = map.revisionsBetween(runner, revision, targetHead).stream()
                    .map(id -> new UndoStep(id, map.revisions().get(id).description()))
                    .toList();
            return plan(Action.DOWNGRADE, revision, currentVersions, target, targetHead, undo, runner, runnerFloor);
        }
        return refuseUnreachable(revision, currentVersions, target, targetHead, runner, runnerFloor);
    }

    /**
     * The running release's CLI cannot undo anything; a release that has the command can, from its own copies of the
     * older migrations (tried with the real 2.3.0 on a database at 2.2.5's head: it reached 2.1.0's).
     */
    private Plan refuseWithoutDowngradeCommand(String revision, List<AirflowVersion> currentVersions,
                                               AirflowVersion target, String targetHead, AirflowVersion runner,
                                               String runnerFloor) {
        AirflowVersion first = Executor.FIRST_WITH_DOWNGRADE;
        return refuse(revision, currentVersions, target, targetHead, runner, runnerFloor, ErrorCode.IMPOSSIBLE,
                "Airflow " + runner + ", which would run the downgrade, has no `airflow db downgrade` (the first"
                        + " release with it is " + first + "): restore a database backup taken at Airflow " + target
                        + ", or run `airflow db downgrade --to-revision " + targetHead + " --yes` once against this"
                        + " database with Airflow " + first + "'s CLI, then deploy " + target);
    }

    /** Neither head descends from the other in the graph that would run the move: say which way out there is. */
    private Plan refuseUnreachable(String revision, List<AirflowVersion> currentVersions, AirflowVersion target,
                                   String targetHead, AirflowVersion runner, String runnerFloor) {
        String current = currentVersions.isEmpty() ? "revision " + revision
                : "Airflow " + currentVersions.get(currentVersions.size() - 1) + " (" + revision + ")";
        Optional<AirflowVersion> through = upgradePath(revision, target);
        if (through.isPresent()) {
            return refuse(revision, currentVersions, target, targetHead, target, map.versions().get(target).floor(),
                    ErrorCode.IMPOSSIBLE, "the database is at " + current + ", below the floor of Airflow "
                            + target + " (" + map.versions().get(target).floor() + "), whose files cannot upgrade it:"
                            + " upgrade to Airflow " + through.get() + " first, then to " + target);
        }
        AirflowVersion lowest = lowestReachable(runner, revision);
        if (target.compareTo(lowest) < 0) {
            return refuse(revision, currentVersions, target, targetHead, runner, runnerFloor, ErrorCode.IMPOSSIBLE,
                    "Airflow " + target + " is below the floor of Airflow " + runner + " (" + runnerFloor
                            + "), which would run the downgrade; the lowest release it can reach is " + lowest
                            + ": downgrade to " + lowest + " first, then run again from the " + lowest + " image");
        }
        return refuse(revision, currentVersions, target, targetHead, runner, runnerFloor, ErrorCode.IMPOSSIBLE,
                "the database at " + current + " and Airflow " + target + " (" + targetHead + ") are on diverged"
                        + " branches of the revision graph: neither descends from the other; restore a backup taken"
                        + " at " + target + " or move through a release both reach");
    }

    /**
     * The release whose graph a downgrade walks: the newest release whose head is the current revision (the running
     * image may be any of them, and the newest has the highest floor), or for a revision that is no release's head the
     * newest release that contains it.
     */
    private AirflowVersion runnerOf(String revision, List<AirflowVersion> withHead) {
        List<AirflowVersion> candidates = withHead.isEmpty() ? map.releasesContaining(revision) : withHead;
        return candidates.get(candidates.size() - 1);
    }

    /** The newest release whose files contain the current revision and whose head the target's files contain. */
    private Optional<AirflowVersion> upgradePath(String revision, AirflowVersion target) {
        Set<String> targetRevisions = map.revisionsOf(target);
        List<AirflowVersion> containing = map.releasesContaining(revision);
        for (int i = containing.size() - 1; i >= 0; i--) {
            AirflowVersion via = containing.get(i);
            if (targetRevisions.contains(map.versions().get(via).head())) {
                return Optional.of(via);
            }
        }
        return Optional.empty();
    }

    /** The oldest release whose head the runner's graph reaches from the current revision. */
    private AirflowVersion lowestReachable(AirflowVersion runner, String revision) {
        Set<String> reachable = map.graphOf(runner).keySet().stream()
                .filter(id -> map.isAncestor(runner, id, revision))
                .collect(Collectors.toSet());
        return map.versions().entrySet().stream()
                .filter(e -> reachable.contains(e.getValue().head()))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElse(runner);
    }

    private List<AirflowVersion> versionsWithHead(String revision) {
        return revision == null ? List.of() : map.releasesWithHead(revision);
    }

    private static Plan plan(Action action, String revision, List<AirflowVersion> currentVersions,
                             AirflowVersion target, String targetHead, List<UndoStep> undo, AirflowVersion runner,
                             String floor) {
        return new Plan(action, revision, headsOf(revision), currentVersions, target, targetHead, undo, runner, floor,
                null, null, null);
    }

    private static Plan refuse(String revision, List<AirflowVersion> currentVersions, AirflowVersion target,
                               String targetHead, AirflowVersion runner, String floor, ErrorCode code,
                               String reason) {
        return new Plan(Action.REFUSE, revision, headsOf(revision), currentVersions, target, targetHead, List.of(),
                runner, floor, reason, code, null);
    }

    private static List<String> headsOf(String revision) {
        return revision == null ? List.of() : List.of(revision);
    }
}
