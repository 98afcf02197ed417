package io.github.airflowdbreconcile.resolver.internal;

import io.github.airflowdbreconcile.map.api.AirflowVersion;
import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import io.github.airflowdbreconcile.resolver.api.CurrentState;
import io.github.airflowdbreconcile.resolver.api.Plan;
import java.util.List;
import java.util.function.Supplier;

/** Runs {@code airflow db downgrade} where the migrations to undo are installed. */
public interface Executor {
    /**
     * The first release whose CLI has {@link #downgradeCommand}: {@code airflow db downgrade} with
     * {@code -r/--to-revision} and {@code -y/--yes}. Read from the real releases: the {@code db downgrade} command and
     * its arguments in airflow/cli/cli_parser.py (cli_config.py from 2.6) of every final wheel on PyPI, apache-airflow
     * 2.0.0 to 2.11.2 and apache-airflow-core 3.0.0 to 3.3.2. 2.0.0 to 2.2.5 have no {@code db downgrade}; 2.3.0 and
     * every later release have it with both options. The real CLIs agree: 2.2.5's answers "invalid choice:
     * 'downgrade'", 2.3.0's runs it.
     */
    AirflowVersion FIRST_WITH_DOWNGRADE = AirflowVersion.parse("2.3.0");

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
