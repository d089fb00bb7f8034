/*
 * use-libtm.c: a program outside the project, built against the
 * installed libtm with `pkg-config --cflags --libs tm` (make
 * installcheck).  It imports the TMX file named by argv[1] into a
 * memory in RAM and looks up argv[2] from Chinese into English,
 * printing "SCORE<TAB>TARGET" for the best match.
 */
#include <stdio.h>

#include <tm.h>

int
main(int argc, char **argv)
{
	tm_lookup_options opts = TM_LOOKUP_OPTIONS_INIT;
	tm_import_result res;
	tm_matches *m = NULL;
	tm_db *db = NULL;
	const tm_match *best;
	int rc = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: use-libtm FILE.tmx TEXT\n");
		return 2;
	}
	if (tm_db_open(&db, ":memory:", TM_DB_CREATE) < 0 ||
	    tm_import_tmx(&res, db, argv[1], NULL) < 0)
		goto done;
	opts.from = "zh-CN";
	opts.to = "en-US";
	if (tm_lookup(&m, db, argv[2], &opts) < 0)
		goto done;
	if (tm_matches_count(m) == 0) {
		fprintf(stderr, "use-libtm: no match\n");
		goto done;
	}
	best = tm_matches_get(m, 0);
	printf("tm %s: %llu units\n", tm_version(),
	    (unsigned long long)res.imported);
	printf("%d\t%s\n", best->score, best->target);
	rc = 0;
done:
	if (rc && tm_error_last())
		fprintf(stderr, "use-libtm: %s\n", tm_error_last()->message);
	tm_matches_free(m);
	tm_db_close(db);
	return rc;
}
