package io.github.airflowdbreconcile.map.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class AirflowVersionTest {

    @Test
    void shouldOrderAsPep440() {
        List<String> ordered = List.of("2.9.3", "2.10.0.dev0", "2.10.0a1", "2.10.0b2", "2.10.0rc1", "2.10.0rc2",
                "2.10.0", "2.10.0.post1", "2.10.5", "2.11.0", "3.0.0b1", "3.0.0", "3.0.6", "3.1.0", "3.10.0");
        List<String> shuffled = Stream.of("3.10.0", "2.10.0rc2", "3.0.0", "2.10.0.post1", "2.9.3", "3.1.0", "2.10.0a1",
                "2.10.5", "2.10.0", "3.0.0b1", "2.11.0", "2.10.0.dev0", "2.10.0rc1", "3.0.6", "2.10.0b2")
                .map(AirflowVersion::parse).sorted().map(AirflowVersion::toString).toList();
        assertEquals(ordered, shuffled);
    }

    @Test
    void shouldNormalizeSpellings() {
        assertEquals("3.0.0rc1", AirflowVersion.parse("3.0.0-RC1").toString());
        assertEquals("3.0.0b1", AirflowVersion.parse("3.0.0beta1").toString());
        assertEquals(AirflowVersion.parse("2.10"), AirflowVersion.parse("2.10.0"));
        assertEquals(AirflowVersion.parse("2.10").hashCode(), AirflowVersion.parse("2.10.0").hashCode());
    }

    @Test
    void shouldTellFinalFromPreRelease() {
        assertFalse(AirflowVersion.parse("3.1.5").isPreRelease());
        assertTrue(AirflowVersion.parse("3.1.0rc1").isPreRelease());
        assertTrue(AirflowVersion.parse("3.1.0.dev0").isPreRelease());
        assertFalse(AirflowVersion.parse("3.1.0.post1").isPreRelease());
    }

    @Test
    void shouldRejectTextThatIsNoVersionNamingIt() {
        ReconcileException e = assertThrows(ReconcileException.class, () -> AirflowVersion.parse("latest"));
        assertEquals(ErrorCode.INVALID_VERSION, e.code());
        assertTrue(e.getMessage().contains("'latest'"), e.getMessage());
    }

    @Test
    void shouldRejectANumberTooLargeForAnyReleaseNamingIt() {
        ReconcileException e = assertThrows(ReconcileException.class, () -> AirflowVersion.parse("99999999999"));
        assertEquals(ErrorCode.INVALID_VERSION, e.code());
        assertTrue(e.getMessage().startsWith("'99999999999' is not a version"), e.getMessage());
        assertEquals(ErrorCode.INVALID_VERSION, assertThrows(ReconcileException.class,
                () -> AirflowVersion.parse("3.0.0rc99999999999")).code());
    }
}
