"""The data-loss proof of scripts/e2e.sh (stdlib only): seeds the tables a downgrade plan says it drops, and compares
the plan's prediction and counts with the catalog before and after the real downgrade.

  e2e_dataloss.py seed-sql PLAN [SKIP]     seed.sql for every table the plan's dataLoss names, but the
                                           comma-separated SKIP, and every column: rows and values that keep the
                                           schema's constraints
  e2e_dataloss.py count-sql CATALOG        SQL that counts the rows of every table and the values of every column
  e2e_dataloss.py catalog-sql              SQL that lists the public schema's tables and columns
  e2e_dataloss.py compare PLAN BEFORE AFTER COUNTS_BEFORE COUNTS_AFTER [SKIP]
                                           the report; exits 1 when a table or column disappeared unpredicted (and
                                           not renamed: a new name holding the same count), a count of the plan
                                           differs, or a table that disappeared held no row (but those of SKIP, left
                                           empty on purpose)
Catalog lines are `t|TABLE` and `c|TABLE|COLUMN|TYPE`; count lines `t|TABLE|ROWS` and `c|TABLE|COLUMN|VALUES`.
"""
import difflib
import json
import os
import sys

SEED_SQL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "seed.sql")


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
    """The tables, and each column with its type."""
    tables, columns = set(), {}
    for line in _lines(path):
        kind, *rest = line.split("|")
        if kind == "t":
            tables.add(rest[0])
        else:
            columns[(rest[0], rest[1])] = rest[2]
    return tables, columns


def _counts(path):
    counts = {}
    for line in _lines(path):
        kind, *rest = line.split("|")
        counts[(kind, *rest[:-1])] = int(rest[-1])
    return counts


def _best_pairs(candidates):
    """(score, old, new) candidates matched best score first, each name used once."""
    pairs, used_old, used_new = {}, set(), set()
    for _, old, new in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if old not in used_old and new not in used_new:
            pairs[old] = new
            used_old.add(old)
            used_new.add(new)
    return pairs


def _similar(a, b):
    return difflib.SequenceMatcher(None, a, b).ratio()


def _renamed_tables(gone, appeared, columns_before, columns_after, counts_before, counts_after):
    """Gone tables matched to appeared ones with the same rows and like names and columns: renamed, data kept."""
    candidates = []
    for old in gone:
        old_columns = {c for t, c in columns_before if t == old}
        for new in appeared:
            new_columns = {c for t, c in columns_after if t == new}
            overlap = len(old_columns & new_columns) / max(1, len(old_columns | new_columns))
            score = overlap + _similar(old, new)
            if counts_before.get(("t", old)) == counts_after.get(("t", new)) is not None and score >= 1:
                candidates.append((score, old, new))
    return _best_pairs(candidates)


def _renamed_columns(gone, appeared, types_before, types_after, counts_before, counts_after):
    """Gone columns matched to appeared ones of the same table and type holding the same values: renamed."""
    return _best_pairs([(_similar(old[1], new[1]), old, new) for old in gone for new in appeared
                        if old[0] == new[0] and types_before[old] == types_after[new]
                        and counts_before.get(("c", *old)) == counts_after.get(("c", *new)) is not None])


def compare(plan_path, before_path, after_path, counts_before_path, counts_after_path, skip=""):
    loss = _loss(plan_path)
    before_tables, before_types = _catalog(before_path)
    after_tables, after_types = _catalog(after_path)
    before_columns, after_columns = set(before_types), set(after_types)
    counts, counts_after = _counts(counts_before_path), _counts(counts_after_path)
    predicted_tables = {t["table"] for t in loss["tables"]}
    predicted_columns = {(c["table"], c["column"]) for c in loss["columns"]}
    gone_tables = before_tables - after_tables
    # A column of a table the plan counts whole (all its rows) is in that count, whatever becomes of the table.
    gone_columns = {c for c in before_columns - after_columns if c[0] in after_tables and c[0] not in predicted_tables}
    table_renames = _renamed_tables(gone_tables - predicted_tables, after_tables - before_tables, before_columns,
                                    after_columns, counts, counts_after)
    column_renames = _renamed_columns(gone_columns - predicted_columns, after_columns - before_columns, before_types,
                                      after_types, counts, counts_after)
    problems = []
    for table in sorted(gone_tables - predicted_tables - set(table_renames)):
        problems.append(f"table {table} disappeared ({counts.get(('t', table))} rows) but was not predicted")
    for table, column in sorted(gone_columns - predicted_columns - set(column_renames)):
        problems.append(f"column {table}.{column} disappeared ({counts.get(('c', table, column))} values) but was not"
                        f" predicted")
    for t in loss["tables"]:
        measured = counts.get(("t", t["table"]))
        if t["estimated"]:
            problems.append(f"table {t['table']}: {t['rows']} rows is an estimate, not a count")
        if measured != t["rows"]:
            problems.append(f"table {t['table']}: the plan counted {t['rows']} rows, the database holds {measured}")
        if t["table"] in gone_tables and not measured and t["table"] not in skip.split(","):
            problems.append(f"table {t['table']} disappeared holding no row: the seed did not reach it")
    for c in loss["columns"]:
        measured = counts.get(("c", c["table"], c["column"]))
        if measured != c["values"]:
            problems.append(f"column {c['table']}.{c['column']}: the plan counted {c['values']} values, the database"
                            f" holds {measured}")
    not_dropped_tables = sorted(predicted_tables - gone_tables)
    not_dropped_columns = sorted(f"{t}.{c}" for t, c in predicted_columns - gone_columns)
    print(f"disappeared: {len(gone_tables)} tables, {len(gone_columns)} columns of tables the plan does not count"
          f" whole; renamed with their data kept: {len(table_renames)} tables"
          f" ({', '.join(f'{a}->{b}' for a, b in table_renames.items())}), {len(column_renames)} columns"
          f" ({', '.join(f'{a[0]}.{a[1]}->{b[1]}' for a, b in column_renames.items())})")
    rows = sum(counts.get(("t", t), 0) for t in gone_tables - set(table_renames))
    print(f"rows in the tables that disappeared: {rows}; the plan's rows: {sum(t['rows'] for t in loss['tables'])}")
    kept_rows = ", ".join(f"{t} {counts.get(('t', t))}->{counts_after.get(('t', t))} rows" for t in not_dropped_tables)
    print(f"predicted but did not drop: {len(not_dropped_tables)} tables ({kept_rows}),"
          f" {len(not_dropped_columns)} columns ({', '.join(not_dropped_columns)})")
    print(f"revisions not analysed: {len(loss['notAnalysed'])} ({', '.join(loss['notAnalysed'])})")
    for problem in problems:
        print(f"PROBLEM: {problem}")
    print("every table and column that disappeared was predicted or renamed, and the counts match" if not problems
          else f"{len(problems)} problems")
    sys.exit(1 if problems else 0)


def main(argv):
    command, *rest = argv
    if command == "seed-sql":
        skip = set(rest[1].split(",")) if len(rest) > 1 else set()
        loss = _loss(rest[0])
        tables = ", ".join(_literal(t["table"]) for t in loss["tables"] if t["table"] not in skip)
        columns = ", ".join(f"[{_literal(c['table'])}, {_literal(c['column'])}]" for c in loss["columns"])
        with open(SEED_SQL, encoding="utf-8") as f:
            print(f.read().replace("@TABLES@", f"ARRAY[{tables}]::text[]")
                  .replace("@COLUMNS@", f"ARRAY[{columns}]::text[]"))
    elif command == "count-sql":
        tables, columns = _catalog(rest[0])
        parts = [f"SELECT 't|{t}|' || count(*) FROM {_ident(t)}" for t in sorted(tables)]
        parts += [f"SELECT 'c|{t}|{c}|' || count({_ident(c)}) FROM {_ident(t)}" for t, c in sorted(columns)]
        print(" UNION ALL ".join(parts) + ";")
    elif command == "catalog-sql":
        print("SELECT 't|' || table_name FROM information_schema.tables WHERE table_schema = 'public'"
              " AND table_type = 'BASE TABLE' UNION ALL"
              " SELECT 'c|' || c.table_name || '|' || c.column_name || '|' || c.udt_name"
              " FROM information_schema.columns c JOIN information_schema.tables t ON t.table_schema = c.table_schema"
              " AND t.table_name = c.table_name WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'")
    elif command == "compare":
        compare(*rest)
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv[1:])
