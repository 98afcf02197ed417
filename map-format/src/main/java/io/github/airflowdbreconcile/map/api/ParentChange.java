package io.github.airflowdbreconcile.map.api;

import java.util.List;

/** From release {@code from} on (in version order), the revision revises {@code parents}, until the next change. */
public record ParentChange(AirflowVersion from, List<String> parents) {
    public ParentChange {
        parents = List.copyOf(parents);
    }
}
