package io.github.airflowdbreconcile.mapgen;

import io.github.airflowdbreconcile.map.api.ErrorCode;

/** mapgen's documented exit codes. */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;
    public static final int VERIFY_FAILED = 3;
    public static final int INVALID_MIGRATIONS = 4;

    private ExitCodes() {}

    static int of(ErrorCode code) {
        return switch (code) {
            case USAGE, INVALID_VERSION -> USAGE;
            case VERIFY_FAILED, MAP_INVALID -> VERIFY_FAILED;
            case MIGRATION_PARSE, REVISION_GRAPH -> INVALID_MIGRATIONS;
            default -> FAILURE;
        };
    }
}
