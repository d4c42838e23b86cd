/*
 * diag.h - diagnostics about the user's input, collected and then printed
 * in compiler style:  file:line:col: error: message
 *
 * Every check adds to the list and carries on, so one run reports all the
 * problems of a scenario.  Lines and columns are 1-based; 0 means unknown.
 */
#ifndef CLI_DIAG_H
#define CLI_DIAG_H

#include <stddef.h>
#include <stdio.h>

struct diag_item {
	int line, col;
	char *msg; /* owned */
};

struct diags {
	char *file;          /* owned */
	struct diag_item *v; /* owned: the errors */
	size_t n, cap;
	struct diag_item *w; /* owned: the warnings (a scenario with only warnings runs) */
	size_t n_warn, cap_warn;
};

void diags_init(struct diags *d, const char *file);
void diags_release(struct diags *d);

/* Records an error at line:col (printf-style message). */
void diag_error(struct diags *d, int line, int col, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Records a warning: something probably not meant, that still runs. */
void diag_warning(struct diags *d, int line, int col, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Prints all errors and warnings sorted by position (stable), one per line,
 * control characters escaped. */
void diags_print(const struct diags *d, FILE *out);

/*
 * The word of words[] closest to word by edit distance, if close enough to
 * be a likely typo (distance <= 2, and less than half the word); else NULL.
 */
const char *diag_suggest(const char *word, const char *const *words, size_t n);

#endif
