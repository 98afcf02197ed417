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

    private static int minorLine(AirflowVersion version) {
        int[] release = version.release();
        return release[0] * 1000 + (release.length > 1 ? release[1] : 0);
    }
}
