package io.github.airflowdbreconcile.map.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The alembic revision map of Airflow's releases (format 2). Every graph walk takes the release whose files it
 * follows, because the same revision id has had different parents in different releases.
 */
public final class RevisionMap {
    public static final int FORMAT = 2;

    private final Generator generator;
    private final List<Source> sources;
    private final NavigableMap<AirflowVersion, Release> versions;
    private final Map<String, Revision> revisions;
    private final List<String> warnings;

    public RevisionMap(Generator generator, List<Source> sources, Map<AirflowVersion, Release> versions,
                       Map<String, Revision> revisions, List<String> warnings) {
        this.generator = generator;
        this.sources = List.copyOf(sources);
        this.versions = Collections.unmodifiableNavigableMap(new TreeMap<>(versions));
        this.revisions = Collections.unmodifiableMap(new LinkedHashMap<>(revisions));
        this.warnings = List.copyOf(warnings);
    }

    public Generator generator() {
        return generator;
    }

    public List<Source> sources() {
        return sources;
    }

    /** Releases in version order. */
    public NavigableMap<AirflowVersion, Release> versions() {
        return versions;
    }

    public Map<String, Revision> revisions() {
        return revisions;
    }

    public List<String> warnings() {
        return warnings;
    }

    public Optional<Release> release(AirflowVersion version) {
        return Optional.ofNullable(versions.get(version));
    }

    public Optional<Revision> revision(String id) {
        return Optional.ofNullable(revisions.get(id));
    }

    /** The newest release the map knows. */
    public AirflowVersion newestVersion() {
        if (versions.isEmpty()) {
            throw new ReconcileException(ErrorCode.MAP_INVALID, "the map lists no release: regenerate it with mapgen");
        }
        return versions.lastKey();
    }

    /** Parents of {@code revision} as the files of {@code release} have them. */
    public List<String> parentsIn(String revision, AirflowVersion release) {
        Revision entry = revisions.get(revision);
        if (entry == null) {
            throw new ReconcileException(ErrorCode.MAP_INVALID,
                    "revision " + revision + " is referenced by release " + release + " but missing from the map");
        }
        return entry.parentsIn(release);
    }

    /** Every revision of the release, its head first, each before its parents. */
    public Set<String> revisionsOf(AirflowVersion release) {
        return ancestorsIn(release, requireRelease(release).head());
    }

    /** The revision graph of one release: each of its revisions and the parents it has there. */
    public Map<String, List<String>> graphOf(AirflowVersion release) {
        Map<String, List<String>> graph = new LinkedHashMap<>();
        for (String id : revisionsOf(release)) {
            graph.put(id, parentsIn(id, release));
        }
        return graph;
    }

    /** True when {@code ancestor} is {@code descendant} or reachable from it in the graph of {@code release}. */
    public boolean isAncestor(AirflowVersion release, String ancestor, String descendant) {
        return ancestorsIn(release, descendant).contains(ancestor);
    }

    /**
     * Revisions a downgrade from {@code from} to {@code to} undoes in the graph of {@code release}: those reachable
     * from {@code from} but not from {@code to}, newest first (every revision before the ones it revises).
     */
    public List<String> revisionsBetween(AirflowVersion release, String from, String to) {
        Set<String> undo = new LinkedHashSet<>(ancestorsIn(release, from));
        undo.removeAll(ancestorsIn(release, to));
        return newestFirst(release, undo);
    }

    /** Releases whose head is {@code revision}, in version order. */
    public List<AirflowVersion> releasesWithHead(String revision) {
        List<AirflowVersion> found = new ArrayList<>();
        versions.forEach((version, release) -> {
            if (release.head().equals(revision)) {
                found.add(version);
            }
        });
        return found;
    }

    /** Releases whose files contain {@code revision}, in version order. */
    public List<AirflowVersion> releasesContaining(String revision) {
        List<AirflowVersion> found = new ArrayList<>();
        for (AirflowVersion version : versions.keySet()) {
            if (revisionsOf(version).contains(revision)) {
                found.add(version);
            }
        }
        return found;
    }

    /**
     * Internal consistency: every parent known, one head and one floor per release that match its graph, the
     * revision count, and introducedIn equal to the first release that ships a revision. Empty when consistent.
     */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        revisions.forEach((id, revision) -> {
            for (ParentChange change : revision.parentChanges()) {
                checkParentsKnown(id, change.parents(), problems);
            }
            checkParentsKnown(id, revision.parents(), problems);
        });
        if (!problems.isEmpty()) {
            return problems;
        }
        Map<String, AirflowVersion> firstSeen = new HashMap<>();
        versions.forEach((version, release) -> {
            if (!revisions.containsKey(release.head())) {
                problems.add("release " + version + ": head " + release.head() + " is not in the map");
                return;
            }
            Map<String, List<String>> graph = graphOf(version);
            Set<String> revised = new TreeSet<>();
            graph.values().forEach(revised::addAll);
            if (revised.contains(release.head())) {
                problems.add("release " + version + ": head " + release.head() + " is revised by another revision");
            }
            List<String> bases = graph.entrySet().stream().filter(e -> e.getValue().isEmpty()).map(Map.Entry::getKey)
                    .sorted().toList();
            if (!bases.equals(List.of(release.floor()))) {
                problems.add("release " + version + ": floor " + release.floor() + " but its bases are " + bases);
            }
            if (graph.size() != release.revisions()) {
                problems.add("release " + version + ": says " + release.revisions() + " revisions, its graph has "
                        + graph.size());
            }
            graph.keySet().forEach(id -> firstSeen.putIfAbsent(id, version));
        });
        revisions.forEach((id, revision) -> {
            AirflowVersion first = firstSeen.get(id);
            if (first == null) {
                problems.add("revision " + id + " belongs to no release");
            } else if (!first.equals(revision.introducedIn())) {
                problems.add("revision " + id + ": introducedIn " + revision.introducedIn()
                        + " but first shipped in " + first);
            }
        });
        return problems;
    }

    private void checkParentsKnown(String id, List<String> parents, List<String> problems) {
        for (String parent : parents) {
            if (!revisions.containsKey(parent)) {
                problems.add("revision " + id + " revises " + parent + ", which is not in the map");
            }
        }
    }

    private Release requireRelease(AirflowVersion release) {
        Release found = versions.get(release);
        if (found == null) {
            throw new ReconcileException(ErrorCode.UNKNOWN_VERSION, "Airflow " + release
                    + " is not in the map (it knows " + versions.firstKey() + " to " + versions.lastKey()
                    + "): use a newer map");
        }
        return found;
    }

    /** {@code start} and everything it revises, breadth first; cycles end the walk instead of looping. */
    private Set<String> ancestorsIn(AirflowVersion release, String start) {
        Set<String> seen = new LinkedHashSet<>();
        List<String> queue = new ArrayList<>(List.of(start));
        for (int i = 0; i < queue.size(); i++) {
            String id = queue.get(i);
            if (seen.add(id)) {
                queue.addAll(parentsIn(id, release));
            }
        }
        return seen;
    }

    /** Kahn's order over the subgraph, children before parents, ties broken by id so the result is stable. */
    private List<String> newestFirst(AirflowVersion release, Set<String> subset) {
        Map<String, Integer> children = new HashMap<>();
        subset.forEach(id -> children.put(id, 0));
        for (String id : subset) {
            for (String parent : parentsIn(id, release)) {
                children.computeIfPresent(parent, (k, n) -> n + 1);
            }
        }
        TreeSet<String> ready = new TreeSet<>();
        children.forEach((id, n) -> {
            if (n == 0) {
                ready.add(id);
            }
        });
        List<String> ordered = new ArrayList<>();
        while (!ready.isEmpty()) {
            String id = ready.pollFirst();
            ordered.add(id);
            for (String parent : parentsIn(id, release)) {
                Integer left = children.computeIfPresent(parent, (k, n) -> n - 1);
                if (left != null && left == 0) {
                    ready.add(parent);
                }
            }
        }
        return ordered;
    }
}
