/*
 * fuzz-util.h: what the fuzz targets share.  Readers of user files take
 * a path, so an input is written to a temporary file first.
 */
#ifndef TM_FUZZ_UTIL_H
#define TM_FUZZ_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Write `size` bytes to a new file in /tmp whose name ends in `suffix`;
 * `path` (at least 64 bytes) gets its name.  0, or -1 (nothing made).
 */
static inline int
fuzz_file(char *path, const char *suffix, const uint8_t *data, size_t size)
{
	int fd, n = (int)strlen(suffix);

	snprintf(path, 64, "/tmp/tm-fuzz-XXXXXX%s", suffix);
	if ((fd = mkstemps(path, n)) < 0)
		return -1;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	return 0;
}

#endif /* TM_FUZZ_UTIL_H */
