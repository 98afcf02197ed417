package io.github.airflowdbreconcile.resolver.internal;

import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import io.github.airflowdbreconcile.resolver.api.CurrentState;
import io.github.airflowdbreconcile.resolver.api.Plan;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Runs the downgrade with an Airflow installed on this machine (VMs, Docker Compose): nothing to quiesce. */
public final class LocalExecutor implements Executor {
    static final String CONNECTION_VARIABLE = "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN";

    private final String airflow;
    private final DatabaseUrl url;
    private final Duration timeout;
    private final Log log;

    public LocalExecutor(String airflow, DatabaseUrl url, Duration timeout, Log log) {
        this.airflow = airflow;
        this.url = url;
        this.timeout = timeout;
        this.log = log;
    }

    @Override
    public void describe(Plan plan) {
        log.info("dry run: would run " + String.join(" ", Executor.downgradeCommand(airflow, plan))
                + " on this machine");
    }

    @Override
    public void downgrade(Plan plan, Supplier<CurrentState> schema) {
        run(Executor.downgradeCommand(airflow, plan), url, timeout, log,
                "pass the airflow executable of the running release with --airflow-bin");
        Executor.verify(plan, schema.get());
    }

    /**
     * Runs a local airflow command against the database of {@code url}, its output masked into the log; fails when it
     * cannot start (saying {@code whatToDo}), exits non-zero, or outlives {@code timeout} (then it is killed).
     */
    static void run(List<String> command, DatabaseUrl url, Duration timeout, Log log, String whatToDo) {
        String airflow = command.get(0);
        log.info("running " + String.join(" ", command));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // Airflow reads its DB from this variable; one set by the caller wins, like in the pod.
        builder.environment().putIfAbsent(CONNECTION_VARIABLE, url.sqlAlchemyUrl());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new ReconcileException(ErrorCode.EXECUTION_FAILED, "cannot run " + airflow + ": "
                    + Database.oneLine(e) + ": " + whatToDo, e);
        }
        Thread pump = new Thread(() -> copyLines(process, url, log), "airflow-output");
        pump.setDaemon(true);
        pump.start();
        int exit;
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new ReconcileException(ErrorCode.TIMEOUT, String.join(" ", command) + " did not finish within "
                        + timeout.toSeconds() + " s and was killed: check alembic_version, then raise --exec-timeout");
            }
            exit = process.exitValue();
            pump.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ReconcileException(ErrorCode.EXECUTION_FAILED, "interrupted while " + airflow + " ran", e);
        }
        if (exit != 0) {
            throw new ReconcileException(ErrorCode.EXECUTION_FAILED, String.join(" ", command) + " exited " + exit
                    + ": see its output above");
        }
    }

    private static void copyLines(Process process, DatabaseUrl url, Log log) {
        MaskingOutputStream masked = new MaskingOutputStream(log.stream(), url.password());
        try (InputStream in = process.getInputStream()) {
            in.transferTo(masked);
            masked.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
