/*
 * fuzz-mt-json: arbitrary bytes as the reply of every machine-translation
 * provider, for one to three segments, with HTTP 200 and with the status
 * the first byte picks.  Nothing may crash, leak or trip a sanitizer;
 * a reply is either n valid translations or an error with a message.
 */
#include "mt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const long statuses[] = { 200, 400, 401, 403, 429, 456, 500 };
	char *body;
	size_t t, n, i, s;

	if (!(body = malloc(size + 1)))
		return 0;
	memcpy(body, data, size);
	body[size] = '\0';
	for (t = 0; tm__mt_types[t]; t++)
		for (n = 1; n <= 3; n++)
			for (s = 0; s < 2; s++) {
				struct tm__mt_reply rep = { 0 };
				tm_mt mt = { 0 };
				int rc;

				mt.ops = tm__mt_types[t];
				rep.status = s == 0 || !size ? 200 :
				    statuses[data[0] % TM__ARRAY_SIZE(statuses)];
				rep.body = body;
				rep.len = size;
				rc = mt.ops->parse(&rep, &mt, n);
				if (rc == 0 && !rep.texts)
					abort();
				if (rc < 0 && rc != TM_ENOMEM && !rep.msg.len)
					abort();	/* a failure says why */
				for (i = 0; rep.texts && i < n; i++)
					free(rep.texts[i]);
				free(rep.texts);
				tm__buf_release(&rep.msg);
			}
	tm_error_clear();
	free(body);
	return 0;
}
