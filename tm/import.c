/*
 * import.c: an import as a whole, and its writer half.
 *
 * tm_import_tmx() runs the steps in order, data flowing one way: a new
 * file beside an empty memory (store.c), the reader filling the memory
 * in one transaction (tmx-read.c), the candidate index brought up to
 * date in a transaction of its own (index.c), then the new file renamed
 * into place.
 *
 * The writer takes batches of parsed units, finds duplicates among the
 * stored units, and inserts the rest.
 *
 * The first batch is kept back; only when a second one arrives does a
 * writer thread start, so a small file never spawns a thread and a large
 * one has parsing (on the caller's thread) and SQLite (on the writer's)
 * overlapping.  The queue between them is short, so memory stays flat.
 */
#include "import.h"

#include <pthread.h>

#define QUEUE_MAX 3
/*
 * The keys of the units being added are kept in memory up to this many
 * (8 MB), then merged into tu_dup in key order, so that memory stays
 * flat however large the file.
 */
#define ADDED_MAX 262144

static size_t
added_max(void)
{
#ifdef TM_DEBUG
	/* Debug builds let tests reach the merge with a small file. */
	const char *env = getenv("TM_DEBUG_ADDED_MAX");

	if (env && *env)
		return (size_t)strtoul(env, NULL, 10);
#endif
	return ADDED_MAX;
}

struct tm__sink {
	tm_db *db;
	int64_t import_id;
	int dup_mode;
	struct tm__prebuild *pb;	/* fed each stored variant, or NULL */
	int64_t next_id;	/* id for the next unit */
	tm_import_result counts;	/* imported, duplicates, updated, variants */

	tm__stmt *ins_tu, *ins_tuv, *ins_annot, *sel_dup, *sel_mtime,
	    *del_annot, *del_tuv, *del_tu;
	int64_t first_id;	/* of this import's units */
	bool had_units;		/* tu_dup may hold a duplicate */
	size_t added_max;	/* when to merge `added` into tu_dup */
	struct tm__idmap added;	/* hash -> id of the units this import adds */

	/* Hand-over between the threads. */
	pthread_mutex_t lock;
	pthread_cond_t nonempty, nonfull;
	bool thread_started, no_thread, closing;
	pthread_t thread;
	struct tm__batch *head, *tail, *spare;
	struct tm__batch *held;	/* the first batch, before any thread */
	int nqueued;
	int error;		/* the writer's first error ... */
	char *errmsg;		/* ... and its message */
};

void
tm__batch_reset(struct tm__batch *b)
{
	tm__buf_reset(&b->arena);
	b->nunits = b->ntuvs = b->nannots = 0;
	b->next = NULL;
}

void
tm__batch_free(struct tm__batch *b)
{
	if (!b)
		return;
	tm__buf_release(&b->arena);
	free(b->units);
	free(b->tuvs);
	free(b->annots);
	free(b);
}

int
tm__bind_str(const struct tm__batch *b, tm__stmt *st, int col,
    const struct tm__str *s)
{
	if (!s->set)
		return tm__bind_null(st, col);
	return tm__bind_text(st, col, tm__str_get(b, s), (int)s->len);
}

static int
insert_sql(struct tm__buf *sql, const char *table, const char *fixed,
    int nfixed, const struct tm__attr *defs, size_t ndefs, const char *tail,
    int ntail)
{
	size_t i;
	int k, error;

	error = tm__buf_printf(sql, "INSERT INTO %s (%s", table, fixed);
	for (i = 0; i < ndefs && !error; i++)
		error = tm__buf_printf(sql, ", %s", defs[i].col);
	if (!error)
		error = tm__buf_printf(sql, ", %s) VALUES (?", tail);
	for (k = 1; k < nfixed + (int)ndefs + ntail && !error; k++)
		error = tm__buf_adds(sql, ", ?");
	if (!error)
		error = tm__buf_adds(sql, ")");
	return error;
}

static const char annot_sql[] =
    "INSERT INTO annot (import_id, tu_id, tuv_ord, ord, kind, type, lang, "
    "o_encoding, extra, value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

/* Bind and insert a prop or note: of a unit (tu_id) or a header. */
static int
insert_annot(tm_db *db, tm__stmt *st, const struct tm__batch *b,
    const struct tm__annot *a, int64_t import_id, int64_t tu_id, int ord)
{
	if (tu_id) {
		tm__bind_null(st, 1);
		tm__bind_int64(st, 2, tu_id);
	} else {
		tm__bind_int64(st, 1, import_id);
		tm__bind_null(st, 2);
	}
	if (a->tuv >= 0)
		tm__bind_int(st, 3, a->tuv);
	else
		tm__bind_null(st, 3);
	tm__bind_int(st, 4, ord);
	tm__bind_text(st, 5, a->note ? "note" : "prop", -1);
	tm__bind_str(b, st, 6, &a->type);
	tm__bind_str(b, st, 7, &a->lang);
	tm__bind_str(b, st, 8, &a->oenc);
	tm__bind_str(b, st, 9, &a->extra);
	if (a->value.set)
		tm__bind_str(b, st, 10, &a->value);
	else
		tm__bind_text(st, 10, "", 0);
	return tm__step_done(db, st, "cannot store prop or note");
}

int
tm__store_header_annot(tm_db *db, int64_t import_id,
    const struct tm__batch *b, const struct tm__annot *a, int ord)
{
	tm__stmt *st = NULL;
	int error;

	if ((error = tm__prepare(db, &st, annot_sql)) < 0)
		return error;
	error = insert_annot(db, st, b, a, import_id, 0, ord);
	tm__finalize(st);
	return error;
}

/*
 * Storing
 * =======
 */

/*
 * A stored unit with the same languages and segments: *id, or 0.  Units
 * of this import are found in s->added (*pos names the entry), those of
 * earlier imports in tu_dup (*pos is SIZE_MAX).
 */
static int
find_dup(struct tm__sink *s, const struct tm__unit *u, int64_t *id,
    size_t *pos)
{
	tm__stmt *st = s->sel_dup;
	int rc;

	*pos = SIZE_MAX;
	if ((*id = tm__idmap_find(&s->added, u->hash, u->hash2, pos)) != 0 ||
	    !s->had_units)
		return 0;
	tm__bind_int64(st, 1, (int64_t)u->hash);
	tm__bind_int64(st, 2, (int64_t)u->hash2);
	rc = tm__step(st);
	if (rc == TM__ROW)
		*id = tm__column_int64(st, 0);
	tm__reset(st);
	if (rc != TM__ROW && rc != TM__DONE)
		return tm__error_db(s->db, "cannot look for duplicates");
	return 0;
}

/* The stored unit's date, to see whether a duplicate is newer. */
static int
stored_mtime(struct tm__sink *s, int64_t id, char out[17])
{
	const unsigned char *m;
	int rc;

	tm__bind_int64(s->sel_mtime, 1, id);
	rc = tm__step(s->sel_mtime);
	m = rc == TM__ROW ? tm__column_text(s->sel_mtime, 0) : NULL;
	snprintf(out, 17, "%s", m ? (const char *)m : "");
	tm__reset(s->sel_mtime);
	if (rc != TM__ROW && rc != TM__DONE)
		return tm__error_db(s->db, "cannot read unit");
	return 0;
}

/* Delete a unit: its props and notes, its variants, itself. */
static int
delete_unit(struct tm__sink *s, int64_t id)
{
	int error;

	tm__bind_int64(s->del_annot, 1, id);
	tm__bind_int64(s->del_tuv, 1, id);
	tm__bind_int64(s->del_tu, 1, id);
	if ((error = tm__step_done(s->db, s->del_annot, "cannot replace unit")) < 0 ||
	    (error = tm__step_done(s->db, s->del_tuv, "cannot replace unit")) < 0)
		return error;
	return tm__step_done(s->db, s->del_tu, "cannot replace unit");
}

/* Add this import's keys to tu_dup in key order: one pass, no churn. */
static int
flush_keys(struct tm__sink *s)
{
	tm__stmt *st = NULL;
	size_t i, n = tm__idmap_sort(&s->added);
	int error;

	if ((error = tm__prepare_bulk(s->db, &st, "INSERT INTO tu_dup (hash, "
	    "hash2, tu_id) VALUES (?, ?, ?)")) < 0)
		return error;
	for (i = 0; i < n && !error; i++) {
		const struct tm__idmap_slot *e = &s->added.slots[i];

		tm__bind_int64(st, 1, (int64_t)e->hash);
		tm__bind_int64(st, 2, (int64_t)e->hash2);
		tm__bind_int64(st, 3, tm__idmap_id(&s->added, i));
		error = tm__step_done(s->db, st, "cannot index units");
	}
	tm__finalize(st);
	/* From now on earlier units of this import are found in tu_dup. */
	tm__idmap_release(&s->added);
	s->had_units = true;
	return error;
}

static int
store_unit(struct tm__sink *s, const struct tm__batch *b,
    const struct tm__unit *u)
{
	char old_mtime[17];
	int64_t dup_id = 0, tu_id;
	size_t i, k, pos;
	int col, error;

	if ((error = find_dup(s, u, &dup_id, &pos)) < 0)
		return error;
	if (dup_id) {
		s->counts.duplicates++;
		if (s->dup_mode == TM_DUP_SKIP)
			return 0;
		if (s->dup_mode == TM_DUP_UPDATE) {
			if ((error = stored_mtime(s, dup_id, old_mtime)) < 0)
				return error;
			if (strcmp(u->mtime, old_mtime) <= 0)
				return 0;
			if ((error = delete_unit(s, dup_id)) < 0)
				return error;
			if (pos != SIZE_MAX)
				tm__idmap_remove(&s->added, pos);
			s->counts.updated++;
		}
	}

	tu_id = s->next_id++;
	tm__bind_int64(s->ins_tu, 1, tu_id);
	tm__bind_int64(s->ins_tu, 2, s->import_id);
	for (i = 0; i < tm__ntu_attrs; i++)
		tm__bind_str(b, s->ins_tu, 3 + (int)i, &u->attr[i]);
	col = 3 + (int)tm__ntu_attrs;
	tm__bind_str(b, s->ins_tu, col++, &u->extra);
	if (u->mtime[0])
		tm__bind_text(s->ins_tu, col++, u->mtime, -1);
	else
		tm__bind_null(s->ins_tu, col++);
	tm__bind_str(b, s->ins_tu, col++, &u->langs);
	tm__bind_int64(s->ins_tu, col++, (int64_t)u->hash);
	tm__bind_int64(s->ins_tu, col, (int64_t)u->hash2);
	if ((error = tm__step_done(s->db, s->ins_tu, "cannot store unit")) < 0 ||
	    (s->added.used >= s->added_max && (error = flush_keys(s)) < 0) ||
	    (error = tm__idmap_add(&s->added, u->hash, u->hash2, tu_id)) < 0)
		return error;

	for (i = 0; i < u->ntuv; i++) {
		const struct tm__tuv *v = &b->tuvs[u->tuv0 + i];
		tm__stmt *st = s->ins_tuv;

		tm__bind_int64(st, 1, tu_id);
		tm__bind_int(st, 2, (int)i);
		tm__bind_str(b, st, 3, &v->lang);
		tm__bind_text(st, 4, v->lang_key, -1);
		tm__bind_int(st, 5, v->lang11);
		for (k = 0; k < tm__ntuv_attrs; k++)
			tm__bind_str(b, st, 6 + (int)k, &v->attr[k]);
		col = 6 + (int)tm__ntuv_attrs;
		tm__bind_str(b, st, col++, &v->extra);
		tm__bind_str(b, st, col++, &v->seg);
		tm__bind_str(b, st, col++, &v->text);
		tm__bind_str(b, st, col, &v->key);
		if ((error = tm__step_done(s->db, st, "cannot store variant")) < 0)
			return error;
		if (s->pb) {
			/* The key when stored, else the text it is made of. */
			const struct tm__str *t = v->key.set ? &v->key :
			    v->text.set ? &v->text : &v->seg;

			tm__prebuild_add(s->pb, s->db->store->last_insert_id(s->db), v->lang_key, tm__str_get(b, t),
			    t->set ? t->len : 0, v->key.set);
		}
	}
	for (i = 0; i < u->nannot; i++)
		if ((error = insert_annot(s->db, s->ins_annot, b,
		    &b->annots[u->annot0 + i], 0, tu_id, (int)i)) < 0)
			return error;
	s->counts.imported++;
	s->counts.variants += u->ntuv;
	return 0;
}

static int
store_batch(struct tm__sink *s, struct tm__batch *b)
{
	size_t i;
	int error = 0;

	for (i = 0; i < b->nunits && !error; i++)
		error = store_unit(s, b, &b->units[i]);
	tm__batch_reset(b);
	return error;
}

/* Keep the writer's first error so that the reader can raise it. */
static void
note_error(struct tm__sink *s, int error)
{
	const tm_error *e = tm_error_last();

	if (s->error)
		return;
	s->error = error;
	s->errmsg = tm__strdup(e ? e->message : "cannot store units");
}

static void *
writer(void *arg)
{
	struct tm__sink *s = arg;
	struct tm__batch *b;
	bool skip;
	int error;

	for (;;) {
		pthread_mutex_lock(&s->lock);
		while (!s->head && !s->closing)
			pthread_cond_wait(&s->nonempty, &s->lock);
		if (!(b = s->head)) {
			pthread_mutex_unlock(&s->lock);
			break;
		}
		s->head = b->next;
		if (!s->head)
			s->tail = NULL;
		s->nqueued--;
		skip = s->error != 0;
		pthread_mutex_unlock(&s->lock);

		error = skip ? 0 : store_batch(s, b);
		tm__batch_reset(b);

		pthread_mutex_lock(&s->lock);
		if (error < 0)
			note_error(s, error);
		b->next = s->spare;
		s->spare = b;
		pthread_cond_signal(&s->nonfull);
		pthread_mutex_unlock(&s->lock);
	}
	return NULL;
}

static int
prepare(struct tm__sink *s)
{
	struct tm__buf sql = { 0 };
	int error;

	if ((error = insert_sql(&sql, "tu", "id, import_id", 2, tm__tu_attrs,
	    tm__ntu_attrs, "extra, mtime, langs, dup, dup2", 5)) < 0 ||
	    (error = tm__prepare_bulk(s->db, &s->ins_tu, sql.ptr)) < 0)
		goto done;
	tm__buf_reset(&sql);
	if ((error = insert_sql(&sql, "tuv",
	    "tu_id, ord, lang, lang_key, lang_attr11", 5, tm__tuv_attrs,
	    tm__ntuv_attrs, "extra, seg, text, key", 4)) < 0 ||
	    (error = tm__prepare_bulk(s->db, &s->ins_tuv, sql.ptr)) < 0)
		goto done;
	if ((error = tm__prepare_bulk(s->db, &s->ins_annot, annot_sql)) < 0 ||
	    (error = tm__prepare(s->db, &s->sel_dup,
	    "SELECT tu_id FROM tu_dup WHERE hash = ? AND hash2 = ? "
	    "LIMIT 1")) < 0 ||
	    (error = tm__prepare(s->db, &s->sel_mtime,
	    "SELECT mtime FROM tu WHERE id = ?")) < 0 ||
	    (error = tm__prepare(s->db, &s->del_annot,
	    "DELETE FROM annot WHERE tu_id = ?")) < 0 ||
	    (error = tm__prepare(s->db, &s->del_tuv,
	    "DELETE FROM tuv WHERE tu_id = ?")) < 0 ||
	    (error = tm__prepare(s->db, &s->del_tu,
	    "DELETE FROM tu WHERE id = ?")) < 0)
		goto done;
done:
	tm__buf_release(&sql);
	return error;
}

int
tm__sink_open(struct tm__sink **out, tm_db *db, int64_t import_id,
    int dup_mode, struct tm__prebuild *pb)
{
	struct tm__sink *s;
	tm__stmt *st = NULL;
	int error;

	*out = NULL;
	if (!(s = tm__calloc(1, sizeof(*s))))
		return tm__error_nomem();
	s->db = db;
	s->import_id = import_id;
	s->dup_mode = dup_mode;
	s->pb = pb;
	s->added_max = added_max();
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->nonempty, NULL);
	pthread_cond_init(&s->nonfull, NULL);
	/* The import holds the write lock: nobody else takes ids meanwhile. */
	if ((error = prepare(s)) < 0 ||
	    (error = tm__prepare(db, &st, "SELECT max(id) FROM tu")) < 0)
		goto done;
	if (tm__step(st) != TM__ROW) {
		error = tm__error_db(db, "cannot read units");
		goto done;
	}
	s->next_id = s->first_id = tm__column_int64(st, 0) + 1;
	s->had_units = s->next_id > 1;
done:
	tm__finalize(st);
	if (error) {
		tm__sink_close(s, NULL, true);
		return error;
	}
	*out = s;
	return 0;
}

static struct tm__batch *
new_batch(void)
{
	return tm__calloc(1, sizeof(struct tm__batch));
}

int
tm__sink_put(struct tm__sink *s, struct tm__batch **batch)
{
	struct tm__batch *b = *batch, *fresh;
	int error = 0;

	if (!s->thread_started && !s->held) {
		/* Hold the first batch: the file may end before another. */
		if (!(fresh = new_batch()))
			return tm__error_nomem();
		s->held = b;
		*batch = fresh;
		return 0;
	}
	if (s->no_thread) {
		/* No thread could be had: write here, in order. */
		error = store_batch(s, b);
		tm__batch_reset(b);
		return error;
	}
	if (!s->thread_started) {
		/* The queue is set up before the writer can look at it. */
		s->held->next = NULL;
		s->head = s->tail = s->held;
		s->nqueued = 1;
		if (pthread_create(&s->thread, NULL, writer, s) != 0) {
			s->head = s->tail = NULL;
			s->nqueued = 0;
			s->no_thread = true;
			error = store_batch(s, s->held);
			if (!error)
				error = store_batch(s, b);
			tm__batch_free(s->held);
			s->held = NULL;
			tm__batch_reset(b);
			return error;
		}
		s->thread_started = true;
		s->held = NULL;
	}
	pthread_mutex_lock(&s->lock);
	while (s->nqueued >= QUEUE_MAX && !s->error)
		pthread_cond_wait(&s->nonfull, &s->lock);
	if (s->error) {
		error = tm__error(s->error, "%s", s->errmsg ? s->errmsg :
		    "cannot store units");
		pthread_mutex_unlock(&s->lock);
		return error;
	}
	b->next = NULL;
	if (s->tail)
		s->tail->next = b;
	else
		s->head = b;
	s->tail = b;
	s->nqueued++;
	pthread_cond_signal(&s->nonempty);
	fresh = s->spare;
	if (fresh)
		s->spare = fresh->next;
	pthread_mutex_unlock(&s->lock);
	if (!fresh && !(fresh = new_batch())) {
		*batch = NULL;
		return tm__error_nomem();
	}
	fresh->next = NULL;
	*batch = fresh;
	return 0;
}

int
tm__sink_close(struct tm__sink *s, tm_import_result *res, bool abort)
{
	struct tm__batch *b;
	int error = 0;

	if (!s)
		return 0;
	if (s->thread_started) {
		pthread_mutex_lock(&s->lock);
		s->closing = true;
		if (abort && !s->error)
			s->error = TM_ERROR;	/* the writer skips the rest */
		pthread_cond_signal(&s->nonempty);
		pthread_mutex_unlock(&s->lock);
		pthread_join(s->thread, NULL);
	} else if (s->held && !abort) {
		error = store_batch(s, s->held);
	}
	if (!error && s->error && !abort)
		error = tm__error(s->error, "%s", s->errmsg ? s->errmsg :
		    "cannot store units");
	if (!error && !abort)
		error = flush_keys(s);
	/* Units were given their ids here: the next given none come after. */
	if (!error && !abort)
		error = s->db->store->ids_taken(s->db, "tu");
	if (res) {
		res->imported = s->counts.imported;
		res->duplicates = s->counts.duplicates;
		res->updated = s->counts.updated;
		res->variants = s->counts.variants;
	}
	tm__batch_free(s->held);
	while ((b = s->head)) {
		s->head = b->next;
		tm__batch_free(b);
	}
	while ((b = s->spare)) {
		s->spare = b->next;
		tm__batch_free(b);
	}
	tm__finalize(s->ins_tu);
	tm__finalize(s->ins_tuv);
	tm__finalize(s->ins_annot);
	tm__finalize(s->sel_dup);
	tm__finalize(s->sel_mtime);
	tm__idmap_release(&s->added);
	tm__finalize(s->del_annot);
	tm__finalize(s->del_tuv);
	tm__finalize(s->del_tu);
	free(s->errmsg);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->nonempty);
	pthread_cond_destroy(&s->nonfull);
	free(s);
	return error;
}

/* Import from `path`, or from `fd` when it is not negative. */
static int
import_tmx(tm_import_result *out, tm_db *db, const char *path, int fd,
    const tm_import_options *opts)
{
	static const tm_import_options defaults = TM_IMPORT_OPTIONS_INIT;
	tm_import_result res;
	struct tm__prebuild *pb = NULL;
	struct timespec t0, t1;
	uint64_t total = 0;
	unsigned flags;
	int error, side;

	memset(&res, 0, sizeof(res));
	if (out)
		*out = res;
	if (!opts)
		opts = &defaults;
	if (opts->version != TM_IMPORT_OPTIONS_VERSION ||
	    opts->duplicates < TM_DUP_SKIP || opts->duplicates > TM_DUP_UPDATE)
		return tm__error(TM_EINVAL, "bad import options");
	if (db->flags & TM_DB_READONLY)
		return tm__error(TM_EINVAL, "the database is open read-only");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* Into a memory without units: write a new file beside it. */
	if ((side = tm__side_begin(db)) < 0) {
		if (side != TM_ENOMEM)
			tm__error_prefix("'%s'", path);
		return side;
	}
	/*
	 * The new file is the import's alone: its index can be made as the
	 * units are stored.  Without that (no memory, no temporary file)
	 * the index is made after, as for any other import.
	 */
	if (side && (tm__key_flags(db, &flags) < 0 ||
	    tm__prebuild_new(&pb, flags) < 0))
		tm_error_clear();
	if ((error = tm__tmx_read(&res, &total, db, path, fd, opts, pb)) < 0)
		goto done;
	/*
	 * The n-gram index is derived data, brought up to date in its own
	 * transaction: if this fails or is killed, the import stands and
	 * the next lookup or import catches up.
	 */
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (tm__index_update(db, pb) < 0) {
		tm_error_clear();
		res.index_stale = 1;
	}
	res.index_seconds = tm__elapsed(&t1);
	if (side && (error = tm__side_commit(db)) < 0) {
		res.import_id = 0;
		if (error != TM_ENOMEM)
			tm__error_prefix("'%s'", path);
		goto done;
	}
	side = 0;
	if (opts->progress)
		opts->progress(total, total, opts->payload);
done:
	tm__prebuild_free(pb);
	if (side)
		tm__side_abort(db);
	res.seconds = tm__elapsed(&t0);
	if (out)
		*out = res;
	return error;
}

int
tm_import_tmx(tm_import_result *out, tm_db *db, const char *path,
    const tm_import_options *opts)
{
	if (!db || !path)
		return tm__error(TM_EINVAL, "no database or no file");
	return import_tmx(out, db, path, -1, opts);
}

int
tm_import_tmx_fd(tm_import_result *out, tm_db *db, int fd,
    const tm_import_options *opts)
{
	if (!db)
		return tm__error(TM_EINVAL, "no database or no file");
	if (fd < 0)
		return tm__error(TM_EINVAL, "no file descriptor");
	return import_tmx(out, db, opts && opts->name ? opts->name : "-", fd,
	    opts);
}
