package io.github.airflowdbreconcile.resolver;

import io.github.airflowdbreconcile.map.api.AirflowVersion;
import io.github.airflowdbreconcile.map.api.RevisionMap;
import io.github.airflowdbreconcile.resolver.api.CurrentState;
import io.github.airflowdbreconcile.resolver.api.Plan;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Prints what would happen; changes nothing. */
@Command(name = "plan", description = "Print what moving to --target-version would do, changing nothing. The current"
        + " state comes from the database, the running pods, or a what-if (--current-revision, --current-version).")
final class PlanCommand extends DecideCommand {
    @Option(names = "--current-revision", paramLabel = "R", description = "What-if: the database is at revision R.")
    String currentRevision;

    @Option(names = "--current-version", paramLabel = "V",
            description = "What-if: the database is at the head of Airflow V (e.g. plan a 3.1.0 -> 3.0.6 rollback).")
    String currentVersion;

    @Override
    int execute() {
        RevisionMap map = map();
        target();
        List<String> whatIf = new ArrayList<>();
        Optional<CurrentState> given = Optional.empty();
        if (currentRevision != null) {
            whatIf.add("--current-revision");
            given = Optional.of(CurrentState.at(currentRevision.strip(), "--current-revision"));
        }
        if (currentVersion != null) {
            whatIf.add("--current-version");
            if (given.isEmpty()) {
                given = Optional.of(CurrentState.headOf(map, AirflowVersion.parse(currentVersion.strip()),
                        "--current-version"));
            }
        }
        Plan plan = plan(map, db.database(log()), whatIf, given);
        print(plan);
        if (plan.refused()) {
            return refused(plan);
        }
        rowsLostRefusal(plan).ifPresent(refusal -> {
            throw refusal;
        });
        return ExitCodes.OK;
    }
}
