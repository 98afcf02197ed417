package io.github.airflowdbreconcile.resolver.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.airflowdbreconcile.resolver.TestMaps;
import io.github.airflowdbreconcile.resolver.api.CurrentState;
import io.github.airflowdbreconcile.resolver.api.Plan;
import org.junit.jupiter.api.Test;

class PlanPrinterTest {
    @Test
    void shouldPrintAGarbageRowQuotedOnItsOwnLine() {
        Plan plan = new Decider(TestMaps.realistic()).decide(CurrentState.at("dev\n0000\u001b[2J", "test"),
                TestMaps.v("3.0.6"));
        String text = PlanPrinter.text(plan);
        assertTrue(text.contains("current:  'dev?0000?[2J' (no release's head)\n"), text);
        assertFalse(text.contains("\n0000") || text.contains("\u001b"), text);
    }
}
