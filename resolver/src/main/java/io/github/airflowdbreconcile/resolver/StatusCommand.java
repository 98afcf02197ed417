package io.github.airflowdbreconcile.resolver;

import io.github.airflowdbreconcile.map.api.RevisionMap;
import io.github.airflowdbreconcile.resolver.api.SchemaStatus;
import io.github.airflowdbreconcile.resolver.internal.Database;
import io.github.airflowdbreconcile.resolver.internal.StatusReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Prints the database's revision and the releases it belongs to. */
@Command(name = "status", description = "Print the database's alembic revision and the releases whose head it is.")
final class StatusCommand extends MapCommand {
    @Mixin
    DatabaseOptions db;

    @Override
    int execute() {
        RevisionMap map = map();
        Database database = db.required(db.timeout(), log());
        SchemaStatus status = new StatusReader(map).describe(database.readState());
        out().print(output == Output.json ? StatusReader.json(status) + System.lineSeparator()
                : StatusReader.text(status));
        out().flush();
        return switch (status.state()) {
            case SchemaStatus.UNKNOWN, SchemaStatus.TABLES_WITHOUT_REVISION -> ExitCodes.UNKNOWN_REVISION;
            case SchemaStatus.SEVERAL_HEADS -> ExitCodes.IMPOSSIBLE;
            default -> ExitCodes.OK;
        };
    }
}
