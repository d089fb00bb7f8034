/* Unit tests for time.c: dates as TMX and people write them. */
#include "tm-int.h"
#include "../tap.h"

static const struct {
	const char *in, *out;	/* out NULL: refused */
} dates[] = {
	{ "20200128T093000Z", "20200128T093000Z" },
	{ "20200128", "20200128T000000Z" },
	{ "2020-01-28", "20200128T000000Z" },
	{ "2020-01-28T09:30:00Z", "20200128T093000Z" },
	{ "2020-01-28T09:30:00.123Z", "20200128T093000Z" },
	{ "2020-01-28 09:30", "20200128T093000Z" },
	{ "2020-01-28t0930", "20200128T093000Z" },
	{ " 2020-12-31 ", "20201231T000000Z" },
	{ "2020-13-01", NULL }, { "2020-00-10", NULL }, { "2020-01-32", NULL },
	{ "2020-1-28", NULL }, { "yesterday", NULL }, { "", NULL },
	{ "2020-01-28X", NULL }, { "20200128T09", NULL },
};

int
main(void)
{
	char out[17], now[17], iso[21];
	size_t i;

	for (i = 0; i < TM__ARRAY_SIZE(dates); i++) {
		int rc = tm__date_norm(out, dates[i].in);

		if (dates[i].out)
			ok(rc == 0 && strcmp(out, dates[i].out) == 0,
			    "'%s' is %s", dates[i].in, dates[i].out);
		else
			ok(rc == TM_EINVAL && strstr(tm_error_last()->message,
			    "is not a date"), "'%s' is refused", dates[i].in);
		tm_error_clear();
	}
	tm__now_tmx(now);
	ok(strlen(now) == 16 && now[8] == 'T' && now[15] == 'Z' &&
	    tm__date_norm(out, now) == 0 && strcmp(out, now) == 0,
	    "now in TMX form reads back as itself");
	tm__now_iso(iso);
	ok(strlen(iso) == 20 && tm__date_norm(out, iso) == 0 &&
	    strncmp(out, now, 8) == 0, "now in ISO form is the same day");
	return done_testing();
}
