/*
 * srx.h: SRX 2.0 segmentation rules (srx.c).  Not API.
 */
#ifndef TM_SRX_H
#define TM_SRX_H

#include <unicode/utypes.h>

enum { TM__SRX_BREAK = 1, TM__SRX_NOBREAK = 2 };

struct tm__srx_rule;
struct tm__srx_rules {
	struct tm__srx_rule *r;
	size_t n, cap;
};

/*
 * Append the rules that apply to `lang` from the SRX file at `path` or
 * from the built-in document, in SRX order (maprules, cascading as the
 * header says).  Errors name the file and line.
 */
int tm__srx_load_file(struct tm__srx_rules *rules, const char *path,
    const char *lang);
int tm__srx_load_builtin(struct tm__srx_rules *rules, const char *lang);
/*
 * Copy the rules into *out (empty) with regexes of their own: cheap, and
 * the way to use one set of rules from several threads, since applying
 * rules drives their regexes.  `rules` itself may be cloned from several
 * threads at once as long as no thread applies it.
 */
int tm__srx_clone(struct tm__srx_rules *out,
    const struct tm__srx_rules *rules);
/*
 * Mark in dec[1..n] (dec[i]: between u[i-1] and u[i]) the decision of
 * the first rule that matches at each place, TM__SRX_BREAK or
 * TM__SRX_NOBREAK; places no rule matches keep 0.  The rules' regexes
 * take the text: one thread at a time.
 */
int tm__srx_apply(struct tm__srx_rules *rules, const UChar *u, int32_t n,
    uint8_t *dec);
void tm__srx_release(struct tm__srx_rules *rules);

#endif /* TM_SRX_H */
