/*
 * sets.c - values given for a scenario's keys from outside its items: a
 * `--set PATH=VALUE` on the command line or a point of a sweep.
 *
 * A path names a single-valued key: `simulation.KEY`, `NAME.KEY`, or
 * `workloads.NAME.KEY` (also `nodes.`, `failures.`).  Names may hold dots,
 * keys do not: the key is what follows the last dot.  A set replaces the
 * raw text libcyaml loaded for that key (or adds it), before the values are
 * parsed, so the value is checked exactly as if it were in the file; its
 * errors point at the sweep line that gave it, or at no line for the
 * command line.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/engine/units.h"
#include "../sim/engine/util.h"
#include "loader.h"

#define SET_MAX_VALUES 1000

static const char *const sec_prefix[] = {NULL, "workloads.", "nodes.", "failures."};

/* Splits path into the item's name (with its section, if given) and the key. */
static int split_path(const char *path, char *name, size_t n, int *sec, const char **key, char *err, size_t en)
{
	const char *dot = strrchr(path, '.');
	if (!dot || dot == path || !dot[1]) {
		snprintf(err, en, "'%s' is not a path: write NAME.KEY, e.g. web.instances or simulation.duration",
			 path);
		return -1;
	}
	*key = dot + 1;
	*sec = -1;
	const char *p = path;
	if ((size_t)(dot - path) == strlen("simulation") && strncmp(path, "simulation", 10) == 0) {
		*sec = SEC_SIM;
		snprintf(name, n, "simulation");
		return 0;
	}
	for (int s = SEC_WORKLOADS; s <= SEC_FAILURES; s++)
		if (strncmp(path, sec_prefix[s], strlen(sec_prefix[s])) == 0 && dot > path + strlen(sec_prefix[s])) {
			*sec = s;
			p = path + strlen(sec_prefix[s]);
		}
	if ((size_t)(dot - p) >= n) {
		snprintf(err, en, "'%s': the name is too long", path);
		return -1;
	}
	snprintf(name, n, "%.*s", (int)(dot - p), p);
	return 0;
}

/* The parameter key of kind k, as a set may give it: a single value. */
static const struct param *settable(const struct node_kind *k, const char *key, const char *label, char *err, size_t en)
{
	const struct param *p = param_find(k->params, key);
	if (!p) {
		const char *keys[MAX_SLOTS];
		size_t nk = 0;
		for (const struct param *q = k->params; q->key && nk < MAX_SLOTS; q++)
			keys[nk++] = q->key;
		const char *sug = diag_suggest(key, keys, nk);
		snprintf(err, en, "%s has no key '%s'%s%s%s", label, key, sug ? " (did you mean '" : "", sug ? sug : "",
			 sug ? "'?)" : "");
		return NULL;
	}
	if (shape_of(p) != SHAPE_SCALAR) {
		snprintf(err, en, "'%s' of %s is a list: only single values can be set or swept", key, label);
		return NULL;
	}
	return p;
}

/* "no workload, node or failure is named 'wbe' (did you mean 'web'?)" */
static void unknown_name(const char *name, const char *const *names, size_t nn, char *err, size_t en)
{
	const char *sug = diag_suggest(name, names, nn);
	snprintf(err, en, "no workload, node or failure is named '%s'%s%s%s", name, sug ? " (did you mean '" : "",
		 sug ? sug : "", sug ? "'?)" : "");
}

/* Finds the item a path names among the walk's items: 0 with *sec, *j set. */
static int find_item(const struct walker *w, const char *name, int want, int *sec, int *j, char *err, size_t en)
{
	if (want == SEC_SIM) {
		*sec = SEC_SIM;
		*j = 0;
		return 0;
	}
	const char *names[4 * 256];
	size_t nn = 0;
	for (int s = SEC_WORKLOADS; s <= SEC_FAILURES; s++) {
		if (want >= 0 && s != want)
			continue;
		for (int i = 0; i < w->n_items[s]; i++) {
			if (strcmp(w->items[s][i].name, name) == 0) {
				*sec = s;
				*j = i;
				return 0;
			}
			if (nn < ARRAY_LEN(names) && w->items[s][i].name[0])
				names[nn++] = w->items[s][i].name;
		}
	}
	unknown_name(name, names, nn, err, en);
	return -1;
}

void apply_sets(struct walker *w, struct scenario_impl *im, const struct scenario_set *sets, int n, struct diags *d)
{
	for (int i = 0; i < n; i++) {
		const struct scenario_set *st = &sets[i];
		char name[160], err[400], label[128];
		const char *key;
		int want, sec, j;
		if (split_path(st->path, name, sizeof name, &want, &key, err, sizeof err) < 0 ||
		    find_item(w, name, want, &sec, &j, err, sizeof err) < 0) {
			diag_error(d, st->line, st->col, "%s", err);
			continue;
		}
		struct item_info *it = &w->items[sec][j];
		if (!it->kind)
			continue; /* an unknown kind: reported already */
		describe(it, sec, j, label, sizeof label);
		if (strcmp(key, "name") == 0 || strcmp(key, "kind") == 0) {
			diag_error(d, st->line, st->col, "'%s': a %s cannot be set", st->path, key);
			continue;
		}
		if (!settable(it->kind, key, label, err, sizeof err)) {
			diag_error(d, st->line, st->col, "'%s': %s", st->path, err);
			continue;
		}
		struct raw_item *raw;
		if (sec == SEC_SIM) {
			if (!im->raw->simulation) /* freed with the document, by libcyaml's free */
				im->raw->simulation = xcalloc(1, sizeof(struct raw_item));
			raw = im->raw->simulation;
		} else {
			raw = raw_at(im->raw, sec, j);
		}
		int slot = slot_of(&im->slots[sec], key);
		free(raw->v[slot]);
		raw->v[slot] = xstrdup(st->value);
		struct pos at = {st->line, st->col};
		if (!it->seen[slot])
			it->key[slot] = at;
		it->seen[slot] = 1;
		it->val[slot] = at;
	}
}

/* ---- the values of a sweep axis ---------------------------------------- */

/* The parameter path names in the loaded scenario sc. */
static const struct param *param_at(const struct scenario *sc, const char *path, char *err, size_t en)
{
	char name[160], label[200];
	const char *key;
	int want;
	if (split_path(path, name, sizeof name, &want, &key, err, en) < 0)
		return NULL;
	if (want == SEC_SIM)
		return settable(&sim_section_kind, key, "section 'simulation'", err, en);
	const struct net_spec *spec = &sc->spec;
	const char *names[1024];
	size_t nn = 0;
	for (int i = 0; i < spec->n_nodes; i++) {
		const struct node_kind *k = spec->nodes[i].kind;
		int s = section_of_kind(k);
		if (want >= 0 && s != want)
			continue;
		if (strcmp(spec->nodes[i].name, name) == 0) {
			snprintf(label, sizeof label, "%s '%s' (kind %s)", s == SEC_WORKLOADS ? "workload" : "node",
				 name, k->name);
			return settable(k, key, label, err, en);
		}
		if (nn < ARRAY_LEN(names))
			names[nn++] = spec->nodes[i].name;
	}
	unknown_name(name, names, nn, err, en);
	return NULL;
}

static void push(char ***v, int *n, const char *text)
{
	*v = xrealloc(*v, (size_t)(*n + 1) * sizeof(char *));
	(*v)[(*n)++] = xstrdup(text);
}

/* A number of p's type as the file would write it. */
static void format_number(const struct param *p, double v, char *buf, size_t n)
{
	if (p->type == PT_DURATION)
		snprintf(buf, n, "%.10gs", v);
	else if (p->type == PT_COUNT)
		snprintf(buf, n, "%.0f", v);
	else
		format_unit_value(p, v, buf, n);
}

/* One end of a range, in p's unit. */
static int range_end(const struct param *p, const char *s, double *v, char *err, size_t en)
{
	const char *why = NULL;
	long c;
	if (p->type == PT_COUNT) {
		if (units_count(s, 0, &c, &why) < 0) {
			snprintf(err, en, "'%s' is not a whole number", s);
			return -1;
		}
		*v = (double)c;
		return 0;
	}
	if (!type_of(p)->units || type_of(p)->units(s, v, &why) < 0 || why) {
		snprintf(err, en, "'%s' cannot be a range's end for '%s'%s%s", s, p->key, why ? ": expected " : "",
			 why ? why : " (only numbers with units make ranges)");
		return -1;
	}
	return 0;
}

/* "A..B" (whole numbers: each) or "A..B:N" (N values, evenly spaced). */
static int expand_range(const struct param *p, char *text, char ***v, int *n, char *err, size_t en)
{
	char *dots = strstr(text, "..");
	*dots = '\0';
	char *b = dots + 2, *colon = strrchr(b, ':');
	long points = 0;
	if (colon) {
		*colon = '\0';
		char *end;
		points = strtol(str_trim(colon + 1), &end, 10);
		if (*end || points < 2 || points > SET_MAX_VALUES) {
			snprintf(err, en, "the number of points after ':' must be a whole number from 2 to %d",
				 SET_MAX_VALUES);
			return -1;
		}
	}
	double lo, hi;
	if (range_end(p, str_trim(text), &lo, err, en) < 0 || range_end(p, str_trim(b), &hi, err, en) < 0)
		return -1;
	if (!(hi > lo)) {
		snprintf(err, en, "a range goes from the smaller value to the larger: '%s..%s'", str_trim(text),
			 str_trim(b));
		return -1;
	}
	if (!colon && p->type != PT_COUNT) {
		snprintf(err, en, "give the number of points of '%s..%s', e.g. '%s..%s:10'", str_trim(text),
			 str_trim(b), str_trim(text), str_trim(b));
		return -1;
	}
	if (!colon)
		points = (long)(hi - lo) + 1;
	if (points > SET_MAX_VALUES) {
		snprintf(err, en, "the range has %ld values; at most %d are allowed", points, SET_MAX_VALUES);
		return -1;
	}
	char buf[64], last[64] = "";
	for (long i = 0; i < points; i++) {
		double x = i == points - 1 ? hi : lo + (hi - lo) * (double)i / (double)(points - 1);
		format_number(p, p->type == PT_COUNT ? round(x) : x, buf, sizeof buf);
		if (strcmp(buf, last) != 0) /* whole numbers: a value once */
			push(v, n, buf);
		snprintf(last, sizeof last, "%s", buf);
	}
	return 0;
}

int scenario_set_values(const struct scenario *sc, const char *path, const char *text, char ***values, int *n,
			char *err, size_t en)
{
	*values = NULL;
	*n = 0;
	const struct param *p = param_at(sc, path, err, en);
	if (!p)
		return -1;
	char *copy = xstrdup(text), *s = copy;
	int depth = 0, rc = 0;
	for (char *c = copy;; c++) { /* commas inside parentheses belong to a distribution */
		depth += *c == '(' ? 1 : *c == ')' ? -1 : 0;
		if (*c && !(*c == ',' && depth == 0))
			continue;
		int end = !*c;
		*c = '\0';
		char *e = str_trim(s);
		if (!*e) {
			snprintf(err, en, "an empty value in '%s'", text);
			rc = -1;
			break;
		}
		if (strstr(e, "..") ? expand_range(p, e, values, n, err, en) < 0 : (push(values, n, e), 0)) {
			rc = -1;
			break;
		}
		if (*n > SET_MAX_VALUES) {
			snprintf(err, en, "more than %d values", SET_MAX_VALUES);
			rc = -1;
			break;
		}
		if (end)
			break;
		s = c + 1;
	}
	free(copy);
	if (rc < 0) {
		for (int i = 0; i < *n; i++)
			free((*values)[i]);
		free(*values);
		*values = NULL;
		*n = 0;
	}
	return rc;
}
