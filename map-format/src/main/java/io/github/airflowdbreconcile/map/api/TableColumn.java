package io.github.airflowdbreconcile.map.api;

/** A column of a table, as a migration names it. */
public record TableColumn(String table, String column) {}
