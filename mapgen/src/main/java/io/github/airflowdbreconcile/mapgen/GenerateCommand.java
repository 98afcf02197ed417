package io.github.airflowdbreconcile.mapgen;

import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import io.github.airflowdbreconcile.map.api.RevisionMap;
import io.github.airflowdbreconcile.map.api.RevisionMapJson;
import io.github.airflowdbreconcile.mapgen.internal.ArchiveReleaseReader;
import io.github.airflowdbreconcile.mapgen.internal.BaseMapReader;
import io.github.airflowdbreconcile.mapgen.internal.GitReleaseReader;
import io.github.airflowdbreconcile.mapgen.internal.MapBuilder;
import io.github.airflowdbreconcile.mapgen.internal.Progress;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "generate", description = "Writes the revision map of the releases in a git repository or in release"
        + " archives.")
final class GenerateCommand extends BaseCommand {
    static final class Input {
        @Option(names = "--git", paramLabel = "PATH|URL", description = "A clone of apache/airflow, or its URL (cloned"
                + " bare into --cache-dir). Tags are read without a checkout.")
        String git;

        @Option(names = "--archive", paramLabel = "FILE|DIR", arity = "1..*", description = "apache-airflow (2.x) or"
                + " apache-airflow-core (3.x) wheels and sdists, or folders of them.")
        List<Path> archives;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Option(names = "--output", required = true, paramLabel = "FILE", description = "Where to write the map.")
    Path output;

    @Option(names = "--base", paramLabel = "MAP", description = "An existing map to add the releases to.")
    Path base;

    @Option(names = "--tags", paramLabel = "REGEX", description = "Tag names to read (whole-name match; default: "
            + "X.Y.Z, with --include-prereleases also rc/beta/alpha tags).")
    String tags;

    @Option(names = "--include-prereleases", description = "Also read release candidates and betas.")
    boolean preReleases;

    @Option(names = "--lenient", description = "Record broken migrations and releases as warnings in the map and leave"
            + " them out, instead of failing.")
    boolean lenient;

    @Option(names = "--quiet", description = "No progress on stderr.")
    boolean quiet;

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "Where URLs are cloned (default:"
            + " ~/.cache/airflow-db-reconcile/git).")
    Path cacheDir = Path.of(System.getProperty("user.home"), ".cache", "airflow-db-reconcile", "git");

    @Override
    int run() {
        Progress progress = new Progress(err(), quiet, System.console() != null);
        MapBuilder builder = new MapBuilder(MapgenVersion.generator(), lenient);
        if (base != null) {
            BaseMapReader.addTo(RevisionMapJson.read(base), base.toString(), builder);
        }
        if (input.git != null) {
            new GitReleaseReader(progress, cacheDir).read(input.git, tagPattern(), preReleases, builder);
        } else {
            new ArchiveReleaseReader(progress).read(input.archives, builder);
        }
        RevisionMap map = builder.build();
        RevisionMapJson.write(map, output);
        progress.info("wrote " + output + ": " + map.versions().size() + " releases, " + map.revisions().size()
                + " revisions" + (map.warnings().isEmpty() ? "" : ", " + map.warnings().size() + " warnings"));
        map.warnings().forEach(warning -> progress.info("warning: " + warning));
        return ExitCodes.OK;
    }

    private Pattern tagPattern() {
        String regex = tags != null ? tags
                : preReleases ? GitReleaseReader.RELEASE_AND_PRE_RELEASE_TAGS : GitReleaseReader.RELEASE_TAGS;
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new ReconcileException(ErrorCode.USAGE, "--tags `" + tags + "` is not a regular expression ("
                    + e.getDescription() + "): pass a Java regex such as '2\\.10\\.\\d+'");
        }
    }
}
