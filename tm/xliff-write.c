/*
 * xliff-write.c: the XLIFF 1.2 of a pre-translation (issue 6, contract
 * 3), valid against the XLIFF 1.2 strict schema.  An HTML segment's
 * inline elements are <g id="N" ctype=".."> and <x id="N" ctype=".."/>
 * in <source>, in <target> where they were placed (pt-inline.c) and in
 * the <alt-trans> whose text is the unit's (machine translation, the
 * match used); other matches of the memory and the context are plain
 * text.  Extensions are in the namespace
 * urn:x-tm:xliff:1 (prefix tm): tm:match="context" on a 101 target,
 * tm:repetition-of on a repeated trans-unit, tm:unit-id on an alt-trans
 * from the memory (tests/data/xliff/tm-xliff-ext.xsd declares them).
 * Glossary terms found in the source are notes from "tm-glossary", QA
 * findings on the target notes from "tm-check".
 * The context group of trans-unit N is named "tm-context-N": the schema
 * wants context-group names unique within the file.
 */
#include "pretranslate.h"

static const char *
datatype(int format)
{
	switch (format) {
	case TM_FORMAT_HTML:
		return "html";
	case TM_FORMAT_MARKDOWN:
		return "x-markdown";
	case TM_FORMAT_DOCX:
		return "x-docx";
	case TM_FORMAT_ODT:
		return "x-odt";
	default:
		return "plaintext";
	}
}

static int
element(struct tm__buf *b, const char *indent, const char *name,
    const char *text)
{
	int error;

	if ((error = tm__buf_printf(b, "%s<%s>", indent, name)) < 0 ||
	    (error = tm__buf_xml(b, text, false)) < 0)
		return error;
	return tm__buf_printf(b, "</%s>\n", name);
}

/* <source> or <target> content: the text with its codes. */
static int
coded(struct tm__buf *b, const struct tm__pt_seg *g, bool target)
{
	return target ? tm__pt_add_xliff(b, g->target, g->ttags, g->nttags,
	    g->codes) : tm__pt_add_xliff(b, g->source, g->stags, g->nstags,
	    g->codes);
}

static int
coded_element(struct tm__buf *b, const char *indent,
    const struct tm__pt_seg *g, bool target)
{
	int error;

	if ((error = tm__buf_printf(b, "%s<%s>", indent, target ? "target" :
	    "source")) < 0 || (error = coded(b, g, target)) < 0)
		return error;
	return tm__buf_printf(b, "</%s>\n", target ? "target" : "source");
}

static int
unit(struct tm__buf *b, const tm_pretranslation *p, size_t i)
{
	const struct tm__pt_seg *g = &p->segs[i];
	const tm_pt_segment *s = &g->pub;
	size_t j;
	int error;

	error = tm__buf_printf(b, "      <trans-unit id=\"%zu\"", i + 1);
	if (!error && s->repetition_of)
		error = tm__buf_printf(b, " tm:repetition-of=\"%zu\"",
		    s->repetition_of);
	if (!error)
		error = tm__buf_adds(b, ">\n");
	if (!error)
		error = coded_element(b, "        ", g, false);
	if (error < 0)
		return error;
	if (!g->target) {
		error = tm__buf_adds(b, "        <target state="
		    "\"needs-translation\"/>\n");
	} else {
		const char *q = s->origin == TM_ORIGIN_MT ? "leveraged-mt" :
		    s->origin == TM_ORIGIN_FUZZY ? "fuzzy-match" :
		    "exact-match";

		error = tm__buf_printf(b, "        <target state="
		    "\"needs-review-translation\" state-qualifier=\"%s\"%s>",
		    q, s->origin == TM_ORIGIN_CONTEXT ?
		    " tm:match=\"context\"" : "");
		if (!error)
			error = coded(b, g, true);
		if (!error)
			error = tm__buf_adds(b, "</target>\n");
	}
	if (!error && (i > 0 || i + 1 < p->nsegs)) {
		error = tm__buf_printf(b, "        <context-group purpose="
		    "\"match\" name=\"tm-context-%zu\">\n", i + 1);
		if (!error && i > 0) {
			error = tm__buf_adds(b, "          <context context-type="
			    "\"x-context-pre\">");
			if (!error)
				error = tm__buf_xml(b, p->segs[i - 1].source,
				    false);
			if (!error)
				error = tm__buf_adds(b, "</context>\n");
		}
		if (!error && i + 1 < p->nsegs) {
			error = tm__buf_adds(b, "          <context context-type="
			    "\"x-context-post\">");
			if (!error)
				error = tm__buf_xml(b, p->segs[i + 1].source,
				    false);
			if (!error)
				error = tm__buf_adds(b, "</context>\n");
		}
		if (!error)
			error = tm__buf_adds(b, "        </context-group>\n");
	}
	for (j = 0; j < g->nterms && !error; j++) {
		error = tm__buf_adds(b, "        <note from=\"tm-glossary\">");
		if (!error)
			error = tm__buf_xml(b, g->terms[j].note, false);
		if (!error)
			error = tm__buf_adds(b, "</note>\n");
	}
	for (j = 0; j < g->nqa && !error; j++) {
		error = tm__buf_adds(b, "        <note from=\"tm-check\" "
		    "priority=\"2\">");
		if (!error)
			error = tm__buf_xml(b, g->qa[j].message, false);
		if (!error)
			error = tm__buf_adds(b, "</note>\n");
	}
	if (!error && s->mt_error) {
		error = tm__buf_adds(b, "        <note from=\"tm-mt\" "
		    "priority=\"2\">");
		if (!error)
			error = tm__buf_xml(b, s->mt_error, false);
		if (!error)
			error = tm__buf_adds(b, "</note>\n");
	}
	if (!error && s->origin == TM_ORIGIN_MT && !s->repetition_of) {
		error = tm__buf_adds(b, "        <alt-trans origin=\"mt:");
		if (!error)
			error = tm__buf_xml(b, p->mt_name ? p->mt_name : "",
			    true);
		if (!error)
			error = tm__buf_adds(b, "\">\n");
		if (!error)
			error = coded_element(b, "          ", g, false);
		if (!error)
			error = coded_element(b, "          ", g, true);
		if (!error)
			error = tm__buf_adds(b, "        </alt-trans>\n");
	}
	for (j = 0; j < g->nm && !error; j++) {
		const struct tm__pt_match *m = &g->m[j];

		error = tm__buf_printf(b, "        <alt-trans match-quality="
		    "\"%d\" origin=\"tm\" tm:unit-id=\"%lld\">\n", m->score,
		    (long long)m->unit_id);
		/* The same text as the unit's: with the unit's codes. */
		if (!error && strcmp(m->source, g->source) == 0)
			error = coded_element(b, "          ", g, false);
		else if (!error)
			error = element(b, "          ", "source", m->source);
		if (!error && g->target && strcmp(m->target, g->target) == 0)
			error = coded_element(b, "          ", g, true);
		else if (!error)
			error = element(b, "          ", "target", m->target);
		if (!error)
			error = tm__buf_adds(b, "        </alt-trans>\n");
	}
	if (!error)
		error = tm__buf_adds(b, "      </trans-unit>\n");
	return error;
}

int
tm_pretranslation_write_xliff(const tm_pretranslation *p, const char *path)
{
	struct tm__buf b = { 0 };
	size_t i;
	int error;

	if (!p)
		return tm__error(TM_EINVAL, "no pre-translation");
	error = tm__buf_adds(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<xliff version=\"1.2\" "
	    "xmlns=\"urn:oasis:names:tc:xliff:document:1.2\" "
	    "xmlns:tm=\"urn:x-tm:xliff:1\">\n  <file original=\"");
	if (!error)
		error = tm__buf_xml(&b, p->name, true);
	if (!error)
		error = tm__buf_adds(&b, "\" source-language=\"");
	if (!error)
		error = tm__buf_xml(&b, p->from, true);
	if (!error)
		error = tm__buf_adds(&b, "\" target-language=\"");
	if (!error)
		error = tm__buf_xml(&b, p->to, true);
	if (!error)
		error = tm__buf_printf(&b, "\" datatype=\"%s\" tool-id=\"tm\">\n"
		    "    <header>\n      <tool tool-id=\"tm\" tool-name=\"tm\" "
		    "tool-version=\"%s\"/>\n    </header>\n    <body>\n",
		    datatype(p->format), tm_version());
	for (i = 0; i < p->nsegs && !error; i++)
		error = unit(&b, p, i);
	if (!error)
		error = tm__buf_adds(&b, "    </body>\n  </file>\n</xliff>\n");
	if (!error)
		error = tm__write_file(path, &b);
	else
		error = tm__error_nomem();
	tm__buf_release(&b);
	return error;
}
