package io.github.airflowdbreconcile.resolver.internal;

import io.fabric8.kubernetes.api.model.Pod;
import io.github.airflowdbreconcile.map.api.AirflowVersion;
import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import io.github.airflowdbreconcile.map.api.RevisionMap;
import io.github.airflowdbreconcile.resolver.api.CurrentState;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The current schema as the running release's version implies it, for databases this job cannot reach: read from the
 * image tag of the API server/webserver pod, or from {@code airflow version} run in it.
 */
public final class PodVersionSource {
    private final Cluster cluster;
    private final RevisionMap map;
    private final PodFinder finder;
    private final PodExec exec;
    private final Duration execTimeout;
    private final Log log;

    public PodVersionSource(Cluster cluster, RevisionMap map, Duration podTimeout, Duration execTimeout, Log log) {
        this.cluster = cluster;
        this.map = map;
        this.finder = new PodFinder(cluster, podTimeout, log);
        this.exec = new PodExec(cluster, log);
        this.execTimeout = execTimeout;
        this.log = log;
    }

    public CurrentState fromImage() {
        Pod pod = finder.find(p -> true, "");
        String image = finder.image(pod);
        AirflowVersion version = AirflowVersions.fromImage(image).orElseThrow(() -> new ReconcileException(
                ErrorCode.UNKNOWN_REVISION, "image " + image + " of pod " + pod.getMetadata().getName()
                + " has no Airflow version in its tag: use --source running-pod-exec or alembic-table"));
        return headOf(version, "image " + image + " of pod " + pod.getMetadata().getName());
    }

    public CurrentState fromExec() {
        Pod pod = finder.find(p -> true, "");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PodExec.Ending ending = exec.run(pod, finder.container(pod), List.of("airflow", "version"), out, execTimeout);
        if (ending == PodExec.Ending.TIMED_OUT) {
            throw new ReconcileException(ErrorCode.TIMEOUT, "`airflow version` in pod " + pod.getMetadata().getName()
                    + " did not finish within " + execTimeout.toSeconds() + " s: raise --exec-timeout");
        }
        // Without an exit status only a complete version line counts, which fromVersionOutput insists on anyway.
        AirflowVersion version = AirflowVersions.fromVersionOutput(out.toString(StandardCharsets.UTF_8));
        if (ending == PodExec.Ending.NO_STATUS) {
            log.debug("`airflow version` in pod " + pod.getMetadata().getName() + " ended without an exit status");
        }
        return headOf(version, "`airflow version` in pod " + pod.getMetadata().getName());
    }

    private CurrentState headOf(AirflowVersion version, String source) {
        CurrentState state = CurrentState.headOf(map, version, source);
        log.debug("current release " + version + " from " + source + " in namespace " + cluster.namespace());
        return state;
    }
}
