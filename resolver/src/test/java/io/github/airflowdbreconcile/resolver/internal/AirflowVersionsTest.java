package io.github.airflowdbreconcile.resolver.internal;

import static io.github.airflowdbreconcile.resolver.TestMaps.v;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AirflowVersionsTest {
    @ParameterizedTest
    @CsvSource({
            "apache/airflow:3.0.2, 3.0.2",
            "apache/airflow:3.0.2-python3.12, 3.0.2",
            "apache/airflow:slim-2.10.5-python3.9, 2.10.5",
            "registry.example.com:5000/team/airflow:3.1.0rc1, 3.1.0rc1",
            "apache/airflow:2.10.5@sha256:0123abcd, 2.10.5",
    })
    void shouldReadTheVersionFromTheTag(String image, String version) {
        assertEquals(Optional.of(v(version)), AirflowVersions.fromImage(image));
    }

    @ParameterizedTest
    @ValueSource(strings = {"apache/airflow", "apache/airflow:latest", "registry:5000/airflow",
            "apache/airflow@sha256:0123abcd", "my/airflow:python3.12"})
    void shouldFindNoVersionInATagWithoutOne(String image) {
        assertEquals(Optional.empty(), AirflowVersions.fromImage(image));
    }

    @Test
    void shouldTakeTheVersionLineAfterWarnings() {
        assertEquals(v("3.0.6"), AirflowVersions.fromVersionOutput(
                "/home/airflow/.local/lib/python3.12/site-packages/x.py:1 DeprecationWarning: 1.2.3 is old\n3.0.6\n"));
    }

    @Test
    void shouldRefuseOutputWithoutAVersion() {
        ReconcileException e = assertThrows(ReconcileException.class,
                () -> AirflowVersions.fromVersionOutput("Traceback (most recent call last):\nImportError: boom\n"));
        assertEquals(ErrorCode.UNKNOWN_REVISION, e.code());
    }

    @Test
    void shouldMaskAConnectionUrlInTheOutputItQuotes() {
        ReconcileException e = assertThrows(ReconcileException.class, () -> AirflowVersions.fromVersionOutput(
                "sqlalchemy.exc.ArgumentError: Could not parse URL 'postgresql://airflow:s3cret@db/airflow'\n"));
        assertTrue(e.getMessage().contains("postgresql://airflow:***@db/airflow"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
    }
}
