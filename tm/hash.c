/*
 * hash.c: hashing for duplicate detection.  The hash only finds
 * candidates quickly; every hit is verified against the stored text, so
 * a collision costs time, never data.  Hashes are stored, so the
 * function must give the same value on every machine: words are read
 * little-endian whatever the host.
 */
#include "tm-int.h"

static uint64_t
load_le(const unsigned char *p, size_t n)
{
	uint64_t w = 0;
	size_t i;

	for (i = 0; i < n; i++)
		w |= (uint64_t)p[i] << (8 * i);
	return w;
}

static uint64_t
mix(uint64_t h)
{
	h ^= h >> 33;
	h *= UINT64_C(0xff51afd7ed558ccd);
	h ^= h >> 33;
	return h;
}

uint64_t
tm__hash(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t n = len;

	for (; n >= 8; p += 8, n -= 8)
		h = (h ^ load_le(p, 8)) * UINT64_C(0x9e3779b97f4a7c15) +
		    (h >> 29);
	h ^= load_le(p, n) ^ ((uint64_t)len << 56);
	return mix(h * UINT64_C(0x9e3779b97f4a7c15));
}

/*
 * An open-addressing map from unit keys to unit ids, for the units one
 * import adds (import.c).  No library we depend on has an integer-keyed
 * map (libxml2's and jansson's are keyed by strings); this one takes 20
 * bytes a slot, and its slots sort in place into the order the tu_dup
 * index wants.  A removed entry keeps its slot so that probe chains
 * stay whole.
 */
#define REMOVED UINT32_MAX

static size_t
slot_of(const struct tm__idmap *m, uint64_t hash)
{
	return (size_t)(hash ^ (hash >> 29)) & (m->cap - 1);
}

static int
idmap_resize(struct tm__idmap *m, size_t cap)
{
	struct tm__idmap_slot *old = m->slots, *p;
	size_t oldcap = m->cap, i, k;

	if (!(p = tm__calloc(cap, sizeof(*p))))
		return tm__error_nomem();
	m->slots = p;
	m->cap = cap;
	m->used = 0;
	for (i = 0; i < oldcap; i++) {
		if (old[i].id == 0 || old[i].id == REMOVED)
			continue;
		for (k = slot_of(m, old[i].hash); p[k].id; k = (k + 1) & (cap - 1))
			;
		p[k] = old[i];
		m->used++;
	}
	free(old);
	return 0;
}

int
tm__idmap_add(struct tm__idmap *m, uint64_t hash, uint64_t hash2, int64_t id)
{
	size_t k;
	int error;

	if (!m->cap && !m->used)
		m->base = id;
	if (id < m->base || id - m->base >= (int64_t)REMOVED - 1)
		return tm__error(TM_EINVAL, "too many units in one import");
	if ((m->used + 1) * 4 > m->cap * 3 &&
	    (error = idmap_resize(m, m->cap ? m->cap * 2 : 1024)) < 0)
		return error;
	for (k = slot_of(m, hash); m->slots[k].id; k = (k + 1) & (m->cap - 1))
		;
	m->slots[k].hash = hash;
	m->slots[k].hash2 = hash2;
	m->slots[k].id = (uint32_t)(id - m->base + 1);
	m->used++;
	return 0;
}

int64_t
tm__idmap_find(const struct tm__idmap *m, uint64_t hash, uint64_t hash2,
    size_t *pos)
{
	size_t k;

	if (!m->cap)
		return 0;
	for (k = slot_of(m, hash); m->slots[k].id; k = (k + 1) & (m->cap - 1))
		if (m->slots[k].hash == hash &&
		    m->slots[k].hash2 == hash2 &&
		    m->slots[k].id != REMOVED) {
			*pos = k;
			return m->base + m->slots[k].id - 1;
		}
	return 0;
}

void
tm__idmap_remove(struct tm__idmap *m, size_t pos)
{
	m->slots[pos].id = REMOVED;
}

static int
cmp_slot(const void *a, const void *b)
{
	const struct tm__idmap_slot *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	if (x->hash2 != y->hash2)
		return x->hash2 < y->hash2 ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

size_t
tm__idmap_sort(struct tm__idmap *m)
{
	size_t i, n = 0;

	for (i = 0; i < m->cap; i++)
		if (m->slots[i].id != 0 && m->slots[i].id != REMOVED)
			m->slots[n++] = m->slots[i];
	if (n > 1)
		qsort(m->slots, n, sizeof(*m->slots), cmp_slot);
	m->used = 0;	/* no longer a map */
	return n;
}

void
tm__idmap_release(struct tm__idmap *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}
