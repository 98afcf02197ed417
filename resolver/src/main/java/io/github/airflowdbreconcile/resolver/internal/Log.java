package io.github.airflowdbreconcile.resolver.internal;

import java.io.PrintWriter;

/**
 * Progress for the job log. It goes to the command's error writer (stderr), where its errors go too, so that stdout
 * carries only the plan (text or JSON) and a test that captures the error writer sees everything a user would.
 */
public final class Log {
    private final PrintWriter err;
    private final boolean verbose;

    public Log(PrintWriter err, boolean verbose) {
        this.err = err;
        this.verbose = verbose;
    }

    /** Where another program's output (airflow's) goes, after masking. */
    public PrintWriter stream() {
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
