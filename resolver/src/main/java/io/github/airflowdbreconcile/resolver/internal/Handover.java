package io.github.airflowdbreconcile.resolver.internal;

import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import io.github.airflowdbreconcile.resolver.api.Plan;
import java.util.List;

/**
 * A downgrade this job cannot see to its end: the writers stay at 0, and the job log says which ones, with what counts,
 * and the steps to finish by hand.
 */
final class Handover {
    private final Cluster cluster;
    private final Workloads workloads;
    private final Plan plan;
    private final String pod;
    private final String container;
    private final Log log;

    Handover(Cluster cluster, Workloads workloads, Plan plan, String pod, String container, Log log) {
        this.cluster = cluster;
        this.workloads = workloads;
        this.plan = plan;
        this.pod = pod;
        this.container = container;
        this.log = log;
    }

    String pod() {
        return pod;
    }

    /**
     * Logs what is left and how to finish, and returns the error that ends the job: {@code what} happened, the
     * writers stay at 0. {@code mayStillRun}: the downgrade may still be at work in the pod.
     */
    ReconcileException leave(String what, boolean mayStillRun) {
        report(mayStillRun);
        return new ReconcileException(ErrorCode.WRITERS_LEFT_STOPPED, what + "; the writers stay at 0 replicas: "
                + (mayStillRun ? "once no `airflow db downgrade` runs in pod " + pod + " any more, " : "")
                + "read alembic_version; at " + plan.targetRevision() + " deploy Airflow " + plan.targetVersion()
                + " and run `" + restoreCommand() + "` (the steps above say more)");
    }

    /** Logs the writers left at 0 with their recorded counts, and the steps to finish by hand. */
    void report(boolean mayStillRun) {
        String ns = cluster.namespace();
        try {
            List<Workloads.Workload> stopped = workloads.list(Workloads.WRITERS).stream()
                    .filter(w -> w.recorded() != null).toList();
            log.info("left at 0 replicas: " + (stopped.isEmpty() ? "none" : String.join(", ", stopped.stream()
                    .map(w -> w.label() + " (recorded " + w.recorded() + ")").toList())));
        } catch (ReconcileException e) {
            log.info("cannot list the writers left at 0: " + e.getMessage() + "; they carry the annotation "
                    + Workloads.ANNOTATION);
        }
        log.info("to finish by hand:");
        if (mayStillRun) {
            log.info("  wait until `airflow db downgrade` has ended in pod " + pod + ", i.e. until `kubectl -n " + ns
                    + " exec " + pod + " -c " + container + " -- sh -c \"grep -a -l -s 'd[b].downgrade'"
                    + " /proc/[0-9]*/cmdline\"` prints nothing;");
        }
        log.info("  read alembic_version (SELECT version_num FROM alembic_version), then:");
        log.info("  at " + plan.targetRevision() + " (Airflow " + plan.targetVersion() + "'s head): deploy Airflow "
                + plan.targetVersion() + ", then run `" + restoreCommand() + "` (or `kubectl -n " + ns
                + " scale <kind>/<name> --replicas=<recorded>` for each writer above, and remove its annotation "
                + Workloads.ANNOTATION + ");");
        log.info("  at " + plan.currentRevision() + " (unchanged): run that restore now; Airflow "
                + plan.currentLabel() + " runs on as before;");
        log.info("  at any other revision: the downgrade stopped half-way; deploy Airflow " + plan.targetVersion()
                + " again: the next run goes on from there and keeps the recorded counts.");
    }

    private String restoreCommand() {
        return "airflow-db-reconcile restore --namespace " + cluster.namespace() + " --release " + cluster.release();
    }
}
