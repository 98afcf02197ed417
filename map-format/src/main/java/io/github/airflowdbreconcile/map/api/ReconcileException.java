package io.github.airflowdbreconcile.map.api;

import java.util.Objects;

/** The one unchecked exception of the project: a one-line message for the user plus a code for the exit status. */
public final class ReconcileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public ReconcileException(ErrorCode code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code);
    }

    public ReconcileException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code);
    }

    public ErrorCode code() {
        return code;
    }
}
