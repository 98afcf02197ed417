package io.github.airflowdbreconcile.resolver.api;

import java.util.Locale;

/**
 * Where the database's schema is against the head of the Airflow release deployed: the question "is my schema where
 * my image expects it?". Decided from the revision graphs, never from version strings.
 */
public enum SchemaDrift {
    /** A newer release migrated it: the deployed image runs on tables it does not know (a downgrade was missed). */
    AHEAD(1),
    /** The deployed release's head, or that of a schema-equivalent release. */
    EQUAL(0),
    /** Older, or a fresh database: the deployed image's {@code airflow db migrate} has not run (yet). */
    BEHIND(-1),
    /**
     * No answer from the graphs: a revision the map lacks, diverged branches, several heads, or Airflow's tables
     * without a revision.
     */
    UNKNOWN(null);

    private final Integer gauge;

    SchemaDrift(Integer gauge) {
        this.gauge = gauge;
    }

    /** The value of the drift gauge; null for {@link #UNKNOWN}, which has none. */
    public Integer gauge() {
        return gauge;
    }

    /** The name metrics and JSON use. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
