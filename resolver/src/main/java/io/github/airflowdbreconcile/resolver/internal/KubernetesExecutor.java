package io.github.airflowdbreconcile.resolver.internal;

import io.fabric8.kubernetes.api.model.Pod;
import io.github.airflowdbreconcile.map.api.AirflowVersion;
import io.github.airflowdbreconcile.map.api.RevisionMap;
import io.github.airflowdbreconcile.resolver.api.Plan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Runs the downgrade in a pod of the running release, because only its image ships the migrations to undo. Writers
 * are scaled to 0 first, and put back if anything fails.
 */
public final class KubernetesExecutor implements Executor {
    private final Cluster cluster;
    private final RevisionMap map;
    private final PodFinder finder;
    private final Workloads workloads;
    private final PodExec exec;
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
        this.exec = new PodExec(cluster);
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
    public void downgrade(Plan plan, Runnable verify) {
        Pod pod = podFor(plan);
        String container = finder.container(pod);
        log.info("running the downgrade in pod " + pod.getMetadata().getName() + " (container " + container
                + ", image " + finder.image(pod) + ")");
        try {
            workloads.quiesce(writersBesides(pod), podTimeout);
            MaskingOutputStream output = new MaskingOutputStream(log.stream(), secret);
            if (!exec.run(pod, container, Executor.downgradeCommand("airflow", plan), output, execTimeout)) {
                log.info("the exec stream of pod " + pod.getMetadata().getName() + " ended without an exit status;"
                        + " alembic_version decides whether the downgrade happened");
            }
            verify.run();
        } catch (RuntimeException e) {
            log.info("the downgrade failed; restoring the workloads it scaled");
            try {
                workloads.restore();
            } catch (RuntimeException restoreFailure) {
                e.addSuppressed(restoreFailure);
                log.info("restoring failed too: " + restoreFailure.getMessage() + "; run `restore` once the cluster"
                        + " answers");
            }
            throw e;
        }
        log.info("the writers stay at 0 replicas so that no newer code runs against the older schema; deploy the"
                + " older release, then run `restore` (the chart's post-upgrade/post-rollback hook does)");
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
