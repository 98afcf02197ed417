package io.github.airflowdbreconcile.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChartLintIT {

    /** As shipped, with every RBAC object rendered, and in the Argo CD form. */
    @ParameterizedTest(name = "--set {0}")
    @ValueSource(strings = {"", "airflowVersion=3.0.6,migrateDatabaseJob.allowDowngrade=true",
            "airflowVersion=3.0.6,migrateDatabaseJob.useHelmHooks=false,migrateDatabaseJob.allowDowngrade=true"})
    void shouldPassStrictHelmLint(String values) {
        List<String> args = new ArrayList<>(List.of("lint", "--strict", ChartFiles.chartDir().toString()));
        if (!values.isEmpty()) {
            args.add("--set");
            args.add(values);
        }
        String out = HelmBinary.run(args).outOrFail();

        List<String> problems = out.lines().filter(l -> l.contains("[WARNING]") || l.contains("[ERROR]")).toList();
        assertEquals(List.of(), problems, out);
    }
}
