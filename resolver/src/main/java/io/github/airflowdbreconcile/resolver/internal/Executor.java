package io.github.airflowdbreconcile.resolver.internal;

import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import io.github.airflowdbreconcile.resolver.api.CurrentState;
import io.github.airflowdbreconcile.resolver.api.Plan;
import java.util.List;
import java.util.function.Supplier;

/** Runs {@code airflow db downgrade} where the migrations to undo are installed. */
public interface Executor {
    /** Says where and how the downgrade would run, changing nothing. */
    void describe(Plan plan);

    /**
     * Runs the downgrade, then checks with {@code schema} (alembic_version as it is now) that the database is at the
     * plan's target. On a failure the executor leaves its own side effects (workloads it scaled) as safe as it can
     * tell before the exception leaves.
     */
    void downgrade(Plan plan, Supplier<CurrentState> schema);

    /** The command that undoes the plan's revisions, as the airflow CLI takes it. */
    static List<String> downgradeCommand(String airflow, Plan plan) {
        return List.of(airflow, "db", "downgrade", "--to-revision", plan.targetRevision(), "--yes");
    }

    /** Fails unless alembic_version holds exactly the plan's target head. */
    static void verify(Plan plan, CurrentState after) {
        if (!plan.targetRevision().equals(after.revision())) {
            throw missedTarget(plan, after);
        }
    }

    /** The error of a downgrade that ended and left alembic_version elsewhere than the target. */
    static ReconcileException missedTarget(Plan plan, CurrentState after) {
        return new ReconcileException(ErrorCode.EXECUTION_FAILED, "after the downgrade alembic_version holds "
                + after.describeRows() + ", not Airflow " + plan.targetVersion() + "'s head " + plan.targetRevision()
                + ": inspect the database");
    }
}
