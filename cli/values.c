/*
 * values.c - typed values: each parameter type's parser and writer (one
 * table entry per type), the data files (empirical, replay), lists of
 * calls and classes, and the parsing of an item's fields.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <csv.h>
#include <cyaml/cyaml.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "../sim/engine/units.h"
#include "../sim/engine/util.h"
#include "loader.h"
#include "safefile.h"
#include "slo.h"

struct sample_buf {
	double *v;
	size_t n, cap;
	long row;
	int field;
	int bad;
	char bad_text[64];
	long bad_row;
	int is_first_row_text;
};

static void csv_field(void *s, size_t len, void *data)
{
	struct sample_buf *b = data;
	if (b->field++ != 0 || b->bad)
		return;
	char text[64];
	snprintf(text, sizeof(text), "%.*s", (int)(len < 63 ? len : 63), (const char *)s);
	double v;
	const char *err;
	if (units_duration(text, &v, &err) < 0 && units_number(text, &v, &err) < 0) {
		if (b->row == 0) { /* a header line */
			b->is_first_row_text = 1;
			return;
		}
		b->bad = 1;
		b->bad_row = b->row;
		snprintf(b->bad_text, sizeof(b->bad_text), "%s", text);
		return;
	}
	if (v < 0) {
		b->bad = 1;
		b->bad_row = b->row;
		snprintf(b->bad_text, sizeof(b->bad_text), "%s", text);
		return;
	}
	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 256;
		b->v = xrealloc(b->v, b->cap * sizeof(double));
	}
	b->v[b->n++] = v;
}

static void csv_row(int c, void *data)
{
	(void)c;
	struct sample_buf *b = data;
	b->row++;
	b->field = 0;
}

/*
 * Loads the first column of a CSV file in the scenario's directory: values
 * that are durations >= 0 (a header line is skipped).  what names the
 * file in messages ("empirical file").  Returns the values (owned by the
 * scenario) and their number in *n, or NULL after a diagnostic.
 */

static const double *load_column(struct parser *P, const char *file, struct pos at, const char *what, const char *label,
				 size_t *n_out)
{
	/* A scenario may only read files in its own directory tree: it can come
	 * from someone else, and must not make chokepoint read /etc/shadow. */
	const char *p = file;
	int escapes = p[0] == '/' || strcmp(p, "..") == 0 || strncmp(p, "../", 3) == 0 || strstr(p, "/../") ||
		      (strlen(p) >= 3 && strcmp(p + strlen(p) - 3, "/..") == 0);
	if (escapes) {
		diag_error(P->d, at.line, at.col,
			   "%s '%s' of %s must be a relative path inside the scenario's directory (no '/' at the "
			   "start, no '..')",
			   what, file, label);
		return NULL;
	}
	char *path = xmalloc(strlen(P->dir) + strlen(file) + 2), *text = NULL, err[256];
	sprintf(path, "%s/%s", P->dir, file);
	size_t len = 0;
	if (!P->root) {
		diag_error(P->d, at.line, at.col,
			   "cannot read %s '%s' of %s: the scenario's directory '%s' cannot be "
			   "resolved: %s",
			   what, file, label, P->dir, strerror(errno));
		free(path);
		return NULL;
	}
	if (safe_read(path, P->root, DATA_FILE_MAX_BYTES, &text, &len, err, sizeof err) != 0) {
		diag_error(P->d, at.line, at.col, "cannot read %s '%s' of %s (looked for '%s'): %s", what, file, label,
			   path, err);
		free(path);
		return NULL;
	}
	struct csv_parser cp;
	struct sample_buf b = {0};
	csv_init(&cp, CSV_APPEND_NULL);
	size_t skip = len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0 ? 3 : 0; /* a UTF-8 byte-order mark */
	csv_parse(&cp, text + skip, len - skip, csv_field, csv_row, &b);
	/* The data is part of the scenario's identity: results of other data
	 * must not merge or compare as the same scenario's. */
	P->sc->hash = hash_more(P->sc->hash, (const unsigned char *)text, len);
	free(text);
	int read_error = 0;
	csv_fini(&cp, csv_field, csv_row, &b);
	csv_free(&cp);
	if (read_error || b.bad || b.n == 0) {
		if (read_error)
			diag_error(P->d, at.line, at.col, "error reading %s '%s' of %s", what, path, label);
		else if (b.bad)
			diag_error(P->d, at.line, at.col,
				   "%s '%s' of %s, row %ld: '%s' is not a duration >= 0 (write '4ms', or seconds)",
				   what, path, label, b.bad_row + 1, b.bad_text);
		else
			diag_error(P->d, at.line, at.col, "%s '%s' of %s has no values", what, path, label);
		free(b.v);
		free(path);
		return NULL;
	}
	struct scenario_impl *im = P->sc->impl;
	im->samples = xrealloc(im->samples, (im->n_samples + 1) * sizeof(double *));
	im->sample_paths = xrealloc(im->sample_paths, (im->n_samples + 1) * sizeof(char *));
	im->sample_paths[im->n_samples] = path;
	im->samples[im->n_samples++] = b.v;
	*n_out = b.n;
	return b.v;
}

/* Loads an empirical distribution's samples; 0, or -1 with a diagnostic. */
static int load_samples(struct parser *P, struct dist *dist, struct pos at, const char *label)
{
	size_t n;
	const double *v = load_column(P, dist->path, at, "empirical file", label, &n);
	if (!v)
		return -1;
	dist_set_values(dist, v, n);
	return 0;
}

/* A replay file: arrival times, in order; 0, or -1 with a diagnostic. */
static int load_times(struct parser *P, const char *text, struct times *t, struct pos at, const char *label)
{
	if (strlen(text) >= sizeof t->path) {
		diag_error(P->d, at.line, at.col, "replay file name of %s is longer than %zu characters", label,
			   sizeof t->path - 1);
		return -1;
	}
	snprintf(t->path, sizeof t->path, "%s", text);
	const double *v = load_column(P, text, at, "replay file", label, &t->n);
	if (!v)
		return -1;
	for (size_t i = 1; i < t->n; i++) {
		if (v[i] < v[i - 1]) {
			diag_error(P->d, at.line, at.col,
				   "replay file '%s' of %s, value %zu: %gs comes before the one above it (%gs); the "
				   "times must not decrease",
				   text, label, i + 1, v[i], v[i - 1]);
			return -1;
		}
	}
	t->t = v;
	return 0;
}

static void add_ref(struct parser *P, int *dest, const char *name, struct pos pos, int from, const struct param *p)
{
	if (P->n_refs == P->cap_refs) {
		P->cap_refs = P->cap_refs ? 2 * P->cap_refs : 32;
		P->refs = xrealloc(P->refs, P->cap_refs * sizeof(*P->refs));
	}
	*dest = -1; /* until resolved: never a valid node by accident */
	P->refs[P->n_refs++] = (struct ref){1, P->cur_class, dest, name, pos, from, p->flags, p->key};
}

static void range_error(struct parser *P, struct pos at, const struct param *p, const char *label, const char *text)
{
	char lo[48], hi[48];
	if (p->min > 0 && p->min < 1e-6)
		snprintf(lo, sizeof lo, "more than 0");
	else
		snprintf(lo, sizeof lo, "%g", p->min);
	snprintf(hi, sizeof hi, "%g", p->max);
	diag_error(P->d, at.line, at.col, "value '%s' of '%s' in %s is out of range (allowed: %s to %s%s)", text,
		   p->key, label, lo, hi, p->flags & P_UNLIMITED ? ", or 'unlimited'" : "");
}

/* The parsers of the types that are not a number with a unit. */
static int parse_count(struct parser *P, const struct param *p, const char *text, void *dest, struct pos at,
		       const char *label, int node)
{
	(void)node;
	const char *err = NULL;
	long c;
	if (units_count(text, p->flags & P_UNLIMITED, &c, &err) < 0) {
		diag_error(P->d, at.line, at.col, "invalid value '%s' for '%s' in %s: expected %s", text, p->key, label,
			   err ? err : "a value");
		return -1;
	}
	if (!(c == LONG_MAX && (p->flags & P_UNLIMITED)) && (c < p->min || c > p->max)) {
		range_error(P, at, p, label, text);
		return -1;
	}
	*(long *)dest = c;
	return 0;
}

static int parse_dist(struct parser *P, const struct param *p, const char *text, void *dest, struct pos at,
		      const char *label, int node)
{
	(void)node;
	char msg[512];
	const char *err = NULL;
	struct dist *dist = dest;
	double mean;
	if (p->type == PT_DIST_EXP && !strchr(text, '(') && units_duration(text, &mean, &err) == 0) {
		/* A bare duration: exponential with that mean (MTBF, MTTR). */
		if (mean <= 0) {
			diag_error(P->d, at.line, at.col, "invalid value '%s' for '%s' in %s: must be more than 0",
				   text, p->key, label);
			return -1;
		}
		*dist = (struct dist){.type = DIST_EXP, .a = mean};
		return 0;
	}
	if (dist_parse(dist, text, msg, sizeof(msg)) < 0) {
		diag_error(P->d, at.line, at.col, "invalid distribution for '%s' in %s: %s", p->key, label, msg);
		return -1;
	}
	if (dist->type == DIST_EMPIRICAL)
		return load_samples(P, dist, at, label);
	return 0;
}

static int parse_enum(struct parser *P, const struct param *p, const char *text, void *dest, struct pos at,
		      const char *label, int node)
{
	(void)node;
	int i = param_choice(p->choices, text);
	if (i < 0) {
		char list[256] = "";
		for (int c = 0;; c++) {
			char one[64];
			param_choice_name(p->choices, c, one, sizeof one);
			if (strcmp(one, "?") == 0)
				break;
			if (c > 0)
				strncat(list, ", ", sizeof list - strlen(list) - 1);
			strncat(list, one, sizeof list - strlen(list) - 1);
		}
		diag_error(P->d, at.line, at.col, "invalid value '%s' for '%s' in %s (expected one of: %s)", text,
			   p->key, label, list);
		return -1;
	}
	*(int *)dest = i;
	return 0;
}

static int parse_node(struct parser *P, const struct param *p, const char *text, void *dest, struct pos at,
		      const char *label, int node)
{
	(void)label;
	add_ref(P, dest, text, at, node, p);
	return 0;
}

static int parse_profile(struct parser *P, const struct param *p, const char *text, void *dest, struct pos at,
			 const char *label, int node)
{
	(void)node;
	struct profile *pr = dest;
	char buf[4096], *save = NULL;
	snprintf(buf, sizeof buf, "%s", text);
	pr->n = 0;
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ')
			tok++;
		char *colon = strchr(tok, ':');
		double t, rate;
		const char *e1 = NULL, *e2 = NULL;
		if (!colon || pr->n == PROFILE_MAX) {
			diag_error(P->d, at.line, at.col,
				   "invalid profile for '%s' in %s: expected up to %d points 'time:rate', e.g. "
				   "'0s:100/s, 5m:800/s'",
				   p->key, label, PROFILE_MAX);
			return -1;
		}
		*colon = '\0';
		if (units_duration(tok, &t, &e1) < 0 || units_rate(colon + 1, &rate, &e2) < 0 || rate < 0) {
			diag_error(P->d, at.line, at.col,
				   "invalid point '%s:%s' in the profile of %s: expected a duration and a rate, e.g. "
				   "'5m:800/s'",
				   tok, colon + 1, label);
			return -1;
		}
		if (pr->n > 0 && t <= pr->t[pr->n - 1]) {
			diag_error(P->d, at.line, at.col, "the times of the profile of %s must increase", label);
			return -1;
		}
		pr->t[pr->n] = t;
		pr->rate[pr->n++] = rate;
	}
	if (pr->n == 0) {
		diag_error(P->d, at.line, at.col, "the profile of %s has no points", label);
		return -1;
	}
	return 0;
}

static int parse_string(struct parser *P, const struct param *p, const char *text, void *dest, struct pos at,
			const char *label, int node)
{
	(void)P;
	(void)p;
	(void)at;
	(void)label;
	(void)node;
	snprintf(dest, 64, "%s", text);
	return 0;
}

static int parse_times(struct parser *P, const struct param *p, const char *text, void *dest, struct pos at,
		       const char *label, int node)
{
	(void)p;
	(void)node;
	return load_times(P, text, dest, at, label);
}

/* The writers of the same, for the resolved scenario. */
static void format_count(const struct param *p, const void *src, const struct net_spec *spec, char *buf, size_t n)
{
	(void)p;
	(void)spec;
	if (*(const long *)src == LONG_MAX)
		snprintf(buf, n, "unlimited");
	else
		snprintf(buf, n, "%ld", *(const long *)src);
}

static void format_duration(const struct param *p, const void *src, const struct net_spec *spec, char *buf, size_t n)
{
	(void)p;
	(void)spec;
	struct dist d = {.type = DIST_CONST, .a = *(const double *)src};
	char tmp[64];
	dist_format(&d, tmp, sizeof tmp); /* "const(4ms)" */
	snprintf(buf, n, "%.*s", (int)strlen(tmp) - 7, tmp + 6);
}

static void format_dist(const struct param *p, const void *src, const struct net_spec *spec, char *buf, size_t n)
{
	(void)p;
	(void)spec;
	dist_format(src, buf, n);
}

static void format_enum(const struct param *p, const void *src, const struct net_spec *spec, char *buf, size_t n)
{
	(void)spec;
	param_choice_name(p->choices, *(const int *)src, buf, n);
}

static void format_node(const struct param *p, const void *src, const struct net_spec *spec, char *buf, size_t n)
{
	(void)p;
	snprintf(buf, n, "%s", spec->nodes[*(const int *)src].name);
}

static void format_string(const struct param *p, const void *src, const struct net_spec *spec, char *buf, size_t n)
{
	(void)p;
	(void)spec;
	snprintf(buf, n, "%s", (const char *)src);
}

static void format_profile(const struct param *p, const void *src, const struct net_spec *spec, char *buf, size_t n)
{
	(void)p;
	(void)spec;
	const struct profile *pr = src;
	size_t used = 0;
	buf[0] = '\0';
	for (int i = 0; i < pr->n && used + 64 < n; i++)
		used += (size_t)snprintf(buf + used, n - used, "%s%.10gs:%.10g/s", i ? ", " : "", pr->t[i],
					 pr->rate[i]);
}

static void format_class(const struct param *p, const void *src, const struct net_spec *spec, char *buf, size_t n)
{
	(void)p;
	snprintf(buf, n, "%s", spec->class_name[*(const int *)src]);
}

static void format_times(const struct param *p, const void *src, const struct net_spec *spec, char *buf, size_t n)
{
	(void)p;
	(void)spec;
	snprintf(buf, n, "%s", ((const struct times *)src)->path);
}

/*
 * Each parameter type, once: its name (`chokepoint kinds`), its shape in
 * YAML, and how a value of it is parsed and written back.  A number with
 * a unit is stored as a double: `units` parses it, `suffix` writes it
 * (with %.10g before it), and its range is checked here.  Lists and tables
 * (no parse) are walked by parse_fields.  A new type is one entry.
 */
static const struct type_def type_defs[] = {
	[PT_COUNT] = {"count", SHAPE_SCALAR, NULL, NULL, parse_count, format_count},
	[PT_DURATION] = {"duration", SHAPE_SCALAR, units_duration, NULL, NULL, format_duration},
	[PT_RATE] = {"rate", SHAPE_SCALAR, units_rate, "/s", NULL, NULL},
	[PT_SIZE] = {"size", SHAPE_SCALAR, units_size, "B", NULL, NULL},
	[PT_BANDWIDTH] = {"bandwidth", SHAPE_SCALAR, units_bandwidth, "bps", NULL, NULL},
	[PT_MONEY] = {"price", SHAPE_SCALAR, units_money, "/h", NULL, NULL},
	[PT_FRACTION] = {"fraction", SHAPE_SCALAR, units_fraction, "", NULL, NULL},
	[PT_DIST] = {"distribution", SHAPE_SCALAR, NULL, NULL, parse_dist, format_dist},
	[PT_ENUM] = {"choice", SHAPE_SCALAR, NULL, NULL, parse_enum, format_enum},
	[PT_NODE] = {"node", SHAPE_SCALAR, NULL, NULL, parse_node, format_node},
	[PT_NODES] = {"list of nodes", SHAPE_LIST, NULL, NULL, NULL, NULL},
	[PT_STRING] = {"text", SHAPE_SCALAR, NULL, NULL, parse_string, format_string},
	[PT_FACTOR] = {"factor", SHAPE_SCALAR, units_factor, "x", NULL, NULL},
	[PT_DIST_EXP] = {"distribution (a duration: exponential)", SHAPE_SCALAR, NULL, NULL, parse_dist, format_dist},
	[PT_PROFILE] = {"profile", SHAPE_SCALAR, NULL, NULL, parse_profile, format_profile},
	[PT_TABLE] = {"list of mappings", SHAPE_TABLE, NULL, NULL, NULL, NULL},
	[PT_CLASS] = {"class", SHAPE_SCALAR, NULL, NULL, NULL, format_class},
	[PT_CLASSES] = {"list of classes", SHAPE_LIST, NULL, NULL, NULL, NULL},
	[PT_TIMES] = {"CSV file of times", SHAPE_SCALAR, NULL, NULL, parse_times, format_times},
	[PT_PRICE_GB] = {"price per GB", SHAPE_SCALAR, units_price_gb, "/GB", NULL, NULL},
};

void format_unit_value(const struct param *p, double v, char *buf, size_t n)
{
	const char *dollar = p->type == PT_MONEY || p->type == PT_PRICE_GB ? "$" : "";
	snprintf(buf, n, "%s%.10g%s", dollar, v, type_of(p)->suffix);
}

const struct type_def *type_of(const struct param *p)
{
	SIM_ASSERT((size_t)p->type < sizeof type_defs / sizeof *type_defs && type_defs[p->type].name);
	return &type_defs[p->type];
}

enum shape shape_of(const struct param *p)
{
	return type_of(p)->shape;
}

const char *scenario_type_name(const struct param *p)
{
	if (p->type == PT_COUNT && (p->flags & P_UNLIMITED))
		return "count or unlimited";
	return type_of(p)->name;
}

int scenario_type_has_range(const struct param *p)
{
	return p->type == PT_COUNT || type_of(p)->units != NULL;
}

/* Parses one scalar value into dest; -1 after a diagnostic. */
static int parse_scalar(struct parser *P, const struct param *p, const char *text, void *dest, struct pos at,
			const char *label, int node)
{
	const struct type_def *t = type_of(p);
	if (t->parse)
		return t->parse(P, p, text, dest, at, label, node);
	if (!t->units)
		BUG("a list, a table or a class: parsed by parse_fields");
	const char *err = NULL;
	double v = 0;
	if (t->units(text, &v, &err) < 0 || err) {
		diag_error(P->d, at.line, at.col, "invalid value '%s' for '%s' in %s: expected %s", text, p->key, label,
			   err ? err : "a value");
		return -1;
	}
	if (v < p->min || v > p->max) {
		range_error(P, at, p, label, text);
		return -1;
	}
	*(double *)dest = v;
	return 0;
}

/*
 * Splits a call's suffix off its name, in place: "db*3" (three calls in a
 * row) or "search?0.2" (one time in five), where the parameter allows it.
 * -1 after a diagnostic.
 */
static int parse_call_suffix(struct parser *P, const struct param *p, char *name, int *repeat, double *prob,
			     struct pos at, const char *label)
{
	char *star = strchr(name, '*'), *q = strchr(name, '?');
	if (!star && !q)
		return 0;
	if (!(p->flags & P_CALL_SUFFIXES)) {
		diag_error(P->d, at.line, at.col, "'%s' in '%s' of %s: only calls take '*N' or '?p'", name, p->key,
			   label);
		return -1;
	}
	const char *err;
	if (star) {
		long n;
		char *end = q && q > star ? q : star + strlen(star);
		char num[32];
		snprintf(num, sizeof num, "%.*s", (int)(end - star - 1), star + 1);
		if (units_count(num, 0, &n, &err) < 0 || n < 1 || n > 100) {
			diag_error(P->d, at.line, at.col,
				   "'%s' in '%s' of %s: '*' takes a count of calls from 1 to 100", name, p->key, label);
			return -1;
		}
		*repeat = (int)n;
	}
	if (q) {
		double v;
		if (units_fraction(q + 1, &v, &err) < 0 || !(v > 0 && v <= 1)) {
			diag_error(
				P->d, at.line, at.col,
				"'%s' in '%s' of %s: '?' takes the probability of the call, more than 0 and at most 1",
				name, p->key, label);
			return -1;
		}
		*prob = v;
	}
	*(star && (!q || star < q) ? star : q) = '\0';
	return 0;
}

/* Registers a class named in a mix, or finds it; its id, or -1 after a diagnostic. */
static int define_class(struct parser *P, const char *name, struct pos at, const char *label)
{
	struct net_spec *spec = &P->sc->spec;
	for (int c = 1; c <= spec->n_classes; c++)
		if (strcmp(spec->class_name[c], name) == 0)
			return c;
	if (!name_ok(name) || strlen(name) >= sizeof(spec->class_name[0])) {
		diag_error(P->d, at.line, at.col,
			   "invalid class name '%s' in %s: use up to 63 letters, digits, '_', '-' or '.'", name, label);
		return -1;
	}
	if (spec->n_classes == CLASS_MAX) {
		diag_error(P->d, at.line, at.col, "class '%s' in %s is one too many: at most %d classes are allowed",
			   name, label, CLASS_MAX);
		return -1;
	}
	snprintf(spec->class_name[++spec->n_classes], sizeof(spec->class_name[0]), "%s", name);
	return spec->n_classes;
}

/* A class some workload's mix names (mixes are parsed first); -1 after a diagnostic. */
static int find_class(struct parser *P, const char *name, struct pos at, const struct param *p, const char *label)
{
	const struct net_spec *spec = &P->sc->spec;
	for (int c = 1; c <= spec->n_classes; c++)
		if (strcmp(spec->class_name[c], name) == 0)
			return c;
	const char *names[CLASS_MAX];
	for (int c = 0; c < spec->n_classes; c++)
		names[c] = spec->class_name[c + 1];
	const char *s = diag_suggest(name, names, (size_t)spec->n_classes);
	if (s)
		diag_error(P->d, at.line, at.col,
			   "'%s' of %s names a class '%s' that no workload's mix sends (did you mean '%s'?)", p->key,
			   label, name, s);
	else
		diag_error(P->d, at.line, at.col,
			   "'%s' of %s names a class '%s' that no workload's mix sends (classes are named in a "
			   "workload's 'mix')",
			   p->key, label, name);
	return -1;
}

/* A list of calls or nodes: "name", "name*N", "name?p", "a+b" (in parallel). */
static void parse_node_list(struct parser *P, const struct param *p, struct raw_item *raw, int slot,
			    const struct item_info *it, struct node_list *l, const char *label, int node)
{
	for (uint32_t k = 0; k < raw->n_list[slot]; k++) {
		char *entry = raw->list[slot][k], *save = NULL;
		struct pos ep = it->list[slot][k];
		int first = 1;
		if (strchr(entry, '+') && !(p->flags & P_CALL_SUFFIXES)) {
			diag_error(P->d, ep.line, ep.col, "'%s' in '%s' of %s: only calls take 'a+b' (parallel)", entry,
				   p->key, label);
			continue;
		}
		char buf[256];
		snprintf(buf, sizeof buf, "%s", entry);
		for (char *name = strtok_r(buf, "+", &save); name; name = strtok_r(NULL, "+", &save), first = 0) {
			while (*name == ' ')
				name++;
			char *end = name + strlen(name);
			while (end > name && end[-1] == ' ')
				*--end = '\0';
			if (l->n == NODE_REFS_MAX) {
				diag_error(P->d, ep.line, ep.col, "'%s' of %s names more than %d nodes", p->key, label,
					   NODE_REFS_MAX);
				return;
			}
			int i = l->n++;
			l->idx[i] = -1;
			l->repeat[i] = 1;
			l->prob[i] = 1;
			l->par[i] = !first;
			if (parse_call_suffix(P, p, name, &l->repeat[i], &l->prob[i], ep, label) < 0)
				continue; /* kept, unresolved (-1): no second error about the list */
			/* The name must outlive the parse: point into the raw document. */
			char *stable = entry + (name - buf);
			stable[strlen(name)] = '\0';
			add_ref(P, &l->idx[i], stable, ep, node, p);
			P->refs[P->n_refs - 1].weight = l->repeat[i] * l->prob[i];
			P->refs[P->n_refs - 1].cls = P->cur_class;
		}
	}
}

static unsigned long presence_of(const struct slots *sl, const struct item_info *it, const struct param *params)
{
	unsigned long present = 0;
	for (size_t i = 0; params[i].key; i++)
		if (it->seen[slot_of(sl, params[i].key)])
			present |= 1ul << i;
	return present;
}

/* Parses the values of an item (or a table entry) into cfg; node is its
 * index in the spec (-1: the simulation section). */
static void parse_fields(struct parser *P, const struct slots *sl, const struct item_info *it, struct raw_item *raw,
			 const struct param *params, void *cfg, const char *label, int node)
{
	for (size_t i = 0; params[i].key; i++) {
		const struct param *p = &params[i];
		int slot = slot_of(sl, p->key);
		void *dest = (char *)cfg + p->offset;
		int given = raw && it->seen[slot];
		struct pos at = given ? it->val[slot] : it->self;
		if (p->type == PT_NODES) {
			struct node_list *l = dest;
			l->n = 0;
			if (given) /* default: the empty list */
				parse_node_list(P, p, raw, slot, it, l, label, node);
			if (given && P->cur_class > 0 && node >= 0) {
				if (P->n_overrides == P->cap_overrides) {
					P->cap_overrides = P->cap_overrides ? 2 * P->cap_overrides : 16;
					P->overrides = xrealloc(P->overrides, P->cap_overrides * sizeof(*P->overrides));
				}
				P->overrides[P->n_overrides].node = node;
				P->overrides[P->n_overrides++].cls = P->cur_class;
			}
			continue;
		}
		if (p->type == PT_CLASSES) {
			struct class_list *l = dest;
			l->n = 0;
			for (uint32_t k = 0; given && k < raw->n_list[slot]; k++) {
				int c = find_class(P, raw->list[slot][k], it->list[slot][k], p, label);
				for (int j = 0; c > 0 && j < l->n; j++) {
					if (l->id[j] == c) {
						diag_error(P->d, it->list[slot][k].line, it->list[slot][k].col,
							   "'%s' of %s names class '%s' twice", p->key, label,
							   raw->list[slot][k]);
						c = -1;
					}
				}
				if (c > 0)
					l->id[l->n++] = c;
			}
			continue;
		}
		if (p->type == PT_TABLE) {
			struct table_head *h = dest;
			h->n = 0;
			const struct table_info *t = given ? it->tab[slot] : NULL;
			for (int k = 0; t && k < t->n && k < (int)raw->n_tab[slot]; k++) {
				char elabel[192];
				snprintf(elabel, sizeof elabel, "entry %d of '%s' in %s", k + 1, p->key, label);
				void *e = (char *)cfg + param_table_of(p)->entries +
					  (size_t)k * param_table_of(p)->sub_size;
				int outer = P->cur_class;
				parse_fields(P, sl->sub[slot], &t->e[k], &raw->tab[slot][k], param_table_of(p)->sub, e,
					     elabel, node);
				P->cur_class = outer;
				h->present[k] = presence_of(sl->sub[slot], &t->e[k], param_table_of(p)->sub);
				h->n++;
			}
			continue;
		}
		if (!given && p->type == PT_NODE)
			*(int *)dest = -1; /* an absent reference is none, not node 0 */
		const char *text = given ? raw->v[slot] : p->def;
		if (!text)
			continue; /* required and missing (reported) or optional */
		if (p->type == PT_CLASS) {
			int c = p->flags & P_DEFINES_CLASS ? define_class(P, text, at, label)
							   : find_class(P, text, at, p, label);
			*(int *)dest = c;
			if (c > 0)
				P->cur_class = c; /* the calls of this entry are this class's */
			continue;
		}
		parse_scalar(P, p, text, dest, at, label, node);
	}
}

/* Parses an item's values into cfg; node is its index in the spec (-1: sim). */
void parse_item(struct parser *P, int sec, struct item_info *it, struct raw_item *raw, int index, void *cfg, int node)
{
	char label[128];
	describe(it, sec, index, label, sizeof(label));
	P->cur_class = 0;
	parse_fields(P, &P->sc->impl->slots[sec], it, raw, it->kind->params, cfg, label, node);
}

unsigned long presence(const struct slots *sl, const struct item_info *it)
{
	return presence_of(sl, it, it->kind->params);
}
