package io.github.airflowdbreconcile.resolver.internal;

import java.util.function.Consumer;

/**
 * Keeps a job stopped from outside (SIGTERM: Helm's timeout or {@code --atomic} deleting the hook Job, the Job's
 * deadline, {@code kubectl delete}) from leaving the writers at 0 without a word. A JVM shutdown hook takes over from
 * the job's thread: from then on no change of the job's thread reaches the cluster (it waits for the JVM to end), and
 * the hook alone does what is safe for the stage the downgrade reached.
 */
final class ShutdownGuard implements AutoCloseable {
    /** How far the downgrade got. */
    enum Stage {
        /** Scaling the writers to 0 and waiting for their pods: the downgrade has not started. */
        QUIESCING,
        /** The command was started and may still run in the pod. */
        DOWNGRADING,
        /** The command has ended; its outcome is being read and acted on. */
        ENDED,
        /** Nothing is left to do or to say. */
        SETTLED
    }

    private final Thread hook;
    private Stage stage = Stage.QUIESCING;
    private boolean stopping;

    private ShutdownGuard(Consumer<Stage> onStop) {
        this.hook = new Thread(() -> stop(onStop), "airflow-db-reconcile-shutdown");
    }

    /** Registers the hook; {@code onStop} runs in it with the stage reached. */
    static ShutdownGuard install(Consumer<Stage> onStop) {
        ShutdownGuard guard = new ShutdownGuard(onStop);
        Runtime.getRuntime().addShutdownHook(guard.hook);
        return guard;
    }

    /** Makes {@code change} to the cluster and moves on to {@code next}, as one step the hook cannot cut in two. */
    synchronized void advance(Stage next, Runnable change) {
        awaitEndWhileStopping();
        change.run();
        stage = next;
    }

    private synchronized void stop(Consumer<Stage> onStop) {
        stopping = true;
        onStop.accept(stage);
    }

    /** Once the hook has taken over, the job's thread only waits for the JVM to end. */
    private void awaitEndWhileStopping() {
        while (stopping) {
            try {
                wait();
            } catch (InterruptedException e) {
                // The JVM is ending anyway; going on would let the job's thread change the cluster.
            }
        }
    }

    /**
     * Removes the hook. While the JVM is already shutting down the hook runs or is about to, and it needs the cluster
     * client that the caller would close next: the job's thread then waits for the JVM to end.
     */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            synchronized (this) {
                stopping = true;
                awaitEndWhileStopping();
            }
        }
    }
}
