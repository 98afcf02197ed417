package io.github.airflowdbreconcile.map.api;

/**
 * The schema facts of one Airflow release.
 *
 * @param head      the one revision of the release that no other revision of it revises
 * @param floor     the base of the release's own files: the lowest schema it can downgrade to
 * @param revisions how many migrations the release ships
 */
public record Release(String head, String floor, int revisions) {}
