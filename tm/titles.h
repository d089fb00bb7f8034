/*
 * titles.h: the official titles the checker knows (titles.c).  Not API.
 */
#ifndef TM_TITLES_H
#define TM_TITLES_H

#include <stddef.h>

/* One English form of a title without its qualifier (副, 代理...). */
struct tm__title {
	const char *zh;		/* 总领事 */
	const char *en;		/* Consul General */
};

/*
 * Lend the list (the shipped rows, then the user's) and hold it until
 * tm__titles_release().  The user's default file is read on the first
 * call.  0, or the error of that file (TM_EIO, TM_EPARSE, TM_EUTF8,
 * TM_ENOMEM) with the list not held.
 */
int tm__titles_acquire(const struct tm__title **out, size_t *n);
void tm__titles_release(void);

#endif /* TM_TITLES_H */
