package io.github.airflowdbreconcile.chart;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Helm itself applies values.schema.json: a bad value stops the release before anything is rendered. */
class HelmSchemaIT {

    @Test
    void shouldRefuseAnUnknownVersionSource() {
        Exception e = assertThrows(Exception.class,
                () -> HelmRender.template("migrateDatabaseJob.downgrade.currentVersionSource", "foo"));

        assertTrue(e.getMessage().contains("currentVersionSource"), e.getMessage());
    }

    @Test
    void shouldRefuseAMistypedKey() {
        Exception e = assertThrows(Exception.class,
                () -> HelmRender.template("migrateDatabaseJob.alowDowngrade", "true"));

        assertTrue(e.getMessage().contains("alowDowngrade"), e.getMessage());
    }
}
