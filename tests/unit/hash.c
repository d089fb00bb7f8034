/* Unit tests for hash.c: the unit hash and the map of an import's keys. */
#include "tm-int.h"
#include "../tap.h"

int
main(void)
{
	struct tm__idmap m = { 0 };
	uint64_t h1;
	size_t pos, i, n;
	bool all = true;

	h1 = tm__hash(TM__HASH_INIT, "abc", 3);
	ok(h1 == tm__hash(TM__HASH_INIT, "abc", 3), "the hash is stable");
	ok(h1 != tm__hash(TM__HASH_INIT, "abd", 3), "one byte changes it");
	ok(tm__hash(TM__HASH_INIT, "a\0b", 3) !=
	    tm__hash(TM__HASH_INIT, "ab\0", 3), "NUL bytes count");
	ok(tm__hash(TM__HASH_INIT, "", 0) != tm__hash(TM__HASH_INIT, "\0", 1),
	    "length counts");
	ok(tm__hash(TM__HASH_INIT, "abc", 3) != tm__hash(TM__HASH_INIT2,
	    "abc", 3), "the two seeds differ");
	/* A fixed value: hashes are stored, so they must not drift. */
	is_int(tm__hash(TM__HASH_INIT, "zh-cn", 5) != 0, 1, "nonzero");

	ok(tm__idmap_find(&m, 1, 2, &pos) == 0, "an empty map finds nothing");
	for (i = 0; i < 5000; i++)
		if (tm__idmap_add(&m, i * 7919 % 1000, i, 100 + (int64_t)i) < 0)
			all = false;
	ok(all, "5000 entries added, colliding first hashes included");
	for (i = 0; i < 5000; i++)
		if (tm__idmap_find(&m, i * 7919 % 1000, i, &pos) !=
		    100 + (int64_t)i)
			all = false;
	ok(all, "each is found by its full key after growing");
	ok(tm__idmap_find(&m, 7919 % 1000, 999999, &pos) == 0,
	    "the second hash must match too");
	ok(tm__idmap_find(&m, 3 * 7919 % 1000, 3, &pos) == 103, "found");
	tm__idmap_remove(&m, pos);
	ok(tm__idmap_find(&m, 3 * 7919 % 1000, 3, &pos) == 0,
	    "a removed entry is gone");
	ok(tm__idmap_find(&m, 4 * 7919 % 1000, 4, &pos) == 104,
	    "and its neighbours are still found");
	n = tm__idmap_sort(&m);
	is_int(n, 4999, "sorting keeps the live entries");
	for (i = 1; i < n; i++)
		if (m.slots[i - 1].hash > m.slots[i].hash ||
		    (m.slots[i - 1].hash == m.slots[i].hash &&
		    m.slots[i - 1].hash2 > m.slots[i].hash2))
			all = false;
	ok(all, "in key order");
	ok(tm__idmap_id(&m, 0) >= 100, "ids come back from the base");
	tm__idmap_release(&m);
	return done_testing();
}
