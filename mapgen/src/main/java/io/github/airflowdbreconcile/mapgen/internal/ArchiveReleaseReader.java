package io.github.airflowdbreconcile.mapgen.internal;

import io.github.airflowdbreconcile.map.api.AirflowVersion;
import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import io.github.airflowdbreconcile.map.api.Source;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Reads release archives of {@code apache-airflow} (2.x) and {@code apache-airflow-core} (3.x): wheels and sdists. The
 * release is the one the archive's own METADATA or PKG-INFO names, whatever the file is called.
 */
public final class ArchiveReleaseReader {
    private static final Pattern MIGRATION = Pattern.compile("(?:^|/)airflow/migrations/versions/([^/]+\\.py)$");
    private static final Pattern DB_MODULE = Pattern.compile("(?:^|/)airflow/utils/db\\.py$");
    private static final Pattern WHEEL_METADATA = Pattern.compile("^[^/]+\\.dist-info/METADATA$");
    private static final Pattern SDIST_METADATA = Pattern.compile("^[^/]+/PKG-INFO$");
    private static final Pattern FIELD = Pattern.compile("^(Name|Version):\\s*(\\S+)\\s*$", Pattern.MULTILINE);
    private static final List<String> PACKAGES = List.of("apache-airflow", "apache-airflow-core");

    private final Progress progress;

    public ArchiveReleaseReader(Progress progress) {
        this.progress = progress;
    }

    /** What one archive holds. {@code dbModule} is the text of airflow/utils/db.py, or null. */
    public record Contents(Path file, String packageName, AirflowVersion version, String digest,
                           Map<String, String> migrations, String dbModule) {}

    /** The archives named, folders expanded to the wheels and sdists directly inside them, in name order. */
    public static List<Path> expand(List<Path> locations) {
        List<Path> archives = new ArrayList<>();
        for (Path location : locations) {
            if (Files.isDirectory(location)) {
                try (Stream<Path> inside = Files.list(location)) {
                    List<Path> found = inside.filter(ArchiveReleaseReader::isArchive).sorted().toList();
                    if (found.isEmpty()) {
                        throw new ReconcileException(ErrorCode.USAGE, "folder " + location
                                + " holds no .whl or .tar.gz archive: download the apache-airflow(-core) releases first");
                    }
                    archives.addAll(found);
                } catch (IOException e) {
                    throw new ReconcileException(ErrorCode.IO, "cannot list " + location + ": " + e.getMessage(), e);
                }
            } else if (Files.isRegularFile(location) && isArchive(location)) {
                archives.add(location);
            } else if (Files.isRegularFile(location)) {
                throw new ReconcileException(ErrorCode.USAGE, "archive " + location
                        + " is neither a wheel (.whl) nor an sdist (.tar.gz)");
            } else {
                throw new ReconcileException(ErrorCode.USAGE, "archive " + location + " does not exist");
            }
        }
        return archives;
    }

    private static boolean isArchive(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".whl") || name.endsWith(".tar.gz");
    }

    public void read(List<Path> locations, MapBuilder builder) {
        List<Path> archives = expand(locations);
        Map<AirflowVersion, Contents> byVersion = new TreeMap<>();
        progress.start("reading archives", archives.size());
        int done = 0;
        for (Path archive : archives) {
            try {
                Contents contents = read(archive);
                if (contents.migrations().isEmpty()) {
                    throw new ReconcileException(ErrorCode.ARCHIVE, "archive " + archive.getFileName() + ": "
                            + contents.packageName() + " " + contents.version() + " ships no airflow/migrations/versions"
                            + (contents.version().major() >= 3 ? " (from 3.0 the migrations are in apache-airflow-core)"
                            : ""));
                }
                Contents other = byVersion.putIfAbsent(contents.version(), contents);
                if (other != null && !other.migrations().equals(contents.migrations())) {
                    throw new ReconcileException(ErrorCode.ARCHIVE, "archives " + other.file().getFileName() + " and "
                            + archive.getFileName() + " both hold Airflow " + contents.version()
                            + " but their migrations differ: pass one of them");
                }
            } catch (ReconcileException e) {
                builder.problem(e);
            }
            progress.step(++done, archive.getFileName().toString());
        }
        // Most files are shipped unchanged by many releases: each distinct text is parsed once, as the git reader does.
        Map<String, MigrationFile> parsed = new HashMap<>();
        for (Contents contents : byVersion.values()) {
            String where = "archive " + contents.file().getFileName();
            try {
                List<MigrationFile> files = new ArrayList<>();
                contents.migrations().forEach((name, text) -> {
                    MigrationFile file = parsed.get(text);
                    if (file == null) {
                        file = MigrationParser.parse(where, name, text);
                        parsed.put(text, file);
                    }
                    files.add(file.name().equals(name) ? file : file.named(name));
                });
                builder.add(new ReleaseSnapshot(contents.version(), new Source(contents.version(), Source.ARCHIVE,
                        contents.file().getFileName().toString(), contents.digest()), where, files));
            } catch (ReconcileException e) {
                builder.problem(e);
            }
        }
    }

    /** Reads one wheel or sdist. */
    public static Contents read(Path archive) {
        try {
            Contents contents = archive.getFileName().toString().endsWith(".whl") ? readWheel(archive)
                    : readSdist(archive);
            if (!PACKAGES.contains(contents.packageName())) {
                throw new ReconcileException(ErrorCode.ARCHIVE, "archive " + archive.getFileName() + " holds "
                        + contents.packageName() + ", not apache-airflow (2.x) or apache-airflow-core (3.x)");
            }
            return contents;
        } catch (IOException e) {
            throw new ReconcileException(ErrorCode.ARCHIVE, "cannot read archive " + archive + ": " + e.getMessage()
                    + " (is it a complete download?)", e);
        }
    }

    private static Contents readWheel(Path archive) throws IOException {
        Entries entries = new Entries(WHEEL_METADATA, "METADATA");
        try (ZipFile zip = ZipFile.builder().setPath(archive).get()) {
            for (ZipArchiveEntry entry : Collections.list(zip.getEntries())) {
                if (!entry.isDirectory()) {
                    entries.accept(entry.getName(), () -> zip.getInputStream(entry));
                }
            }
        }
        return entries.contents(archive, sha256(archive));
    }

    private static Contents readSdist(Path archive) throws IOException {
        Entries entries = new Entries(SDIST_METADATA, "PKG-INFO");
        MessageDigest digest = sha256();
        try (InputStream file = new DigestInputStream(new BufferedInputStream(Files.newInputStream(archive)), digest);
             TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(file))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (entry.isFile()) {
                    entries.accept(entry.getName(), () -> tar);
                }
            }
            file.transferTo(OutputStream.nullOutputStream());
        }
        return entries.contents(archive, "sha256:" + HexFormat.of().formatHex(digest.digest()));
    }

    /** Opens an entry's content only when it is one to keep. */
    private interface Opener {
        InputStream open() throws IOException;
    }

    /** What the reading of either kind of archive keeps: migrations, metadata and db.py. */
    private static final class Entries {
        private final Pattern metadataPath;
        private final String metadataName;
        private final Map<String, String> migrations = new TreeMap<>();
        private String metadata;
        private String dbModule;

        Entries(Pattern metadataPath, String metadataName) {
            this.metadataPath = metadataPath;
            this.metadataName = metadataName;
        }

        void accept(String path, Opener open) throws IOException {
            Matcher migration = MIGRATION.matcher(path);
            if (migration.find() && GitReleaseReader.isMigration(migration.group(1))) {
                migrations.put(migration.group(1), text(open.open()));
            } else if (metadataPath.matcher(path).matches()) {
                metadata = text(open.open());
            } else if (DB_MODULE.matcher(path).find()) {
                dbModule = text(open.open());
            }
        }

        Contents contents(Path archive, String digest) {
            if (metadata == null) {
                throw new ReconcileException(ErrorCode.ARCHIVE, "archive " + archive.getFileName() + " has no "
                        + metadataName + ": pass a wheel or sdist as published on PyPI");
            }
            String name = null;
            String version = null;
            Matcher field = FIELD.matcher(header(metadata));
            while (field.find()) {
                if (field.group(1).equals("Name") && name == null) {
                    name = field.group(2).toLowerCase(Locale.ROOT).replaceAll("[-_.]+", "-");
                } else if (field.group(1).equals("Version") && version == null) {
                    version = field.group(2);
                }
            }
            if (name == null || version == null) {
                throw new ReconcileException(ErrorCode.ARCHIVE, "archive " + archive.getFileName() + ": its "
                        + metadataName + " names no Name or Version");
            }
            return new Contents(archive, name, AirflowVersion.parse(version), digest, migrations, dbModule);
        }
    }

    /** Metadata headers end at the first blank line; the long description after it may quote anything. */
    private static String header(String metadata) {
        String text = metadata.replace("\r\n", "\n");
        int end = text.indexOf("\n\n");
        return end < 0 ? text : text.substring(0, end);
    }

    private static String text(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest = sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return "sha256:" + HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
