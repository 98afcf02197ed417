"""The data-loss proof of scripts/e2e.sh (stdlib only): seeds the tables a downgrade plan says it drops, and compares
the plan's prediction and counts with the catalog before and after the real downgrade.

  e2e_dataloss.py seed-sql PLAN            SQL that inserts rows into every table the plan's dataLoss names
  e2e_dataloss.py count-sql PLAN           SQL that counts those tables' rows and those columns' non-null values
  e2e_dataloss.py catalog-sql              SQL that lists the public schema's tables and columns
  e2e_dataloss.py compare PLAN BEFORE AFTER COUNTS
                                           the report; exits 1 when a table or column disappeared unpredicted, a
                                           count differs, or a table that disappeared held no row
Catalog lines are `t|TABLE` and `c|TABLE|COLUMN`; count lines `t|TABLE|ROWS` and `c|TABLE|COLUMN|VALUES`.
"""
import json
import sys

# A value for each NOT NULL column without a default, by its type, from the row number i: foreign keys are not
# checked while seeding (session_replication_role = replica), so any value of the right type fits.
SEED_DO = r"""
SET session_replication_role = replica;
DO $seed$
DECLARE
  t text;
  k int := 0;
  cols text;
  vals text;
  c record;
BEGIN
  FOREACH t IN ARRAY ARRAY[%s]::text[] LOOP
    k := k + 1;
    cols := ''; vals := '';
    FOR c IN SELECT column_name, data_type, udt_name, character_maximum_length FROM information_schema.columns
             WHERE table_schema = 'public' AND table_name = t AND is_nullable = 'NO' AND column_default IS NULL
               AND is_identity = 'NO' AND is_generated = 'NEVER' ORDER BY ordinal_position LOOP
      cols := cols || CASE WHEN cols = '' THEN '' ELSE ', ' END || quote_ident(c.column_name);
      vals := vals || CASE WHEN vals = '' THEN '' ELSE ', ' END || CASE
        WHEN c.data_type IN ('integer', 'bigint', 'smallint', 'numeric', 'double precision', 'real')
          THEN '(1000000 + i)'
        WHEN c.data_type IN ('character varying', 'text', 'character')
          THEN format('left(%%L || i, %%s)', 'e2e_' || t || '_', coalesce(c.character_maximum_length, 200))
        WHEN c.data_type = 'boolean' THEN 'false'
        WHEN c.data_type LIKE 'timestamp%%' THEN 'now() - i * interval ''1 minute'''
        WHEN c.data_type = 'date' THEN 'current_date'
        WHEN c.data_type = 'interval' THEN 'interval ''1 second'''
        WHEN c.data_type IN ('json', 'jsonb') THEN format('''{}''::%%s', c.data_type)
        WHEN c.data_type = 'uuid' THEN 'gen_random_uuid()'
        WHEN c.data_type = 'bytea' THEN '''\x00''::bytea'
        WHEN c.data_type = 'ARRAY' THEN format('''{}''::%%I', c.udt_name)
        WHEN c.data_type = 'USER-DEFINED' THEN format('(SELECT e.enumlabel::%%1$I FROM pg_enum e JOIN pg_type y'
          || ' ON y.oid = e.enumtypid WHERE y.typname = %%1$L ORDER BY e.enumsortorder LIMIT 1)', c.udt_name)
        ELSE 'NULL' END;
    END LOOP;
    BEGIN
      IF cols = '' THEN
        EXECUTE format('INSERT INTO %%I SELECT FROM generate_series(1, %%s) i', t, 1 + k %% 3);
      ELSE
        EXECUTE format('INSERT INTO %%I (%%s) SELECT %%s FROM generate_series(1, %%s) i', t, cols, vals, 1 + k %% 3);
      END IF;
      RAISE NOTICE 'seeded %% with %% rows', t, 1 + k %% 3;
    EXCEPTION WHEN others THEN
      RAISE NOTICE 'could not seed %%: %%', t, SQLERRM;
    END;
  END LOOP;
END
$seed$;
"""


def _loss(path):
    with open(path, encoding="utf-8") as f:
        loss = json.load(f).get("dataLoss")
    if loss is None:
        sys.exit(f"{path}: the plan has no dataLoss")
    return loss


def _literal(text):
    return "'" + text.replace("'", "''") + "'"


def _ident(text):
    return '"' + text.replace('"', '""') + '"'


def _lines(path):
    with open(path, encoding="utf-8") as f:
        return {line.strip() for line in f if line.strip()}


def _catalog(path):
    tables, columns = set(), set()
    for line in _lines(path):
        kind, *rest = line.split("|")
        if kind == "t":
            tables.add(rest[0])
        else:
            columns.add((rest[0], rest[1]))
    return tables, columns


def _counts(path):
    counts = {}
    for line in _lines(path):
        kind, *rest = line.split("|")
        counts[(kind, *rest[:-1])] = int(rest[-1])
    return counts


def compare(plan_path, before_path, after_path, counts_path):
    loss = _loss(plan_path)
    before_tables, before_columns = _catalog(before_path)
    after_tables, after_columns = _catalog(after_path)
    counts = _counts(counts_path)
    predicted_tables = {t["table"] for t in loss["tables"]}
    predicted_columns = {(c["table"], c["column"]) for c in loss["columns"]}
    gone_tables = before_tables - after_tables
    gone_columns = {c for c in before_columns - after_columns if c[0] in after_tables}
    problems = []
    for table in sorted(gone_tables - predicted_tables):
        problems.append(f"table {table} disappeared but was not predicted")
    for table, column in sorted(gone_columns - predicted_columns):
        problems.append(f"column {table}.{column} disappeared but was not predicted")
    for t in loss["tables"]:
        measured = counts.get(("t", t["table"]))
        if t["estimated"]:
            problems.append(f"table {t['table']}: {t['rows']} rows is an estimate, not a count")
        if measured != t["rows"]:
            problems.append(f"table {t['table']}: the plan counted {t['rows']} rows, the database holds {measured}")
        if t["table"] in gone_tables and not measured:
            problems.append(f"table {t['table']} disappeared holding no row: the seed did not reach it")
    for c in loss["columns"]:
        measured = counts.get(("c", c["table"], c["column"]))
        if measured != c["values"]:
            problems.append(f"column {c['table']}.{c['column']}: the plan counted {c['values']} values, the database"
                            f" holds {measured}")
    not_dropped_tables = sorted(predicted_tables - gone_tables)
    not_dropped_columns = sorted(f"{t}.{c}" for t, c in predicted_columns - gone_columns)
    print(f"disappeared: {len(gone_tables)} tables, {len(gone_columns)} columns (of tables that stay); all predicted:"
          f" {'no' if problems else 'yes'}")
    rows = sum(counts.get(("t", t), 0) for t in gone_tables)
    print(f"rows in the tables that disappeared: {rows}; plan's rows: {sum(t['rows'] for t in loss['tables'])}")
    print(f"predicted but did not drop: {len(not_dropped_tables)} tables ({', '.join(not_dropped_tables)}),"
          f" {len(not_dropped_columns)} columns ({', '.join(not_dropped_columns)})")
    print(f"revisions not analysed: {len(loss['notAnalysed'])} ({', '.join(loss['notAnalysed'])})")
    for problem in problems:
        print(f"PROBLEM: {problem}")
    sys.exit(1 if problems else 0)


def main(argv):
    command, *rest = argv
    if command == "seed-sql":
        print(SEED_DO % ", ".join(_literal(t["table"]) for t in _loss(rest[0])["tables"]))
    elif command == "count-sql":
        loss = _loss(rest[0])
        parts = [f"SELECT 't|{t['table']}|' || count(*) FROM {_ident(t['table'])}" for t in loss["tables"]]
        parts += [f"SELECT 'c|{c['table']}|{c['column']}|' || count({_ident(c['column'])}) FROM {_ident(c['table'])}"
                  for c in loss["columns"]]
        print(" UNION ALL ".join(parts) if parts else "SELECT NULL WHERE false")
    elif command == "catalog-sql":
        print("SELECT 't|' || table_name FROM information_schema.tables WHERE table_schema = 'public'"
              " AND table_type = 'BASE TABLE' UNION ALL SELECT 'c|' || c.table_name || '|' || c.column_name"
              " FROM information_schema.columns c JOIN information_schema.tables t ON t.table_schema = c.table_schema"
              " AND t.table_name = c.table_name WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'")
    elif command == "compare":
        compare(*rest)
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv[1:])
