package io.github.airflowdbreconcile.resolver.internal;

import io.github.airflowdbreconcile.resolver.api.Plan;
import java.util.List;

/** Runs {@code airflow db downgrade} where the migrations to undo are installed. */
public interface Executor {
    /** Says where and how the downgrade would run, changing nothing. */
    void describe(Plan plan);

    /**
     * Runs the downgrade, then {@code verify}. On any failure the executor undoes its own side effects (workloads it
     * scaled) before the exception leaves.
     */
    void downgrade(Plan plan, Runnable verify);

    /** The command that undoes the plan's revisions, as the airflow CLI takes it. */
    static List<String> downgradeCommand(String airflow, Plan plan) {
        return List.of(airflow, "db", "downgrade", "--to-revision", plan.targetRevision(), "--yes");
    }
}
