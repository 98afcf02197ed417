package io.github.airflowdbreconcile.resolver.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The release's DB writers (scheduler, triggerer, dag-processor, worker). Quiescing scales them to 0 and records
 * the previous count on the object itself, so that a later process, even after a crash, can put it back; a Deployment
 * without {@code spec.replicas} (an HPA owns the count) gets its current count recorded.
 */
public final class Workloads {
    public static final String ANNOTATION = "airflow-db-reconcile.io/previous-replicas";
    public static final List<String> WRITERS = List.of("scheduler", "triggerer", "dag-processor", "worker");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long DEFAULT_GRACE_SECONDS = 30;

    private final Cluster cluster;
    private final Log log;

    public Workloads(Cluster cluster, Log log) {
        this.cluster = cluster;
        this.log = log;
    }

    /**
     * One Deployment or StatefulSet as it stands. {@code stopSeconds}: how long Kubernetes may take to stop its pods,
     * their terminationGracePeriodSeconds, once per pod for a StatefulSet that stops them one after the other.
     */
    public record Workload(String kind, String name, Integer replicas, Integer statusReplicas, String recorded,
                           long stopSeconds) {
        String label() {
            return kind + "/" + name;
        }

        /**
         * What to restore later: the recorded count of an earlier run, else the count now. A recorded value that is no
         * count is refused: nobody can tell what to put back.
         */
        int previous() {
            if (recorded != null) {
                try {
                    return Integer.parseInt(recorded);
                } catch (NumberFormatException e) {
                    throw new ReconcileException(ErrorCode.KUBERNETES, badAnnotation()
                            + ": set the replicas by hand, remove the annotation and run again");
                }
            }
            if (replicas != null) {
                return replicas;
            }
            return statusReplicas != null ? statusReplicas : 1;
        }

        String badAnnotation() {
            return label() + " has " + ANNOTATION + "='" + recorded + "'";
        }
    }

    /** Every Deployment and StatefulSet of the release, whatever its component: proof that it is deployed. */
    public List<String> names() {
        List<String> names = new ArrayList<>();
        try {
            cluster.client().apps().deployments().inNamespace(cluster.namespace())
                    .withLabel(Cluster.RELEASE_LABEL, cluster.release()).list().getItems()
                    .forEach(d -> names.add("deployment/" + d.getMetadata().getName()));
            cluster.client().apps().statefulSets().inNamespace(cluster.namespace())
                    .withLabel(Cluster.RELEASE_LABEL, cluster.release()).list().getItems()
                    .forEach(s -> names.add("statefulset/" + s.getMetadata().getName()));
        } catch (KubernetesClientException e) {
            throw cluster.failure("listing the workloads of release " + cluster.release(), e);
        }
        return names;
    }

    /** The writers of the release among {@code components}, Deployments first, each kind by name. */
    public List<Workload> list(Collection<String> components) {
        List<Workload> found = new ArrayList<>();
        try {
            for (Deployment d : cluster.client().apps().deployments().inNamespace(cluster.namespace())
                    .withLabel(Cluster.RELEASE_LABEL, cluster.release()).list().getItems()) {
                if (!components.contains(cluster.component(d))) {
                    continue;
                }
                found.add(new Workload("deployment", d.getMetadata().getName(), d.getSpec().getReplicas(),
                        d.getStatus() == null ? null : d.getStatus().getReplicas(), recorded(d),
                        graceSeconds(d.getSpec().getTemplate())));
            }
            for (StatefulSet s : cluster.client().apps().statefulSets().inNamespace(cluster.namespace())
                    .withLabel(Cluster.RELEASE_LABEL, cluster.release()).list().getItems()) {
                if (!components.contains(cluster.component(s))) {
                    continue;
                }
                Integer running = s.getStatus() == null ? null : s.getStatus().getReplicas();
                // OrderedReady, the default, stops one pod after the other, each within its grace period.
                long pods = "Parallel".equals(s.getSpec().getPodManagementPolicy()) || running == null ? 1
                        : Math.max(1, running);
                found.add(new Workload("statefulset", s.getMetadata().getName(), s.getSpec().getReplicas(), running,
                        recorded(s), pods * graceSeconds(s.getSpec().getTemplate())));
            }
        } catch (KubernetesClientException e) {
            throw cluster.failure("listing the release's workloads", e);
        }
        found.sort(Comparator.comparing(Workload::kind).thenComparing(Workload::name));
        return found;
    }

    /**
     * Scales the writers among {@code components} to 0 and waits until their pods are gone, task pods of the
     * KubernetesExecutor among them: they write to the database too, and killing them would kill running tasks, so
     * the wait lets them end, up to the timeout. Each scaling goes through {@code change}, which can hold it back
     * (a shutdown hook that has taken over).
     */
    public List<Workload> quiesce(Collection<String> components, Duration timeout, Consumer<Runnable> change) {
        List<Workload> workloads = list(components);
        List<String> tasks = taskPods(runningPods(components));
        if (!tasks.isEmpty()) {
            log.info("task pods of the KubernetesExecutor run: " + String.join(", ", tasks) + "; waiting up to "
                    + timeout.toSeconds() + " s for their tasks to end once the scheduler is stopped (none is killed)");
        }
        for (Workload w : workloads) {
            if (w.stopSeconds() > timeout.toSeconds()) {
                log.info(w.label() + " may take up to " + w.stopSeconds() + " s to stop its pods (their"
                        + " terminationGracePeriodSeconds), longer than the " + timeout.toSeconds() + " s this job"
                        + " waits: raise --pod-timeout if they outlast it");
            }
            int previous = w.previous();
            if (w.recorded() != null) {
                log.info(w.label() + " is still quiesced by an earlier run; keeping its recorded count " + previous);
            }
            ObjectNode patch = JSON.createObjectNode();
            patch.putObject("metadata").putObject("annotations").put(ANNOTATION, Integer.toString(previous));
            patch.putObject("spec").put("replicas", 0);
            change.accept(() -> patch(w, patch));
            log.info("scaled " + w.label() + " from " + previous + " to 0");
        }
        if (!workloads.isEmpty()) {
            awaitNoPods(components, timeout);
        }
        return workloads;
    }

    /**
     * Puts back every workload of the release that carries the annotation and removes it; one that someone (e.g. a
     * Helm upgrade) already scaled up again keeps its count. Returns what it changed.
     */
    public List<String> restore() {
        List<String> done = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Workload w : list(WRITERS)) {
            if (w.recorded() == null) {
                continue;
            }
            ObjectNode patch = JSON.createObjectNode();
            patch.putObject("metadata").putObject("annotations").putNull(ANNOTATION);
            int previous;
            try {
                previous = w.previous();
            } catch (ReconcileException e) {
                problems.add(w.badAnnotation());
                continue;
            }
            boolean scale = w.replicas() == null || w.replicas() == 0;
            if (scale) {
                patch.putObject("spec").put("replicas", previous);
            }
            patch(w, patch);
            String change = scale ? "scaled " + w.label() + " back to " + previous
                    : w.label() + " already runs " + w.replicas() + " replicas; left as is";
            log.info(change);
            done.add(change);
        }
        if (!problems.isEmpty()) {
            throw new ReconcileException(ErrorCode.KUBERNETES, "cannot restore " + String.join("; ", problems)
                    + ": set the replicas by hand and remove the annotation");
        }
        return done;
    }

    private void patch(Workload w, ObjectNode patch) {
        PatchContext merge = PatchContext.of(PatchType.JSON_MERGE);
        try {
            if (w.kind().equals("deployment")) {
                cluster.client().apps().deployments().inNamespace(cluster.namespace()).withName(w.name())
                        .patch(merge, patch.toString());
            } else {
                cluster.client().apps().statefulSets().inNamespace(cluster.namespace()).withName(w.name())
                        .patch(merge, patch.toString());
            }
        } catch (KubernetesClientException e) {
            throw cluster.failure("patching " + w.label(), e);
        }
    }

    private void awaitNoPods(Collection<String> components, Duration timeout) {
        Backoff backoff = Backoff.within(timeout);
        List<Pod> left;
        do {
            left = runningPods(components);
            if (left.isEmpty()) {
                return;
            }
            log.debug("waiting for " + left.size() + " pod(s) to stop: " + String.join(", ", names(left)));
        } while (backoff.pause());
        List<String> tasks = taskPods(left);
        List<String> others = names(left).stream().filter(p -> !tasks.contains(p)).toList();
        String stopped = others.isEmpty() ? "" : "pods " + String.join(", ", others) + " still run "
                + timeout.toSeconds() + " s after scaling to 0: check what keeps them (a KEDA ScaledObject, a"
                + " finalizer) or raise --pod-timeout";
        if (tasks.isEmpty()) {
            throw new ReconcileException(ErrorCode.TIMEOUT, stopped);
        }
        throw new ReconcileException(ErrorCode.TIMEOUT, "task pods " + String.join(", ", tasks) + " of the"
                + " KubernetesExecutor still run " + timeout.toSeconds() + " s after the scheduler stopped: their"
                + " tasks have not ended; let them end (or delete the pods, which kills the tasks) and run again, or"
                + " raise --pod-timeout" + (stopped.isEmpty() ? "" : "; " + stopped));
    }

    /** The release's pods of {@code components} that have not ended, by name. */
    private List<Pod> runningPods(Collection<String> components) {
        try {
            return cluster.client().pods().inNamespace(cluster.namespace())
                    .withLabel(Cluster.RELEASE_LABEL, cluster.release())
                    .list().getItems().stream()
                    .filter(p -> components.contains(cluster.component(p)))
                    .filter(p -> p.getStatus() == null || !List.of("Succeeded", "Failed")
                            .contains(p.getStatus().getPhase()))
                    .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
                    .toList();
        } catch (KubernetesClientException e) {
            throw cluster.failure("listing pods", e);
        }
    }

    /**
     * The names of the task pods among {@code pods}: workers (in the official chart's pod template) that no controller
     * owns. The KubernetesExecutor starts one per task; scaling a workload stops none of them.
     */
    private List<String> taskPods(List<Pod> pods) {
        return names(pods.stream().filter(p -> "worker".equals(cluster.component(p)))
                .filter(p -> p.getMetadata().getOwnerReferences() == null || p.getMetadata().getOwnerReferences()
                        .stream().noneMatch(o -> Boolean.TRUE.equals(o.getController())))
                .toList());
    }

    private static List<String> names(List<Pod> pods) {
        return pods.stream().map(p -> p.getMetadata().getName()).toList();
    }

    /** The pods' terminationGracePeriodSeconds, Kubernetes' default when the template sets none. */
    private static long graceSeconds(PodTemplateSpec template) {
        Long grace = template == null || template.getSpec() == null ? null
                : template.getSpec().getTerminationGracePeriodSeconds();
        return grace != null ? grace : DEFAULT_GRACE_SECONDS;
    }

    private static String recorded(HasMetadata object) {
        Map<String, String> annotations = object.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(ANNOTATION);
    }
}
