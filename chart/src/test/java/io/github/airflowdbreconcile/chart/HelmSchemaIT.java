package io.github.airflowdbreconcile.chart;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Helm itself applies values.schema.json: a bad value stops the release before anything is rendered. */
class HelmSchemaIT {

    @Test
    void shouldRefuseAnUnknownVersionSource() {
        String error = HelmRender.templateError("migrateDatabaseJob.downgrade.currentVersionSource", "foo");

        assertTrue(error.contains("currentVersionSource"), error);
    }

    @Test
    void shouldRefuseAMistypedKey() {
        String error = HelmRender.templateError("migrateDatabaseJob.alowDowngrade", "true");

        assertTrue(error.contains("alowDowngrade"), error);
    }
}
