/*
 * standalone.c: runs a libFuzzer target over files named on the command
 * line, so that every `make check` replays the seed corpus without
 * libFuzzer (libgit2's fuzzers/standalone_driver.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		uint8_t *buf;
		long n;

		if (!f || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0) {
			fprintf(stderr, "cannot read '%s'\n", argv[i]);
			return 1;
		}
		rewind(f);
		if (!(buf = malloc((size_t)n + 1)) ||
		    fread(buf, 1, (size_t)n, f) != (size_t)n) {
			fprintf(stderr, "cannot read '%s'\n", argv[i]);
			return 1;
		}
		fclose(f);
		LLVMFuzzerTestOneInput(buf, (size_t)n);
		free(buf);
		printf("ok %d - %s\n", i, argv[i]);
	}
	printf("1..%d\n", argc - 1);
	return 0;
}
