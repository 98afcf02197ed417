package io.github.airflowdbreconcile.mapgen.internal;

import io.github.airflowdbreconcile.map.api.AirflowVersion;
import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.Generator;
import io.github.airflowdbreconcile.map.api.ParentChange;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import io.github.airflowdbreconcile.map.api.Release;
import io.github.airflowdbreconcile.map.api.Revision;
import io.github.airflowdbreconcile.map.api.RevisionMap;
import io.github.airflowdbreconcile.map.api.Source;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds the revision map from release snapshots. Each release's graph is checked on its own (one head, one base, every
 * parent shipped in the same release, no cycle): in strict mode a broken release stops the run, in lenient mode it is
 * left out of the map with a warning.
 */
public final class MapBuilder {
    private final Generator generator;
    private final boolean lenient;
    private final TreeMap<AirflowVersion, ReleaseSnapshot> snapshots = new TreeMap<>();
    private final List<String> warnings = new ArrayList<>();

    public MapBuilder(Generator generator, boolean lenient) {
        this.generator = generator;
        this.lenient = lenient;
    }

    /** Adds a release; a release added again replaces the earlier snapshot (as when regenerating it). */
    public MapBuilder add(ReleaseSnapshot snapshot) {
        snapshots.put(snapshot.version(), snapshot);
        return this;
    }

    /** Records a problem found while reading: an error unless lenient. */
    public void problem(ReconcileException problem) {
        if (!lenient) {
            throw problem;
        }
        warnings.add(problem.getMessage());
    }

    /** Keeps a warning an earlier run recorded. */
    public void carryWarning(String warning) {
        warnings.add(warning);
    }

    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    public RevisionMap build() {
        Map<AirflowVersion, Release> releases = new TreeMap<>();
        Map<AirflowVersion, Map<String, MigrationFile>> graphs = new TreeMap<>();
        List<Source> sources = new ArrayList<>();
        for (ReleaseSnapshot snapshot : snapshots.values()) {
            try {
                Map<String, MigrationFile> graph = graphOf(snapshot);
                releases.put(snapshot.version(), releaseOf(snapshot, graph));
                graphs.put(snapshot.version(), graph);
                sources.add(snapshot.source());
            } catch (ReconcileException e) {
                problem(e);
            }
        }
        return new RevisionMap(generator, sources, releases, revisionsOf(graphs), warnings);
    }

    private static Map<String, MigrationFile> graphOf(ReleaseSnapshot snapshot) {
        Map<String, MigrationFile> graph = new TreeMap<>();
        for (MigrationFile file : snapshot.migrations()) {
            MigrationFile other = graph.put(file.revision(), file);
            if (other != null) {
                throw graphError(snapshot, "revision " + file.revision() + " is declared by both " + other.name()
                        + " and " + file.name());
            }
        }
        if (graph.isEmpty()) {
            throw graphError(snapshot, "ships no migration file");
        }
        for (MigrationFile file : graph.values()) {
            for (String parent : file.parents()) {
                if (!graph.containsKey(parent)) {
                    throw graphError(snapshot, file.name() + ":" + file.parentsLine() + ": down_revision " + parent
                            + " is revised but no file of this release declares it");
                }
            }
        }
        return graph;
    }

    private static Release releaseOf(ReleaseSnapshot snapshot, Map<String, MigrationFile> graph) {
        String cycle = cycleIn(graph);
        if (cycle != null) {
            throw graphError(snapshot, "its revisions form a cycle (" + cycle + ")");
        }
        Set<String> revised = new HashSet<>();
        graph.values().forEach(file -> revised.addAll(file.parents()));
        List<String> heads = graph.keySet().stream().filter(id -> !revised.contains(id)).toList();
        List<String> bases = graph.values().stream().filter(file -> file.parents().isEmpty())
                .map(MigrationFile::revision).toList();
        if (heads.size() > 1) {
            throw graphError(snapshot, "has " + heads.size() + " heads " + describe(graph, heads)
                    + ": a release must have one; a merge migration is missing");
        }
        if (bases.size() > 1) {
            throw graphError(snapshot, "has " + bases.size() + " base revisions " + describe(graph, bases));
        }
        return new Release(heads.get(0), bases.get(0), graph.size());
    }

    /** Per revision: metadata of the newest release that ships it, and its parents in every release. */
    private static Map<String, Revision> revisionsOf(Map<AirflowVersion, Map<String, MigrationFile>> graphs) {
        Map<String, AirflowVersion> introduced = new HashMap<>();
        Map<String, MigrationFile> newest = new HashMap<>();
        Map<String, List<ParentChange>> changes = new HashMap<>();
        graphs.forEach((version, graph) -> graph.values().forEach(file -> {
            introduced.putIfAbsent(file.revision(), version);
            newest.put(file.revision(), file);
            List<ParentChange> history = changes.computeIfAbsent(file.revision(), id -> new ArrayList<>());
            if (history.isEmpty() || !history.get(history.size() - 1).parents().equals(file.parents())) {
                history.add(new ParentChange(version, file.parents()));
            }
        }));
        Map<String, Revision> revisions = new LinkedHashMap<>();
        newest.keySet().stream().sorted(Comparator.comparing((String id) -> introduced.get(id)).thenComparing(id -> id))
                .forEach(id -> {
                    MigrationFile file = newest.get(id);
                    List<ParentChange> history = changes.get(id);
                    revisions.put(id, new Revision(file.parents(), history.size() > 1 ? history : List.of(),
                            introduced.get(id), file.declaredVersion(), file.description(), file.name(), file.effects()));
                });
        return revisions;
    }

    /** One cycle of the graph as {@code a -> b -> a}, found by a depth-first walk, or null. */
    private static String cycleIn(Map<String, MigrationFile> graph) {
        Map<String, Integer> state = new HashMap<>();
        for (String start : graph.keySet()) {
            List<String> path = new ArrayList<>();
            String cycle = cycleFrom(graph, start, state, path);
            if (cycle != null) {
                return cycle;
            }
        }
        return null;
    }

    private static String cycleFrom(Map<String, MigrationFile> graph, String id, Map<String, Integer> state,
                                    List<String> path) {
        Integer seen = state.get(id);
        if (seen != null && seen == 2) {
            return null;
        }
        if (seen != null) {
            List<String> loop = new ArrayList<>(path.subList(path.indexOf(id), path.size()));
            loop.add(id);
            return String.join(" -> ", loop);
        }
        state.put(id, 1);
        path.add(id);
        for (String parent : graph.get(id).parents()) {
            String cycle = cycleFrom(graph, parent, state, path);
            if (cycle != null) {
                return cycle;
            }
        }
        path.remove(path.size() - 1);
        state.put(id, 2);
        return null;
    }

    private static String describe(Map<String, MigrationFile> graph, List<String> ids) {
        List<String> named = new ArrayList<>();
        ids.stream().sorted().forEach(id -> named.add(id + " (" + graph.get(id).name() + ")"));
        return String.join(", ", named);
    }

    private static ReconcileException graphError(ReleaseSnapshot snapshot, String what) {
        return new ReconcileException(ErrorCode.REVISION_GRAPH, snapshot.where() + ": " + what);
    }
}
