-- Rows that satisfy the schema's constraints, foreign keys included (a downgrade re-creates constraints and fails on
-- rows that break them), in the tables scripts/e2e/e2e_dataloss.py fills in below, and values in the columns it
-- fills in, on the rows their tables hold: a value for each NOT NULL column without a default, by its type, from the
-- row number i; a foreign-key column takes a row of its parent, and an empty parent that such a column needs is
-- seeded first (3 rows, said as support). Tables are tried again while some succeed; what cannot be seeded is said,
-- not fatal.

-- The SQL expression of a value for column col of table t in row i.
CREATE FUNCTION pg_temp.e2e_value(t text, col text) RETURNS text LANGUAGE sql AS $value$
  SELECT coalesce(
    (SELECT format('(SELECT %I FROM %I ORDER BY ctid OFFSET ((i - 1) %% greatest(1, (SELECT count(*) FROM %I)))'
                   || ' LIMIT 1)', pa.attname, p.relname, p.relname)
       FROM pg_constraint f JOIN pg_class p ON p.oid = f.confrelid
       JOIN pg_attribute ca ON ca.attrelid = f.conrelid
       JOIN pg_attribute pa ON pa.attrelid = f.confrelid
      WHERE f.contype = 'f' AND f.conrelid = format('public.%I', t)::regclass AND ca.attname = col
        AND array_position(f.conkey, ca.attnum) IS NOT NULL
        AND pa.attnum = f.confkey[array_position(f.conkey, ca.attnum)] LIMIT 1),
    (SELECT CASE
       WHEN c.data_type IN ('integer', 'bigint', 'smallint', 'numeric', 'double precision', 'real')
         THEN '(1000000 + i)'
       WHEN c.data_type IN ('character varying', 'text', 'character')
         THEN format('left(%L || i, %s)', 'e2e_' || t || '_', coalesce(c.character_maximum_length, 200))
       WHEN c.data_type = 'boolean' THEN 'false'
       WHEN c.data_type LIKE 'timestamp%' THEN 'now() - i * interval ''1 minute'''
       WHEN c.data_type = 'date' THEN 'current_date'
       WHEN c.data_type = 'interval' THEN 'interval ''1 second'''
       WHEN c.data_type IN ('json', 'jsonb') THEN format('''{}''::%s', c.data_type)
       WHEN c.data_type = 'uuid' THEN 'gen_random_uuid()'
       WHEN c.data_type = 'bytea' THEN '''\x00''::bytea'
       WHEN c.data_type = 'ARRAY' THEN format('''{}''::%I', c.udt_name)
       WHEN c.data_type = 'USER-DEFINED' THEN format('(SELECT e.enumlabel::%1$I FROM pg_enum e JOIN pg_type y'
         || ' ON y.oid = e.enumtypid WHERE y.typname = %1$L ORDER BY e.enumsortorder LIMIT 1)', c.udt_name)
       ELSE 'NULL' END
       FROM information_schema.columns c
      WHERE c.table_schema = 'public' AND c.table_name = t AND c.column_name = col))
$value$;

DO $seed$
DECLARE
  todo text[] := @TABLES@;
  support text[] := '{}';
  looked text[] := '{}';
  more text[];
  seeded text[] := '{}';
  errors jsonb := '{}';
  t text;
  k int;
  n int;
  rows int;
  cols text;
  vals text;
  c record;
  progress boolean;
BEGIN
  LOOP  -- the empty parents that NOT NULL foreign keys of the tables to seed need, transitively
    SELECT array_agg(DISTINCT p.relname::text) INTO more
      FROM pg_constraint f JOIN pg_class ch ON ch.oid = f.conrelid JOIN pg_class p ON p.oid = f.confrelid
      JOIN pg_namespace ns ON ns.oid = ch.relnamespace
     WHERE f.contype = 'f' AND ns.nspname = 'public' AND ch.relname = ANY (todo || support)
       AND NOT p.relname = ANY (todo || support || looked)
       AND (SELECT bool_and(a.attnotnull) FROM pg_attribute a WHERE a.attrelid = ch.oid AND a.attnum = ANY (f.conkey));
    EXIT WHEN more IS NULL;
    FOREACH t IN ARRAY more LOOP
      looked := looked || t;
      EXECUTE format('SELECT count(*) FROM %I', t) INTO n;
      IF n = 0 THEN support := support || t; END IF;
    END LOOP;
  END LOOP;
  FOR pass IN 1..6 LOOP
    progress := false;
    k := 0;
    FOREACH t IN ARRAY support || todo LOOP
      k := k + 1;
      CONTINUE WHEN t = ANY (seeded);
      n := CASE WHEN t = ANY (support) THEN 3 ELSE 1 + k % 3 END;
      SELECT coalesce(string_agg(quote_ident(col.column_name), ', ' ORDER BY col.ordinal_position), ''),
             coalesce(string_agg(pg_temp.e2e_value(t, col.column_name), ', ' ORDER BY col.ordinal_position), '')
        INTO cols, vals
        FROM information_schema.columns col
       WHERE col.table_schema = 'public' AND col.table_name = t AND col.is_nullable = 'NO'
         AND col.column_default IS NULL AND col.is_identity = 'NO' AND col.is_generated = 'NEVER';
      -- n rows, else one: rows of a table whose key is its parents' can only be as many as the parents' rows.
      FOREACH rows IN ARRAY ARRAY[n, 1] LOOP
        CONTINUE WHEN t = ANY (seeded);
        BEGIN
          IF cols = '' THEN
            EXECUTE format('INSERT INTO %I SELECT FROM generate_series(1, %s) i', t, rows);
          ELSE
            EXECUTE format('INSERT INTO %I (%s) SELECT %s FROM generate_series(1, %s) i', t, cols, vals, rows);
          END IF;
          seeded := seeded || t;
          progress := true;
          RAISE NOTICE 'seeded % with % rows%', t, rows, CASE WHEN t = ANY (support) THEN ' (support)' ELSE '' END;
        EXCEPTION WHEN others THEN
          errors := errors || jsonb_build_object(t, SQLERRM);
        END;
      END LOOP;
    END LOOP;
    EXIT WHEN NOT progress;
  END LOOP;
  FOREACH t IN ARRAY support || todo LOOP
    CONTINUE WHEN t = ANY (seeded);
    RAISE NOTICE 'could not seed %: %', t, errors ->> t;
  END LOOP;
END
$seed$;

DO $values$
DECLARE
  columns text[] := @COLUMNS@;
  pair text[];
  n int;
BEGIN
  IF array_ndims(columns) IS DISTINCT FROM 2 THEN
    RETURN;
  END IF;
  FOREACH pair SLICE 1 IN ARRAY columns LOOP
    BEGIN
      EXECUTE format('UPDATE %I SET %I = %s FROM (SELECT 1 AS i) AS one', pair[1], pair[2],
                     pg_temp.e2e_value(pair[1], pair[2]));
      GET DIAGNOSTICS n = ROW_COUNT;
      RAISE NOTICE 'seeded %.% in % rows', pair[1], pair[2], n;
    EXCEPTION WHEN others THEN
      RAISE NOTICE 'could not seed %.%: %', pair[1], pair[2], SQLERRM;
    END;
  END LOOP;
END
$values$;
