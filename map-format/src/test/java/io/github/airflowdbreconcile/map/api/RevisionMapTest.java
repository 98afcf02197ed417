package io.github.airflowdbreconcile.map.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RevisionMapTest {
    static final AirflowVersion V270 = AirflowVersion.parse("2.7.0");
    static final AirflowVersion V2105 = AirflowVersion.parse("2.10.5");
    static final AirflowVersion V300 = AirflowVersion.parse("3.0.0");

    /** 2.x: base → a270 → b2103 (merge of a270 and side); 3.0: squash → a270 (rewritten) → b2103 → c300. */
    static RevisionMap sample() {
        Map<String, Revision> revisions = new LinkedHashMap<>();
        revisions.put("base", new Revision(List.of(), List.of(), V270, null, "first", "base_first.py", Effects.NONE));
        revisions.put("side", new Revision(List.of("base"), List.of(), V270, "2.7.0", "side", "0002_side.py", Effects.NONE));
        revisions.put("squash", new Revision(List.of(), List.of(), V300, "2.6.2", "squashed", "0000_squash.py", Effects.NONE));
        revisions.put("a270", new Revision(List.of("squash"),
                List.of(new ParentChange(V270, List.of("base")), new ParentChange(V300, List.of("squash"))),
                V270, "2.7.0", "first of 2.7", "0001_a.py", Effects.NONE));
        revisions.put("b2103", new Revision(List.of("a270"),
                List.of(new ParentChange(V270, List.of("a270", "side")), new ParentChange(V300, List.of("a270"))),
                V270, "2.10.3", "merge", "0003_b.py", Effects.NONE));
        revisions.put("c300", new Revision(List.of("b2103"), List.of(), V300, "3.0.0", "three", "0004_c.py", Effects.NONE));
        Map<AirflowVersion, Release> versions = new LinkedHashMap<>();
        versions.put(V300, new Release("c300", "squash", 4));
        versions.put(V270, new Release("b2103", "base", 4));
        versions.put(V2105, new Release("b2103", "base", 4));
        return new RevisionMap(new Generator("test", "1"), List.of(), versions, revisions, List.of());
    }

    @Test
    void shouldWalkEachReleaseWithItsOwnParents() {
        RevisionMap map = sample();
        assertEquals(List.of("base"), map.parentsIn("a270", V2105));
        assertEquals(List.of("squash"), map.parentsIn("a270", V300));
        assertEquals(List.of("b2103", "a270", "side", "base"), List.copyOf(map.revisionsOf(V2105)));
        assertEquals(List.of("c300", "b2103", "a270", "squash"), List.copyOf(map.revisionsOf(V300)));
    }

    @Test
    void shouldListRevisionsToUndoNewestFirst() {
        RevisionMap map = sample();
        assertEquals(List.of("c300"), map.revisionsBetween(V300, "c300", "b2103"));
        assertEquals(List.of("b2103", "side"), map.revisionsBetween(V2105, "b2103", "a270"));
        assertTrue(map.isAncestor(V300, "squash", "c300"));
        assertFalse(map.isAncestor(V300, "base", "c300"));
    }

    @Test
    void shouldFindReleasesByHeadAndContent() {
        RevisionMap map = sample();
        assertEquals(List.of(V270, V2105), map.releasesWithHead("b2103"));
        assertEquals(List.of(V270, V2105), map.releasesContaining("side"));
        assertEquals(V300, map.newestVersion());
    }

    @Test
    void shouldReportNoProblemsForConsistentMap() {
        assertEquals(List.of(), sample().problems());
    }

    @Test
    void shouldReportUnknownParentAndWrongHead() {
        RevisionMap map = sample();
        Map<String, Revision> revisions = new LinkedHashMap<>(map.revisions());
        revisions.put("c300", new Revision(List.of("ghost"), List.of(), V300, "3.0.0", "three", "0004_c.py", Effects.NONE));
        RevisionMap broken = new RevisionMap(map.generator(), map.sources(), map.versions(), revisions, List.of());
        assertEquals(List.of("revision c300 revises ghost, which is not in the map"), broken.problems());

        Map<AirflowVersion, Release> versions = new LinkedHashMap<>(map.versions());
        versions.put(V300, new Release("b2103", "squash", 4));
        List<String> problems = new RevisionMap(map.generator(), map.sources(), versions, map.revisions(), List.of())
                .problems();
        assertTrue(problems.contains("release 3.0.0: says 4 revisions, its graph has 3"), problems.toString());
    }

    @Test
    void shouldNameUnknownReleaseAndWhatToDo() {
        ReconcileException e = assertThrows(ReconcileException.class,
                () -> sample().revisionsOf(AirflowVersion.parse("3.9.0")));
        assertEquals(ErrorCode.UNKNOWN_VERSION, e.code());
        assertTrue(e.getMessage().contains("3.9.0") && e.getMessage().contains("newer map"), e.getMessage());
    }
}
