package io.github.airflowdbreconcile.resolver.api;

/** One revision a downgrade undoes, with the first line of its migration's docstring. */
public record UndoStep(String revision, String description) {}
