/* diag.c - see diag.h. */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/util.h"

void diags_init(struct diags *d, const char *file)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->file, sizeof(d->file), "%s", file);
}

void diags_release(struct diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].msg);
	free(d->v);
	d->v = NULL;
	d->n = d->cap = 0;
}

void diag_error(struct diags *d, int line, int col, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 16;
		d->v = xrealloc(d->v, d->cap * sizeof(*d->v));
	}
	d->v[d->n++] = (struct diag_item){.line = line, .col = col, .msg = xstrdup(buf)};
}

void diags_print(const struct diags *d, FILE *out)
{
	/* Insertion sort: stable, and lists are short. */
	size_t n = d->n;
	struct diag_item *v = xmalloc((n ? n : 1) * sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		struct diag_item x = d->v[i];
		size_t j = i;
		while (j > 0 && (v[j - 1].line > x.line || (v[j - 1].line == x.line && v[j - 1].col > x.col))) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
	for (size_t i = 0; i < n; i++) {
		if (v[i].line > 0)
			fprintf(out, "%s:%d:%d: error: %s\n", d->file, v[i].line, v[i].col, v[i].msg);
		else
			fprintf(out, "%s: error: %s\n", d->file, v[i].msg);
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
