package io.github.airflowdbreconcile.resolver.internal;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs a command in a pod's container, streaming its output, and fails when it exits non-zero. */
public final class PodExec {
    private final Cluster cluster;

    public PodExec(Cluster cluster) {
        this.cluster = cluster;
    }

    /**
     * Runs {@code command}; its stdout and stderr go to {@code out} as they arrive. Returns true when it exited 0, and
     * false when the stream ended without an exit status: the connection dropped, the pod went away, or the status
     * frame raced the close (fabric8 6.x can lose it), so the caller must check the outcome another way.
     */
    public boolean run(Pod pod, String container, List<String> command, OutputStream out, Duration timeout) {
        String name = pod.getMetadata().getName();
        String shown = String.join(" ", command) + " in pod " + name;
        OutputStream sink = new KeepOpen(out);
        Integer exit;
        try (ExecWatch watch = cluster.client().pods().inNamespace(cluster.namespace()).withName(name)
                .inContainer(container)
                .writingOutput(sink)
                .writingError(sink)
                .exec(command.toArray(String[]::new))) {
            exit = watch.exitCode().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new ReconcileException(ErrorCode.TIMEOUT, shown + " did not finish within " + timeout.toSeconds()
                    + " s; it may still run there: check alembic_version before anything else, or raise"
                    + " --exec-timeout", e);
        } catch (ExecutionException e) {
            throw new ReconcileException(ErrorCode.EXECUTION_FAILED, shown + " failed: " + Database.oneLine(
                    e.getCause()) + ": the pod may be gone; check alembic_version and run again", e.getCause());
        } catch (KubernetesClientException e) {
            throw new ReconcileException(ErrorCode.EXECUTION_FAILED, shown + " could not start: "
                    + Cluster.reason(e) + ": the pod may be gone; run again to pick another", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReconcileException(ErrorCode.EXECUTION_FAILED, "interrupted while " + shown + " ran", e);
        }
        if (exit == null) {
            return false;
        }
        if (exit != 0) {
            throw new ReconcileException(ErrorCode.EXECUTION_FAILED, shown + (exit < 0
                    ? " ended with a status that carries no exit code" : " exited " + exit)
                    + ": see its output above");
        }
        return true;
    }

    /** The job's own stream must outlive the exec. */
    private static final class KeepOpen extends FilterOutputStream {
        KeepOpen(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
