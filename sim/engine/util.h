/*
 * util.h - allocation that cannot fail and assertions that are always on.
 *
 * Out of memory and programmer errors are not recoverable in a simulator: the
 * x* allocators print and abort, and SIM_ASSERT/BUG print the C source
 * location and abort (never compiled out, unlike assert(3)).
 */
#ifndef SIM_UTIL_H
#define SIM_UTIL_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);

/* Prints "file:line: internal error: msg" and aborts. */
_Noreturn void sim__bug(const char *file, int line, const char *msg);

#define BUG(msg) sim__bug(__FILE__, __LINE__, (msg))
#define SIM_ASSERT(cond)                                                                                               \
	do {                                                                                                           \
		if (!(cond))                                                                                           \
			sim__bug(__FILE__, __LINE__, "assertion failed: " #cond);                                      \
	} while (0)

/*
 * A ring buffer of cap elements of `size` bytes (cap a power of two) holds
 * n of them from index head on, wrapping.  Returns a buffer of 2 * cap
 * elements holding the same n from index 0, and frees the old one.
 */
void *ring_grow(void *ring, size_t size, size_t head, size_t n, size_t cap);

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* s without its leading and trailing white space (in place: the end is cut). */
char *str_trim(char *s);

#endif
