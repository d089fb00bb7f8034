/*
 * review.c: the bilingual review page of a pre-translation, one
 * self-contained HTML file (inline CSS, no script, no external
 * resource): source and draft side by side (one column on a narrow
 * screen), the match as a coloured badge, the fuzzy match's differences
 * marked, glossary terms highlighted in the source with their
 * translations listed, and QA findings on the draft listed under it.
 * An HTML segment's inline codes are small badges, ⟨1⟩…⟨/1⟩ for an
 * element around text and ⟨2/⟩ for an empty one, the original start
 * tag as their title: a code the draft left out shows as a badge
 * missing on the target's side and as a tag finding.
 * Every text from the document, the memory or the glossary is escaped.
 * Every text colour has a contrast of at least 4.5:1 with what is behind
 * it (WCAG AA), and a check's finding, a missing term too, is in the
 * error colour rather than the glossary's.
 */
#include "pretranslate.h"
#include "i18n.h"

static const char style[] =
    "*{box-sizing:border-box}"
    "body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1a1a1a;"
    "background:#f6f6f4}"
    "header{padding:12px 16px;background:#26364a;color:#fff}"
    "header h1{margin:0;font-size:1.2em;overflow-wrap:anywhere}"
    "header p{margin:4px 0 0}"
    ".legend{padding:8px 16px;font-size:.9em}"
    ".seg{display:grid;grid-template-columns:1fr 1fr;gap:4px 16px;"
    "margin:8px;padding:8px 12px;background:#fff;border-left:6px solid "
    "#999;border-radius:4px}"
    ".seg.o-context,.seg.o-exact{border-color:#2e7d32}"
    ".seg.o-fuzzy{border-color:#e6a100}"
    ".seg.o-mt{border-color:#1565c0}"
    ".seg.o-none{border-color:#c62828}"
    ".meta,.match,.notes{grid-column:1/-1;font-size:.85em}"
    ".src,.tgt{overflow-wrap:anywhere;white-space:pre-wrap}"
    ".num{font-weight:bold;margin-right:6px}"
    ".badge{display:inline-block;padding:0 8px;margin-right:4px;"
    "border-radius:10px;color:#fff;font-weight:bold}"
    ".badge.context,.badge.exact{background:#2e7d32}"
    ".badge.fuzzy{background:#8a5d00}"
    ".badge.mt{background:#1565c0}"
    ".badge.none{background:#c62828}"
    ".badge.rep{background:#6a4c93}"
    ".badge a{color:inherit}"
    ".empty{color:#c62828;font-style:italic}"
    ".match{color:#444}"
    "del{background:#fdd;color:#900}"
    "ins{background:#dfd;color:#060;text-decoration:underline}"
    ".notes{margin:0;padding-left:20px}"
    ".notes .term{color:#4a3b00}"
    ".notes li.qa{color:#b00020}"
    "mark.term{background:#fff3b0;border-bottom:2px solid #d4a800}"
    ".tag{font:bold .7em/1 monospace;padding:1px 3px;margin:0 1px;"
    "border-radius:3px;background:#e4dcf0;color:#4a2a7a;"
    "vertical-align:middle;white-space:nowrap}"
    "@media (max-width:640px){.seg{grid-template-columns:1fr}"
    "body{font-size:17px}}";

/* The diff of tm_match: "[-only in the memory-]", "{+only in ours+}". */
static int
add_diff(struct tm__buf *b, const char *d)
{
	struct tm__buf t = { 0 };
	int error = 0;

	while (*d && !error) {
		const char *open = NULL, *close, *tag, *end;
		const char *del = strstr(d, "[-"), *ins = strstr(d, "{+");

		if (del && (!ins || del < ins)) {
			open = del;
			close = "-]";
			tag = "del";
		} else if (ins) {
			open = ins;
			close = "+}";
			tag = "ins";
		}
		if (!open || !(end = strstr(open + 2, close))) {
			error = tm__buf_xml(b, d, false);
			break;
		}
		tm__buf_reset(&t);
		if ((error = tm__buf_add(&t, d, (size_t)(open - d))) < 0 ||
		    (error = tm__buf_xml(b, tm__buf_str(&t), false)) < 0)
			break;
		tm__buf_reset(&t);
		if ((error = tm__buf_add(&t, open + 2,
		    (size_t)(end - open - 2))) < 0 ||
		    (error = tm__buf_printf(b, "<%s>", tag)) < 0 ||
		    (error = tm__buf_xml(b, tm__buf_str(&t), false)) < 0 ||
		    (error = tm__buf_printf(b, "</%s>", tag)) < 0)
			break;
		d = end + 2;
	}
	tm__buf_release(&t);
	return error;
}

static int
add_text_div(struct tm__buf *b, const char *cls, const char *lang,
    const struct tm__pt_seg *g)
{
	const char *text = g->target;
	size_t ti = 0;
	int error;

	if ((error = tm__buf_printf(b, "<div class=\"%s\" lang=\"", cls)) < 0 ||
	    (error = tm__buf_xml(b, lang, true)) < 0 ||
	    (error = tm__buf_adds(b, "\">")) < 0)
		return error;
	if (text)
		error = tm__pt_add_badges(b, text, 0, strlen(text), g->ttags,
		    g->nttags, g->codes, &ti);
	else
		error = tm__buf_printf(b, "<span class=\"empty\">%s</span>",
		    _("(no translation)"));
	if (!error)
		error = tm__buf_adds(b, "</div>\n");
	return error;
}

/* The source with the glossary's terms marked (their note as title). */
static int
add_source(struct tm__buf *b, const tm_pretranslation *p,
    const struct tm__pt_seg *g)
{
	size_t at = 0, len = strlen(g->source), j, ti = 0;
	int error;

	if ((error = tm__buf_adds(b, "<div class=\"src\" lang=\"")) < 0 ||
	    (error = tm__buf_xml(b, p->from, true)) < 0 ||
	    (error = tm__buf_adds(b, "\">")) < 0)
		return error;
	for (j = 0; j < g->nterms && !error; j++) {
		const struct tm__pt_term *k = &g->terms[j];

		if (k->start < at || k->start + k->len > len || !k->len)
			continue;
		if ((error = tm__pt_add_badges(b, g->source, at, k->start,
		    g->stags, g->nstags, g->codes, &ti)) < 0 ||
		    (error = tm__buf_adds(b, "<mark class=\"term\" title=\"")) < 0 ||
		    (error = tm__buf_xml(b, k->note, true)) < 0 ||
		    (error = tm__buf_adds(b, "\">")) < 0)
			break;
		if ((error = tm__pt_add_badges(b, g->source, k->start,
		    k->start + k->len, g->stags, g->nstags, g->codes,
		    &ti)) < 0 ||
		    (error = tm__buf_adds(b, "</mark>")) < 0)
			break;
		at = k->start + k->len;
	}
	if (!error)
		error = tm__pt_add_badges(b, g->source, at, len, g->stags,
		    g->nstags, g->codes, &ti);
	if (!error)
		error = tm__buf_adds(b, "</div>\n");
	return error;
}

static int
segment(struct tm__buf *b, const tm_pretranslation *p, size_t i)
{
	const struct tm__pt_seg *g = &p->segs[i];
	const tm_pt_segment *s = &g->pub;
	const char *o = tm__pt_origin_name(s->origin);
	int error;

	error = tm__buf_printf(b, "<section class=\"seg o-%s\" id=\"s%zu\">\n"
	    "<div class=\"meta\"><span class=\"num\">%zu</span>", o, i + 1,
	    i + 1);
	if (error)
		return error;
	switch (s->origin) {
	case TM_ORIGIN_CONTEXT:
		error = tm__buf_printf(b, "<span class=\"badge context\">%s"
		    "</span>", /* xgettext:no-c-format */ _("101% context"));
		break;
	case TM_ORIGIN_EXACT:
		error = tm__buf_printf(b, "<span class=\"badge exact\">%s"
		    "</span>", /* xgettext:no-c-format */ _("100% exact"));
		break;
	case TM_ORIGIN_FUZZY:
		if (!(error = tm__buf_adds(b,
		    "<span class=\"badge fuzzy\">")) &&
		    !(error = tm__buf_printf(b, _("%d%% fuzzy"), s->score)))
			error = tm__buf_adds(b, "</span>");
		break;
	case TM_ORIGIN_MT:
		error = tm__buf_printf(b, "<span class=\"badge mt\">%s ",
		    _("MT"));
		if (!error)
			error = tm__buf_xml(b, p->mt_name ? p->mt_name : "",
			    false);
		if (!error)
			error = tm__buf_adds(b, "</span>");
		break;
	default:
		error = tm__buf_adds(b, "<span class=\"badge none\">");
		if (!error && s->score)
			error = tm__buf_printf(b, _("no match (best %d%%)"),
			    s->score);
		else if (!error)
			error = tm__buf_adds(b, _("no match"));
		if (!error)
			error = tm__buf_adds(b, "</span>");
		break;
	}
	if (!error && s->repetition_of)
		error = tm__buf_printf(b, "<span class=\"badge rep\">%s "
		    "<a href=\"#s%zu\">%zu</a></span>", _("repeats"),
		    s->repetition_of, s->repetition_of);
	if (!error)
		if (!(error = tm__buf_adds(b, " <span class=\"line\">")) &&
		    !(error = tm__buf_printf(b, _("line %ld"), s->line)))
			error = tm__buf_adds(b, "</span></div>\n");
	if (!error)
		error = add_source(b, p, g);
	if (!error)
		error = add_text_div(b, "tgt", p->to, g);
	if (!error && g->diff && s->origin == TM_ORIGIN_FUZZY) {
		error = tm__buf_printf(b, "<div class=\"match\">%s "
		    "<span class=\"diff\">", _("Memory:"));
		if (!error)
			error = add_diff(b, g->diff);
		if (!error)
			error = tm__buf_adds(b, "</span></div>\n");
	}
	if (!error && (s->mt_error || g->nterms || g->nqa)) {
		size_t j;

		error = tm__buf_adds(b, "<ul class=\"notes\">");
		for (j = 0; j < g->nterms && !error; j++) {
			error = tm__buf_adds(b, "<li class=\"term\">");
			if (!error)
				error = tm__buf_xml(b, g->terms[j].note,
				    false);
			if (!error)
				error = tm__buf_adds(b, "</li>");
		}
		for (j = 0; j < g->nqa && !error; j++) {
			error = tm__buf_adds(b, "<li class=\"qa ");
			if (!error)
				error = tm__buf_xml(b, g->qa[j].kind, true);
			if (!error)
				error = tm__buf_printf(b, "\">%s ",
				    _("Check:"));
			if (!error)
				error = tm__buf_xml(b, g->qa[j].text,
				    false);
			if (!error)
				error = tm__buf_adds(b, "</li>");
		}
		if (!error && s->mt_error) {
			error = tm__buf_printf(b, "<li class=\"qa mt\">%s ",
			    _("MT failed:"));
			if (!error)
				error = tm__buf_xml(b, s->mt_error, false);
			if (!error)
				error = tm__buf_adds(b, "</li>");
		}
		if (!error)
			error = tm__buf_adds(b, "</ul>\n");
	}
	if (!error)
		error = tm__buf_adds(b, "</section>\n");
	return error;
}

int
tm_pretranslation_write_review(const tm_pretranslation *p, const char *path)
{
	struct tm__buf b = { 0 };
	size_t i, n[5] = { 0 };
	int error;

	if (!p)
		return tm__error(TM_EINVAL, "no pre-translation");
	for (i = 0; i < p->nsegs; i++)
		n[p->segs[i].pub.origin]++;
	error = tm__buf_adds(&b, "<!DOCTYPE html>\n<html lang=\"");
	if (!error)
		error = tm__buf_xml(&b, p->to, true);
	if (!error)
		error = tm__buf_adds(&b, "\">\n<head>\n<meta charset=\"utf-8\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width, "
		    "initial-scale=1\">\n<title>");
	if (!error)
		error = tm__buf_printf(&b, "%s ", _("Review:"));
	if (!error)
		error = tm__buf_xml(&b, p->name, false);
	if (!error)
		error = tm__buf_printf(&b, "</title>\n<style>%s</style>\n"
		    "</head>\n<body>\n<header><h1>", style);
	if (!error)
		error = tm__buf_xml(&b, p->name, false);
	if (!error)
		error = tm__buf_adds(&b, "</h1><p>");
	if (!error)
		error = tm__buf_xml(&b, p->from, false);
	if (!error)
		error = tm__buf_adds(&b, " &#8594; ");
	if (!error)
		error = tm__buf_xml(&b, p->to, false);
	if (!error)
		error = tm__buf_printf(&b, " &#183; <span id=\"count\">%zu"
		    "</span>", p->nsegs);
	/* The labels in the language of the locale at hand. */
	if (!error)
		error = tm__buf_printf(&b, _(" segments: %zu context, %zu "
		    "exact, %zu fuzzy, %zu MT, %zu without translation"),
		    n[TM_ORIGIN_CONTEXT], n[TM_ORIGIN_EXACT],
		    n[TM_ORIGIN_FUZZY], n[TM_ORIGIN_MT], n[TM_ORIGIN_NONE]);
	if (!error)
		error = tm__buf_printf(&b, "</p></header>\n<p class=\"legend\">"
		    "%s</p>\n<main>\n", _("In a fuzzy match, <del>struck "
		    "out</del> is only in the memory's source, "
		    "<ins>underlined</ins> only in this segment."));
	for (i = 0; i < p->nsegs && !error; i++)
		error = segment(&b, p, i);
	if (!error)
		error = tm__buf_adds(&b, "</main>\n</body>\n</html>\n");
	if (!error)
		error = tm__write_file(path, &b);
	else
		error = tm__error_nomem();
	tm__buf_release(&b);
	return error;
}
