/* Unit tests for buf.c: growable buffers and XML escaping. */
#include "tm-int.h"
#include "../tap.h"

int
main(void)
{
	struct tm__buf b = { 0 };
	char *s;
	size_t i;

	is_str(tm__buf_str(&b), "", "an empty buffer reads as \"\"");
	ok(tm__buf_adds(&b, "abc") == 0 && b.len == 3, "adds");
	ok(tm__buf_addc(&b, 'd') == 0, "addc");
	ok(tm__buf_printf(&b, "-%d-%s", 42, "x") == 0, "printf");
	is_str(b.ptr, "abcd-42-x", "contents");
	tm__buf_reset(&b);
	is_str(tm__buf_str(&b), "", "reset empties");

	/* Growth well past the first allocation keeps every byte. */
	for (i = 0; i < 10000; i++)
		tm__buf_addc(&b, (char)('a' + i % 26));
	ok(b.len == 10000 && b.ptr[9999] == (char)('a' + 9999 % 26) &&
	    b.ptr[10000] == '\0', "grows and stays NUL-terminated");
	tm__buf_reset(&b);

	tm__buf_add_xml(&b, "a<b>&\"c\"\r\n\t", 12, false);
	is_str(b.ptr, "a&lt;b&gt;&amp;\"c\"&#13;\n\t",
	    "text escaping keeps quotes, newlines and tabs, escapes CR");
	tm__buf_reset(&b);
	tm__buf_add_xml(&b, "a<b>&\"c\"\r\n\t", 12, true);
	is_str(b.ptr, "a&lt;b&gt;&amp;&quot;c&quot;&#13;&#10;&#9;",
	    "attribute escaping keeps what a parser would normalise away");
	tm__buf_reset(&b);
	tm__buf_add_xml(&b, "中文 plain", strlen("中文 plain"), false);
	is_str(b.ptr, "中文 plain", "UTF-8 passes through");

	s = tm__buf_detach(&b);
	is_str(s, "中文 plain", "detach hands over the string");
	ok(b.ptr == NULL && b.len == 0, "and leaves the buffer empty");
	free(s);
	s = tm__buf_detach(&b);
	is_str(s, "", "detaching an empty buffer gives \"\"");
	free(s);
	tm__buf_release(&b);
	return done_testing();
}
