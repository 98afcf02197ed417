package io.github.airflowdbreconcile.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The renamed copy HelmRender renders from is faithful, and still needed. */
class HelmRenderIT {

    @Test
    void shouldRenderTheCopyLikeTheChartWhenNothingIsAHelmHook() {
        String[] values = {"migrateDatabaseJob.useHelmHooks", "false", "migrateDatabaseJob.allowDowngrade", "true"};

        Rendered original = HelmRender.templateOriginal(values);

        assertEquals(6, original.docs().size(), original.kinds()::toString);
        assertEquals(original.docs(), HelmRender.template(values).docs());
    }

    @Test
    void shouldStillNeedTheCopyBecauseHelmJavaDropsHooks() {
        // When this fails, helm-java renders hooks itself: render the chart directly and drop the copy.
        assertEquals(List.of(), HelmRender.templateOriginal("migrateDatabaseJob.useHelmHooks", "true").docs());
    }
}
