package io.github.airflowdbreconcile.mapgen.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.airflowdbreconcile.map.api.Effects;
import io.github.airflowdbreconcile.map.api.TableChanges;
import io.github.airflowdbreconcile.map.api.TableColumn;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the map says a migration's upgrade creates and its downgrade drops, read from fixture migration texts. */
class EffectsReaderTest {
    private static final String HEADER = "\"\"\"Add things.\n\nRevision ID: aaaa\nRevises: bbbb\n\"\"\"\n"
            + "from alembic import op\nimport sqlalchemy as sa\nfrom sqlalchemy import text\n\n"
            + "revision = \"aaaa\"\ndown_revision = \"bbbb\"\n\n\n";

    private static Effects effects(String functions) {
        return MigrationParser.parse("tag 3.1.0", "0001_x.py", HEADER + functions).effects();
    }

    private static Effects downgrade(String body) {
        return effects("def upgrade():\n    pass\n\n\ndef downgrade():\n" + body);
    }

    private static TableColumn column(String table, String column) {
        return new TableColumn(table, column);
    }

    private static void assertDrops(List<String> tables, List<TableColumn> columns, Effects effects) {
        assertEquals(new TableChanges(tables, columns), effects.drops());
        assertNull(effects.notAnalysed(), effects.notAnalysed());
    }

    private static void assertNotAnalysed(String why, Effects effects) {
        assertTrue(effects.notAnalysed() != null && effects.notAnalysed().contains(why),
                "expected not analysed because of `" + why + "`, got " + effects.notAnalysed());
    }

    @Test
    void shouldReadTablesAndColumnsTheUpgradeCreatesAndTheDowngradeDrops() {
        Effects effects = effects("""
                def upgrade():
                    op.create_table(
                        "deadline",
                        sa.Column("id", sa.Integer(), primary_key=True),
                    )
                    op.add_column("dag_run", sa.Column("note", sa.String(50), nullable=True))
                    op.add_column(table_name="dag", column=sa.Column("owner", sa.String(50)))


                def downgrade():
                    op.drop_column("dag", "owner")
                    op.drop_column(table_name="dag_run", column_name="note")
                    op.drop_table(table_name="deadline")
                """);

        assertEquals(new TableChanges(List.of("deadline"), List.of(column("dag_run", "note"), column("dag", "owner"))),
                effects.creates());
        assertDrops(List.of("deadline"), List.of(column("dag", "owner"), column("dag_run", "note")), effects);
    }

    @Test
    void shouldReadBatchAlterTableBlocksEachWithItsOwnTable() {
        Effects effects = effects("""
                def upgrade():
                    with op.batch_alter_table("task_instance", schema=None) as batch_op:
                        batch_op.add_column(sa.Column("span_status", sa.String(250)))


                def downgrade():
                    dialect = op.get_bind().dialect.name
                    with op.batch_alter_table("task_instance", schema=None) as batch_op:
                        batch_op.drop_column("span_status")
                    if dialect == "mysql":
                        with op.batch_alter_table(
                            table_name="dag_run",
                        ) as b:
                            b.drop_column(column_name="conf")
                    batch_op = None
                """);

        assertEquals(List.of(column("task_instance", "span_status")), effects.creates().columns());
        assertDrops(List.of(), List.of(column("task_instance", "span_status"), column("dag_run", "conf")), effects);
    }

    @Test
    void shouldCountDropsInEveryDialectBranchAndMultiLineCall() {
        assertDrops(List.of("asset_active", "asset_trigger"), List.of(), downgrade("""
                    conn = op.get_bind()
                    if conn.dialect.name == "sqlite":
                        op.execute("PRAGMA foreign_keys=off")
                        op.drop_table(
                            "asset_active"
                        )
                    else:
                        op.drop_table("asset_active", if_exists=True)
                    if conn.dialect.name == "postgresql":
                        op.drop_table("asset_trigger")
                """));
    }

    @Test
    void shouldIgnoreDropsNamedInDocstringsCommentsAndTheUpgrade() {
        Effects effects = effects("""
                def upgrade():
                    \"\"\"Replaces old_table: op.drop_table("old_table") runs here.\"\"\"
                    op.drop_table("old_table")


                def downgrade():
                    \"\"\"Unapply: op.drop_table("dag_version") is not needed.\"\"\"
                    # op.drop_table("commented_out")
                    op.create_table("old_table", sa.Column("id", sa.Integer()))
                """);

        assertDrops(List.of(), List.of(), effects);
        assertEquals(TableChanges.NONE, effects.creates());
    }

    @Test
    void shouldResolveTableNamesHeldInModuleAndLocalStringConstants() {
        assertDrops(List.of("kube_resource_version", "task_map"), List.of(column("task_map", "keys")), effects("""
                RESOURCE_TABLE = "kube_resource_version"
                TABLE_NAME: str = "task_map"


                def upgrade():
                    pass


                def downgrade():
                    column = "keys"
                    op.drop_column(TABLE_NAME, column)
                    op.drop_table(RESOURCE_TABLE)
                    op.drop_table(TABLE_NAME, if_exists=True)
                """));
    }

    @Test
    void shouldResolveLoopsOverLiteralListsOfTables() {
        assertDrops(List.of("ab_role", "ab_user"), List.of(column("task_instance", "retry_reason"),
                column("task_instance_history", "retry_reason")), downgrade("""
                    fab_tables = [
                        "ab_role",  # roles
                        "ab_user",
                    ]
                    for table in fab_tables:
                        op.drop_table(table)
                    for table in ("task_instance", "task_instance_history"):
                        with op.batch_alter_table(table, schema=None) as batch_op:
                            batch_op.drop_column("retry_reason")
                """));
    }

    @Test
    void shouldMarkNotAnalysedATableNameItCannotResolve() {
        assertNotAnalysed("line 20: drop_table of a table named by `table`, which mapgen cannot resolve to a string",
                downgrade("""
                    for table in inspector.get_table_names():
                        op.drop_table(table)
                """));
        assertNotAnalysed("drop_column of a column named by `name`", downgrade("""
                    name = compute()
                    op.drop_column("dag", name)
                """));
        assertNotAnalysed("drop_table of a table named by `TABLES[0]`", downgrade("""
                    op.drop_table(TABLES[0])
                """));
    }

    @Test
    void shouldMarkNotAnalysedAConstantBoundToTwoValues() {
        assertNotAnalysed("drop_table of a table named by `TABLE`", effects("""
                TABLE = "a"
                TABLE = "b"


                def downgrade():
                    op.drop_table(TABLE)
                """));
    }

    @Test
    void shouldReadHelpersTheDowngradeCallsAndNestedFunctions() {
        Effects effects = effects("""
                def _drop_worker_table():
                    op.drop_table("kube_worker_uuid")


                def _drop_named(name):
                    op.drop_table(name)


                def upgrade():
                    pass


                def downgrade():
                    def drop_note():
                        with op.batch_alter_table("dag_run") as batch_op:
                            batch_op.drop_column("note")

                    drop_note()
                    _drop_worker_table()
                """);

        assertDrops(List.of("kube_worker_uuid"), List.of(column("dag_run", "note")), effects);
        assertNotAnalysed("line 15: drop_table of a table named by `name`", effects("""
                def _drop_named(name):
                    op.drop_table(name)


                def downgrade():
                    _drop_named("x")
                """));
        assertNotAnalysed("batch_op.drop_column outside a `with op.batch_alter_table(...) as batch_op:` block",
                effects("""
                def _drop(batch_op):
                    batch_op.drop_column("x")


                def downgrade():
                    with op.batch_alter_table("t") as b:
                        _drop(b)
                """));
    }

    @Test
    void shouldCountWhatLiteralSqlDropsOrEmptiesButNotWhatItUpdates() {
        assertDrops(List.of("_xcom_archive", "deadline", "dag_code", "ab_view_menu"),
                List.of(column("task_instance", "rendered")), downgrade("""
                    op.execute("UPDATE dag SET is_active = NOT is_active")
                    op.execute(sa.text("DROP TABLE IF EXISTS _xcom_archive"))
                    op.execute('DELETE FROM deadline')
                    conn = op.get_bind()
                    conn.execute(text(\"\"\"
                        delete from dag_code;
                    \"\"\"))
                    op.execute("TRUNCATE TABLE \\"ab_view_menu\\"")
                    op.execute("ALTER TABLE task_instance DROP COLUMN rendered, DROP CONSTRAINT ti_fkey")
                    op.execute("CREATE TABLE x (id INT REFERENCES y ON DELETE CASCADE)")
                    op.execute("ALTER TABLE task_instance ALTER COLUMN id DROP NOT NULL")
                """));
    }

    @Test
    void shouldJoinAdjacentStringLiteralsAsPythonDoes() {
        assertDrops(List.of("dag_warning"), List.of(column("ab_user", "email")), downgrade("""
                    op.execute(
                        "DROP TABLE "
                        'dag_warning'
                    )
                    op.execute(sa.text(r"ALTER TABLE ab_user " f"DROP COLUMN email"))
                """));
    }

    @Test
    void shouldLeaveOutWhatTheSameSqlCreatesBeforeDropping() {
        assertDrops(List.of(), List.of(), downgrade("""
                    op.execute(
                        \"\"\"
                        ALTER TABLE task_instance_history ADD COLUMN row_num SERIAL;
                        UPDATE task_instance_history SET id = row_num;
                        ALTER TABLE task_instance_history DROP COLUMN row_num;
                        \"\"\"
                    )
                """));
    }

    @Test
    void shouldMarkNotAnalysedSqlThatDeletesSomeRowsOrNamesItsTableAtRunTime() {
        assertNotAnalysed("line 19: deletes some rows with SQL, which mapgen cannot count (`delete from dag_run where"
                + " logical_date is null`)", downgrade("""
                    op.execute("delete from dag_run where logical_date is null")
                """));
        assertNotAnalysed("runs SQL on a table named at run time (`{table}`)", downgrade("""
                    for table in tables:
                        op.execute(f"DROP TABLE {table}")
                """));
    }

    @Test
    void shouldReadSqlHeldInNamesWhereTheirValueIsKnown() {
        assertDrops(List.of("dag_priority_parsing_request"), List.of(), effects("""
                DROP_SQL = "DELETE FROM dag_priority_parsing_request"
                FN_DROP = \"\"\"DROP FUNCTION IF EXISTS uuid_generate_v7(timestamptz);\"\"\"


                def downgrade():
                    update_query = sa.update(dag).values(x=1) if dialect == "mysql" else sa.update(dag).values(x=2)
                    op.execute(update_query)
                    op.execute(DROP_SQL)
                    op.execute(FN_DROP)
                """));
        assertNotAnalysed("runs SQL held in `statement`, which mapgen cannot read", effects("""
                def downgrade():
                    for statement in statements():
                        op.execute(statement)
                """));
    }

    @Test
    void shouldMarkNotAnalysedRowDeletesThroughSqlalchemy() {
        assertNotAnalysed("removes data through SQLAlchemy (`session.query(Permission).filter(Permission.id == 1)"
                + ".delete()`)", downgrade("""
                    session.query(Permission).filter(Permission.id == 1).delete()
                """));
        assertNotAnalysed("runs SQL built in code that may drop or delete (`xcom.delete().where(xcom.c.map_index != -1)`)",
                downgrade("""
                    op.execute(xcom.delete().where(xcom.c.map_index != -1))
                """));
        assertNotAnalysed("runs SQL built in code that may drop or delete (`sa.schema.DropTable(table)`)",
                downgrade("""
                    op.execute(sa.schema.DropTable(table))
                """));
        assertNotAnalysed("runs SQL built in code that may drop or delete (`_cleanup_sql()`)", effects("""
                def _cleanup_sql():
                    return "DELETE FROM log WHERE dttm < now()"


                def downgrade():
                    op.execute(_cleanup_sql())
                """));
    }

    @Test
    void shouldSayHowManyMorePlacesItCouldNotRead() {
        Effects effects = downgrade("""
                    op.drop_table(first)
                    op.drop_table(second)
                """);

        assertEquals("line 19: drop_table of a table named by `first`, which mapgen cannot resolve to a string"
                + " (and 1 more)", effects.notAnalysed());
    }

    @Test
    void shouldReportNothingForAMigrationWithoutFunctions() {
        Effects effects = MigrationParser.parse("tag 2.0.0", "0001_x.py", "revision = 'a'\ndown_revision = None\n")
                .effects();

        assertEquals(Effects.NONE, effects);
    }
}
