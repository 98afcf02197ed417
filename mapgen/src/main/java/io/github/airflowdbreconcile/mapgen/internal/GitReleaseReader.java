package io.github.airflowdbreconcile.mapgen.internal;

import io.github.airflowdbreconcile.map.api.AirflowVersion;
import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import io.github.airflowdbreconcile.map.api.Source;
import io.github.airflowdbreconcile.map.api.Urls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Reads the migrations of release tags straight from a repository's object database: no checkout, one
 * {@link ObjectReader} for the whole run, and each distinct blob parsed once however many tags share it.
 */
public final class GitReleaseReader {
    /** The 3.x layout first: a tag has one or the other. */
    private static final List<String> MIGRATION_FOLDERS =
            List.of("airflow-core/src/airflow/migrations/versions", "airflow/migrations/versions");
    public static final String RELEASE_TAGS = "\\d+\\.\\d+\\.\\d+";
    public static final String RELEASE_AND_PRE_RELEASE_TAGS = "\\d+\\.\\d+\\.\\d+((a|b|rc)\\d+)?";

    private final Progress progress;
    private final Path cacheDir;

    public GitReleaseReader(Progress progress, Path cacheDir) {
        this.progress = progress;
        this.cacheDir = cacheDir;
    }

    /**
     * @param location    a local repository (bare or not) or a URL, cloned bare into the cache folder
     * @param tagPattern  tag names to read, whole-name match
     * @param preReleases whether tags that name a pre-release are read
     */
    public void read(String location, Pattern tagPattern, boolean preReleases, MapBuilder builder) {
        try (Repository repository = open(location);
             ObjectReader reader = repository.newObjectReader();
             RevWalk walk = new RevWalk(reader)) {
            Map<AirflowVersion, ReleaseTag> tags = releaseTags(repository, tagPattern, preReleases);
            if (tags.isEmpty()) {
                throw new ReconcileException(ErrorCode.USAGE, "no tag of " + Urls.mask(location) + " matches `"
                        + tagPattern.pattern() + "`" + (preReleases ? "" : " as a final release")
                        + ": pass --tags with a pattern that selects release tags");
            }
            Map<ObjectId, MigrationFile> parsed = new HashMap<>();
            progress.start("reading tags", tags.size());
            int done = 0;
            for (Map.Entry<AirflowVersion, ReleaseTag> tag : tags.entrySet()) {
                String name = tag.getValue().name();
                RevCommit commit = walk.parseCommit(tag.getValue().commit());
                try {
                    builder.add(snapshot(reader, tag.getKey(), name, commit, parsed));
                } catch (ReconcileException e) {
                    builder.problem(e);
                }
                progress.step(++done, name);
            }
        } catch (IOException e) {
            throw new ReconcileException(ErrorCode.GIT, "cannot read git repository " + Urls.mask(location) + ": "
                    + maskedMessage(e, location), e);
        }
    }

    private ReleaseSnapshot snapshot(ObjectReader reader, AirflowVersion version, String tag, RevCommit commit,
                                     Map<ObjectId, MigrationFile> parsed) throws IOException {
        String where = "tag " + tag;
        for (String folder : MIGRATION_FOLDERS) {
            try (TreeWalk dir = TreeWalk.forPath(reader, folder, commit.getTree())) {
                if (dir == null || !dir.isSubtree()) {
                    continue;
                }
                List<MigrationFile> files = new ArrayList<>();
                try (TreeWalk entries = new TreeWalk(reader)) {
                    entries.addTree(dir.getObjectId(0));
                    while (entries.next()) {
                        String name = entries.getNameString();
                        if (!isMigration(name) || entries.getFileMode(0) == FileMode.TREE) {
                            continue;
                        }
                        ObjectId blob = entries.getObjectId(0);
                        MigrationFile file = parsed.get(blob);
                        if (file == null) {
                            String text = new String(reader.open(blob, Constants.OBJ_BLOB).getCachedBytes(),
                                    StandardCharsets.UTF_8);
                            file = MigrationParser.parse(where, name, text);
                            parsed.put(blob, file);
                        }
                        files.add(file.name().equals(name) ? file : file.named(name));
                    }
                }
                return new ReleaseSnapshot(version, new Source(version, Source.GIT, tag, commit.getName()), where,
                        files);
            }
        }
        throw new ReconcileException(ErrorCode.REVISION_GRAPH, where + ": has no migration folder ("
                + String.join(" or ", MIGRATION_FOLDERS) + ")");
    }

    static boolean isMigration(String name) {
        return name.endsWith(".py") && !name.equals("__init__.py");
    }

    /** A release tag and the commit it names, annotated tags peeled. */
    private record ReleaseTag(String name, ObjectId commit) {}

    private static Map<AirflowVersion, ReleaseTag> releaseTags(Repository repository, Pattern tagPattern,
                                                               boolean preReleases) throws IOException {
        Map<AirflowVersion, ReleaseTag> tags = new TreeMap<>();
        for (Ref ref : repository.getRefDatabase().getRefsByPrefix(Constants.R_TAGS)) {
            String name = ref.getName().substring(Constants.R_TAGS.length());
            if (!tagPattern.matcher(name).matches()) {
                continue;
            }
            AirflowVersion version;
            try {
                version = AirflowVersion.parse(name);
            } catch (ReconcileException e) {
                throw new ReconcileException(ErrorCode.USAGE, "tag " + name + " matches --tags `" + tagPattern.pattern()
                        + "` but is not an Airflow version: narrow the pattern");
            }
            if (version.isPreRelease() && !preReleases) {
                continue;
            }
            Ref peeled = repository.getRefDatabase().peel(ref);
            ObjectId commit = peeled.getPeeledObjectId() != null ? peeled.getPeeledObjectId() : peeled.getObjectId();
            ReleaseTag other = tags.put(version, new ReleaseTag(name, commit));
            if (other != null) {
                throw new ReconcileException(ErrorCode.USAGE, "tags " + other.name() + " and " + name
                        + " both name Airflow " + version + ": narrow --tags to one of them");
            }
        }
        return tags;
    }

    private Repository open(String location) throws IOException {
        if (looksLikeUrl(location)) {
            return new FileRepositoryBuilder().setGitDir(cloneOrFetch(location).toFile()).setMustExist(true).build();
        }
        Path local = Path.of(location);
        if (!Files.isDirectory(local)) {
            throw new ReconcileException(ErrorCode.USAGE, "git repository " + location
                    + " does not exist: pass a local clone of apache/airflow or its URL");
        }
        FileRepositoryBuilder found = new FileRepositoryBuilder().findGitDir(local.toFile());
        if (found.getGitDir() == null) {
            found = new FileRepositoryBuilder().setGitDir(local.toFile());
        }
        Repository repository = found.setMustExist(true).build();
        if (!repository.getObjectDatabase().exists()) {
            repository.close();
            throw new ReconcileException(ErrorCode.USAGE, location + " is not a git repository: pass a clone of "
                    + "apache/airflow or its URL");
        }
        return repository;
    }

    /**
     * Clones {@code url} bare into the cache, or fetches its tags into the clone already there; the clone's folder. The
     * repository JGit opens for that is closed here, also when the fetch fails.
     */
    private Path cloneOrFetch(String url) throws IOException {
        Path target = cacheDir.resolve(cacheName(url));
        boolean alreadyCloned = Files.isDirectory(target.resolve("objects"));
        try {
            if (alreadyCloned) {
                progress.info("fetching tags of " + Urls.mask(url) + " into " + target);
                try (Git git = Git.open(target.toFile())) {
                    git.fetch().setRemote(url).setRefSpecs(new RefSpec("+refs/tags/*:refs/tags/*")).call();
                }
            } else {
                progress.info("cloning " + Urls.mask(url) + " (bare) into " + target);
                Files.createDirectories(cacheDir);
                Git.cloneRepository().setURI(url).setBare(true).setDirectory(target.toFile()).call().close();
            }
            return target;
        } catch (GitAPIException | org.eclipse.jgit.errors.RepositoryNotFoundException e) {
            throw new ReconcileException(ErrorCode.GIT, "cannot " + (alreadyCloned ? "fetch" : "clone") + " "
                    + Urls.mask(url) + ": " + maskedMessage(e, url), e);
        }
    }

    static boolean looksLikeUrl(String location) {
        return location.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*") || location.matches("^[^/]+@[^/:]+:.*");
    }

    /** A cache folder per URL that never holds the credentials themselves. */
    private static String cacheName(String url) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(url.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8) + ".git";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** JGit puts URLs, credentials included, into its messages. */
    private static String maskedMessage(Exception e, String url) {
        return Urls.maskAll(String.valueOf(e.getMessage()).replace(url, Urls.mask(url)));
    }
}
