package io.github.airflowdbreconcile.resolver;

import io.github.airflowdbreconcile.map.api.AirflowVersion;
import io.github.airflowdbreconcile.map.api.Effects;
import io.github.airflowdbreconcile.map.api.Generator;
import io.github.airflowdbreconcile.map.api.ParentChange;
import io.github.airflowdbreconcile.map.api.Release;
import io.github.airflowdbreconcile.map.api.Revision;
import io.github.airflowdbreconcile.map.api.RevisionMap;
import io.github.airflowdbreconcile.map.api.RevisionMapJson;
import io.github.airflowdbreconcile.map.api.TableChanges;
import io.github.airflowdbreconcile.map.api.TableColumn;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A map shaped like Airflow's history. 2.x: base200 → r225 (2.2.5, whose CLI has no {@code db downgrade}) → r262 →
 * r270a → r270 → r2103 (2.10.3 = 2.10.4 = 2.10.5), and a 2.11.0 branch r2110 that 3.x never got. 3.0.0 squashes
 * everything below 2.7 into {@code squash}, and r270a, 2.7.0's first migration, is rewritten to revise it; r300, r306,
 * then 3.1.0 adds r310a → r310 (3.1.1 adds nothing).
 *
 * <p>Effects, as mapgen reads them: undoing r310 drops table dag_favorite, column dag_run.triggering_user_name and
 * table mysql_only_stats (which a PostgreSQL database lacks); undoing r310a drops table hitl_detail and its column
 * hitl_detail.chosen_options, and its file runs raw SQL (not analysed); undoing r300 drops tables asset and
 * asset_alias and column task_instance.dag_version_id.
 */
public final class TestMaps {
    public static final String BASE = "base200";
    public static final String R225 = "r225";
    public static final String R262 = "r262";
    public static final String R270A = "r270a";
    public static final String R270 = "r270";
    public static final String R2103 = "r2103";
    public static final String R2110 = "r2110";
    public static final String SQUASH = "squash";
    public static final String R300 = "r300";
    public static final String R306 = "r306";
    public static final String R310A = "r310a";
    public static final String R310 = "r310";

    private TestMaps() {}

    public static AirflowVersion v(String version) {
        return AirflowVersion.parse(version);
    }

    public static RevisionMap realistic() {
        Map<String, Revision> revisions = new LinkedHashMap<>();
        revisions.put(BASE, revision(List.of(), "2.0.0", "Initial schema"));
        revisions.put(R225, revision(List.of(BASE), "2.2.5", "Add dag_run queued_at"));
        revisions.put(R262, revision(List.of(R225), "2.6.2", "Add dag_run notes"));
        revisions.put(R270A, new Revision(List.of(SQUASH),
                List.of(new ParentChange(v("2.7.0"), List.of(R262)), new ParentChange(v("3.0.0"), List.of(SQUASH))),
                v("2.7.0"), "2.7.0", "Add index on log.dttm", "0001_2_7_0_add_index.py", Effects.NONE));
        revisions.put(R270, revision(List.of(R270A), "2.7.0", "Drop deprecated columns"));
        revisions.put(R2103, revision(List.of(R270), "2.10.3", "Add dag_priority_parsing_request"));
        revisions.put(R2110, revision(List.of(R2103), "2.11.0", "Add deadline table (2.11 only)"));
        revisions.put(SQUASH, revision(List.of(), "3.0.0", "Squashed migrations up to 2.6.2"));
        revisions.put(R300, revision(List.of(R2103), "3.0.0", "Add asset tables", drops(List.of("asset", "asset_alias"),
                List.of(new TableColumn("task_instance", "dag_version_id")), null)));
        revisions.put(R306, revision(List.of(R300), "3.0.6", "Fix task_instance index"));
        revisions.put(R310A, revision(List.of(R306), "3.1.0", "Add hitl_detail table", drops(List.of("hitl_detail"),
                List.of(new TableColumn("hitl_detail", "chosen_options")), "op.execute with raw SQL")));
        revisions.put(R310, revision(List.of(R310A), "3.1.0", "Add dag_favorite table",
                drops(List.of("dag_favorite", "mysql_only_stats"),
                        List.of(new TableColumn("dag_run", "triggering_user_name")), null)));
        Map<AirflowVersion, Release> versions = new LinkedHashMap<>();
        versions.put(v("2.0.0"), new Release(BASE, BASE, 1));
        versions.put(v("2.2.5"), new Release(R225, BASE, 2));
        versions.put(v("2.6.2"), new Release(R262, BASE, 3));
        versions.put(v("2.7.0"), new Release(R270, BASE, 5));
        for (String v : List.of("2.10.3", "2.10.4", "2.10.5")) {
            versions.put(v(v), new Release(R2103, BASE, 6));
        }
        versions.put(v("2.11.0"), new Release(R2110, BASE, 7));
        versions.put(v("3.0.0"), new Release(R300, SQUASH, 5));
        versions.put(v("3.0.6"), new Release(R306, SQUASH, 6));
        versions.put(v("3.1.0"), new Release(R310, SQUASH, 8));
        versions.put(v("3.1.1"), new Release(R310, SQUASH, 8));
        return new RevisionMap(new Generator("test", "1"), List.of(), versions, revisions, List.of());
    }

    /** Writes {@link #realistic()} as a map file in {@code dir}. */
    public static Path realisticFile(Path dir) {
        Path file = dir.resolve("revision-map.json");
        RevisionMapJson.write(realistic(), file);
        return file;
    }

    private static Revision revision(List<String> parents, String introduced, String description) {
        return revision(parents, introduced, description, Effects.NONE);
    }

    private static Revision revision(List<String> parents, String introduced, String description, Effects effects) {
        return new Revision(parents, List.of(), v(introduced), introduced, description,
                "x_" + description.replace(' ', '_').toLowerCase() + ".py", effects);
    }

    /** A migration whose upgrade creates what its downgrade drops. */
    private static Effects drops(List<String> tables, List<TableColumn> columns, String notAnalysed) {
        TableChanges changes = new TableChanges(tables, columns);
        return new Effects(changes, changes, notAnalysed);
    }
}
