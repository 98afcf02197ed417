package io.github.airflowdbreconcile.resolver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.mockwebserver.RecordedRequest;

/**
 * The Kubernetes rights the resolver needs: as resolver/README.md's permission table documents them (one row per
 * API group, resource and verb, with the uses that need it), and as the RBAC authorizer derives them from the HTTP
 * requests a run sent, so that a test can hold the two against each other.
 */
public final class ApiRights {

    /**
     * A table row: | core or `group` | `resource` | `verb` | `use`, `use` | why |; the why of a call that happens
     * only sometimes (in a race of the client's) begins with "sometimes".
     */
    private static final Pattern ROW = Pattern.compile(
            "^\\| (core|`[a-z.]+`) \\| `([a-z/]+)` \\| `([a-z]+)` \\| ([^|]+) \\| (sometimes)?");
    private static final Pattern USE = Pattern.compile("`([a-z-]+)`");
    private static final Pattern NAMESPACED = Pattern.compile(
            "^/(?:api/v1|apis/([^/]+)/[^/]+)/namespaces/[^/]+/([^/]+)(?:/([^/]+))?(?:/([^/]+))?$");
    /** Subresources a client opens as a websocket (an HTTP GET) that then carries a command. */
    private static final Set<String> CONNECT = Set.of("exec", "attach", "portforward");

    private ApiRights() {
    }

    /** One (API group, resource, verb) an RBAC rule grants; the core group is "". */
    public record Right(String group, String resource, String verb) implements Comparable<Right> {
        @Override
        public int compareTo(Right o) {
            return toString().compareTo(o.toString());
        }

        @Override
        public String toString() {
            return (group.isEmpty() ? "core" : group) + " " + resource + " " + verb;
        }
    }

    /**
     * Fails unless {@code needed}, what one use's calls needed, is what the README's table gives that use: each
     * right it names was needed, but one whose call happens only sometimes, and nothing else was.
     */
    public static void assertDocumented(String use, Set<Right> needed) {
        Set<Right> documented = documentedFor(use, false);
        Set<Right> explained = new TreeSet<>(needed);
        explained.addAll(documentedFor(use, true));
        assertEquals(documented, explained, () -> use + " needed " + needed);
    }

    /** The rights the README's table gives {@code use}; only those whose call happens sometimes, if so asked. */
    private static Set<Right> documentedFor(String use, boolean onlySometimes) {
        Set<Right> rights = new TreeSet<>();
        for (String line : readme()) {
            Matcher row = ROW.matcher(line);
            if (row.find() && uses(row.group(4)).contains(use) && (!onlySometimes || row.group(5) != null)) {
                String group = row.group(1).equals("core") ? "" : row.group(1).replace("`", "");
                rights.add(new Right(group, row.group(2), row.group(3)));
            }
        }
        return rights;
    }

    /** Every use the table names. */
    public static Set<String> documentedUses() {
        Set<String> uses = new TreeSet<>();
        for (String line : readme()) {
            Matcher row = ROW.matcher(line);
            if (row.find()) {
                uses.addAll(uses(row.group(4)));
            }
        }
        return uses;
    }

    /**
     * The rights the requests this mock server got after its first {@code skipped} (the fixtures' own) need, as
     * Kubernetes authorizes them. A request to anything but a namespaced resource fails the test: it would need a
     * rule the chart's Role cannot grant.
     */
    public static Set<Right> neededBy(KubernetesMockServer server, int skipped) throws InterruptedException {
        Set<Right> rights = new TreeSet<>();
        for (int i = 0, all = server.getRequestCount(); i < all; i++) {
            RecordedRequest recorded = server.takeRequest(1, TimeUnit.SECONDS);
            if (i >= skipped) {
                rights.addAll(neededBy(recorded.getMethod(), recorded.getPath()));
            }
        }
        return rights;
    }

    /** What the RBAC authorizer asks for one request, from its method and its path with query. */
    private static Set<Right> neededBy(String method, String path) {
        URI uri = URI.create(path);
        Matcher m = NAMESPACED.matcher(uri.getPath());
        if (!m.matches() || m.group(4) != null && m.group(3) == null) {
            throw new AssertionError(method + " " + path + " is no namespaced resource request");
        }
        String group = m.group(1) == null ? "" : m.group(1);
        String name = m.group(3);
        String subresource = m.group(4);
        String resource = subresource == null ? m.group(2) : m.group(2) + "/" + subresource;
        boolean watch = uri.getQuery() != null && uri.getQuery().contains("watch=true");
        String verb = switch (method) {
            case "GET" -> name == null ? (watch ? "watch" : "list") : "get";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> name == null ? "deletecollection" : "delete";
            default -> throw new AssertionError("unexpected method " + method + " " + path);
        };
        Set<Right> rights = new TreeSet<>();
        rights.add(new Right(group, resource, verb));
        if (subresource != null && CONNECT.contains(subresource) && verb.equals("get")) {
            // Kubernetes 1.35+ also requires create for a websocket upgrade of exec/attach/portforward
            // (AuthorizePodWebsocketUpgradeCreatePermission); older ones authorize the GET alone.
            rights.add(new Right(group, resource, "create"));
        }
        return rights;
    }

    private static Set<String> uses(String cell) {
        Set<String> uses = new TreeSet<>();
        Matcher use = USE.matcher(cell);
        while (use.find()) {
            uses.add(use.group(1));
        }
        return uses;
    }

    private static List<String> readme() {
        try {
            return Files.readAllLines(Path.of("README.md"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
