package io.github.airflowdbreconcile.resolver;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.URLUtils;
import io.fabric8.mockwebserver.internal.WebSocketMessage;
import java.util.List;

/** An Airflow release's objects in a namespace of a fabric8 mock API server (CRUD mode), labelled like the chart's. */
public record MockAirflow(KubernetesMockServer server, KubernetesClient client, String namespace) {
    /** What fabric8 reads when it configures itself, as the command line's client does. */
    private static final List<String> CLIENT_PROPERTIES = List.of("kubernetes.master", "kubernetes.auth.tryKubeConfig",
            "kubernetes.auth.tryServiceAccount");

    /** Points the clients that commands run in this JVM build at the mock server (and at nothing else). */
    public static void pointCommandLineAt(KubernetesClient mock) {
        System.setProperty("kubernetes.master", mock.getMasterUrl().toString());
        System.setProperty("kubernetes.auth.tryKubeConfig", "false");
        System.setProperty("kubernetes.auth.tryServiceAccount", "false");
    }

    public static void forgetCommandLineCluster() {
        CLIENT_PROPERTIES.forEach(System::clearProperty);
    }

    /** A Running pod, its Airflow container named after its component and a git-sync sidecar, in this namespace. */
    public Pod pod(String name, String component, boolean ready, String image, String release) {
        return client.pods().inNamespace(namespace).resource(runningPod(name, component, ready, image, release))
                .createOr(existing -> existing.update());
    }

    /** Such a pod as an object, in no cluster yet: for a mock server's canned answers too. */
    public static Pod runningPod(String name, String component, boolean ready, String image, String release) {
        return new PodBuilder()
                .withNewMetadata().withName(name)
                .addToLabels("release", release).addToLabels("component", component).addToLabels("tier", "airflow")
                .endMetadata()
                .withNewSpec()
                .addNewContainer().withName(component).withImage(image).endContainer()
                .addNewContainer().withName("git-sync").withImage("registry.k8s.io/git-sync:v4.1.0").endContainer()
                .endSpec()
                .withNewStatus().withPhase("Running")
                .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
                .endStatus()
                .build();
    }

    public void deployment(String name, String component, Integer replicas, Integer statusReplicas, String release) {
        Deployment d = new DeploymentBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace)
                .addToLabels("release", release).addToLabels("component", component).endMetadata()
                .withNewSpec().withReplicas(replicas).endSpec()
                .withNewStatus().withReplicas(statusReplicas).endStatus()
                .build();
        client.apps().deployments().inNamespace(namespace).resource(d).create();
    }

    public Deployment deployment(String name) {
        return client.apps().deployments().inNamespace(namespace).withName(name).get();
    }

    /** Every exec of {@code command} in that container gets {@code messages} (stream and status frames). */
    public void expectExec(String pod, String container, List<String> command, Object... messages) {
        server.expect().get().withPath(execPath(pod, container, command))
                .andUpgradeToWebSocket()
                .open(messages)
                .done()
                .always();
    }

    /** {@code message} sent {@code millis} after the stream opens; the mock's waitFor sends a prepared one at once. */
    public static WebSocketMessage late(WebSocketMessage message, long millis) {
        return new WebSocketMessage(millis, message.getBytes(), true, true);
    }

    /** The exec request fabric8 sends, its arguments encoded the way fabric8 encodes them. */
    public String execPath(String pod, String container, List<String> command) {
        URLUtils.URLBuilder url = new URLUtils.URLBuilder("http://mock/api/v1/namespaces/" + namespace + "/pods/"
                + pod + "/exec");
        command.forEach(c -> url.addQueryParameter("command", c));
        return url.addQueryParameter("container", container).addQueryParameter("stdout", "true")
                .addQueryParameter("stderr", "true").build().getFile();
    }
}
