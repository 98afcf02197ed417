package io.github.airflowdbreconcile.resolver.internal;

import static io.github.airflowdbreconcile.resolver.TestMaps.v;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import io.github.airflowdbreconcile.map.api.RevisionMap;
import io.github.airflowdbreconcile.resolver.TestMaps;
import io.github.airflowdbreconcile.resolver.api.CurrentState;
import io.github.airflowdbreconcile.resolver.api.SchemaDrift;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeployedReleaseTest {
    private final RevisionMap map = TestMaps.realistic();
    private final StatusReader reader = new StatusReader(map);

    private SchemaDrift drift(CurrentState database, String deployed) {
        return DeployedRelease.of(map, v(deployed)).driftOf(reader.describe(database));
    }

    private SchemaDrift drift(String revision, String deployed) {
        return drift(CurrentState.at(revision, "test"), deployed);
    }

    @Test
    void shouldCallTheDeployedHeadAndThatOfASchemaEquivalentReleaseEqual() {
        assertEquals(SchemaDrift.EQUAL, drift(TestMaps.R306, "3.0.6"));
        assertEquals(SchemaDrift.EQUAL, drift(TestMaps.R2103, "2.10.5"), "2.10.3 and 2.10.5 share a head");
        assertEquals(SchemaDrift.EQUAL, drift(TestMaps.R310, "3.1.0"));
    }

    @Test
    void shouldCallASchemaANewerReleaseMigratedAhead() {
        assertEquals(SchemaDrift.AHEAD, drift(TestMaps.R310, "3.0.6"));
        assertEquals(SchemaDrift.AHEAD, drift(TestMaps.R310A, "3.0.6"), "half-way into 3.1.0's migrations");
        assertEquals(SchemaDrift.AHEAD, drift(TestMaps.R306, "2.10.5"), "across the major version");
        assertEquals(SchemaDrift.AHEAD, drift(TestMaps.R306, "2.6.2"),
                "below the floor of 3.x: 2.6.2's head is under 2.10.3's, which 3.0.6's graph has");
    }

    @Test
    void shouldCallAnOlderOrFreshSchemaBehind() {
        assertEquals(SchemaDrift.BEHIND, drift(TestMaps.R300, "3.1.1"));
        assertEquals(SchemaDrift.BEHIND, drift(TestMaps.R2103, "3.0.6"), "across the major version");
        assertEquals(SchemaDrift.BEHIND, drift(TestMaps.R310A, "3.1.1"), "half-way into 3.1.0's migrations");
        assertEquals(SchemaDrift.BEHIND, drift(TestMaps.R262, "3.0.6"),
                "below the floor of 3.x: 2.7.0's files take it to a head 3.0.6's graph has");
        assertEquals(SchemaDrift.BEHIND, drift(CurrentState.fresh("test"), "3.0.6"), "nothing migrated yet");
    }

    @Test
    void shouldCallWhatTheGraphsCannotPlaceUnknown() {
        assertEquals(SchemaDrift.UNKNOWN, drift(TestMaps.R2110, "3.0.6"), "2.11.0's branch, which 3.x never got");
        assertEquals(SchemaDrift.UNKNOWN, drift("0123456789ab", "3.0.6"), "a revision the map lacks");
        assertEquals(SchemaDrift.UNKNOWN, drift(new CurrentState(List.of(TestMaps.R306, TestMaps.R310), "test"),
                "3.0.6"), "several heads");
        assertEquals(SchemaDrift.UNKNOWN, drift(CurrentState.withoutRevision(List.of("public.dag"), "test"), "3.0.6"));
    }

    @Test
    void shouldRefuseADeployedVersionTheMapDoesNotKnowNamingIt() {
        ReconcileException e = assertThrows(ReconcileException.class, () -> DeployedRelease.of(map, v("3.9.0")));
        assertEquals(ErrorCode.UNKNOWN_VERSION, e.code());
        assertTrue(e.getMessage().contains("3.9.0") && e.getMessage().contains("2.0.0 to 3.1.1"), e.getMessage());
    }
}
