package io.github.airflowdbreconcile.map.api;

/** What went wrong; each command line maps these to its documented exit codes. */
public enum ErrorCode {
    USAGE,
    INVALID_VERSION,
    IO,
    MAP_INVALID,
    MIGRATION_PARSE,
    REVISION_GRAPH,
    GIT,
    ARCHIVE,
    VERIFY_FAILED,
    UNKNOWN_REVISION,
    UNKNOWN_VERSION,
    DOWNGRADE_NOT_ALLOWED,
    IMPOSSIBLE,
    TIMEOUT,
    DATABASE,
    KUBERNETES,
    EXECUTION_FAILED,
    WRITERS_LEFT_STOPPED,
    INTERNAL
}
