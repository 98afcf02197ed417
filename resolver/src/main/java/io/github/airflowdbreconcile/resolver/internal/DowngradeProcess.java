package io.github.airflowdbreconcile.resolver.internal;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Whether {@code airflow db downgrade} still runs in the container it was started in, for when its exec stream ended
 * without an exit status or the exec timed out. alembic_version cannot answer that: alembic moves it after every step,
 * so it can read as the target while the process still commits, and it never settles when a step fails half-way. The
 * process itself can: a second, short exec in the same container lists the command lines in /proc. A pod that is gone
 * or was replaced, or a container that restarted since, has no such process either.
 */
final class DowngradeProcess {
    static final Duration CHECK_TIMEOUT = Duration.ofSeconds(30);
    private static final String CHECKED = "airflow-db-reconcile-checked";
    private static final String RUNNING = "running ";

    /**
     * POSIX sh and tr only: the official image has both, and so does busybox. The pattern is spelled {@code d''b} so
     * that the script's own command line, which its subshells share, does not match it. The last line proves that the
     * loop read command lines (at least its own); without it the check concludes nothing.
     */
    static final String SCRIPT = String.join("\n",
            "command -v tr >/dev/null || exit 3",
            "n=0",
            "for f in /proc/[0-9]*/cmdline; do",
            "  c=$(tr '\\000' ' ' < \"$f\" 2>/dev/null) || continue",
            "  n=$((n+1))",
            "  case \" $c\" in *' d''b downgrade '*) p=${f%/cmdline}; echo \"" + RUNNING + "${p#/proc/}: $c\";; esac",
            "done",
            "[ \"$n\" -gt 0 ] && echo " + CHECKED);

    /** What one look found. */
    enum State { ENDED, RUNNING, UNKNOWN }

    /** A look's result and what it saw, for the log. */
    record Check(State state, String detail) {}

    private final Cluster cluster;
    private final PodExec exec;

    DowngradeProcess(Cluster cluster, PodExec exec) {
        this.cluster = cluster;
        this.exec = exec;
    }

    /** Looks once whether a downgrade runs in {@code container} of {@code pod}, as it was when that started. */
    Check check(Pod pod, String container) {
        String name = pod.getMetadata().getName();
        Pod now;
        try {
            now = cluster.client().pods().inNamespace(cluster.namespace()).withName(name).get();
        } catch (KubernetesClientException e) {
            return new Check(State.UNKNOWN, "reading pod " + name + " failed: " + Cluster.reason(e));
        }
        if (now == null) {
            return new Check(State.ENDED, "pod " + name + " is gone, and its processes with it");
        }
        if (!Objects.equals(now.getMetadata().getUid(), pod.getMetadata().getUid())) {
            return new Check(State.ENDED, "pod " + name + " was replaced by a new one");
        }
        if (restarts(now, container) > restarts(pod, container)) {
            return new Check(State.ENDED, "container " + container + " of pod " + name + " restarted");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            exec.run(pod, container, List.of("sh", "-c", SCRIPT), out, CHECK_TIMEOUT);
        } catch (ReconcileException e) {
            return new Check(State.UNKNOWN, "cannot look at the processes of pod " + name + ": " + e.getMessage());
        }
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        List<String> running = lines.stream().filter(l -> l.startsWith(RUNNING)).toList();
        if (!running.isEmpty()) {
            return new Check(State.RUNNING, "pod " + name + " still runs process " + String.join("; ",
                    running.stream().map(l -> l.substring(RUNNING.length()).strip()).toList()));
        }
        if (lines.contains(CHECKED)) {
            return new Check(State.ENDED, "no `airflow db downgrade` runs in pod " + name + " any more");
        }
        return new Check(State.UNKNOWN, "the look at the processes of pod " + name + " ended without an answer"
                + (lines.isEmpty() ? "" : ": " + lines.get(0)));
    }

    private static int restarts(Pod pod, String container) {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return 0;
        }
        return pod.getStatus().getContainerStatuses().stream().filter(s -> container.equals(s.getName()))
                .map(ContainerStatus::getRestartCount).filter(Objects::nonNull).findFirst().orElse(0);
    }
}
