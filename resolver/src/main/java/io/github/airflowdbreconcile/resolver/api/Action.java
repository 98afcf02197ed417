package io.github.airflowdbreconcile.resolver.api;

import java.util.Locale;

/** What a plan does to the schema. */
public enum Action {
    /** No {@code alembic_version} yet: the target image's {@code airflow db migrate} creates the schema. */
    INSTALL,
    /** The database already has the target's head (the same or a schema-equivalent release). */
    NONE,
    /** The target's head descends from the current one: left to the target image's {@code airflow db migrate}. */
    UPGRADE,
    /** The current head descends from the target's: the running image must undo revisions. */
    DOWNGRADE,
    /** No safe move exists; the plan's reason says why and what to do. */
    REFUSE;

    /** The name the JSON plan uses. */
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }
}
