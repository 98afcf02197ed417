package io.github.airflowdbreconcile.mapgen;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The release-time command line that turns Airflow releases into the revision map. */
@Command(name = "mapgen", mixinStandardHelpOptions = true, versionProvider = MapgenVersion.class,
        description = "Builds and checks the alembic revision map of Apache Airflow releases.",
        subcommands = {GenerateCommand.class, VerifyCommand.class, ShowCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done",
            "1:failure (I/O, git, archive)",
            "2:bad usage or bad value",
            "3:verify found problems or disagreements; the map is inconsistent",
            "4:the migrations are invalid (parse error, unknown parent, several heads, cycle)"})
public final class MapgenCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(cli().execute(args));
    }

    static CommandLine cli() {
        return new CommandLine(new MapgenCli());
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command: generate, verify or show");
    }
}
