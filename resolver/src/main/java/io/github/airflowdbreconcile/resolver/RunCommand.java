package io.github.airflowdbreconcile.resolver;

import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import io.github.airflowdbreconcile.map.api.RevisionMap;
import io.github.airflowdbreconcile.resolver.api.Action;
import io.github.airflowdbreconcile.resolver.api.CurrentState;
import io.github.airflowdbreconcile.resolver.api.Plan;
import io.github.airflowdbreconcile.resolver.internal.AdvisoryLock;
import io.github.airflowdbreconcile.resolver.internal.Cluster;
import io.github.airflowdbreconcile.resolver.internal.Database;
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

    @Override
    int execute() {
        RevisionMap map = map();
        target();
        Optional<Database> database = db.database(log());
        Plan plan = decide(map, readCurrent(map, database, List.of(), Optional.empty()));
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
        if (dryRun) {
            print(plan);
            withExecutor(map, metadata, executor -> executor.describe(plan));
            return ExitCodes.OK;
        }
        try (Connection connection = metadata.connect();
             AdvisoryLock lock = AdvisoryLock.acquire(connection, metadata.url().kind(), metadata.timeout(), log())) {
            Plan locked = replanUnderLock(map, metadata, connection, plan);
            print(locked);
            if (locked.action() != Action.DOWNGRADE) {
                return locked.refused() ? refused(locked) : ExitCodes.OK;
            }
            log().info("downgrading from " + locked.currentLabel() + " to Airflow " + locked.targetVersion() + " ("
                    + locked.revisionsToUndo().size() + " revisions)");
            withExecutor(map, metadata, executor -> {
                try {
                    executor.downgrade(locked, () -> metadata.readState(connection));
                } catch (ReconcileException e) {
                    reportState(metadata, connection);
                    throw e;
                }
            });
            log().info("done: the database is at Airflow " + locked.targetVersion() + "'s head "
                    + locked.targetRevision());
            return ExitCodes.OK;
        } catch (SQLException e) {
            throw new ReconcileException(ErrorCode.DATABASE, "database " + metadata.url() + ": " + Database.oneLine(e),
                    e);
        }
    }

    /** Another reconcile may have moved the schema while this one waited for the lock. */
    private Plan replanUnderLock(RevisionMap map, Database db, Connection connection, Plan plan) {
        CurrentState now = db.readState(connection);
        Plan again = decide(map, now);
        if (!again.equals(plan)) {
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

    /** After a failure, what the schema is now is the first thing an operator needs. */
    private void reportState(Database db, Connection connection) {
        try {
            log().info("alembic_version now holds " + db.readState(connection).describeRows());
        } catch (ReconcileException e) {
            log().info("cannot read alembic_version after the failure: " + e.getMessage());
        }
    }

}
