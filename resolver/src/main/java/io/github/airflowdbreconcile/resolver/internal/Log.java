package io.github.airflowdbreconcile.resolver.internal;

import java.io.PrintStream;

/** Progress for the job log. It goes to stderr so that stdout carries only the plan (text or JSON). */
public final class Log {
    private final PrintStream err;
    private final boolean verbose;

    public Log(PrintStream err, boolean verbose) {
        this.err = err;
        this.verbose = verbose;
    }

    public PrintStream stream() {
        return err;
    }

    public void info(String message) {
        err.println("airflow-db-reconcile: " + message);
        err.flush();
    }

    public void debug(String message) {
        if (verbose) {
            info(message);
        }
    }
}
