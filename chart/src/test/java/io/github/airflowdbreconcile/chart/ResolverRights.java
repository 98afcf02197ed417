package io.github.airflowdbreconcile.chart;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Kubernetes rights the resolver needs, from resolver/README.md's permission table (one row per API group,
 * resource and verb, with the uses that need it); the resolver's KubernetesIT holds that table to the calls it makes.
 */
final class ResolverRights {

    /** A table row: | core or `group` | `resource` | `verb` | `use`, `use` | why |. */
    private static final Pattern ROW = Pattern.compile("^\\| (core|`[a-z.]+`) \\| `([a-z/]+)` \\| `([a-z]+)` \\| ([^|]+) \\|");

    private ResolverRights() {
    }

    /** The rights of these uses, as group:resource:verb (the core group empty), like an RBAC rule spells them. */
    static Set<String> of(Set<String> uses) {
        Set<String> rights = new TreeSet<>();
        for (String line : readme().lines().toList()) {
            Matcher row = ROW.matcher(line);
            if (row.find() && uses.stream().anyMatch(use -> row.group(4).contains("`" + use + "`"))) {
                String group = row.group(1).equals("core") ? "" : row.group(1).replace("`", "");
                rights.add(group + ":" + row.group(2) + ":" + row.group(3));
            }
        }
        return rights;
    }

    private static String readme() {
        Path readme = Path.of(System.getProperty("resolver.readme", "../resolver/README.md"));
        try {
            return Files.readString(readme, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
