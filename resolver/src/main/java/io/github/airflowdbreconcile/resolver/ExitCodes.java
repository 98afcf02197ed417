package io.github.airflowdbreconcile.resolver;

import io.github.airflowdbreconcile.map.api.ErrorCode;
import java.util.LinkedHashMap;
import java.util.Map;

/** The exit codes of every command; scripts and the chart rely on them. */
public final class ExitCodes {
    /** Done, nothing to do, or a plan was made. */
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;
    /** A downgrade is needed but not allowed: no --allow-downgrade, or it would delete more than --max-rows-lost. */
    public static final int DOWNGRADE_NOT_ALLOWED = 3;
    /** The database's revision (or the running version) is unknown to the map, or Airflow's tables have none. */
    public static final int UNKNOWN_REVISION = 4;
    /**
     * No safe move: below a floor, a running release without {@code airflow db downgrade}, a downgrade it would fail
     * on with the rows the database holds, diverged heads, several heads, or a target the map does not know.
     */
    public static final int IMPOSSIBLE = 5;
    /** The database or a pod did not answer in time. */
    public static final int TIMEOUT = 6;
    /**
     * The downgrade may still run in the pod, or it ended neither at the target nor where it began: the writers stay
     * at 0 and the message says how to finish by hand.
     */
    public static final int WRITERS_LEFT_STOPPED = 7;

    private ExitCodes() {}

    public static int of(ErrorCode code) {
        return switch (code) {
            case USAGE, INVALID_VERSION -> USAGE;
            case DOWNGRADE_NOT_ALLOWED -> DOWNGRADE_NOT_ALLOWED;
            case UNKNOWN_REVISION -> UNKNOWN_REVISION;
            case IMPOSSIBLE, UNKNOWN_VERSION -> IMPOSSIBLE;
            case TIMEOUT -> TIMEOUT;
            case WRITERS_LEFT_STOPPED -> WRITERS_LEFT_STOPPED;
            default -> FAILURE;
        };
    }

    /** The list --help shows. */
    static Map<String, String> descriptions() {
        Map<String, String> list = new LinkedHashMap<>();
        list.put(Integer.toString(OK), "done, nothing to do, or a plan was made");
        list.put(Integer.toString(FAILURE), "failure (database, cluster, the downgrade command, I/O)");
        list.put(Integer.toString(USAGE), "usage: bad option, URL or version string");
        list.put(Integer.toString(DOWNGRADE_NOT_ALLOWED), "downgrade needed but not allowed (--allow-downgrade,"
                + " migrateDatabaseJob.allowDowngrade=true), or it would delete more rows than --max-rows-lost");
        list.put(Integer.toString(UNKNOWN_REVISION), "current revision or running version unknown to the map, or"
                + " Airflow tables without a revision");
        list.put(Integer.toString(IMPOSSIBLE), "impossible: target below the floor, running release without"
                + " `airflow db downgrade` or failing on rows the database holds, diverged or several heads, target"
                + " version not in the map");
        list.put(Integer.toString(TIMEOUT), "timed out waiting for the database, a pod or the command");
        list.put(Integer.toString(WRITERS_LEFT_STOPPED), "the downgrade may still run or stopped half-way: the writers"
                + " stay at 0; finish by hand as the message says");
        return list;
    }
}
