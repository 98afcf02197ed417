package io.github.airflowdbreconcile.resolver;

import io.github.airflowdbreconcile.map.api.AirflowVersion;
import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import io.github.airflowdbreconcile.map.api.RevisionMap;
import io.github.airflowdbreconcile.resolver.api.CurrentState;
import io.github.airflowdbreconcile.resolver.api.Plan;
import io.github.airflowdbreconcile.resolver.internal.Cluster;
import io.github.airflowdbreconcile.resolver.internal.Database;
import io.github.airflowdbreconcile.resolver.internal.Decider;
import io.github.airflowdbreconcile.resolver.internal.PlanPrinter;
import io.github.airflowdbreconcile.resolver.internal.PodVersionSource;
import io.github.airflowdbreconcile.resolver.internal.Workloads;
import io.github.airflowdbreconcile.resolver.api.Action;
import io.github.airflowdbreconcile.resolver.api.DataLoss;
import io.github.airflowdbreconcile.resolver.internal.DataLossCounter;
import io.github.airflowdbreconcile.resolver.internal.DataLossScope;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** plan and run: read the current state, decide against the target, print the plan. */
abstract class DecideCommand extends MapCommand {
    /** Where the current schema comes from. */
    enum Source {
        ALEMBIC_TABLE("alembic-table"), RUNNING_POD_IMAGE("running-pod-image"), RUNNING_POD_EXEC("running-pod-exec");

        private final String option;

        Source(String option) {
            this.option = option;
        }

        @Override
        public String toString() {
            return option;
        }
    }

    @Option(names = "--target-version", paramLabel = "V", required = true,
            description = "The Airflow version being deployed.")
    String targetVersion;

    @Option(names = "--source", paramLabel = "alembic-table|running-pod-image|running-pod-exec",
            converter = SourceConverter.class,
            description = "Where the current schema comes from (default: alembic-table, the DB's own record).")
    Source source;

    @Option(names = "--exec-timeout", paramLabel = "SECONDS", defaultValue = "3600",
            description = "How long a command in a pod (or the local airflow) may run (default: ${DEFAULT-VALUE}).")
    long execTimeoutSeconds;

    @Mixin
    DatabaseOptions db;

    @Mixin
    ClusterOptions clusterOptions;

    AirflowVersion target() {
        return AirflowVersion.parse(targetVersion.strip());
    }

    Duration execTimeout() {
        return seconds("--exec-timeout", execTimeoutSeconds);
    }

    @Option(names = "--max-rows-lost", paramLabel = "N",
            description = "Refuse a downgrade (exit 3, before anything is written) that would delete more than N rows"
                    + " of the tables it drops, counted on the database (default: no limit).")
    Long maxRowsLost;

    @Option(names = "--count-budget", paramLabel = "SECONDS", defaultValue = "10",
            description = "How long counting what a downgrade deletes may take; past it, tables get the planner's"
                    + " estimates (default: ${DEFAULT-VALUE}; 0: estimates only).")
    long countBudgetSeconds;

    /**
     * The plan from the current state: {@code given} (a what-if of plan, named in {@code whatIf}), else the database
     * or the pods. With a database, alembic_version and what a downgrade would delete are read in one read-only
     * transaction. More than one source is a usage error.
     */
    Plan plan(RevisionMap map, Optional<Database> database, List<String> whatIf, Optional<CurrentState> given) {
        Source chosen = source != null ? source : Source.ALEMBIC_TABLE;
        List<String> sources = new ArrayList<>(whatIf);
        if (source != null && source != Source.ALEMBIC_TABLE) {
            sources.add("--source " + source);
        } else if (database.isPresent()) {
            sources.add("the database");
        }
        if (sources.size() > 1) {
            throw usage("give one current state, not " + String.join(" and ", sources));
        }
        checkCountOptions();
        if (given.isPresent()) {
            return withDataLoss(map, decide(map, given.get()));
        }
        if (chosen == Source.ALEMBIC_TABLE && database.isEmpty() && db.urlMissingOnFirstInstall()) {
            return decide(map, freshIfNothingDeployed());
        }
        if (chosen == Source.ALEMBIC_TABLE && database.isEmpty()) {
            throw usage("no current state: give --db-url, --db-url-file or --db-url-env"
                    + " (or --source running-pod-image|running-pod-exec with --release)");
        }
        Optional<CurrentState> running = Optional.empty();
        if (chosen != Source.ALEMBIC_TABLE) {
            try (Cluster cluster = clusterOptions.connect()) {
                PodVersionSource pods = new PodVersionSource(cluster, map, clusterOptions.podTimeout(), execTimeout(),
                        log());
                running = Optional.of(chosen == Source.RUNNING_POD_IMAGE ? pods.fromImage() : pods.fromExec());
            }
        }
        if (database.isEmpty()) {
            return withDataLoss(map, decide(map, running.orElseThrow()));
        }
        Database metadata = database.get();
        Optional<CurrentState> fromPods = running;
        return metadata.readOnly(connection -> planOn(map, metadata, connection, fromPods));
    }

    /**
     * The plan from alembic_version (checked against the release the pods run, when they were asked) and, for a
     * downgrade, what it deletes: the caller runs this in a read-only transaction.
     */
    Plan planOn(RevisionMap map, Database metadata, Connection connection, Optional<CurrentState> running)
            throws SQLException {
        CurrentState table = metadata.readState(connection);
        Plan plan = decide(map, running.isEmpty() ? table : checked(running.get(), table));
        if (plan.action() != Action.DOWNGRADE) {
            return plan;
        }
        DataLoss loss = new DataLossCounter(metadata, countBudget(), log()).count(connection,
                DataLossScope.of(map, plan));
        for (DataLoss.TableNote blocking : loss.blocking()) {
            if (blocking.rows() != null && blocking.rows() > 0) {
                return plan.asRefusal("downgrade from " + plan.currentLabel() + " to " + plan.targetVersion()
                        + " cannot handle the " + blocking.rows() + " rows of " + blocking.table() + ": "
                        + blocking.why() + "; " + blocking.remedy(), ErrorCode.IMPOSSIBLE);
            }
        }
        return plan.withDataLoss(loss);
    }

    /** A downgrade planned without a database: what it drops, not counted. */
    private static Plan withDataLoss(RevisionMap map, Plan plan) {
        return plan.action() != Action.DOWNGRADE ? plan : plan.withDataLoss(DataLossScope.of(map, plan).uncounted());
    }

    /**
     * The --max-rows-lost gate: the refusal (exit 3) of a downgrade that would delete more rows, to throw before
     * anything is written. Without counts (no database) the gate cannot hold, which is a usage error.
     */
    Optional<ReconcileException> rowsLostRefusal(Plan plan) {
        if (maxRowsLost == null || plan.dataLoss() == null) {
            return Optional.empty();
        }
        DataLoss loss = plan.dataLoss();
        if (!loss.counted()) {
            throw usage("--max-rows-lost needs the rows counted on the database: give --db-url, --db-url-file or"
                    + " --db-url-env");
        }
        long lost = loss.rowsLost();
        if (lost <= maxRowsLost) {
            return Optional.empty();
        }
        String tables = String.join(", ", loss.tables().stream()
                .filter(t -> t.rows() != null && t.rows() > 0)
                .sorted(Comparator.comparing((DataLoss.TableRows t) -> t.rows()).reversed())
                .map(t -> t.table() + " " + (t.estimated() ? "~" : "") + t.rows())
                .toList());
        String atLeast = loss.notAnalysed().isEmpty() ? "" : "at least ";
        return Optional.of(new ReconcileException(ErrorCode.DOWNGRADE_NOT_ALLOWED, "downgrade from "
                + plan.currentLabel() + " to " + plan.targetVersion() + " would delete " + atLeast + lost + " rows ("
                + tables + "), more than --max-rows-lost " + maxRowsLost + ": raise migrateDatabaseJob.maxRowsLost"
                + " (or --max-rows-lost) to " + lost + " or more, or remove those rows first"));
    }

    /** The counting options, checked before anything is read. */
    private void checkCountOptions() {
        if (maxRowsLost != null && maxRowsLost < 0) {
            throw usage("--max-rows-lost " + maxRowsLost + ": give 0 or more");
        }
        countBudget();
    }

    Duration countBudget() {
        if (countBudgetSeconds < 0) {
            throw usage("--count-budget " + countBudgetSeconds + ": give 0 (estimates only) or more");
        }
        return Duration.ofSeconds(countBudgetSeconds);
    }

    /**
     * The pod says which release runs; alembic_version says where the schema is, and it is what the downgrade works
     * on, so it decides whenever it can be read. A head other than the running release's is said in the log; a
     * database with no revision under a running release is most likely not that release's database, and is refused.
     */
    private CurrentState checked(CurrentState running, CurrentState table) {
        if (table.isFresh()) {
            throw new ReconcileException(ErrorCode.UNKNOWN_REVISION, running.source() + " runs, but " + table.source()
                    + " records no revision and has none of Airflow's tables: point --db-url (and --db-schema) at that"
                    + " release's metadata database");
        }
        if (!table.revisions().equals(running.revisions())) {
            log().info(running.source() + " has head " + running.revision() + ", but alembic_version in "
                    + table.source() + " holds " + table.describeRows() + ": deciding from alembic_version");
        }
        return table;
    }

    Plan decide(RevisionMap map, CurrentState current) {
        Plan plan = new Decider(map).decide(current, target());
        log().debug("current state from " + current.source());
        return plan;
    }

    void print(Plan plan) {
        out().print(output == Output.json ? PlanPrinter.json(plan) + System.lineSeparator() : PlanPrinter.text(plan));
        out().flush();
    }

    /** Exit code of a refusal, after saying why on stderr too (the job log). */
    int refused(Plan plan) {
        log().info("refused: " + plan.reason());
        return ExitCodes.of(plan.refusal());
    }

    /** Accepts the documented lower-case names. */
    static final class SourceConverter implements picocli.CommandLine.ITypeConverter<Source> {
        @Override
        public Source convert(String value) {
            for (Source s : Source.values()) {
                if (s.option.equals(value)) {
                    return s;
                }
            }
            throw new picocli.CommandLine.TypeConversionException("'" + value
                    + "' is not a source: use alembic-table, running-pod-image or running-pod-exec");
        }
    }

    /**
     * A missing URL is a fresh database only where no Airflow release runs yet: a chart rendered by {@code helm
     * template} (Argo CD) always looks like a first install, and a misnamed metadata Secret looks like a missing one.
     */
    private CurrentState freshIfNothingDeployed() {
        if (clusterOptions.release == null || clusterOptions.release.isBlank()) {
            throw usage("--missing-url-means-fresh needs --release: a missing URL means a fresh database only once"
                    + " no workload of the Airflow release is found");
        }
        try (Cluster cluster = clusterOptions.connect()) {
            List<String> deployed = new Workloads(cluster, log()).names();
            if (!deployed.isEmpty()) {
                throw new ReconcileException(ErrorCode.UNKNOWN_REVISION, "environment variable " + db.variable
                        + " is not set, but Airflow release " + cluster.release() + " already runs in namespace "
                        + cluster.namespace() + " (" + String.join(", ", deployed.subList(0, Math.min(3,
                        deployed.size()))) + "): its metadata Secret is missing or misnamed, so the schema is"
                        + " unknown; set airflow.metadataSecret.name and .key to the Airflow chart's");
            }
            return CurrentState.fresh(db.variable + " unset and no workload of Airflow release " + cluster.release()
                    + " in namespace " + cluster.namespace() + ": a first install");
        }
    }
}
