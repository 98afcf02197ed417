package io.github.airflowdbreconcile.resolver.internal;

import io.github.airflowdbreconcile.map.api.AirflowVersion;
import java.util.List;

/**
 * Rows a newer release writes in a format an older one may not read, which a downgrade keeps as they are: alembic's
 * scripts change the schema, not the data (upstream documents both cases below). Facts about releases, not read from
 * migration files.
 */
final class KeptData {
    static final String SERIALIZED_DAG = "serialized_dag";
    private static final AirflowVersion AIRFLOW_3 = AirflowVersion.parse("3.0.0");
    private static final AirflowVersion TRIGGER_KWARGS_CHANGED = AirflowVersion.parse("3.2.0");
    private static final AirflowVersion CALLBACK_SCHEMA_CHANGED = AirflowVersion.parse("3.1.0");
    private static final AirflowVersion CALLBACK_DOWNGRADE_CONVERTS = AirflowVersion.parse("3.2.2");

    /** A table whose rows {@code runner} wrote and {@code target} may not read, with what to do about it. */
    record Fact(String table, String why, String remedy) {}

    private KeptData() {}

    /** What a downgrade run by {@code runner} to {@code target} keeps that {@code target} may not read. */
    static List<Fact> of(AirflowVersion runner, AirflowVersion target) {
        List<Fact> facts = new java.util.ArrayList<>();
        // Each minor release may change what the DAG serializer writes (its version: 1 in 2.x, 2 in 3.0, 3 from 3.1).
        // Below 3.0 the downgrade empties serialized_dag itself (3.0.0's dag-versioning migration deletes its rows).
        if (target.compareTo(AIRFLOW_3) >= 0 && minorLine(target) < minorLine(runner)) {
            facts.add(new Fact(SERIALIZED_DAG, "serialized DAGs written by Airflow " + runner + "'s serializer, which"
                    + " Airflow " + target + " may fail to read", "run `airflow dags reserialize` with Airflow "
                    + target + " after the downgrade (run --reserialize-with, chart"
                    + " migrateDatabaseJob.reserializeDags.enabled)"));
        }
        if (runner.compareTo(TRIGGER_KWARGS_CHANGED) >= 0 && target.compareTo(TRIGGER_KWARGS_CHANGED) < 0) {
            facts.add(new Fact("trigger", "trigger kwargs serialized by Airflow " + TRIGGER_KWARGS_CHANGED
                    + " or later, which Airflow " + target + " cannot read", "no command converts them: let deferred"
                    + " tasks finish (or clear them) before the downgrade"));
        }
        return List.copyOf(facts);
    }

    /**
     * Tables whose rows the downgrade run by {@code runner} to {@code target} cannot handle. 3.1.0 to 3.2.1 undo
     * 808787349f22 by adding the NOT NULL column deadline.callback without a default, which fails on any row and
     * leaves alembic_version half-way (the real 3.1.8 in the e2e; read in every release's wheel); 3.2.2's converts.
     */
    static List<Fact> blocking(AirflowVersion runner, AirflowVersion target) {
        if (runner.compareTo(CALLBACK_SCHEMA_CHANGED) >= 0 && runner.compareTo(CALLBACK_DOWNGRADE_CONVERTS) < 0
                && target.compareTo(CALLBACK_SCHEMA_CHANGED) < 0) {
            return List.of(new Fact("deadline", "Airflow " + runner + "'s downgrade of 808787349f22 adds the NOT NULL"
                    + " column deadline.callback without a default, so it fails half-way on any row", "delete the rows"
                    + " of deadline (pending deadline alerts) first; Airflow " + CALLBACK_DOWNGRADE_CONVERTS
                    + " and later convert them"));
        }
        return List.of();
    }

    private static int minorLine(AirflowVersion version) {
        int[] release = version.release();
        return release[0] * 1000 + (release.length > 1 ? release[1] : 0);
    }
}
