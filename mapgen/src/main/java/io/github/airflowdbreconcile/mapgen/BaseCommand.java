package io.github.airflowdbreconcile.mapgen;

import io.github.airflowdbreconcile.map.api.ReconcileException;
import io.github.airflowdbreconcile.map.api.Urls;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** What every mapgen command shares: --verbose, one-line errors and the mapping of errors to exit codes. */
@Command(mixinStandardHelpOptions = true, versionProvider = MapgenVersion.class)
abstract class BaseCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--verbose", description = "Print stack traces with errors.")
    boolean verbose;

    @Override
    public final Integer call() {
        try {
            return run();
        } catch (ReconcileException e) {
            return fail(e, ExitCodes.of(e.code()));
        } catch (RuntimeException e) {
            return fail(e, ExitCodes.FAILURE);
        }
    }

    abstract int run();

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    private int fail(RuntimeException e, int exitCode) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        err().println("mapgen: " + Urls.maskAll(message));
        if (verbose) {
            e.printStackTrace(err());
        }
        err().flush();
        return exitCode;
    }
}
