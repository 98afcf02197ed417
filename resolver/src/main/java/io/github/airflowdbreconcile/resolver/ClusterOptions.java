package io.github.airflowdbreconcile.resolver;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import io.github.airflowdbreconcile.resolver.internal.Cluster;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Where the Airflow release runs in Kubernetes. */
final class ClusterOptions {
    @Option(names = "--namespace", paramLabel = "N",
            description = "The release's namespace (default: $POD_NAMESPACE, then the client's namespace).")
    String namespace;

    @Option(names = "--release", paramLabel = "R", description = "The Airflow Helm release (label release=R).")
    String release;

    @Option(names = "--component-label", paramLabel = "KEY", defaultValue = "component",
            description = "The label that names a workload's component (default: ${DEFAULT-VALUE}).")
    String componentLabel;

    /** The official chart gives Celery workers 600 s to finish their tasks; a minute more to see them gone. */
    @Option(names = "--pod-timeout", paramLabel = "SECONDS", defaultValue = "660",
            description = "How long to wait for a Ready pod and for scaled pods (and running task pods) to stop"
                    + " (default: ${DEFAULT-VALUE}).")
    long podTimeoutSeconds;

    /** Connects with the in-cluster service account or the local kubeconfig. */
    Cluster connect() {
        if (release == null || release.isBlank()) {
            throw new ReconcileException(ErrorCode.USAGE, "--release is missing: give the Airflow Helm release name");
        }
        KubernetesClient client = new KubernetesClientBuilder().build();
        String ns = namespace != null ? namespace : System.getenv("POD_NAMESPACE");
        if (ns == null || ns.isBlank()) {
            ns = client.getNamespace() != null ? client.getNamespace() : "default";
        }
        return new Cluster(client, ns, release, componentLabel);
    }

    Duration podTimeout() {
        return BaseCommand.seconds("--pod-timeout", podTimeoutSeconds);
    }
}
