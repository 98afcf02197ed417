package io.github.airflowdbreconcile.resolver;

import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import io.github.airflowdbreconcile.map.api.RevisionMap;
import io.github.airflowdbreconcile.resolver.api.Action;
import io.github.airflowdbreconcile.resolver.api.CurrentState;
import io.github.airflowdbreconcile.resolver.api.Plan;
import io.github.airflowdbreconcile.resolver.internal.AdvisoryLock;
import io.github.airflowdbreconcile.resolver.internal.DagReserializer;
import io.github.airflowdbreconcile.resolver.internal.Cluster;
import io.github.airflowdbreconcile.resolver.internal.Database;
import io.github.airflowdbreconcile.resolver.internal.DatabaseUrl;
import io.github.airflowdbreconcile.resolver.internal.DirectSession;
import io.github.airflowdbreconcile.resolver.internal.Executor;
import io.github.airflowdbreconcile.resolver.internal.KubernetesExecutor;
import io.github.airflowdbreconcile.resolver.internal.LocalExecutor;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Decides and, for an allowed downgrade, runs it in the running release's image. */
@Command(name = "run", description = "Decide like plan, then act: install, none and upgrade leave the work to the"
        + " target image's `airflow db migrate`; a downgrade (with --allow-downgrade) runs `airflow db downgrade`"
        + " in a pod of the running release (or a local airflow), with the writers scaled to 0 and the DB locked.")
final class RunCommand extends DecideCommand {
    /** Where the downgrade runs. */
    enum ExecutorKind { kubernetes, local }

    @Option(names = "--allow-downgrade", description = "Allow a downgrade; without it a needed one exits 3.")
    boolean allowDowngrade;

    @Option(names = "--dry-run", description = "Decide, find the pod and the workloads, change nothing.")
    boolean dryRun;

    @Option(names = "--executor", paramLabel = "kubernetes|local", defaultValue = "kubernetes",
            description = "Where the downgrade runs (default: ${DEFAULT-VALUE}).")
    ExecutorKind executor;

    @Option(names = "--airflow-bin", paramLabel = "PATH", defaultValue = "airflow",
            description = "The airflow executable of the running release, for --executor local"
                    + " (default: ${DEFAULT-VALUE} on the PATH).")
    String airflowBin;

    @Option(names = "--reserialize-with", paramLabel = "PATH",
            description = "After a downgrade that keeps serialized DAGs the target may not read, run `PATH dags"
                    + " reserialize` with this airflow executable of the target release (its DAG bundles reachable).")
    String reserializeWith;

    @Option(names = "--direct-db-url-env", paramLabel = "VAR",
            description = "An environment variable holding a URL of the metadata DB itself, for the reconcile lock and"
                    + " the checks of a downgrade, when the DB URL goes through PgBouncer (the official chart's"
                    + " pgbouncer.enabled), where the lock does not hold.")
    String directUrlVariable;

    @Override
    int execute() {
        RevisionMap map = map();
        target();
        Optional<Database> database = db.database(log());
        Plan plan = plan(map, database, List.of(), Optional.empty());
        if (plan.action() != Action.DOWNGRADE) {
            print(plan);
            if (plan.refused()) {
                return refused(plan);
            }
            log().info(plan.action() == Action.NONE ? "nothing to do: the schema is already Airflow "
                    + plan.targetVersion() + "'s" : plan.action().json() + ": left to Airflow " + plan.targetVersion()
                    + "'s `airflow db migrate`");
            return ExitCodes.OK;
        }
        if (!allowDowngrade) {
            print(plan);
            throw new ReconcileException(ErrorCode.DOWNGRADE_NOT_ALLOWED, "downgrade from " + plan.currentLabel()
                    + " to " + plan.targetVersion() + " needed; set migrateDatabaseJob.allowDowngrade=true"
                    + " (or pass --allow-downgrade)");
        }
        Database metadata = database.orElseThrow(() -> usage("a downgrade needs the database to lock it and check the"
                + " result: give --db-url, --db-url-file or --db-url-env"));
        Database locking = direct(metadata);
        DirectSession.check(locking, metadata);
        Optional<ReconcileException> tooMuchLost = rowsLostRefusal(plan);
        if (dryRun || tooMuchLost.isPresent()) {
            print(plan);
            tooMuchLost.ifPresent(refusal -> {
                throw refusal;
            });
            withExecutor(map, metadata, executor -> executor.describe(plan));
            if (reserializeWith != null && DagReserializer.needed(plan)) {
                log().info("dry run: would then run " + String.join(" ", reserializer(metadata).command()));
            }
            return ExitCodes.OK;
        }
        try (Connection connection = locking.connect();
             AdvisoryLock lock = AdvisoryLock.acquire(connection, locking.url().kind(), locking.timeout(), log())) {
            Plan locked = replanUnderLock(map, locking, connection, plan);
            print(locked);
            if (locked.action() != Action.DOWNGRADE) {
                return locked.refused() ? refused(locked) : ExitCodes.OK;
            }
            rowsLostRefusal(locked).ifPresent(refusal -> {
                throw refusal;
            });
            log().info("downgrading from " + locked.currentLabel() + " to Airflow " + locked.targetVersion() + " ("
                    + locked.revisionsToUndo().size() + " revisions)");
            withExecutor(map, metadata, executor -> {
                try {
                    executor.downgrade(locked, () -> stateAfterDowngrade(locking, lock));
                } catch (ReconcileException e) {
                    reportState(locking);
                    throw lock.held() ? e : lockLost(e);
                }
            });
            log().info("done: the database is at Airflow " + locked.targetVersion() + "'s head "
                    + locked.targetRevision());
            if (reserializeWith != null) {
                reserializer(metadata).afterDowngrade(locked);
            }
            return ExitCodes.OK;
        } catch (SQLException e) {
            throw new ReconcileException(ErrorCode.DATABASE, "database " + locking.url() + ": " + Database.oneLine(e),
                    e);
        }
    }

    private DagReserializer reserializer(Database metadata) {
        return new DagReserializer(reserializeWith, metadata.url(), execTimeout(), log());
    }

    /** The database to lock and check: the one --direct-db-url-env names, else the metadata URL itself. */
    private Database direct(Database metadata) {
        if (directUrlVariable == null) {
            return metadata;
        }
        String value = System.getenv(directUrlVariable);
        if (value == null || value.isBlank()) {
            throw usage("environment variable " + directUrlVariable + " (--direct-db-url-env) is not set: set it to"
                    + " a URL of the metadata database itself, not through PgBouncer");
        }
        return metadata.at(DatabaseUrl.parse(value));
    }

    /**
     * Another reconcile may have moved the schema while this one waited for the lock, and writers may have added rows:
     * the decision and what it deletes are read again, in one read-only transaction of the locked session.
     */
    private Plan replanUnderLock(RevisionMap map, Database db, Connection connection, Plan plan) {
        Plan again = db.readOnly(connection, c -> planOn(map, db, c, Optional.empty()));
        if (!again.withDataLoss(null).equals(plan.withDataLoss(null))) {
            log().info("the database changed while waiting for the lock; deciding again");
        }
        return again;
    }

    private void withExecutor(RevisionMap map, Database metadata, Consumer<Executor> action) {
        if (executor == ExecutorKind.local) {
            action.accept(new LocalExecutor(airflowBin, metadata.url(), execTimeout(), log()));
            return;
        }
        try (Cluster cluster = clusterOptions.connect()) {
            action.accept(new KubernetesExecutor(cluster, map, clusterOptions.podTimeout(), execTimeout(),
                    metadata.url().password(), log()));
        }
    }

    /**
     * alembic_version after the downgrade, read on a new session: the lock's session sat idle for as long as the
     * downgrade ran and may have died meanwhile (and the lock with it). The executor decides what it means; only the
     * target's head counts as success, whatever became of the lock.
     */
    private CurrentState stateAfterDowngrade(Database db, AdvisoryLock lock) {
        if (!lock.held()) {
            log().info("the session that held the reconcile lock ended while the downgrade ran (a dropped connection"
                    + " or a terminated backend), so another run was not kept out; checking alembic_version on a new"
                    + " connection");
        }
        return db.readState();
    }

    /** A failure while the lock was lost: another run may have changed the database too. */
    private static ReconcileException lockLost(ReconcileException failure) {
        return new ReconcileException(failure.code(), failure.getMessage() + "; the reconcile lock was lost while the"
                + " downgrade ran", failure);
    }

    /** After a failure, what the schema is now is the first thing an operator needs; the lock's session may be gone. */
    private void reportState(Database db) {
        try {
            log().info("alembic_version now holds " + db.readState().describeRows());
        } catch (ReconcileException e) {
            log().info("cannot read alembic_version after the failure: " + e.getMessage());
        }
    }

}
