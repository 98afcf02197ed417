package io.github.airflowdbreconcile.map.api;

/**
 * One release artifact a map was made from.
 *
 * @param version the Airflow release it holds
 * @param kind    {@code git} for a release tag, {@code archive} for a wheel or sdist
 * @param ref     the tag name or the archive's file name
 * @param digest  the peeled commit id of the tag, or {@code sha256:<hex>} of the archive
 */
public record Source(AirflowVersion version, String kind, String ref, String digest) {
    public static final String GIT = "git";
    public static final String ARCHIVE = "archive";
}
