package io.github.airflowdbreconcile.resolver.internal;

import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import io.github.airflowdbreconcile.resolver.api.Plan;
import java.time.Duration;
import java.util.List;

/**
 * The documented remedy for serialized DAGs a newer release wrote: {@code airflow dags reserialize} run by the
 * target release, after the downgrade, on this machine. In 3.x it re-parses the DAG bundles, so it needs them (the
 * DAG files, or a bundle it can fetch); 3.x's command has no {@code --clear-only}.
 */
public final class DagReserializer {
    private final String targetAirflow;
    private final DatabaseUrl url;
    private final Duration timeout;
    private final Log log;

    public DagReserializer(String targetAirflow, DatabaseUrl url, Duration timeout, Log log) {
        this.targetAirflow = targetAirflow;
        this.url = url;
        this.timeout = timeout;
        this.log = log;
    }

    /** The plan warned of serialized DAGs the target may not read. */
    public static boolean needed(Plan plan) {
        return plan.dataLoss() != null && plan.dataLoss().unreadable().stream()
                .anyMatch(kept -> kept.table().equals(KeptData.SERIALIZED_DAG));
    }

    public List<String> command() {
        return List.of(targetAirflow, "dags", "reserialize");
    }

    /** After a successful downgrade: reserializes when the plan warned of serialized DAGs the target may not read. */
    public void afterDowngrade(Plan plan) {
        if (!needed(plan)) {
            log.info("no serialized DAGs to reserialize: Airflow " + plan.targetVersion() + " reads what the"
                    + " downgrade left (or the downgrade emptied serialized_dag)");
            return;
        }
        try {
            LocalExecutor.run(command(), url, timeout, log,
                    "pass Airflow " + plan.targetVersion() + "'s airflow executable with --reserialize-with");
        } catch (ReconcileException e) {
            throw new ReconcileException(e.code() == ErrorCode.TIMEOUT ? ErrorCode.TIMEOUT : ErrorCode.EXECUTION_FAILED,
                    "the database is at Airflow " + plan.targetVersion() + "'s head, but reserializing the DAGs"
                            + " failed: " + e.getMessage() + "; run `airflow dags reserialize` with Airflow "
                            + plan.targetVersion() + " yourself", e);
        }
    }
}
