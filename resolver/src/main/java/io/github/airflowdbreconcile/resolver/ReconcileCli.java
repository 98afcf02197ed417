package io.github.airflowdbreconcile.resolver;

import io.github.airflowdbreconcile.map.api.ReconcileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code airflow-db-reconcile} command line. */
@Command(name = "airflow-db-reconcile", mixinStandardHelpOptions = true,
        versionProvider = ReconcileCli.Version.class,
        description = "Moves an Airflow metadata database to the schema of the release being deployed, downgrading it"
                + " in the running release's image when it must.",
        subcommands = {PlanCommand.class, RunCommand.class, StatusCommand.class, ServeCommand.class,
                RestoreCommand.class})
public final class ReconcileCli implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(cli().execute(args));
    }

    /** The configured command line; tests run it in-process. */
    public static CommandLine cli() {
        CommandLine cli = new CommandLine(new ReconcileCli());
        cli.setExecutionExceptionHandler(ReconcileCli::handle);
        apply(cli);
        return cli;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "name a command: plan, run, status, serve or restore");
    }

    private static void apply(CommandLine command) {
        command.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n")
                .exitCodeList(ExitCodes.descriptions());
        command.getSubcommands().values().forEach(ReconcileCli::apply);
    }

    /** One line naming what is wrong and what to do; the stack trace only with --verbose. */
    private static int handle(Exception e, CommandLine command, CommandLine.ParseResult parsed) {
        boolean verbose = parsed.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--verbose"))
                || parsed.hasMatchedOption("--verbose");
        ReconcileException known = e instanceof ReconcileException re ? re : null;
        command.getErr().println("airflow-db-reconcile: " + (known != null ? known.getMessage()
                : "internal error: " + e.toString().lines().findFirst().orElse("")
                        + (verbose ? "" : " (run with --verbose for the stack trace)")));
        if (verbose) {
            e.printStackTrace(command.getErr());
        }
        command.getErr().flush();
        return known != null ? ExitCodes.of(known.code()) : ExitCodes.FAILURE;
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = ReconcileCli.class.getPackage().getImplementationVersion();
            return new String[] {"airflow-db-reconcile " + (version == null ? "(development build)" : version)};
        }
    }
}
