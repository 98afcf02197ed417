package io.github.airflowdbreconcile.resolver.internal;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.WebSocketHandshakeException;
import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import java.util.Map;

/**
 * Where the Airflow release lives: the client, its namespace, the Helm release name and the label that names a
 * workload's component ({@code component} in the official chart).
 */
public record Cluster(KubernetesClient client, String namespace, String release, String componentLabel)
        implements AutoCloseable {
    public static final String RELEASE_LABEL = "release";

    /** The component label's value, empty when absent. Filtering happens here, not in a set-based selector. */
    public String component(HasMetadata object) {
        Map<String, String> labels = object.getMetadata().getLabels();
        return labels == null ? "" : labels.getOrDefault(componentLabel, "");
    }

    /** True for answers worth another try: no answer at all (code -1 or 0), or the API server overloaded. */
    static boolean worthRetrying(KubernetesClientException e) {
        int code = e.getCode();
        return code <= 0 || code == 429 || code >= 500;
    }

    /** fabric8's own message only names the operation; the status or the root cause says what went wrong. */
    static String reason(KubernetesClientException e) {
        if (e.getStatus() != null && e.getStatus().getMessage() != null) {
            return e.getStatus().getMessage();
        }
        String kind = null;
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null) {
                return cause.getClass().getSimpleName() + ": " + Database.oneLine(cause);
            }
            if (kind == null && cause.getClass() != java.io.IOException.class) {
                kind = cause.getClass().getSimpleName();
            }
        }
        return kind != null ? kind : Database.oneLine(e);
    }

    /** True when the API server refused the call: an answer of 401/403, or a refused WebSocket upgrade (exec). */
    static boolean forbidden(KubernetesClientException e) {
        if (e.getCode() == 401 || e.getCode() == 403) {
            return true;
        }
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof WebSocketHandshakeException handshake && handshake.getResponse() != null) {
                int code = handshake.getResponse().code();
                return code == 401 || code == 403;
            }
        }
        return false;
    }

    /** A one-line error for a failed API call, with the RBAC hint a 401/403 needs. */
    ReconcileException failure(String what, KubernetesClientException e) {
        String hint = forbidden(e)
                ? ": the service account lacks a permission (see the chart's Role)"
                : "";
        return new ReconcileException(ErrorCode.KUBERNETES, what + " in namespace " + namespace + " failed: "
                + reason(e) + hint, e);
    }

    @Override
    public void close() {
        client.close();
    }
}
