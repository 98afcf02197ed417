package io.github.airflowdbreconcile.resolver.internal;

import static io.github.airflowdbreconcile.resolver.TestMaps.R2103;
import static io.github.airflowdbreconcile.resolver.TestMaps.R2110;
import static io.github.airflowdbreconcile.resolver.TestMaps.R225;
import static io.github.airflowdbreconcile.resolver.TestMaps.R262;
import static io.github.airflowdbreconcile.resolver.TestMaps.R270;
import static io.github.airflowdbreconcile.resolver.TestMaps.R270A;
import static io.github.airflowdbreconcile.resolver.TestMaps.R300;
import static io.github.airflowdbreconcile.resolver.TestMaps.R306;
import static io.github.airflowdbreconcile.resolver.TestMaps.R310;
import static io.github.airflowdbreconcile.resolver.TestMaps.R310A;
import static io.github.airflowdbreconcile.resolver.TestMaps.BASE;
import static io.github.airflowdbreconcile.resolver.TestMaps.SQUASH;
import static io.github.airflowdbreconcile.resolver.TestMaps.v;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.resolver.TestMaps;
import io.github.airflowdbreconcile.resolver.api.Action;
import io.github.airflowdbreconcile.resolver.api.CurrentState;
import io.github.airflowdbreconcile.resolver.api.Plan;
import io.github.airflowdbreconcile.resolver.api.UndoStep;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeciderTest {
    private final Decider decider = new Decider(TestMaps.realistic());

    private Plan decide(String revision, String target) {
        return decider.decide(CurrentState.at(revision, "test"), v(target));
    }

    private static List<String> undone(Plan plan) {
        return plan.revisionsToUndo().stream().map(UndoStep::revision).toList();
    }

    @Test
    void shouldInstallOnAFreshDatabase() {
        Plan plan = decider.decide(CurrentState.fresh("test"), v("3.0.6"));
        assertEquals(Action.INSTALL, plan.action());
        assertNull(plan.currentRevision());
        assertEquals(R306, plan.targetRevision());
        assertEquals(SQUASH, plan.floor());
    }

    @Test
    void shouldDoNothingBetweenSchemaEquivalentReleases() {
        Plan plan = decide(R2103, "2.10.4");
        assertEquals(Action.NONE, plan.action());
        assertEquals(List.of(v("2.10.3"), v("2.10.4"), v("2.10.5")), plan.currentVersions());
        assertEquals(List.of(), plan.revisionsToUndo());
    }

    @Test
    void shouldLeaveAForwardMoveToTheTargetImage() {
        Plan plan = decide(R2103, "3.0.0");
        assertEquals(Action.UPGRADE, plan.action());
        assertEquals(R300, plan.targetRevision());
        assertEquals(v("3.0.0"), plan.runner());
    }

    @Test
    void shouldDowngradeInTheGraphOfTheNewestReleaseWithTheCurrentHead() {
        Plan plan = decide(R310, "3.0.6");
        assertEquals(Action.DOWNGRADE, plan.action());
        assertEquals(List.of(R310, R310A), undone(plan));
        assertEquals(List.of("Add dag_favorite table", "Add hitl_detail table"),
                plan.revisionsToUndo().stream().map(UndoStep::description).toList());
        assertEquals(v("3.1.1"), plan.runner());
        assertEquals(List.of(v("3.1.0"), v("3.1.1")), plan.currentVersions());
        assertEquals(SQUASH, plan.floor());
    }

    @Test
    void shouldDowngradeAcrossTheMajorVersionWithinTheFloor() {
        Plan plan = decide(R300, "2.7.0");
        assertEquals(Action.DOWNGRADE, plan.action());
        assertEquals(List.of(R300, R2103), undone(plan));
        assertEquals(R270, plan.targetRevision());
    }

    @Test
    void shouldWalkTheOldParentsWhenAnOldReleaseRunsTheDowngrade() {
        // 2.10.5's files have r270a revise r262; 3.x's have it revise the squash.
        Plan plan = decide(R2103, "2.6.2");
        assertEquals(Action.DOWNGRADE, plan.action());
        assertEquals(List.of(R2103, R270, R270A), undone(plan));
        assertEquals(BASE, plan.floor());
    }

    @Test
    void shouldRefuseADowngradeThatTheRunningReleasesCliCannotRun() {
        Plan plan = decide(R225, "2.0.0");
        assertEquals(Action.REFUSE, plan.action());
        assertEquals(ErrorCode.IMPOSSIBLE, plan.refusal());
        assertEquals(v("2.2.5"), plan.runner());
        assertTrue(plan.reason().startsWith("Airflow 2.2.5, which would run the downgrade, has no `airflow db"
                + " downgrade` (the first release with it is 2.3.0)"), plan.reason());
        assertTrue(plan.reason().contains("restore a database backup taken at Airflow 2.0.0"), plan.reason());
        assertEquals(List.of(), plan.revisionsToUndo());
    }

    @Test
    void shouldDowngradeToAnOldReleaseFromOneWhoseCliHasTheCommand() {
        Plan plan = decide(R262, "2.2.5");
        assertEquals(Action.DOWNGRADE, plan.action());
        assertEquals(List.of(R262), undone(plan));
    }

    @Test
    void shouldRefuseATargetBelowTheFloorAndNameTheLowestReachableRelease() {
        Plan plan = decide(R310, "2.6.2");
        assertEquals(Action.REFUSE, plan.action());
        assertEquals(ErrorCode.IMPOSSIBLE, plan.refusal());
        assertTrue(plan.reason().contains("below the floor of Airflow 3.1.1"), plan.reason());
        assertTrue(plan.reason().contains("lowest release it can reach is 2.7.0"), plan.reason());
        assertEquals(List.of(), plan.revisionsToUndo());
    }

    @Test
    void shouldRefuseAnUpgradeFromBelowTheTargetsFloorAndNameAReleaseToGoThrough() {
        Plan plan = decide(R262, "3.0.0");
        assertEquals(Action.REFUSE, plan.action());
        assertEquals(ErrorCode.IMPOSSIBLE, plan.refusal());
        assertTrue(plan.reason().contains("upgrade to Airflow 2.10.5 first, then to 3.0.0"), plan.reason());
    }

    @Test
    void shouldRefuseDivergedHeads() {
        Plan fromBranch = decide(R2110, "3.0.0");
        assertEquals(Action.REFUSE, fromBranch.action());
        assertTrue(fromBranch.reason().contains("diverged"), fromBranch.reason());
        Plan toBranch = decide(R300, "2.11.0");
        assertEquals(ErrorCode.IMPOSSIBLE, toBranch.refusal());
        assertTrue(toBranch.reason().contains("diverged"), toBranch.reason());
    }

    @Test
    void shouldRefuseARevisionTheMapDoesNotKnow() {
        Plan plan = decide("feedc0ffee00", "3.0.6");
        assertEquals(Action.REFUSE, plan.action());
        assertEquals(ErrorCode.UNKNOWN_REVISION, plan.refusal());
        assertTrue(plan.reason().contains("'feedc0ffee00'"), plan.reason());
    }

    @Test
    void shouldShowGarbageFromTheDatabaseOnOneLine() {
        Plan plan = decide("x'\n; DROP TABLE dag", "3.0.6");
        assertEquals(ErrorCode.UNKNOWN_REVISION, plan.refusal());
        assertTrue(plan.reason().contains("'x'?; DROP TABLE dag'"), plan.reason());
        assertEquals(1, plan.reason().lines().count());
    }

    @Test
    void shouldRefuseATargetTheMapDoesNotKnow() {
        Plan plan = decide(R306, "3.9.0");
        assertEquals(Action.REFUSE, plan.action());
        assertEquals(ErrorCode.UNKNOWN_VERSION, plan.refusal());
        assertTrue(plan.reason().contains("3.9.0") && plan.reason().contains("2.0.0 to 3.1.1"), plan.reason());
        assertNull(plan.targetRevision());
    }

    @Test
    void shouldRefuseSeveralHeads() {
        Plan plan = decider.decide(new CurrentState(List.of(R306, R2110), "test"), v("3.0.6"));
        assertEquals(Action.REFUSE, plan.action());
        assertEquals(ErrorCode.IMPOSSIBLE, plan.refusal());
        assertTrue(plan.reason().contains("several heads"), plan.reason());
        assertTrue(PlanPrinter.text(plan).contains("current:  several heads: '" + R306 + "', '" + R2110 + "'"),
                PlanPrinter.text(plan));
    }

    @Test
    void shouldDecideFromARevisionBetweenReleases() {
        assertEquals(Action.UPGRADE, decide(R310A, "3.1.0").action());
        Plan down = decide(R310A, "3.0.6");
        assertEquals(Action.DOWNGRADE, down.action());
        assertEquals(List.of(R310A), undone(down));
        assertEquals(List.of(), down.currentVersions());
    }
}
