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
    private static final int SHOWN_LENGTH = 60;

    /** How the command's stream ended, as far as this side can tell. */
    public enum Ending {
        /** The command exited 0. */
        EXITED,
        /**
         * The stream ended without an exit status: the connection dropped, the pod went away, or the status frame raced
         * the close (fabric8 6.x can lose it). The command may still run in the pod.
         */
        NO_STATUS,
        /** The timeout passed first; the command may still run in the pod. */
        TIMED_OUT
    }

    private final Cluster cluster;
    private final Log log;

    public PodExec(Cluster cluster, Log log) {
        this.cluster = cluster;
        this.log = log;
    }

    /**
     * Runs {@code command}; its stdout and stderr go to {@code out} as they arrive. Fails (EXECUTION_FAILED) when it
     * exited non-zero or could not start, the two endings after which it surely does not run.
     */
    public Ending run(Pod pod, String container, List<String> command, OutputStream out, Duration timeout) {
        String name = pod.getMetadata().getName();
        String shown = shown(command) + " in pod " + name;
        OutputStream sink = new KeepOpen(out);
        Integer exit;
        try (ExecWatch watch = cluster.client().pods().inNamespace(cluster.namespace()).withName(name)
                .inContainer(container)
                .writingOutput(sink)
                .writingError(sink)
                .exec(command.toArray(String[]::new))) {
            exit = watch.exitCode().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return Ending.TIMED_OUT;
        } catch (ExecutionException e) {
            log.info("the exec stream of pod " + name + " failed: " + Database.oneLine(e.getCause()));
            return Ending.NO_STATUS;
        } catch (KubernetesClientException e) {
            // Thrown while the API server sets the stream up, before the kubelet starts anything.
            if (Cluster.forbidden(e)) {
                throw new ReconcileException(ErrorCode.KUBERNETES, shown + " was forbidden (HTTP 403): the service"
                        + " account may not create pods/exec in namespace " + cluster.namespace() + " (see the chart's"
                        + " Role)", e);
            }
            throw new ReconcileException(ErrorCode.EXECUTION_FAILED, shown + " could not start: "
                    + Cluster.reason(e) + ": the pod may be gone; run again to pick another", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Ending.NO_STATUS;
        }
        if (exit == null) {
            return Ending.NO_STATUS;
        }
        if (exit != 0) {
            throw new ReconcileException(ErrorCode.EXECUTION_FAILED, shown + (exit < 0
                    ? " ended with a status that carries no exit code" : " exited " + exit)
                    + ": see its output above");
        }
        return Ending.EXITED;
    }

    /** The command on one short line: a script passed as an argument can span many. */
    private static String shown(List<String> command) {
        String joined = String.join(" ", command);
        String first = joined.lines().findFirst().orElse("");
        return first.length() > SHOWN_LENGTH || !first.equals(joined)
                ? first.substring(0, Math.min(first.length(), SHOWN_LENGTH)) + "..." : joined;
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
