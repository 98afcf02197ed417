package io.github.airflowdbreconcile.mapgen;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs mapgen in-process as a user would from a shell, capturing what it prints. */
record Cli(int exitCode, String out, String err) {
    static Cli run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = MapgenCli.cli();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exitCode = cli.execute(args);
        return new Cli(exitCode, out.toString(), err.toString());
    }
}
