/*
 * copy.c: one memory copied into another, new one, on either backend
 * (SQLite to PostgreSQL, back, or the same kind).
 *
 * Table by table, row by row, through the storage interface: the rows
 * keep their ids, so a unit's variants, notes and history stay its own,
 * and each value keeps its type.  Columns are matched by name, so the
 * two backends' tables may order them differently.  What is derived
 * from the rows (the n-gram index, the variants' sketches, the
 * schema's bookkeeping) is not copied: the destination's index is
 * rebuilt from the copied units, with the source's setting for folding
 * Traditional Chinese.
 */
#include "tm-int.h"

/*
 * In the order their references need.  `optional`: made on first use
 * (the access tokens), so a memory may not have it.  The aligner's
 * lexicon is a cache of what it learnt from the units: learnt again.
 */
static const struct {
	const char *name;
	bool optional;
} tables[] = {
	{ "import", false },
	{ "ude", false },
	{ "ude_map", false },
	{ "tu", false },
	{ "tu_dup", false },
	{ "tuv", false },
	{ "annot", false },
	{ "tu_history", false },
	{ "gloss_entry", false },
	{ "gloss_term", false },
	{ "mt_cache", false },
	{ "token", true },
};


/* INSERT INTO table (the columns of sel) VALUES (?, ...). */
static int
insert_sql(struct tm__buf *q, const char *table, tm__stmt *sel)
{
	int i, n = tm__column_count(sel), error;

	if ((error = tm__buf_printf(q, "INSERT INTO %s (", table)) < 0)
		return error;
	for (i = 0; i < n && !error; i++)
		error = tm__buf_printf(q, "%s%s", i ? ", " : "",
		    tm__column_name(sel, i));
	if (!error)
		error = tm__buf_adds(q, ") VALUES (");
	for (i = 0; i < n && !error; i++)
		error = tm__buf_adds(q, i ? ", ?" : "?");
	if (!error)
		error = tm__buf_adds(q, ")");
	return error;
}

/* Bind column i of the source's row as parameter i + 1, type kept. */
static int
bind_value(tm__stmt *ins, tm__stmt *sel, int i)
{
	switch (tm__column_type(sel, i)) {
	case TM__INTEGER:
		return tm__bind_int64(ins, i + 1, tm__column_int64(sel, i));
	case TM__FLOAT:
		return tm__bind_double(ins, i + 1, tm__column_double(sel, i));
	case TM__TEXT:
		return tm__bind_text(ins, i + 1,
		    (const char *)tm__column_text(sel, i),
		    tm__column_bytes(sel, i));
	case TM__BLOB: {
		const void *p = tm__column_blob(sel, i);

		return tm__bind_blob(ins, i + 1, p ? p : "",
		    tm__column_bytes(sel, i));
	}
	default:
		return tm__bind_null(ins, i + 1);
	}
}

static int
copy_table(tm_db *src, tm_db *dst, const char *table, int64_t *rows)
{
	struct tm__buf q = { 0 };
	tm__stmt *sel = NULL, *ins = NULL;
	int error, rc = TM__DONE, i, n;

	*rows = 0;
	/* In key order: the destination's pages fill in order. */
	if ((error = tm__buf_printf(&q, "SELECT * FROM %s ORDER BY 1",
	    table)) < 0 ||
	    (error = tm__prepare_scan(src, &sel, q.ptr)) < 0)
		goto done;
	q.len = 0;
	if ((error = insert_sql(&q, table, sel)) < 0 ||
	    (error = tm__prepare_bulk(dst, &ins, q.ptr)) < 0)
		goto done;
	n = tm__column_count(sel);
	while (!error && (rc = tm__step(sel)) == TM__ROW) {
		for (i = 0; i < n && !error; i++)
			if (bind_value(ins, sel, i) != 0)
				error = tm__error_db(dst, "cannot copy a row");
		if (!error && tm__step(ins) != TM__DONE)
			error = tm__error_db(dst, "cannot copy a row");
		tm__reset(ins);
		(*rows)++;
	}
	if (!error && rc != TM__DONE)
		error = tm__error_db(src, "cannot read the memory");
	if (!error)
		error = dst->store->ids_taken(dst, table);
done:
	tm__finalize(sel);
	tm__finalize(ins);
	tm__buf_release(&q);
	return error;
}

/* The source's Traditional Chinese setting: 1, 0, or -1 when unset. */
static int
fold_setting(tm_db *src, int *fold)
{
	tm__stmt *st = NULL;
	int error;

	*fold = -1;
	if ((error = tm__prepare(src, &st, "SELECT value FROM meta WHERE "
	    "key = 'fold_traditional'")) < 0)
		return error;
	if (tm__step(st) == TM__ROW && tm__column_type(st, 0) != TM__NULL)
		*fold = tm__column_int(st, 0) ? 1 : 0;
	tm__finalize(st);
	return 0;
}

int
tm_db_copy(tm_db *src, tm_db *dst, uint64_t *units)
{
	int64_t n = 0, rows;
	size_t i;
	int error, fold = -1;
	bool began = false;

	if (units)
		*units = 0;
	if (!src || !dst || src == dst)
		return tm__error(TM_EINVAL, "a copy wants two memories");
	if (dst->flags & TM_DB_READONLY)
		return tm__error(TM_EINVAL, "the copy's destination is open "
		    "read-only");
	if (src->store == dst->store && strcmp(src->path, dst->path) == 0)
		return tm__error(TM_EINVAL, "'%s' is both the copy's source "
		    "and its destination", src->path);
	/* One snapshot of the source, one transaction on the destination. */
	if ((error = tm__exec(src, src->store->begin_read)) < 0)
		return error;
	if ((error = tm__begin_write(dst)) < 0)
		goto done;
	began = true;
	if ((error = tm__query_int64(dst, "SELECT (SELECT count(*) FROM tu) + "
	    "(SELECT count(*) FROM import) + (SELECT count(*) FROM "
	    "gloss_entry)", &n, "cannot read the memory")) < 0)
		goto done;
	if (n) {
		error = tm__error(TM_EINVAL, "'%s' is not empty: a copy goes "
		    "into a new memory", dst->path);
		goto done;
	}
	if ((error = fold_setting(src, &fold)) < 0)
		goto done;
	for (i = 0; i < TM__ARRAY_SIZE(tables); i++) {
		if (tables[i].optional) {
			int has = src->store->has_table(src, tables[i].name);

			if (has <= 0) {
				error = has;
				if (has < 0)
					goto done;
				continue;
			}
			if ((error = tm__token_table(dst)) < 0)
				goto done;
		}
		if ((error = copy_table(src, dst, tables[i].name, &rows)) < 0) {
			tm__error_prefix("table %s", tables[i].name);
			goto done;
		}
		if (strcmp(tables[i].name, "tu") == 0 && units)
			*units = (uint64_t)rows;
	}
	error = tm__exec(dst, "COMMIT");
	began = false;
done:
	if (began)
		tm__exec_quiet(dst, "ROLLBACK");
	tm__exec_quiet(src, "COMMIT");
	if (error < 0)
		return error;
	/* The index, from the copied units; until then lookups scan them. */
	return tm_reindex(dst, fold);
}
