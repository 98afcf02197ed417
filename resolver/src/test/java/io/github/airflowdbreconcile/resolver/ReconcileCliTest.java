package io.github.airflowdbreconcile.resolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.airflowdbreconcile.map.api.RevisionMap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReconcileCliTest {
    @TempDir
    Path dir;
    private String map;

    @BeforeEach
    void writeMap() {
        map = TestMaps.realisticFile(dir).toString();
    }

    @Test
    void shouldPrintTheContractedJsonPlanForAWhatIfRollback() throws Exception {
        CliRun run = CliRun.of("plan", "--map", map, "--current-version", "3.1.0", "--target-version", "3.0.6",
                "--output", "json");
        assertEquals(0, run.exit(), run.err());
        JsonNode plan = run.json();
        List<String> fields = new ArrayList<>();
        plan.fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("action", "currentRevision", "currentVersions", "targetVersion", "targetRevision",
                "revisionsToUndo", "floor", "reason", "dataLoss", "unreadableAfterDowngrade"), fields);
        assertEquals("downgrade", plan.get("action").asText());
        assertEquals("r310", plan.get("currentRevision").asText());
        assertEquals("[\"3.1.0\",\"3.1.1\"]", plan.get("currentVersions").toString());
        assertEquals("3.0.6", plan.get("targetVersion").asText());
        assertEquals("r306", plan.get("targetRevision").asText());
        assertEquals("[{\"revision\":\"r310\",\"description\":\"Add dag_favorite table\"},"
                + "{\"revision\":\"r310a\",\"description\":\"Add hitl_detail table\"}]",
                plan.get("revisionsToUndo").toString());
        assertEquals("squash", plan.get("floor").asText());
        assertTrue(plan.get("reason").isNull());
        // Without a database what the downgrade drops is named, not counted.
        assertEquals("{\"tables\":[{\"table\":\"dag_favorite\",\"rows\":null,\"estimated\":false},"
                + "{\"table\":\"mysql_only_stats\",\"rows\":null,\"estimated\":false},"
                + "{\"table\":\"hitl_detail\",\"rows\":null,\"estimated\":false}],"
                + "\"columns\":[{\"table\":\"dag_run\",\"column\":\"triggering_user_name\",\"values\":null}],"
                + "\"notAnalysed\":[\"r310a\"]}", plan.get("dataLoss").toString());
        assertEquals("serialized_dag", plan.get("unreadableAfterDowngrade").get(0).get("table").asText());
    }

    @Test
    void shouldSayWhatADowngradeDropsInAWhatIfTextPlan() {
        CliRun run = CliRun.of("plan", "--map", map, "--current-revision", "r300", "--target-version", "2.10.5");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("data loss: will drop 2 tables and 1 columns, not counted without a database"
                + " (0 revisions not analysed)\n  table  asset\n  table  asset_alias\n"
                + "  column task_instance.dag_version_id\n"), run.out());
    }

    @Test
    void shouldRefuseARowLimitWithoutADatabaseToCountOn() {
        CliRun run = CliRun.of("plan", "--map", map, "--current-version", "3.1.0", "--target-version", "3.0.6",
                "--max-rows-lost", "10");
        assertEquals(ExitCodes.USAGE, run.exit(), run.err());
        assertEquals("airflow-db-reconcile: --max-rows-lost needs the rows counted on the database: give --db-url,"
                + " --db-url-file or --db-url-env", run.err().strip());
        CliRun negative = CliRun.of("plan", "--map", map, "--current-version", "3.1.0", "--target-version", "3.0.6",
                "--max-rows-lost", "-1");
        assertEquals(ExitCodes.USAGE, negative.exit(), negative.err());
        assertEquals("airflow-db-reconcile: --max-rows-lost -1: give 0 or more", negative.err().strip());
    }

    @Test
    void shouldPrintATextPlanWithTheRevisionsToUndo() {
        CliRun run = CliRun.of("plan", "--map", map, "--current-revision", "r300", "--target-version", "2.10.5");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("action:   downgrade"), run.out());
        assertTrue(run.out().contains("r300  Add asset tables"), run.out());
        assertTrue(run.out().contains("graph:    Airflow 3.0.0's revisions (floor squash)"), run.out());
    }

    @Test
    void shouldExitFourForARevisionTheMapDoesNotKnow() throws Exception {
        CliRun run = CliRun.of("plan", "--map", map, "--current-revision", "0123456789ab", "--target-version",
                "3.0.6", "--output", "json");
        assertEquals(ExitCodes.UNKNOWN_REVISION, run.exit());
        assertEquals("refuse", run.json().get("action").asText());
        assertTrue(run.json().get("reason").asText().contains("0123456789ab"));
    }

    @Test
    void shouldExitFiveBelowTheFloorAndForAnUnknownTarget() throws Exception {
        CliRun floor = CliRun.of("plan", "--map", map, "--current-version", "3.1.0", "--target-version", "2.6.2",
                "--output", "json");
        assertEquals(ExitCodes.IMPOSSIBLE, floor.exit());
        assertTrue(floor.json().get("reason").asText().contains("2.7.0"));
        CliRun unknown = CliRun.of("plan", "--map", map, "--current-version", "3.1.0", "--target-version", "3.9.0");
        assertEquals(ExitCodes.IMPOSSIBLE, unknown.exit());
        assertTrue(unknown.out().contains("upgrade airflow-db-reconcile"), unknown.out());
    }

    @Test
    void shouldRefuseToServeADeployedVersionTheMapDoesNotKnowInOneLineBeforeListening() {
        CliRun run = CliRun.of("serve", "--map", map, "--deployed-version", "3.9.0", "--db-url",
                "postgresql://airflow:s3cret@127.0.0.1:1/airflow", "--port", "0");
        assertEquals(ExitCodes.IMPOSSIBLE, run.exit());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().contains("deployed Airflow 3.9.0 is not in the revision map"), run.err());
    }

    @Test
    void shouldExitFiveInOneLineWhenTheRunningReleaseHasNoDowngradeCommand() {
        CliRun run = CliRun.of("plan", "--map", map, "--current-version", "2.2.5", "--target-version", "2.0.0",
                "--output", "json");
        assertEquals(ExitCodes.IMPOSSIBLE, run.exit(), run.err());
        String reason = run.json().get("reason").asText();
        assertTrue(reason.startsWith("Airflow 2.2.5, which would run the downgrade, has no `airflow db downgrade`"
                + " (the first release with it is 2.3.0): restore a database backup taken at Airflow 2.0.0"), reason);
        assertEquals(1, reason.lines().count(), reason);
    }

    @Test
    void shouldExitFourForACurrentVersionTheMapDoesNotKnow() {
        CliRun run = CliRun.of("plan", "--map", map, "--current-version", "1.10.15", "--target-version", "3.0.6");
        assertEquals(ExitCodes.UNKNOWN_REVISION, run.exit());
        assertTrue(run.err().contains("1.10.15"), run.err());
    }

    @Test
    void shouldExitTwoForAVersionStringThatIsNoVersion() {
        CliRun run = CliRun.of("plan", "--map", map, "--current-version", "3.1.0", "--target-version", "three");
        assertEquals(ExitCodes.USAGE, run.exit());
        assertTrue(run.err().contains("three"), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
    }

    @Test
    void shouldExitTwoForAVersionNumberTooLargeForAnyRelease() {
        CliRun run = CliRun.of("plan", "--map", map, "--current-version", "3.1.0", "--target-version",
                "99999999999");
        assertEquals(ExitCodes.USAGE, run.exit());
        assertTrue(run.err().startsWith("airflow-db-reconcile: '99999999999' is not a version"), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
    }

    @Test
    void shouldRefuseAMapWithoutAnyReleaseInOneLine() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.json"), "{\"format\": " + RevisionMap.FORMAT + ", \"generator\": {\"name\":"
                + " \"mapgen\", \"version\": \"1\"}, \"sources\": [], \"versions\": {}, \"revisions\": {}}");
        CliRun run = CliRun.of("plan", "--map", empty.toString(), "--current-revision", "r306",
                "--target-version", "3.0.6");
        assertEquals(ExitCodes.FAILURE, run.exit());
        assertTrue(run.err().startsWith("airflow-db-reconcile: map " + empty + " lists no release"), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
    }

    @Test
    void shouldExitTwoWithoutACurrentStateOrWithTwo() {
        CliRun none = CliRun.of("plan", "--map", map, "--target-version", "3.0.6");
        assertEquals(ExitCodes.USAGE, none.exit());
        assertTrue(none.err().contains("--db-url"), none.err());
        CliRun two = CliRun.of("plan", "--map", map, "--target-version", "3.0.6", "--current-revision", "r306",
                "--db-url", "postgresql://u:s3cret@db/airflow");
        assertEquals(ExitCodes.USAGE, two.exit());
        assertTrue(!two.err().contains("s3cret"), two.err());
    }

    @Test
    void shouldNotLetRunTakeAWhatIf() {
        CliRun run = CliRun.of("run", "--map", map, "--target-version", "3.0.6", "--current-revision", "r306");
        assertEquals(ExitCodes.USAGE, run.exit());
    }

    @Test
    void shouldMaskTheUrlOfAMalformedDatabaseUrl() {
        CliRun run = CliRun.of("plan", "--map", map, "--target-version", "3.0.6", "--db-url",
                "postgresql://airflow:s3cret@db:port/airflow");
        assertEquals(ExitCodes.USAGE, run.exit());
        assertTrue(run.err().contains("postgresql://airflow:***@db:port/airflow"), run.err());
    }

    @Test
    void shouldSayWhenTheDbUrlVariableIsUnset() {
        CliRun run = CliRun.of("plan", "--map", map, "--target-version", "3.0.6", "--db-url-env",
                "AIRFLOW_DB_RECONCILE_TEST_UNSET");
        assertEquals(ExitCodes.USAGE, run.exit());
        assertTrue(run.err().contains("AIRFLOW_DB_RECONCILE_TEST_UNSET is not set"), run.err());
    }

    @Test
    void shouldNotTakeAMissingUrlForAFreshDatabaseWithoutAReleaseToLookAt() {
        CliRun run = CliRun.of("run", "--map", map, "--target-version", "3.0.6", "--db-url-env",
                "AIRFLOW_DB_RECONCILE_TEST_UNSET", "--missing-url-means-fresh", "--output", "json");
        assertEquals(ExitCodes.USAGE, run.exit(), run.err());
        assertTrue(run.err().contains("--missing-url-means-fresh needs --release"), run.err());
        assertEquals("", run.out());
    }

    @Test
    void shouldRefuseAMapOfAnotherFormatInOneLineSayingWhatToDo() throws Exception {
        Path old = Files.writeString(dir.resolve("airflow-3.1.8.json"), Files.readString(Path.of(map))
                .replaceFirst("\"format\" : 2", "\"format\" : 1"));
        CliRun run = CliRun.of("plan", "--map", old.toString(), "--current-revision", "r306",
                "--target-version", "3.0.6");
        assertEquals(ExitCodes.FAILURE, run.exit());
        assertEquals("airflow-db-reconcile: map " + old + " has format 1; this build reads format 2: use the map this"
                + " release ships (maps/, the chart's files/revision-map.json) or regenerate it with this release's"
                + " mapgen\n", run.err());
    }

    @Test
    void shouldNameAMissingMapFile() {
        CliRun run = CliRun.of("plan", "--map", dir.resolve("nope.json").toString(), "--current-revision", "r306",
                "--target-version", "3.0.6");
        assertEquals(ExitCodes.FAILURE, run.exit());
        assertTrue(run.err().contains("nope.json"), run.err());
    }

    @Test
    void shouldRefuseAnInconsistentMap() throws Exception {
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, Files.readString(Path.of(map)).replace("\"head\" : \"r306\"", "\"head\" : \"r310\""));
        CliRun run = CliRun.of("plan", "--map", broken.toString(), "--current-revision", "r306",
                "--target-version", "3.0.6");
        assertEquals(ExitCodes.FAILURE, run.exit());
        assertTrue(run.err().contains("inconsistent"), run.err());
    }

    @Test
    void shouldDocumentTheExitCodesInHelp() {
        CliRun run = CliRun.of("run", "--help");
        assertEquals(0, run.exit());
        assertTrue(run.out().contains("Exit codes:") && run.out().contains("6   timed out")
                && run.out().contains("7   the downgrade may still run"), run.out());
    }

    @Test
    void shouldWaitLongerForStoppedPodsThanTheOfficialChartGivesCeleryWorkersToFinish() {
        for (String command : List.of("run", "restore")) {
            String timeout = ReconcileCli.cli().getSubcommands().get(command).getCommandSpec()
                    .findOption("--pod-timeout").defaultValue();
            assertTrue(Integer.parseInt(timeout) > 600, command + " --pod-timeout defaults to " + timeout);
        }
    }

    @Test
    void shouldAskForACommand() {
        assertEquals(ExitCodes.USAGE, CliRun.of().exit());
    }
}
