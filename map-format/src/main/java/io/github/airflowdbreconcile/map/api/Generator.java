package io.github.airflowdbreconcile.map.api;

/** The program that wrote a map; a map is reproducible for the same generator and inputs. */
public record Generator(String name, String version) {}
