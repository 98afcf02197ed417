package io.github.airflowdbreconcile.resolver.internal;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * Finds the pod that runs the current release: Running, Ready and not being deleted; the API server (3.x) before the
 * webserver (2.x) before the scheduler; then by name, so that every run picks the same one.
 */
public final class PodFinder {
    /** Components whose pods carry the full Airflow image, most preferred first. */
    static final List<String> COMPONENTS = List.of("api-server", "webserver", "scheduler");

    private final Cluster cluster;
    private final Duration timeout;
    private final Log log;

    public PodFinder(Cluster cluster, Duration timeout, Log log) {
        this.cluster = cluster;
        this.timeout = timeout;
        this.log = log;
    }

    /** A pod the predicate accepts, waiting with backoff for one to be Ready; TIMEOUT when none shows up. */
    public Pod find(Predicate<Pod> usable, String wanted) {
        Backoff backoff = Backoff.within(timeout);
        String seen = "none";
        do {
            List<Pod> pods;
            try {
                pods = cluster.client().pods().inNamespace(cluster.namespace())
                        .withLabel(Cluster.RELEASE_LABEL, cluster.release())
                        .list().getItems().stream()
                        .filter(p -> COMPONENTS.contains(component(p)))
                        .toList();
            } catch (KubernetesClientException e) {
                if (!Cluster.worthRetrying(e)) {
                    throw cluster.failure("listing pods", e);
                }
                seen = "none; the API server did not answer: " + Cluster.reason(e);
                log.debug("listing pods failed, retrying: " + Cluster.reason(e));
                continue;
            }
            List<Pod> candidates = pods.stream()
                    .filter(PodFinder::runningAndReady)
                    .sorted(Comparator.comparingInt(this::preference).thenComparing(p -> p.getMetadata().getName()))
                    .toList();
            seen = candidates.isEmpty() ? pods.size() + " not Ready"
                    : String.join(", ", candidates.stream().map(p -> p.getMetadata().getName()).toList());
            for (Pod pod : candidates) {
                if (usable.test(pod)) {
                    return pod;
                }
                log.debug("pod " + pod.getMetadata().getName() + " does not fit: " + wanted);
            }
            log.debug("no usable pod yet (" + seen + "); waiting");
        } while (backoff.pause());
        throw new ReconcileException(ErrorCode.TIMEOUT, "no Running and Ready pod of release " + cluster.release()
                + " with " + cluster.componentLabel() + " in " + COMPONENTS + " in namespace " + cluster.namespace()
                + (wanted.isEmpty() ? "" : " that " + wanted) + " within " + timeout.toSeconds() + " s (found: " + seen
                + "): check --release, --namespace and the pods' state, or raise --pod-timeout");
    }

    /** The container that runs Airflow: the one named after the component, else {@code airflow}, else the first. */
    public String container(Pod pod) {
        List<Container> containers = pod.getSpec().getContainers();
        String component = component(pod);
        return containers.stream().map(Container::getName).filter(n -> n.equals(component)).findFirst()
                .or(() -> containers.stream().map(Container::getName).filter("airflow"::equals).findFirst())
                .orElse(containers.get(0).getName());
    }

    public String component(Pod pod) {
        return cluster.component(pod);
    }

    /** The image of the Airflow container. */
    public String image(Pod pod) {
        String name = container(pod);
        return pod.getSpec().getContainers().stream().filter(c -> c.getName().equals(name)).findFirst()
                .map(Container::getImage).orElse("");
    }

    private int preference(Pod pod) {
        return COMPONENTS.indexOf(component(pod));
    }

    static boolean runningAndReady(Pod pod) {
        if (pod.getMetadata().getDeletionTimestamp() != null || pod.getStatus() == null
                || !"Running".equals(pod.getStatus().getPhase()) || pod.getSpec() == null
                || pod.getSpec().getContainers().isEmpty()) {
            return false;
        }
        return pod.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }
}
