package io.github.airflowdbreconcile.resolver;

import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import io.github.airflowdbreconcile.resolver.internal.Log;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** What every command shares: --verbose, --output, where results and progress go. */
@Command(mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true)
abstract class BaseCommand implements Callable<Integer> {
    /** How results are printed on stdout. */
    enum Output { text, json }

    @Spec
    CommandSpec spec;

    @Option(names = "--output", paramLabel = "text|json", defaultValue = "text",
            description = "How the result is printed on stdout (default: ${DEFAULT-VALUE}). Progress goes to stderr.")
    Output output;

    @Option(names = "--verbose", description = "More progress, and a stack trace with errors.")
    boolean verbose;

    private Log log;

    @Override
    public final Integer call() {
        return execute();
    }

    /** Runs the command; returns an exit code from {@link ExitCodes} or throws a {@link ReconcileException}. */
    abstract int execute();

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    Log log() {
        if (log == null) {
            log = new Log(spec.commandLine().getErr(), verbose);
        }
        return log;
    }

    static ReconcileException usage(String message) {
        return new ReconcileException(ErrorCode.USAGE, message);
    }

    /** The value of a timeout option in seconds; below 1 is a usage error. */
    static Duration seconds(String option, long value) {
        if (value < 1) {
            throw usage(option + " " + value + ": give 1 or more");
        }
        return Duration.ofSeconds(value);
    }
}
