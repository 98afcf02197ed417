package io.github.airflowdbreconcile.chart;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A stand-in Kubernetes API server that answers only discovery (its version, and the kinds this chart renders) and
 * 404 to everything else, with a kubeconfig that points at it. {@code helm install --dry-run=client} renders
 * NOTES.txt, unlike {@code helm template}, but first asks a cluster for its version and API groups, and looks up the
 * objects that are no Helm hooks (404: none exists yet).
 */
final class DiscoveryApiServer implements AutoCloseable {

    private final HttpServer server;
    private final Path kubeconfig;

    DiscoveryApiServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", DiscoveryApiServer::answer);
            server.start();
            kubeconfig = Files.createTempFile("kubeconfig", ".yaml");
            Files.writeString(kubeconfig, """
                    apiVersion: v1
                    kind: Config
                    clusters: [{name: stand-in, cluster: {server: "http://127.0.0.1:%d"}}]
                    contexts: [{name: stand-in, context: {cluster: stand-in}}]
                    current-context: stand-in
                    users: []
                    """.formatted(server.getAddress().getPort()), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path kubeconfig() {
        return kubeconfig;
    }

    private static void answer(HttpExchange exchange) throws IOException {
        String body = switch (exchange.getRequestURI().getPath()) {
            case "/version" -> "{\"major\": \"1\", \"minor\": \"33\", \"gitVersion\": \"v1.33.0\"}";
            case "/api" -> "{\"kind\": \"APIVersions\", \"versions\": [\"v1\"]}";
            case "/apis" -> "{\"kind\": \"APIGroupList\", \"apiVersion\": \"v1\", \"groups\": ["
                    + group("apps") + ", " + group("batch") + ", " + group("rbac.authorization.k8s.io") + "]}";
            case "/api/v1" -> resources("v1", "configmaps:ConfigMap", "serviceaccounts:ServiceAccount",
                    "services:Service");
            case "/apis/apps/v1" -> resources("apps/v1", "deployments:Deployment");
            case "/apis/batch/v1" -> resources("batch/v1", "jobs:Job");
            case "/apis/rbac.authorization.k8s.io/v1" ->
                    resources("rbac.authorization.k8s.io/v1", "roles:Role", "rolebindings:RoleBinding");
            default -> null;
        };
        byte[] bytes = (body != null ? body
                : "{\"kind\": \"Status\", \"apiVersion\": \"v1\", \"status\": \"Failure\", \"reason\": \"NotFound\","
                + " \"code\": 404}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(body != null ? 200 : 404, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String group(String name) {
        String version = "{\"groupVersion\": \"" + name + "/v1\", \"version\": \"v1\"}";
        return "{\"name\": \"" + name + "\", \"versions\": [" + version + "], \"preferredVersion\": " + version + "}";
    }

    /** An APIResourceList of namespaced resources given as plural:Kind. */
    private static String resources(String groupVersion, String... pluralsAndKinds) {
        List<String> resources = new ArrayList<>();
        for (String pluralAndKind : pluralsAndKinds) {
            String[] parts = pluralAndKind.split(":");
            resources.add("{\"name\": \"" + parts[0] + "\", \"singularName\": \"\", \"namespaced\": true, \"kind\": \""
                    + parts[1] + "\", \"verbs\": [\"create\", \"delete\", \"get\", \"list\", \"patch\", \"update\"]}");
        }
        return "{\"kind\": \"APIResourceList\", \"apiVersion\": \"v1\", \"groupVersion\": \"" + groupVersion
                + "\", \"resources\": [" + String.join(", ", resources) + "]}";
    }

    @Override
    public void close() throws IOException {
        server.stop(0);
        Files.deleteIfExists(kubeconfig);
    }
}
