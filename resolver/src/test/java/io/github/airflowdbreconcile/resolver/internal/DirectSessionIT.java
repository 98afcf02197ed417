package io.github.airflowdbreconcile.resolver.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.airflowdbreconcile.map.api.ErrorCode;
import io.github.airflowdbreconcile.map.api.ReconcileException;
import io.github.airflowdbreconcile.resolver.PgBouncerServer;
import io.github.airflowdbreconcile.resolver.PostgresServer;
import java.io.PrintWriter;
import java.io.Writer;
import java.time.Duration;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DirectSessionIT {
    @RegisterExtension
    @Order(1)
    static final PostgresServer pg = PostgresServer.perClass();
    @RegisterExtension
    @Order(2)
    static final PgBouncerServer pgbouncer = PgBouncerServer.transactionPooling(pg);
    private final Log log = new Log(new PrintWriter(Writer.nullWriter()), false);

    private Database database(String url) {
        return new Database(DatabaseUrl.parse(url), null, Duration.ofSeconds(10), log);
    }

    private String urlOf(String database) {
        return "postgresql://" + PostgresServer.USER + ":" + PostgresServer.PASSWORD + "@127.0.0.1:" + pg.port() + "/"
                + database;
    }

    @Test
    void shouldRefusePgBouncerInTransactionModeInOneMaskedLine() {
        Database pooled = database(pgbouncer.url());
        ReconcileException e = assertThrows(ReconcileException.class, () -> DirectSession.check(pooled, pooled));
        assertEquals(ErrorCode.USAGE, e.code());
        assertTrue(e.getMessage().startsWith("database " + pooled.url() + " goes through a connection pooler"),
                e.getMessage());
        assertTrue(e.getMessage().contains("/airflow-metadata") && e.getMessage().contains("--direct-db-url-env"),
                e.getMessage());
        assertFalse(e.getMessage().contains(PostgresServer.PASSWORD), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    @Test
    void shouldAcceptTheDatabaseItselfAloneAndForAPooledUrl() {
        Database direct = database(urlOf(PostgresServer.DATABASE));
        DirectSession.check(direct, direct);
        DirectSession.check(direct, database(pgbouncer.url()));
    }

    @Test
    void shouldRefuseADirectUrlOfAnotherDatabaseThanThePoolsOne() {
        ReconcileException e = assertThrows(ReconcileException.class,
                () -> DirectSession.check(database(urlOf("postgres")), database(pgbouncer.url())));
        assertEquals(ErrorCode.USAGE, e.code());
        assertTrue(e.getMessage().contains("reaches database postgres of the server started at")
                && e.getMessage().contains("reaches database airflow of the server started at"), e.getMessage());
        assertFalse(e.getMessage().contains(PostgresServer.PASSWORD), e.getMessage());
    }
}
