package io.github.airflowdbreconcile.resolver.internal;

import io.fabric8.kubernetes.api.model.Pod;
import io.github.airflowdbreconcile.map.api.AirflowVersion;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import io.github.airflowdbreconcile.map.api.RevisionMap;
import io.github.airflowdbreconcile.resolver.api.CurrentState;
import io.github.airflowdbreconcile.resolver.api.Plan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Runs the downgrade in a pod of the running release, because only its image ships the migrations to undo. Writers
 * are scaled to 0 first. They come back from here only when that is safe: when the downgrade never started, or when it
 * has surely ended and left alembic_version where it began. After a successful downgrade they stay at 0 until the older
 * release is deployed; in every other case too, with the steps to finish by hand in the job log.
 */
public final class KubernetesExecutor implements Executor {
    private final Cluster cluster;
    private final RevisionMap map;
    private final PodFinder finder;
    private final Workloads workloads;
    private final PodExec exec;
    private final DowngradeProcess processes;
    private final Duration podTimeout;
    private final Duration execTimeout;
    private final String secret;
    private final Log log;

    /** {@code secret}, the database password, is masked in the command's output. */
    public KubernetesExecutor(Cluster cluster, RevisionMap map, Duration podTimeout, Duration execTimeout,
                              String secret, Log log) {
        this.cluster = cluster;
        this.map = map;
        this.finder = new PodFinder(cluster, podTimeout, log);
        this.workloads = new Workloads(cluster, log);
        this.exec = new PodExec(cluster, log);
        this.processes = new DowngradeProcess(cluster, exec);
        this.podTimeout = podTimeout;
        this.execTimeout = execTimeout;
        this.secret = secret;
        this.log = log;
    }

    @Override
    public void describe(Plan plan) {
        Pod pod = podFor(plan);
        log.info("dry run: would run " + String.join(" ", Executor.downgradeCommand("airflow", plan)) + " in pod "
                + pod.getMetadata().getName() + " (container " + finder.container(pod) + ")");
        for (Workloads.Workload w : workloads.list(writersBesides(pod))) {
            log.info("dry run: would scale " + w.label() + " from " + w.previous() + " to 0");
        }
    }

    @Override
    public void downgrade(Plan plan, Supplier<CurrentState> schema) {
        Pod pod = podFor(plan);
        String name = pod.getMetadata().getName();
        String container = finder.container(pod);
        log.info("running the downgrade in pod " + name + " (container " + container + ", image " + finder.image(pod)
                + ")");
        try {
            workloads.quiesce(writersBesides(pod), podTimeout);
        } catch (RuntimeException e) {
            restoreAfter(e, "the downgrade did not start");
            throw e;
        }
        Handover handover = new Handover(cluster, workloads, plan, name, container, log);
        long started = System.nanoTime();
        PodExec.Ending ending = PodExec.Ending.EXITED;
        ReconcileException failure = null;
        try {
            ending = exec.run(pod, container, Executor.downgradeCommand("airflow", plan),
                    new MaskingOutputStream(log.stream(), secret), execTimeout);
        } catch (ReconcileException e) {
            failure = e; // It exited non-zero or never started: either way it runs no more.
        }
        if (ending != PodExec.Ending.EXITED) {
            boolean timedOut = ending == PodExec.Ending.TIMED_OUT;
            String why = timedOut ? "the command did not finish within " + execTimeout.toSeconds()
                    + " s (--exec-timeout)" : "the exec stream ended without the command's exit status";
            log.info(why + "; looking whether `airflow db downgrade` still runs in pod " + name);
            // Past the timeout one look decides; a lost stream gets the rest of the time the command was given.
            Duration left = timedOut ? Duration.ZERO : execTimeout.minusNanos(System.nanoTime() - started);
            if (!awaitEnd(pod, container, left)) {
                throw handover.leave("the downgrade to Airflow " + plan.targetVersion() + " may still run in pod "
                        + name + ": " + why, true);
            }
        }
        settle(plan, schema, handover, failure);
        log.info("the writers stay at 0 replicas so that no newer code runs against the older schema; deploy the"
                + " older release, then run `restore` (the chart's post-upgrade/post-rollback hook does)");
    }

    /**
     * The command has ended ({@code failure} when it exited non-zero or never started); alembic_version says what
     * follows. At the target without a failure: done. Where it began: nothing changed, so the writers come back to
     * the schema they ran on. Anywhere else the schema is between releases and the writers stay at 0. Returns only
     * when done.
     */
    private void settle(Plan plan, Supplier<CurrentState> schema, Handover handover, ReconcileException failure) {
        CurrentState after;
        try {
            after = schema.get();
        } catch (ReconcileException e) {
            throw handover.leave("alembic_version cannot be read after the downgrade ended: " + e.getMessage(),
                    false);
        }
        boolean atTarget = plan.targetRevision().equals(after.revision());
        if (atTarget && failure == null) {
            return;
        }
        if (plan.currentRevision().equals(after.revision())) {
            ReconcileException unchanged = failure != null ? failure : Executor.missedTarget(plan, after);
            restoreAfter(unchanged, "alembic_version is where it began");
            throw unchanged;
        }
        String found = atTarget ? "alembic_version holds the target " + plan.targetRevision() + " all the same"
                : "alembic_version holds " + after.describeRows() + ", neither Airflow " + plan.targetVersion()
                + "'s head " + plan.targetRevision() + " nor " + plan.currentRevision() + " where it began";
        throw handover.leave(failure != null ? failure.getMessage() + "; " + found : "after the downgrade " + found,
                false);
    }

    /** Looks until the downgrade has ended in the pod, at least once and for at most {@code within}. */
    private boolean awaitEnd(Pod pod, String container, Duration within) {
        Backoff backoff = new Backoff(within, Duration.ofSeconds(1), Duration.ofSeconds(15));
        DowngradeProcess.Check check;
        do {
            check = processes.check(pod, container);
            if (check.state() == DowngradeProcess.State.ENDED) {
                log.info(check.detail());
                return true;
            }
            log.debug(check.detail());
        } while (backoff.pause());
        log.info(check.detail());
        return false;
    }

    /** Brings the writers back after {@code failure}, which is safe because {@code why}. */
    private void restoreAfter(RuntimeException failure, String why) {
        log.info("the downgrade failed and " + why + "; restoring the workloads it scaled");
        try {
            workloads.restore();
        } catch (RuntimeException restoreFailure) {
            failure.addSuppressed(restoreFailure);
            log.info("restoring failed too: " + restoreFailure.getMessage() + "; run `restore` once the cluster"
                    + " answers");
        }
    }

    /**
     * The writers to stop. A 2.x release without a webserver leaves only a scheduler pod to exec in: that one keeps
     * running until the command ends, which is the best the cluster allows.
     */
    private List<String> writersBesides(Pod pod) {
        List<String> writers = new ArrayList<>(Workloads.WRITERS);
        String component = finder.component(pod);
        if (writers.remove(component)) {
            log.info("pod " + pod.getMetadata().getName() + " is a " + component + "; its workload keeps"
                    + " running while the downgrade runs in it");
        }
        return writers;
    }

    /**
     * The pod to run the downgrade in. One whose image version the map knows must ship the current revision; an
     * unreadable tag is given a chance.
     */
    private Pod podFor(Plan plan) {
        Predicate<Pod> shipsCurrentRevision = pod -> {
            Optional<AirflowVersion> version = AirflowVersions.fromImage(finder.image(pod));
            return version.isEmpty() || map.release(version.get()).isEmpty()
                    || map.revisionsOf(version.get()).contains(plan.currentRevision());
        };
        return finder.find(shipsCurrentRevision, "ships revision " + plan.currentRevision());
    }
}
