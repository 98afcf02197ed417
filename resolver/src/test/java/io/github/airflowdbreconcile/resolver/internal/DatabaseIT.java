package io.github.airflowdbreconcile.resolver.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import io.github.airflowdbreconcile.resolver.PostgresServer;
import io.github.airflowdbreconcile.resolver.api.CurrentState;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DatabaseIT {
    @RegisterExtension
    static final PostgresServer pg = PostgresServer.perClass();
    private final Log log = new Log(new PrintWriter(Writer.nullWriter()), false);

    private Database database(String url, Duration timeout) {
        return new Database(DatabaseUrl.parse(url), null, timeout, log);
    }

    private CurrentState read() {
        return database(pg.sqlAlchemyUrl(), Duration.ofSeconds(10)).readState();
    }

    @Test
    void shouldReadAFreshDatabaseWithoutTheTable() {
        pg.dropAlembicVersion();
        assertTrue(read().isFresh());
    }

    @Test
    void shouldReadAnEmptyTableAsFresh() {
        pg.alembicVersion();
        assertTrue(read().isFresh());
    }

    @Test
    void shouldReadTheOneRow() {
        pg.alembicVersion("29ce7909c52b");
        assertEquals("29ce7909c52b", read().revision());
    }

    @Test
    void shouldReadEveryRowOfABranchedDatabase() {
        pg.alembicVersion("b", "a");
        CurrentState state = read();
        assertTrue(state.hasSeveralHeads());
        assertEquals(List.of("a", "b"), state.revisions());
    }

    @Test
    void shouldReadGarbageAsItIs() {
        pg.alembicVersion(" not-a-revision; ");
        assertEquals("not-a-revision;", read().revision());
    }

    @Test
    void shouldTimeOutOnAnUnreachableDatabaseAndMaskItsPassword() {
        Database unreachable = database("postgresql://airflow:s3cret@127.0.0.1:" + PostgresServer.freePort()
                + "/airflow", Duration.ofSeconds(2));
        long start = System.nanoTime();
        ReconcileException e = assertThrows(ReconcileException.class, unreachable::readState);
        assertEquals(ErrorCode.TIMEOUT, e.code());
        assertTrue(e.getMessage().contains("within 2 s"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(30)) < 0);
    }

    @Test
    void shouldFailAtOnceOnAWrongPassword() {
        Database wrong = database("postgresql://airflow:wrong@127.0.0.1:" + pg.port() + "/airflow",
                Duration.ofSeconds(60));
        ReconcileException e = assertThrows(ReconcileException.class, wrong::readState);
        assertEquals(ErrorCode.DATABASE, e.code());
        assertTrue(e.getMessage().contains("password"), e.getMessage());
        assertFalse(e.getMessage().contains("wrong@"), e.getMessage());
    }

    @Test
    void shouldKeepTheSessionAliveAsLibpqWouldWithTheUrlsKeepaliveSettings() throws Exception {
        try (Connection byDefault = database(pg.sqlAlchemyUrl(), Duration.ofSeconds(10)).connect()) {
            assertEquals("02", keepaliveTimer()[0], "libpq's default: keepalive on");
        }
        try (Connection off = database(pg.sqlAlchemyUrl() + "?keepalives=0", Duration.ofSeconds(10)).connect()) {
            assertEquals("00", keepaliveTimer()[0], "keepalives=0 turns it off");
        }
        try (Connection tuned = database(pg.sqlAlchemyUrl() + "?keepalives=1&keepalives_idle=30&keepalives_interval=5"
                + "&keepalives_count=3", Duration.ofSeconds(10)).connect()) {
            String[] timer = keepaliveTimer();
            assertEquals("02", timer[0]);
            // The first probe is due within keepalives_idle, not the system's two hours (in USER_HZ ticks of 1/100 s).
            assertTrue(Long.parseLong(timer[1], 16) <= 30 * 100, "first probe in " + timer[1] + " ticks");
        }
    }

    /**
     * The timer of this JVM's one open connection to the server, from Linux's /proc/net/tcp (tcp6 for the JVM's
     * dual-stack sockets): {@code 02} and the ticks until the next probe when keepalive is on, {@code 00} when no
     * timer runs.
     */
    private static String[] keepaliveTimer() throws Exception {
        String port = String.format(":%04X", pg.port());
        List<String> lines = new ArrayList<>();
        for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> table = Files.readAllLines(Path.of(file));
            lines.addAll(table.subList(1, table.size()));
        }
        List<String[]> mine = lines.stream()
                .map(line -> line.strip().split("\\s+"))
                .filter(fields -> fields[2].endsWith(port) && fields[3].equals("01"))
                .toList();
        assertEquals(1, mine.size(), "one established connection to the server");
        return mine.get(0)[5].split(":");
    }

    @Test
    void shouldKeepASecondReconcileOutWhileTheLockIsHeld() throws Exception {
        Database db = database(pg.sqlAlchemyUrl(), Duration.ofSeconds(1));
        try (Connection first = db.connect();
             AdvisoryLock held = AdvisoryLock.acquire(first, DatabaseUrl.Kind.POSTGRESQL, Duration.ofSeconds(1), log);
             Connection second = db.connect()) {
            ReconcileException e = assertThrows(ReconcileException.class,
                    () -> AdvisoryLock.acquire(second, DatabaseUrl.Kind.POSTGRESQL, Duration.ofSeconds(1), log));
            assertEquals(ErrorCode.TIMEOUT, e.code());
        }
        try (Connection again = db.connect();
             AdvisoryLock lock = AdvisoryLock.acquire(again, DatabaseUrl.Kind.POSTGRESQL, Duration.ofSeconds(1), log)) {
            assertTrue(again.isValid(1));
        }
    }
}
