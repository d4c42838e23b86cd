/* sweep.c - see sweep.h. */
#include "sweep.h"

#include <csv.h>
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../sim/engine/util.h"
#include "metrics.h"
#include "outdir.h"
#include "partial.h"
#include "safefile.h"
#include "report.h"
#include "theory.h"
#include "runner.h"
#include "slo.h"
#include "version.h"

#define SWEEP_MAX_POINTS 100000
#define SWEEP_MAX_AXES   16

/* One line: its assignments, zipped into one group.  0, or -1. */
static int add_line(const struct scenario *sc, const char *text, int line, struct sweep_plan *pl, struct diags *d)
{
	char *copy = xstrdup(text), *save = NULL, err[600];
	int group = pl->n_groups, first = pl->n_axes, rc = 0;
	for (char *a = strtok_r(copy, ";", &save); a; a = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(a, '=');
		if (!eq) {
			diag_error(d, line, 0, "sweep '%s': write PATH = VALUES, e.g. web.instances = 1,2,4,8", text);
			rc = -1;
			break;
		}
		*eq = '\0';
		char *path = str_trim(a), *values = str_trim(eq + 1);
		if (pl->n_axes == SWEEP_MAX_AXES) {
			diag_error(d, line, 0, "a sweep varies at most %d keys", SWEEP_MAX_AXES);
			rc = -1;
			break;
		}
		struct sweep_axis *ax = &pl->axes[pl->n_axes];
		if (scenario_set_values(sc, path, values, &ax->values, &ax->n, err, sizeof err) < 0) {
			diag_error(d, line, 0, "sweep '%s': %s", path, err);
			rc = -1;
			break;
		}
		ax->path = xstrdup(path);
		ax->group = group;
		ax->line = line;
		pl->n_axes++;
		if (ax->n != pl->axes[first].n) {
			diag_error(d, line, 0,
				   "sweep: '%s' has %d values and '%s' %d: keys zipped on one line pair off their "
				   "values, so they need as many",
				   pl->axes[first].path, pl->axes[first].n, ax->path, ax->n);
			rc = -1;
			break;
		}
	}
	free(copy);
	if (rc == 0 && pl->n_axes > first) {
		pl->group_n = xrealloc(pl->group_n, (size_t)(group + 1) * sizeof(int));
		pl->group_n[group] = pl->axes[first].n;
		pl->n_groups++;
	}
	return rc;
}

int sweep_plan_make(const struct scenario *sc, char *const *sets, int n_sets, struct sweep_plan *pl, struct diags *d)
{
	memset(pl, 0, sizeof *pl);
	pl->axes = xcalloc(SWEEP_MAX_AXES, sizeof(struct sweep_axis));
	for (size_t i = 0; i < sc->n_sweep; i++)
		if (add_line(sc, sc->sweep[i], sc->sweep_line[i], pl, d) < 0)
			return -1;
	for (int i = 0; i < n_sets; i++)
		if (add_line(sc, sets[i], 0, pl, d) < 0)
			return -1;
	pl->n_points = 1;
	for (int g = 0; g < pl->n_groups; g++) {
		pl->n_points *= pl->group_n[g];
		if (pl->n_points > SWEEP_MAX_POINTS) {
			diag_error(d, 0, 0, "the sweep has more than %d points", SWEEP_MAX_POINTS);
			return -1;
		}
	}
	/* A key swept twice would make points that are the same run twice. */
	for (int i = 0; i < pl->n_axes; i++)
		for (int j = 0; j < i; j++)
			if (strcmp(pl->axes[i].path, pl->axes[j].path) == 0) {
				diag_error(d, pl->axes[i].line, 0, "sweep: '%s' is given twice", pl->axes[i].path);
				return -1;
			}
	return 0;
}

void sweep_plan_free(struct sweep_plan *pl)
{
	for (int i = 0; i < pl->n_axes; i++) {
		for (int k = 0; k < pl->axes[i].n; k++)
			free(pl->axes[i].values[k]);
		free(pl->axes[i].values);
		free(pl->axes[i].path);
	}
	free(pl->axes);
	free(pl->group_n);
	memset(pl, 0, sizeof *pl);
}

/* Group g's value index at point k (the last group varies fastest). */
static int index_of(const struct sweep_plan *pl, long k, int g)
{
	for (int h = pl->n_groups - 1; h > g; h--)
		k /= pl->group_n[h];
	return (int)(k % pl->group_n[g]);
}

void sweep_point(const struct sweep_plan *pl, long k, struct scenario_set *sets)
{
	for (int i = 0; i < pl->n_axes; i++) {
		const struct sweep_axis *ax = &pl->axes[i];
		sets[i] = (struct scenario_set){ax->path, ax->values[index_of(pl, k, ax->group)], ax->line, 0};
	}
}

/* "web.instances=4, shoppers.rate=800/s" */
static void point_label(const struct sweep_plan *pl, long k, char *buf, size_t n)
{
	struct scenario_set sets[SWEEP_MAX_AXES];
	size_t used = 0;
	sweep_point(pl, k, sets);
	buf[0] = '\0';
	for (int i = 0; i < pl->n_axes && used < n; i++)
		used += (size_t)snprintf(buf + used, n - used, "%s%s=%s", i ? ", " : "", sets[i].path, sets[i].value);
}

/* ---- the points' results ------------------------------------------------ */

struct sweep {
	const struct sweep_plan *pl;
	struct scenario **sc;
	struct results *res;
	long n; /* points run */
	int slo_point;
	/* The union of every point's metrics, in order of first appearance. */
	struct {
		const char *scope, *key;
		const char *unit;
	} * cols;
	size_t n_cols;
};

static void union_metrics(struct sweep *s)
{
	size_t cap = 16, total = 0;
	for (long k = 0; k < s->n; k++)
		total += s->res[k].n_metrics;
	while (cap < 2 * total + 16)
		cap *= 2;
	long *slot = xmalloc(cap * sizeof(long));
	for (size_t i = 0; i < cap; i++)
		slot[i] = -1;
	s->cols = xcalloc(total ? total : 1, sizeof(*s->cols));
	for (long k = 0; k < s->n; k++) {
		const struct results *r = &s->res[k];
		for (size_t i = 0; i < r->n_metrics; i++) {
			const struct metric *m = &r->metrics[i];
			size_t h = (size_t)results_name_hash(m->scope, m->key) & (cap - 1);
			int found = 0;
			for (; slot[h] >= 0; h = (h + 1) & (cap - 1))
				if (strcmp(s->cols[slot[h]].scope, m->scope) == 0 &&
				    strcmp(s->cols[slot[h]].key, m->key) == 0) {
					found = 1;
					break;
				}
			if (found)
				continue;
			slot[h] = (long)s->n_cols;
			s->cols[s->n_cols].scope = m->scope;
			s->cols[s->n_cols].key = m->key;
			s->cols[s->n_cols].unit = metric_unit_name(r->defs[i]->unit);
			s->n_cols++;
		}
	}
	free(slot);
}

static const char *verdict_name(enum slo_verdict v)
{
	return v == SLO_PASS ? "pass" : v == SLO_FAIL ? "fail" : v == SLO_INCONCLUSIVE ? "inconclusive" : "missing";
}

/* Point k's SLO verdicts: how many failed, and how many could not be told. */
static void slo_counts(const struct sweep *s, long k, int *failed, int *unsure)
{
	*failed = *unsure = 0;
	const struct scenario *sc = s->sc[k];
	for (size_t c = 0; c < sc->n_slo; c++) {
		struct slo_result r;
		slo_evaluate(&sc->slo[c], &s->res[k], s->slo_point, &r);
		*failed += r.verdict == SLO_FAIL || r.verdict == SLO_MISSING;
		*unsure += r.verdict == SLO_INCONCLUSIVE;
	}
}

static void cell(char *buf, size_t n, const struct results *res, const char *scope, const char *key)
{
	long i = results_find(res, scope, key);
	if (i < 0)
		snprintf(buf, n, "-");
	else
		metric_format(buf, n, res->defs[i]->unit, res->ci[i].mean);
}

static void print_table(FILE *out, const struct sweep *s)
{
	const struct sweep_plan *pl = s->pl;
	int w[SWEEP_MAX_AXES];
	fprintf(out, "%-5s", "point");
	for (int i = 0; i < pl->n_axes; i++) {
		w[i] = (int)strlen(pl->axes[i].path);
		for (int k = 0; k < pl->axes[i].n; k++)
			if ((int)strlen(pl->axes[i].values[k]) > w[i])
				w[i] = (int)strlen(pl->axes[i].values[k]);
		fprintf(out, " %-*s", w[i], pl->axes[i].path);
	}
	fprintf(out, " %-11s %-10s %-10s %-12s %-12s %-8s %s\n", "served", "p99", "avail", "cost/h", "cost/1M req",
		"SLOs", "bottleneck");
	struct scenario_set sets[SWEEP_MAX_AXES];
	for (long k = 0; k < s->n; k++) {
		const struct results *r = &s->res[k];
		char a[48], b[48], c[48], e[48], f[48], bn[200], slo[32];
		sweep_point(pl, k, sets);
		cell(a, sizeof a, r, "e2e", "served_throughput");
		cell(b, sizeof b, r, "e2e", "latency_p99");
		cell(c, sizeof c, r, "e2e", "availability");
		cell(e, sizeof e, r, "e2e", "cost_per_hour");
		cell(f, sizeof f, r, "e2e", "cost_per_million_requests");
		report_bottleneck_name(r, bn, sizeof bn);
		int failed, unsure;
		slo_counts(s, k, &failed, &unsure);
		if (s->sc[k]->n_slo == 0)
			snprintf(slo, sizeof slo, "-");
		else if (failed)
			snprintf(slo, sizeof slo, "%d failed", failed);
		else if (unsure)
			snprintf(slo, sizeof slo, "%d unsure", unsure);
		else
			snprintf(slo, sizeof slo, "met");
		fprintf(out, "%-5ld", k + 1);
		for (int i = 0; i < pl->n_axes; i++)
			fprintf(out, " %-*s", w[i], sets[i].value);
		fprintf(out, " %-11s %-10s %-10s %-12s %-12s %-8s %s\n", a, b, c, e, f, slo, bn);
	}
}

/*
 * Along the last group (the fastest), for each value of the others: the
 * first point where each SLO fails (the knee) and each point where the
 * bottleneck moves to another resource: lines to out, objects into the
 * arrays knees and moves; any of the three may be NULL.
 */
static void find_changes(FILE *out, const struct sweep *s, json_t *knees, json_t *moves)
{
	const struct sweep_plan *pl = s->pl;
	long inner = pl->n_groups ? pl->group_n[pl->n_groups - 1] : 1;
	for (long b = 0; b * inner < s->n; b++) {
		long first = b * inner, last = first + inner < s->n ? first + inner : s->n;
		const struct scenario *sc = s->sc[first];
		for (size_t c = 0; c < sc->n_slo; c++) {
			for (long k = first; k < last; k++) {
				struct slo_result r;
				slo_evaluate(&s->sc[k]->slo[c], &s->res[k], s->slo_point, &r);
				if (r.verdict != SLO_FAIL && r.verdict != SLO_MISSING)
					continue;
				char label[600];
				point_label(pl, k, label, sizeof label);
				if (out)
					fprintf(out, "Knee: '%s' first fails at point %ld (%s)\n", sc->slo[c].text,
						k + 1, label);
				if (knees) {
					json_t *o = json_object();
					json_object_set_new(o, "slo", json_string(sc->slo[c].text));
					json_object_set_new(o, "point", json_integer(k + 1));
					json_object_set_new(o, "at", json_string(label));
					json_array_append_new(knees, o);
				}
				break;
			}
		}
		char prev[200] = "", now[200], label[600];
		for (long k = first; k < last; k++) {
			report_bottleneck_name(&s->res[k], now, sizeof now);
			if (k > first && strcmp(now, prev) != 0) {
				point_label(pl, k, label, sizeof label);
				if (out)
					fprintf(out, "Bottleneck moves from %s to %s at point %ld (%s)\n", prev, now,
						k + 1, label);
				if (moves) {
					json_t *o = json_object();
					json_object_set_new(o, "from", json_string(prev));
					json_object_set_new(o, "to", json_string(now));
					json_object_set_new(o, "point", json_integer(k + 1));
					json_object_set_new(o, "at", json_string(label));
					json_array_append_new(moves, o);
				}
			}
			snprintf(prev, sizeof prev, "%s", now);
		}
	}
}

/* The plan's axes: path, zip group, (where it was written,) values. */
static json_t *axes_json(const struct sweep_plan *pl, int with_line)
{
	json_t *axes = json_array();
	for (int i = 0; i < pl->n_axes; i++) {
		json_t *a = json_object(), *v = json_array();
		json_object_set_new(a, "path", json_string(pl->axes[i].path));
		json_object_set_new(a, "zip_group", json_integer(pl->axes[i].group));
		if (with_line)
			json_object_set_new(a, "line", json_integer(pl->axes[i].line));
		for (int k = 0; k < pl->axes[i].n; k++)
			json_array_append_new(v, json_string(pl->axes[i].values[k]));
		json_object_set_new(a, "values", v);
		json_array_append_new(axes, a);
	}
	return axes;
}

static json_t *sweep_json(const struct sweep *s)
{
	const struct sweep_plan *pl = s->pl;
	json_t *root = json_object(), *points = json_array();
	json_object_set_new(root, "format", json_string("chokepoint-sweep-1"));
	json_object_set_new(root, "version", json_string(CHOKEPOINT_VERSION));
	json_object_set_new(root, "scenario", json_string(s->sc[0]->path));
	json_object_set_new(root, "seed", json_integer((json_int_t)s->sc[0]->spec.seed));
	json_object_set_new(root, "replications", json_integer(s->sc[0]->spec.replications));
	json_object_set_new(root, "confidence", json_real(RUNNER_CONFIDENCE));
	json_object_set_new(root, "axes", axes_json(pl, 0));
	struct scenario_set sets[SWEEP_MAX_AXES];
	for (long k = 0; k < s->n; k++) {
		const struct results *r = &s->res[k];
		json_t *p = json_object(), *vals = json_object(), *metrics = json_object(), *slos = json_array();
		sweep_point(pl, k, sets);
		for (int i = 0; i < pl->n_axes; i++)
			json_object_set_new(vals, sets[i].path, json_string(sets[i].value));
		json_object_set_new(p, "point", json_integer(k + 1));
		json_object_set_new(p, "values", vals);
		char bn[200];
		report_bottleneck_name(r, bn, sizeof bn);
		json_object_set_new(p, "bottleneck", json_string(bn));
		for (size_t i = 0; i < r->n_metrics; i++) {
			json_t *scope = json_object_get(metrics, r->metrics[i].scope);
			if (!scope) {
				scope = json_object();
				json_object_set_new(metrics, r->metrics[i].scope, scope);
			}
			json_t *m = json_object();
			json_object_set_new(m, "mean", json_real(r->ci[i].mean));
			json_object_set_new(m, "half_width", json_real(r->ci[i].half));
			json_object_set_new(scope, r->metrics[i].key, m);
		}
		json_object_set_new(p, "metrics", metrics);
		for (size_t c = 0; c < s->sc[k]->n_slo; c++) {
			struct slo_result sr;
			slo_evaluate(&s->sc[k]->slo[c], r, s->slo_point, &sr);
			json_t *o = json_object();
			json_object_set_new(o, "check", json_string(s->sc[k]->slo[c].text));
			json_object_set_new(o, "verdict", json_string(verdict_name(sr.verdict)));
			json_array_append_new(slos, o);
		}
		json_object_set_new(p, "slo", slos);
		json_array_append_new(points, p);
	}
	json_object_set_new(root, "points", points);
	json_t *knees = json_array(), *moves = json_array();
	find_changes(NULL, s, knees, moves);
	json_object_set_new(root, "knees", knees);
	json_object_set_new(root, "bottleneck_moves", moves);
	return root;
}

static void csv_str(FILE *f, const char *s)
{
	csv_fwrite(f, s, strlen(s));
}

/* sweep.csv: a row per point: its values, its bottleneck, its SLO
 * verdicts, then every metric's mean and half-width (empty where a point
 * does not report it, e.g. an instance that another point lacks). */
static void write_csv(FILE *f, const struct sweep *s)
{
	const struct sweep_plan *pl = s->pl;
	fprintf(f, "point");
	for (int i = 0; i < pl->n_axes; i++) {
		fputc(',', f);
		csv_str(f, pl->axes[i].path);
	}
	fprintf(f, ",bottleneck");
	for (size_t c = 0; c < s->sc[0]->n_slo; c++) {
		char h[300];
		snprintf(h, sizeof h, "slo: %s", s->sc[0]->slo[c].text);
		fputc(',', f);
		csv_str(f, h);
	}
	for (size_t j = 0; j < s->n_cols; j++) {
		char h[200];
		snprintf(h, sizeof h, "%s.%s (%s)", s->cols[j].scope, s->cols[j].key, s->cols[j].unit);
		fputc(',', f);
		csv_str(f, h);
		snprintf(h, sizeof h, "%s.%s half_width", s->cols[j].scope, s->cols[j].key);
		fputc(',', f);
		csv_str(f, h);
	}
	fputc('\n', f);
	struct scenario_set sets[SWEEP_MAX_AXES];
	for (long k = 0; k < s->n; k++) {
		const struct results *r = &s->res[k];
		char bn[200];
		sweep_point(pl, k, sets);
		fprintf(f, "%ld", k + 1);
		for (int i = 0; i < pl->n_axes; i++) {
			fputc(',', f);
			csv_str(f, sets[i].value);
		}
		report_bottleneck_name(r, bn, sizeof bn);
		fputc(',', f);
		csv_str(f, bn);
		for (size_t c = 0; c < s->sc[k]->n_slo; c++) {
			struct slo_result sr;
			slo_evaluate(&s->sc[k]->slo[c], r, s->slo_point, &sr);
			fprintf(f, ",%s", verdict_name(sr.verdict));
		}
		for (size_t j = 0; j < s->n_cols; j++) {
			long i = results_find(r, s->cols[j].scope, s->cols[j].key);
			if (i < 0)
				fprintf(f, ",,");
			else
				fprintf(f, ",%.12g,%.12g", r->ci[i].mean, r->ci[i].half);
		}
		fputc('\n', f);
	}
}

/* theory.csv, when every point is one M/M/c station (scenario.h): its
 * mean and p99 response time by Erlang's C formula at each point's load,
 * empty where the load is past the station's capacity. */
static int write_theory(const char *dir, const struct sweep *s)
{
	for (long k = 0; k < s->n; k++)
		if (!s->sc[k]->mmc.ok)
			return 0;
	char path[OUTDIR_MAX_PATH + 400];
	snprintf(path, sizeof path, "%s/theory.csv", dir);
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	fprintf(f, "point,offered_per_s,mmc_mean_s,mmc_p99_s\n");
	for (long k = 0; k < s->n; k++) {
		const struct net_spec *spec = &s->sc[k]->spec;
		double lambda = spec->nodes[0].kind->offered(spec->nodes[0].cfg), mean, p99;
		double mu = s->sc[k]->mmc.speed / s->sc[k]->mmc.mean;
		fprintf(f, "%ld,%.12g", k + 1, lambda);
		if (mmc_response(s->sc[k]->mmc.c, lambda, mu, 0.99, &mean, &p99) == 0)
			fprintf(f, ",%.12g,%.12g\n", mean, p99);
		else
			fprintf(f, ",,\n");
	}
	return ferror(f) | (fclose(f) != 0) ? -1 : 0;
}

static int write_files(const char *dir, void *ctx)
{
	const struct sweep *s = ctx;
	char path[OUTDIR_MAX_PATH + 400];
	snprintf(path, sizeof path, "%s/sweep.csv", dir);
	FILE *f = fopen(path, "wb");
	if (!f)
		goto fail;
	write_csv(f, s);
	if (ferror(f) | (fclose(f) != 0))
		goto fail;
	snprintf(path, sizeof path, "%s/sweep.json", dir);
	json_t *root = sweep_json(s);
	f = fopen(path, "wb");
	int rc = f ? json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12)) : -1;
	json_decref(root);
	if (!f)
		goto fail;
	if (rc != 0 || fputc('\n', f) == EOF) {
		fclose(f);
		goto fail;
	}
	if (ferror(f) | (fclose(f) != 0))
		goto fail;
	if (write_theory(dir, s) != 0) {
		snprintf(path, sizeof path, "%s/theory.csv", dir);
		goto fail;
	}
	return 0;
fail:
	fprintf(stderr, "chokepoint: cannot write '%s': %s\n", path, strerror(errno));
	return -1;
}

/* ---- shards ------------------------------------------------------------- */

#define SHARD_PLAN "sweep.partial.json"

static json_t *plan_json(const struct sweep_plan *pl, const struct scenario *sc)
{
	char hash[32];
	snprintf(hash, sizeof hash, "%016llx", (unsigned long long)sc->hash);
	json_t *root = json_object();
	json_object_set_new(root, "format", json_string("chokepoint-sweep-partial-1"));
	json_object_set_new(root, "version", json_string(CHOKEPOINT_VERSION));
	json_object_set_new(root, "scenario", json_string(sc->path));
	json_object_set_new(root, "hash", json_string(hash));
	json_object_set_new(root, "points", json_integer(pl->n_points));
	json_object_set_new(root, "axes", axes_json(pl, 1));
	return root;
}

struct shard_out {
	const struct sweep *s;
	const struct scenario *base;
};

static int write_shard(const char *dir, void *ctx)
{
	const struct shard_out *so = ctx;
	const struct sweep *s = so->s;
	for (long k = 0; k < s->n; k++) {
		char name[64];
		if (s->res[k].n_reps == 0)
			continue;
		snprintf(name, sizeof name, "partial-%04ld.json", k + 1);
		if (partial_write_as(dir, name, s->sc[k], &s->res[k]) != 0)
			return -1;
	}
	char path[OUTDIR_MAX_PATH + 400];
	snprintf(path, sizeof path, "%s/%s", dir, SHARD_PLAN);
	json_t *root = plan_json(s->pl, so->base);
	int rc = json_dump_file(root, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (rc != 0)
		fprintf(stderr, "chokepoint: cannot write '%s'\n", path);
	return rc;
}

int sweep_is_shard(const char *dir)
{
	char path[OUTDIR_MAX_PATH + 400];
	snprintf(path, sizeof path, "%s/%s", dir, SHARD_PLAN);
	return access(path, F_OK) == 0;
}

/* The plan a shard wrote, read without trust; 0, or 3 or 4 after a message. */
static int read_plan(const char *dir, struct sweep_plan *pl, char **text)
{
	char path[OUTDIR_MAX_PATH + 400], err[512];
	size_t len;
	snprintf(path, sizeof path, "%s/%s", dir, SHARD_PLAN);
	if (safe_read(path, NULL, 64u << 20, text, &len, err, sizeof err) != 0) {
		fprintf(stderr, "chokepoint: cannot read '%s': %s\n", path, err);
		return 4;
	}
	json_error_t je;
	json_t *root = json_loadb(*text, len, 0, &je), *axes = json_object_get(root, "axes");
	const char *fmt = json_string_value(json_object_get(root, "format"));
	memset(pl, 0, sizeof *pl);
	pl->axes = xcalloc(SWEEP_MAX_AXES, sizeof(struct sweep_axis));
	int bad = !root || !fmt || strcmp(fmt, "chokepoint-sweep-partial-1") != 0 || !json_is_array(axes) ||
		  json_array_size(axes) > SWEEP_MAX_AXES;
	for (size_t i = 0; !bad && i < json_array_size(axes); i++) {
		json_t *a = json_array_get(axes, i), *v = json_object_get(a, "values");
		const char *p = json_string_value(json_object_get(a, "path"));
		json_int_t g = json_integer_value(json_object_get(a, "zip_group"));
		bad = !p || !json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > 100000 || g < 0 ||
		      g > (json_int_t)i;
		if (bad)
			break;
		struct sweep_axis *ax = &pl->axes[pl->n_axes++];
		ax->path = xstrdup(p);
		ax->group = (int)g;
		ax->line = (int)json_integer_value(json_object_get(a, "line"));
		for (size_t k = 0; !bad && k < json_array_size(v); k++) {
			const char *e = json_string_value(json_array_get(v, k));
			bad = !e;
			ax->values = xrealloc(ax->values, (k + 1) * sizeof(char *));
			ax->values[ax->n++] = xstrdup(e ? e : "");
		}
		if (!bad && ax->group == pl->n_groups) { /* a new group */
			pl->group_n = xrealloc(pl->group_n, (size_t)(pl->n_groups + 1) * sizeof(int));
			pl->group_n[pl->n_groups++] = ax->n;
		} else if (!bad) {
			bad = ax->group != pl->n_groups - 1 || ax->n != pl->group_n[ax->group];
		}
	}
	json_decref(root);
	pl->n_points = 1;
	for (int g = 0; !bad && g < pl->n_groups; g++) {
		pl->n_points *= pl->group_n[g];
		bad = pl->n_points > SWEEP_MAX_POINTS;
	}
	if (bad) {
		fprintf(stderr, "chokepoint: %s is not a sweep's shard plan of this version\n", path);
		return 3;
	}
	return 0;
}

int sweep_merge(const char *const *dirs, int n, const char *out_dir, int force, volatile sig_atomic_t *stop)
{
	struct sweep_plan pl;
	char *first = NULL;
	int rc = read_plan(dirs[0], &pl, &first);
	struct sweep s = {.pl = &pl};
	for (int i = 1; i < n && rc == 0; i++) { /* every shard of the same sweep */
		struct sweep_plan other = {0};
		char *text = NULL;
		if (!sweep_is_shard(dirs[i])) {
			fprintf(stderr, "chokepoint: %s is not a sweep's shard (it has no %s)\n", dirs[i], SHARD_PLAN);
			rc = 3;
			break;
		}
		rc = read_plan(dirs[i], &other, &text);
		if (rc == 0 && strcmp(text, first) != 0) {
			fprintf(stderr, "chokepoint: %s is a shard of another sweep (or seed, or version) than %s\n",
				dirs[i], dirs[0]);
			rc = 3;
		}
		sweep_plan_free(&other);
		free(text);
	}
	if (rc)
		goto done;
	s.sc = xcalloc((size_t)pl.n_points, sizeof(struct scenario *));
	s.res = xcalloc((size_t)pl.n_points, sizeof(struct results));
	char **paths = xcalloc((size_t)n, sizeof(char *));
	for (long k = 0; k < pl.n_points && rc == 0; k++) {
		int m = 0;
		for (int i = 0; i < n; i++) {
			char path[OUTDIR_MAX_PATH + 400];
			snprintf(path, sizeof path, "%s/partial-%04ld.json", dirs[i], k + 1);
			if (access(path, F_OK) == 0)
				paths[m++] = xstrdup(path);
		}
		if (m == 0) {
			fprintf(stderr, "chokepoint: point %ld of the sweep is in none of the shards\n", k + 1);
			rc = 3;
		} else {
			rc = partial_reduce((const char *const *)paths, m, &s.sc[k], &s.res[k]);
			s.n = rc == 0 ? k + 1 : k;
			if (rc) {
				char label[600];
				point_label(&pl, k, label, sizeof label);
				fprintf(stderr, "chokepoint: (in point %ld of the sweep: %s)\n", k + 1, label);
			}
		}
		for (int i = 0; i < m; i++)
			free(paths[i]);
	}
	free(paths);
	if (rc)
		goto done;
	union_metrics(&s);
	struct outdir od;
	if (outdir_claim(out_dir, force, &od) != 0) {
		rc = 4;
		goto done;
	}
	rc = report_write_dir(&od, write_files, &s, stop) == 0 ? 0 : 4;
	if (rc == 0)
		printf("merged %ld points from %d shard%s into %s/ (sweep.csv, sweep.json)\n", pl.n_points, n,
		       n == 1 ? "" : "s", od.dir);
	outdir_release(&od);
done:
	for (long k = 0; k < s.n; k++)
		results_release(&s.res[k]);
	for (long k = 0; s.sc && k < pl.n_points; k++)
		scenario_free(s.sc[k]);
	free(s.sc);
	free(s.res);
	free(s.cols);
	free(first);
	sweep_plan_free(&pl);
	return rc;
}

/* Every point's scenario, loaded with its values: all checked before any runs. */
static int load_points(const char *path, const struct sweep_plan *pl, const struct sweep_opts *o, struct scenario **sc)
{
	struct scenario_set sets[SWEEP_MAX_AXES];
	int rc = 0;
	for (long k = 0; k < pl->n_points; k++) {
		struct diags d;
		diags_init(&d, path);
		sweep_point(pl, k, sets);
		enum scenario_status st = scenario_load_sets(path, sets, pl->n_axes, &sc[k], &d);
		if (st != SCENARIO_OK) {
			char label[600];
			point_label(pl, k, label, sizeof label);
			fprintf(stderr, "chokepoint: point %ld of the sweep (%s):\n", k + 1, label);
			diags_print(&d, stderr);
			rc = st == SCENARIO_IO ? 4 : 3;
		} else {
			if (o->seed >= 0)
				sc[k]->spec.seed = (uint64_t)o->seed;
			if (o->reps > 0)
				sc[k]->spec.replications = o->reps;
			runner_fit_memory(&sc[k]->spec, o->jobs, o->jobs);
			if (k == 0 && !o->quiet && !o->json)
				diags_print(&d, stderr); /* warnings, once */
		}
		diags_release(&d);
		if (rc)
			return rc;
	}
	return 0;
}

/* A shard's runs: every N-th task of the whole sweep, across its points. */
static long *shard_tasks(const struct sweep_opts *o, long total, long *n)
{
	long *subset = xmalloc((size_t)(total ? total : 1) * sizeof(long));
	*n = 0;
	for (long t = 0; t < total; t++)
		if (t % o->shard_n == o->shard_i)
			subset[(*n)++] = t;
	return subset;
}

/* Every point's replications in one pool (points and replications alike
 * spread over the jobs, each point reduced when it is complete), or a
 * shard's share of them.  An exit code after a message, or 0. */
static int run_points(struct sweep *s, const struct sweep_opts *o, volatile sig_atomic_t *stop, long *n_run)
{
	const struct sweep_plan *pl = s->pl;
	struct run_opts ro = {
		.jobs = o->jobs, .stop = stop, .progress = o->progress ? 2 : isatty(STDERR_FILENO) && !o->quiet};
	long total = 0;
	for (long k = 0; k < pl->n_points; k++)
		total += s->sc[k]->spec.replications;
	long *subset = NULL;
	if (o->shard_n > 0) {
		ro.subset = subset = shard_tasks(o, total, &ro.n_subset);
		ro.keep_records = 1;
		if (ro.n_subset == 0) {
			fprintf(stderr, "chokepoint: shard %ld of %ld selects no run: the sweep has %ld runs\n",
				o->shard_i + 1, o->shard_n, total);
			free(subset);
			return 2;
		}
	}
	*n_run = o->shard_n > 0 ? ro.n_subset : total;
	int started = runner_run_many((const struct scenario *const *)s->sc, pl->n_points, &ro, s->res);
	free(subset);
	if (started != 0) {
		fprintf(stderr, "chokepoint: cannot start worker threads: %s\n", strerror(errno));
		return 5;
	}
	s->n = pl->n_points;
	if (stop && *stop) {
		fprintf(stderr, "chokepoint: interrupted; no results written\n");
		return 128 + *stop;
	}
	for (long k = 0; k < pl->n_points; k++) {
		if (s->res[k].io_error[0]) {
			fprintf(stderr, "chokepoint: %s; no results written\n", s->res[k].io_error);
			return 4;
		}
		if (s->res[k].n_reps > 0 && s->res[k].stopped_rep >= 0) {
			char label[600];
			point_label(pl, k, label, sizeof label);
			fprintf(stderr,
				"chokepoint: point %ld (%s): replication %ld stopped early: %s; no results written\n",
				k + 1, label, s->res[k].stopped_rep, s->res[k].stopped);
			return 6;
		}
	}
	return 0;
}

/* What a sweep prints: its JSON, or the table, the knees and the moves. */
static int print_sweep(const char *path, struct sweep *s, const struct sweep_opts *o)
{
	if (o->json) {
		json_t *root = sweep_json(s);
		int rc = json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
		fputc('\n', stdout);
		json_decref(root);
		return rc != 0 ? 4 : 0;
	}
	if (o->quiet)
		return 0;
	printf("chokepoint %s · sweep of %s · %ld points × %ld replications · seed %llu (common to every "
	       "point)\n\n",
	       CHOKEPOINT_VERSION, path, s->pl->n_points, s->sc[0]->spec.replications,
	       (unsigned long long)s->sc[0]->spec.seed);
	print_table(stdout, s);
	printf("\n");
	find_changes(stdout, s, NULL, NULL);
	return 0;
}

int sweep_run(const char *path, const struct sweep_plan *pl, const struct sweep_opts *o, const struct outdir *od,
	      volatile sig_atomic_t *stop)
{
	struct sweep s = {.pl = pl, .slo_point = o->slo_point};
	s.sc = xcalloc((size_t)pl->n_points, sizeof(struct scenario *));
	s.res = xcalloc((size_t)pl->n_points, sizeof(struct results));
	long n_run = 0;
	int rc = load_points(path, pl, o, s.sc);
	if (!rc)
		rc = run_points(&s, o, stop, &n_run);
	if (rc)
		goto done;
	if (o->shard_n > 0) { /* a shard writes its runs, for merge */
		struct shard_out so = {&s, s.sc[0]};
		if (!o->no_write && report_write_dir(od, write_shard, &so, stop) != 0)
			rc = stop && *stop ? 128 + *stop : 4;
		else if (!o->quiet && !o->no_write)
			printf("%ld runs of the sweep written to %s/ (merge the shards with chokepoint merge)\n", n_run,
			       od->dir);
		goto done;
	}
	union_metrics(&s);
	rc = print_sweep(path, &s, o);
	if (!o->no_write && rc == 0) {
		if (report_write_dir(od, write_files, &s, stop) != 0)
			rc = stop && *stop ? 128 + *stop : 4;
		else if (!o->quiet && !o->json)
			printf("\nResults written to %s/ (sweep.csv, sweep.json)\n", od->dir);
	}
	fflush(stdout);
	double wall = s.res[0].wall_seconds;
	uint64_t events = 0;
	for (long k = 0; k < s.n; k++)
		events += s.res[k].events;
	if (!o->quiet)
		fprintf(stderr, "(%.2fs wall, %.2fM events/s)\n", wall, wall > 0 ? (double)events / wall / 1e6 : 0);
done:
	for (long k = 0; k < s.n; k++)
		results_release(&s.res[k]);
	for (long k = 0; k < pl->n_points; k++)
		scenario_free(s.sc[k]);
	free(s.cols);
	free(s.sc);
	free(s.res);
	return rc;
}
