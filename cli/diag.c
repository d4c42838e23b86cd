/* diag.c - see diag.h. */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/engine/util.h"

void diags_init(struct diags *d, const char *file)
{
	memset(d, 0, sizeof(*d));
	d->file = xstrdup(file);
}

void diags_release(struct diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].msg);
	for (size_t i = 0; i < d->n_warn; i++)
		free(d->w[i].msg);
	free(d->v);
	free(d->w);
	free(d->file);
	memset(d, 0, sizeof(*d));
}

/* The message, whole: formatted once to measure it, once to keep it. */
static char *format(const char *fmt, va_list ap)
{
	va_list again;
	va_copy(again, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	char *s = xmalloc(n > 0 ? (size_t)n + 1 : 1);
	vsnprintf(s, n > 0 ? (size_t)n + 1 : 1, fmt, again);
	va_end(again);
	return s;
}

static void add(struct diag_item **v, size_t *n, size_t *cap, int line, int col, char *msg)
{
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 16;
		*v = xrealloc(*v, *cap * sizeof(**v));
	}
	(*v)[(*n)++] = (struct diag_item){.line = line, .col = col, .msg = msg};
}

void diag_error(struct diags *d, int line, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add(&d->v, &d->n, &d->cap, line, col, format(fmt, ap));
	va_end(ap);
}

void diag_warning(struct diags *d, int line, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add(&d->w, &d->n_warn, &d->cap_warn, line, col, format(fmt, ap));
	va_end(ap);
}

/* An item to print: where, what, and its place among equals (stability). */
struct shown {
	const struct diag_item *it;
	const char *what;
	size_t order;
};

static int by_position(const void *a, const void *b)
{
	const struct shown *x = a, *y = b;
	if (x->it->line != y->it->line)
		return x->it->line < y->it->line ? -1 : 1;
	if (x->it->col != y->it->col)
		return x->it->col < y->it->col ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Writes s with control characters (a terminal's escape sequences) shown
 * as \xNN, so that a name or a value in a file cannot drive the terminal. */
static void put_escaped(FILE *out, const char *s)
{
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c < 0x20 || *c == 0x7f)
			fprintf(out, "\\x%02x", *c);
		else
			fputc(*c, out);
	}
}

void diags_print(const struct diags *d, FILE *out)
{
	size_t n = d->n + d->n_warn;
	struct shown *v = xmalloc((n ? n : 1) * sizeof(*v));
	for (size_t i = 0; i < d->n; i++)
		v[i] = (struct shown){&d->v[i], "error", i};
	for (size_t i = 0; i < d->n_warn; i++)
		v[d->n + i] = (struct shown){&d->w[i], "warning", d->n + i};
	qsort(v, n, sizeof(*v), by_position);
	for (size_t i = 0; i < n; i++) {
		put_escaped(out, d->file);
		if (v[i].it->line > 0)
			fprintf(out, ":%d:%d", v[i].it->line, v[i].it->col);
		fprintf(out, ": %s: ", v[i].what);
		put_escaped(out, v[i].it->msg);
		fputc('\n', out);
	}
	free(v);
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return 99;
	size_t prev[65], cur[65];
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		memcpy(prev, cur, (lb + 1) * sizeof(size_t));
	}
	return prev[lb];
}

const char *diag_suggest(const char *word, const char *const *words, size_t n)
{
	const char *best = NULL;
	size_t best_d = 3;
	for (size_t i = 0; i < n; i++) {
		size_t d = edit_distance(word, words[i]);
		if (d < best_d && 2 * d < strlen(word) + 1) {
			best = words[i];
			best_d = d;
		}
	}
	return best;
}
