package io.github.airflowdbreconcile.resolver.internal;

import io.fabric8.kubernetes.api.model.Pod;
import io.github.airflowdbreconcile.map.api.AirflowVersion;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import io.github.airflowdbreconcile.map.api.RevisionMap;
import io.github.airflowdbreconcile.resolver.api.CurrentState;
import io.github.airflowdbreconcile.resolver.api.Plan;
import io.github.airflowdbreconcile.resolver.internal.ShutdownGuard.Stage;
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
        log.info("the downgrade will run in pod " + name + " (container " + container + ", image "
                + finder.image(pod) + "); stopping the writers first");
        Handover handover = new Handover(cluster, workloads, plan, name, container, log);
        try (ShutdownGuard guard = ShutdownGuard.install(stage -> stopped(stage, handover))) {
            try {
                workloads.quiesce(writersBesides(pod), podTimeout, change -> guard.advance(Stage.QUIESCING, change));
            } catch (RuntimeException e) {
                restoreAfter(e, "the downgrade did not start", guard);
                throw e;
            }
            guard.advance(Stage.DOWNGRADING, () -> { });
            log.info("running the downgrade in pod " + name);
            ReconcileException failure = runToEnd(plan, pod, container, handover);
            guard.advance(Stage.ENDED, () -> { });
            settle(plan, schema, handover, failure, guard);
            guard.advance(Stage.SETTLED, () -> { });
        }
        log.info("the writers stay at 0 replicas so that no newer code runs against the older schema; deploy the"
                + " older release, then run `restore` (the chart's post-upgrade/post-rollback hook does)");
    }

    /**
     * Runs the command until it has surely ended. Returns its failure when it exited non-zero or never started, else
     * null; while it may still run, the writers stay at 0 and the job ends with the steps to finish by hand.
     */
    private ReconcileException runToEnd(Plan plan, Pod pod, String container, Handover handover) {
        String name = pod.getMetadata().getName();
        long started = System.nanoTime();
        PodExec.Ending ending;
        try {
            ending = exec.run(pod, container, Executor.downgradeCommand("airflow", plan),
                    new MaskingOutputStream(log.stream(), secret), execTimeout);
        } catch (ReconcileException e) {
            return e; // It exited non-zero or never started: either way it runs no more.
        }
        if (ending == PodExec.Ending.EXITED) {
            return null;
        }
        boolean timedOut = ending == PodExec.Ending.TIMED_OUT;
        String why = timedOut ? "the command did not finish within " + execTimeout.toSeconds() + " s (--exec-timeout)"
                : "the exec stream ended without the command's exit status";
        log.info(why + "; looking whether `airflow db downgrade` still runs in pod " + name);
        // Past the timeout one look decides; a lost stream gets the rest of the time the command was given.
        Duration left = timedOut ? Duration.ZERO : execTimeout.minusNanos(System.nanoTime() - started);
        if (!awaitEnd(pod, container, left)) {
            throw handover.leave("the downgrade to Airflow " + plan.targetVersion() + " may still run in pod " + name
                    + ": " + why, true);
        }
        return null;
    }

    /**
     * The command has ended ({@code failure} when it exited non-zero or never started); alembic_version says what
     * follows. At the target without a failure: done. Where it began: nothing changed, so the writers come back to
     * the schema they ran on. Anywhere else the schema is between releases and the writers stay at 0. Returns only
     * when done.
     */
    private void settle(Plan plan, Supplier<CurrentState> schema, Handover handover, ReconcileException failure,
                        ShutdownGuard guard) {
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
            restoreAfter(unchanged, "the downgrade failed and alembic_version is where it began", guard);
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
    private void restoreAfter(RuntimeException failure, String why, ShutdownGuard guard) {
        log.info(why + "; restoring the writers");
        guard.advance(Stage.SETTLED, () -> restoreWriters().ifPresent(failure::addSuppressed));
    }

    /** Brings the writers back; a failure is logged with what to do, and returned. */
    private Optional<RuntimeException> restoreWriters() {
        try {
            workloads.restore();
            return Optional.empty();
        } catch (RuntimeException e) {
            log.info("restoring the writers failed: " + e.getMessage() + "; run `restore` once the cluster answers");
            return Optional.of(e);
        }
    }

    /**
     * What the shutdown hook does when the job is stopped from outside: bring the writers back while the downgrade has
     * not started, else never (it may still run in the pod), and say what is left. The JVM then exits 143.
     */
    private void stopped(Stage stage, Handover handover) {
        switch (stage) {
            case QUIESCING -> {
                log.info("stopped from outside before the downgrade started; restoring the writers");
                restoreWriters();
            }
            case DOWNGRADING -> {
                log.info("stopped from outside while `airflow db downgrade` ran in pod " + handover.pod() + ": it"
                        + " had not ended and may go on there, so the writers stay at 0 replicas");
                handover.report(true);
            }
            case ENDED -> {
                log.info("stopped from outside after `airflow db downgrade` had ended, before its outcome was acted"
                        + " on: the writers stay at 0 replicas");
                handover.report(false);
            }
            case SETTLED -> { }
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
