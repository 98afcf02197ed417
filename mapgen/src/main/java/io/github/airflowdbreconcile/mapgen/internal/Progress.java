package io.github.airflowdbreconcile.mapgen.internal;

import java.io.PrintWriter;

/**
 * Counts on stderr for runs over many tags or archives: redrawn in place on a terminal, a line per tenth otherwise so
 * that CI logs stay short. Silent when quiet.
 */
public final class Progress {
    private final PrintWriter err;
    private final boolean quiet;
    private final boolean terminal;
    private String label = "";
    private int total;
    private int lastTenth = -1;

    public Progress(PrintWriter err, boolean quiet, boolean terminal) {
        this.err = err;
        this.quiet = quiet;
        this.terminal = terminal;
    }

    public void start(String what, int count) {
        label = what;
        total = count;
        lastTenth = -1;
    }

    public void step(int done, String item) {
        if (quiet || total == 0) {
            return;
        }
        if (terminal) {
            err.print("\r" + label + " " + done + "/" + total + " " + item + "\u001b[K");
            if (done == total) {
                err.println();
            }
        } else {
            int tenth = done * 10 / total;
            if (tenth != lastTenth) {
                lastTenth = tenth;
                err.println(label + " " + done + "/" + total + " (" + item + ")");
            }
        }
        err.flush();
    }

    public void info(String message) {
        if (!quiet) {
            err.println(message);
        }
    }
}
