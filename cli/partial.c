/* partial.c - see partial.h. */
#include "partial.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../sim/engine/util.h"
#include "outdir.h"
#include "safefile.h"
#include "report.h"
#include "version.h"

#define PARTIAL_FORMAT                                                                                                 \
	"chokepoint-partial-4" /* 2: the ConsumedLCUs column; 3: RequestCountPerTarget and the Group columns;    \
				  4: each run's latency quantiles (cdf) */
#define MAX_PARTIAL_BYTES (1u << 30)

static json_t *hexf(double x)
{
	char buf[40];
	snprintf(buf, sizeof buf, "%a", x);
	return json_string(buf);
}

int partial_write(const char *dir, const struct scenario *sc, const struct results *res)
{
	return partial_write_as(dir, "partial.json", sc, res);
}

int partial_write_as(const char *dir, const char *name, const struct scenario *sc, const struct results *res)
{
	size_t len;
	char *resolved = scenario_resolved_yaml(sc, &len);
	if (!resolved) {
		fprintf(stderr, "chokepoint: libcyaml could not write the resolved scenario\n");
		return -1;
	}
	char hash[32];
	snprintf(hash, sizeof hash, "%016llx", (unsigned long long)sc->hash);
	json_t *root = json_object();
	json_object_set_new(root, "format", json_string(PARTIAL_FORMAT));
	json_object_set_new(root, "version", json_string(CHOKEPOINT_VERSION));
	json_object_set_new(root, "path", json_string(sc->path));
	json_object_set_new(root, "hash", json_string(hash));
	json_object_set_new(root, "resolved", json_stringn(resolved, len));
	json_object_set_new(root, "runs_total", json_integer(sc->spec.replications));
	free(resolved);
	json_t *names = json_array();
	for (size_t i = 0; i < res->n_metrics; i++) {
		json_t *pair = json_array();
		json_array_append_new(pair, json_string(res->metrics[i].scope));
		json_array_append_new(pair, json_string(res->metrics[i].key));
		json_array_append_new(names, pair);
	}
	json_object_set_new(root, "metrics", names);
	size_t nts = (size_t)res->n_periods * res->n_nodes * TS_NCOLS;
	json_t *runs = json_array();
	for (long k = 0; k < res->n_reps; k++) {
		const struct rep_record *r = &res->records[k];
		json_t *o = json_object();
		json_object_set_new(o, "replication", json_integer(r->rep));
		json_object_set_new(o, "events", json_integer((json_int_t)r->events));
		json_object_set_new(o, "stopped", json_string(r->stopped));
		json_t *v = json_array(), *ts = json_array(), *log = json_array(), *cdf = json_array();
		for (size_t i = 0; i < r->metrics.n; i++)
			json_array_append_new(v, hexf(r->metrics.m[i].value));
		for (int i = 0; i < NET_CDF_LEVELS; i++)
			json_array_append_new(cdf, hexf(r->cdf[i]));
		for (size_t i = 0; i < nts; i++)
			json_array_append_new(ts, hexf(r->ts[i]));
		for (size_t i = 0; i < r->n_log; i++) {
			const struct failure_record *f = &r->log[i];
			json_t *e = json_array();
			json_array_append_new(e, json_integer(f->injector));
			json_array_append_new(e, json_integer(f->node));
			json_array_append_new(e, json_integer(f->inst));
			json_array_append_new(e, json_integer(f->mode));
			json_array_append_new(e, hexf(f->t_fail));
			json_array_append_new(e, hexf(f->t_detect));
			json_array_append_new(e, hexf(f->t_recover));
			json_array_append_new(e, hexf(f->t_healthy));
			json_array_append_new(e, json_integer((json_int_t)f->lost));
			json_array_append_new(log, e);
		}
		json_object_set_new(o, "values", v);
		json_object_set_new(o, "timeseries", ts);
		json_object_set_new(o, "cdf", cdf);
		json_object_set_new(o, "failures", log);
		json_array_append_new(runs, o);
	}
	json_object_set_new(root, "runs", runs);

	char tmp[4200], final[4200];
	snprintf(final, sizeof final, "%s/%s", dir, name);
	snprintf(tmp, sizeof tmp, "%s/.%s.tmp.%ld", dir, name, (long)getpid());
	int rc = -1;
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "chokepoint: cannot create directory '%s': %s\n", dir, strerror(errno));
	} else if (json_dump_file(root, tmp, JSON_COMPACT | JSON_PRESERVE_ORDER) != 0) {
		fprintf(stderr, "chokepoint: cannot write '%s'\n", tmp);
		unlink(tmp);
	} else if (rename(tmp, final) != 0) {
		fprintf(stderr, "chokepoint: cannot rename '%s' to '%s': %s\n", tmp, final, strerror(errno));
		unlink(tmp);
	} else {
		rc = 0;
	}
	json_decref(root);
	return rc;
}

void partial_release(struct partial *p)
{
	free(p->version);
	free(p->path);
	free(p->resolved);
	free(p->names);
	for (long k = 0; k < p->n_recs; k++)
		rep_record_release(&p->recs[k]);
	free(p->recs);
	memset(p, 0, sizeof(*p));
}

static int fail(char *err, size_t n, const char *msg)
{
	snprintf(err, n, "%s", msg);
	return -1;
}

/* A hex-float string as written by hexf. */
static int get_double(json_t *j, double *out)
{
	const char *s = json_string_value(j);
	if (!s || !*s || strlen(s) > 40)
		return -1;
	char *end;
	*out = strtod(s, &end);
	/* chokepoint writes finite numbers only: "nan" or "inf" is a tampered file */
	return *end || !isfinite(*out) ? -1 : 0;
}

static int get_string(json_t *obj, const char *key, char **out)
{
	const char *s = json_string_value(json_object_get(obj, key));
	if (!s)
		return -1;
	*out = xstrdup(s);
	return 0;
}

static int parse_run(json_t *o, struct partial *p, struct rep_record *r, char *err, size_t n)
{
	json_t *rep = json_object_get(o, "replication"), *ev = json_object_get(o, "events");
	json_t *v = json_object_get(o, "values"), *ts = json_object_get(o, "timeseries");
	json_t *log = json_object_get(o, "failures"), *cdf = json_object_get(o, "cdf");
	const char *stopped = json_string_value(json_object_get(o, "stopped"));
	if (!json_is_integer(rep) || !json_is_integer(ev) || !json_is_array(v) || !json_is_array(ts) ||
	    !json_is_array(log) || !json_is_array(cdf) || !stopped)
		return fail(err, n,
			    "a run lacks one of replication, events, stopped, values, timeseries, cdf, failures");
	if (json_array_size(cdf) != NET_CDF_LEVELS)
		return fail(err, n, "a run's latency quantiles (cdf) have the wrong length");
	for (int i = 0; i < NET_CDF_LEVELS; i++)
		if (get_double(json_array_get(cdf, i), &r->cdf[i]) < 0)
			return fail(err, n, "a latency quantile is not a number");
	if (json_integer_value(rep) < 0 || json_integer_value(rep) >= p->n_runs || json_integer_value(ev) < 0)
		return fail(err, n, "a run's replication number or event count is out of range");
	if (json_array_size(v) != p->n_metrics)
		return fail(err, n, "a run has a different number of values than there are metrics");
	if (p->n_ts && json_array_size(ts) != p->n_ts)
		return fail(err, n, "a run's time series has the wrong length");
	if (json_array_size(log) > 10000000)
		return fail(err, n, "a run's failure log is too long");
	r->rep = (long)json_integer_value(rep);
	r->events = (uint64_t)json_integer_value(ev);
	snprintf(r->stopped, sizeof r->stopped, "%s", stopped);
	r->is_complete = 1;
	r->metrics.m = xmalloc((p->n_metrics ? p->n_metrics : 1) * sizeof(struct metric));
	r->metrics.n = r->metrics.cap = p->n_metrics;
	for (size_t i = 0; i < p->n_metrics; i++) {
		r->metrics.m[i] = p->names[i];
		if (get_double(json_array_get(v, i), &r->metrics.m[i].value) < 0)
			return fail(err, n, "a metric value is not a number");
	}
	size_t nts = json_array_size(ts);
	r->ts = xmalloc((nts ? nts : 1) * sizeof(double));
	for (size_t i = 0; i < nts; i++)
		if (get_double(json_array_get(ts, i), &r->ts[i]) < 0)
			return fail(err, n, "a time-series value is not a number");
	r->n_log = json_array_size(log);
	r->log = xcalloc(r->n_log ? r->n_log : 1, sizeof(*r->log));
	for (size_t i = 0; i < r->n_log; i++) {
		json_t *e = json_array_get(log, i);
		struct failure_record *f = &r->log[i];
		if (!json_is_array(e) || json_array_size(e) != 9)
			return fail(err, n, "a failure record is malformed");
		json_int_t ints[5] = {0};
		static const int at[5] = {0, 1, 2, 3, 8};
		for (int k = 0; k < 5; k++) {
			json_t *x = json_array_get(e, at[k]);
			if (!json_is_integer(x) || json_integer_value(x) < (k == 3 ? -1 : 0) ||
			    json_integer_value(x) > (k == 4 ? INT64_MAX : 1000000))
				return fail(err, n, "a failure record has a bad number");
			ints[k] = json_integer_value(x);
		}
		f->injector = (int)ints[0];
		f->node = (int)ints[1];
		f->inst = (int)ints[2];
		f->mode = (int)ints[3];
		f->lost = (uint64_t)ints[4];
		if (get_double(json_array_get(e, 4), &f->t_fail) < 0 ||
		    get_double(json_array_get(e, 5), &f->t_detect) < 0 ||
		    get_double(json_array_get(e, 6), &f->t_recover) < 0 ||
		    get_double(json_array_get(e, 7), &f->t_healthy) < 0)
			return fail(err, n, "a failure record has a bad time");
	}
	return 0;
}

int partial_parse(const char *text, size_t len, struct partial *out, char *err, size_t errsize)
{
	memset(out, 0, sizeof(*out));
	if (len > MAX_PARTIAL_BYTES)
		return fail(err, errsize, "the file is too large");
	json_error_t je;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		snprintf(err, errsize, "not valid JSON: %s (line %d, column %d)", je.text, je.line, je.column);
		return -1;
	}
	int rc = -1;
	const char *format = json_string_value(json_object_get(root, "format"));
	const char *hash = json_string_value(json_object_get(root, "hash"));
	json_t *total = json_object_get(root, "runs_total"), *names = json_object_get(root, "metrics");
	json_t *runs = json_object_get(root, "runs");
	if (!json_is_object(root) || !format || strcmp(format, PARTIAL_FORMAT) != 0) {
		fail(err, errsize, "not a chokepoint partial result (format " PARTIAL_FORMAT ")");
		goto done;
	}
	if (get_string(root, "version", &out->version) < 0 || get_string(root, "path", &out->path) < 0 ||
	    get_string(root, "resolved", &out->resolved) < 0 || !hash || strlen(hash) != 16 ||
	    sscanf(hash, "%16llx", &out->hash) != 1 || !json_is_integer(total) || !json_is_array(names) ||
	    !json_is_array(runs)) {
		fail(err, errsize, "a field is missing or of the wrong type");
		goto done;
	}
	out->n_runs = (long)json_integer_value(total);
	if (out->n_runs < 1 || out->n_runs > 100000 || json_array_size(runs) > (size_t)out->n_runs ||
	    json_array_size(names) > 100000) {
		fail(err, errsize, "the numbers of runs or metrics are out of range");
		goto done;
	}
	out->n_metrics = json_array_size(names);
	out->names = xcalloc(out->n_metrics ? out->n_metrics : 1, sizeof(struct metric));
	for (size_t i = 0; i < out->n_metrics; i++) {
		json_t *pair = json_array_get(names, i);
		const char *scope = json_string_value(json_array_get(pair, 0));
		const char *key = json_string_value(json_array_get(pair, 1));
		if (!json_is_array(pair) || json_array_size(pair) != 2 || !scope || !key ||
		    strlen(scope) >= sizeof out->names[i].scope || strlen(key) >= sizeof out->names[i].key) {
			fail(err, errsize, "a metric name is malformed");
			goto done;
		}
		strcpy(out->names[i].scope, scope);
		strcpy(out->names[i].key, key);
	}
	size_t nr = json_array_size(runs);
	out->recs = xcalloc(nr ? nr : 1, sizeof(*out->recs));
	for (size_t k = 0; k < nr; k++) {
		json_t *o = json_array_get(runs, k);
		if (!json_is_object(o)) {
			fail(err, errsize, "a run is not an object");
			goto done;
		}
		out->n_recs = (long)k + 1;
		if (k == 0)
			out->n_ts = json_array_size(json_object_get(o, "timeseries"));
		if (parse_run(o, out, &out->recs[k], err, errsize) < 0)
			goto done;
	}
	rc = 0;
done:
	json_decref(root);
	if (rc < 0)
		partial_release(out);
	return rc;
}

static int by_rep(const void *a, const void *b)
{
	long x = ((const struct rep_record *)a)->rep, y = ((const struct rep_record *)b)->rep;
	return x < y ? -1 : x > y;
}

/* Reads the partial results in the files paths into parts and moves their
 * runs into *all; 0, or the exit code after a message (3: not mergeable,
 * 4: I/O). */
static int read_parts(const char *const *paths, int n, struct partial *parts, struct rep_record **all, long *n_all)
{
	for (int i = 0; i < n; i++) {
		char err[512], *text;
		size_t len;
		const char *path = paths[i];
		/* A regular file only, of bounded size: a FIFO or a device is refused. */
		if (safe_read(path, NULL, MAX_PARTIAL_BYTES, &text, &len, err, sizeof err) != 0) {
			fprintf(stderr, "chokepoint: cannot read '%s': %s\n", path, err);
			return 4;
		}
		int bad = partial_parse(text, len, &parts[i], err, sizeof err);
		free(text);
		if (bad) {
			fprintf(stderr, "chokepoint: %s: %s\n", path, err);
			return 3;
		}
		const struct partial *a = &parts[0], *b = &parts[i];
		if (strcmp(a->version, b->version) != 0 || a->hash != b->hash ||
		    strcmp(a->resolved, b->resolved) != 0 || a->n_runs != b->n_runs || a->n_metrics != b->n_metrics) {
			fprintf(stderr, "chokepoint: %s comes from another scenario, seed or version than %s\n", path,
				paths[0]);
			return 3;
		}
		if (strcmp(b->version, CHOKEPOINT_VERSION) != 0) {
			fprintf(stderr, "chokepoint: %s was written by chokepoint %s, not %s\n", path, b->version,
				CHOKEPOINT_VERSION);
			return 3;
		}
		*all = xrealloc(*all, (size_t)(*n_all + b->n_recs + 1) * sizeof(**all));
		for (long k = 0; k < b->n_recs; k++) {
			(*all)[(*n_all)++] = parts[i].recs[k];
			memset(&parts[i].recs[k], 0, sizeof(parts[i].recs[k])); /* moved */
		}
	}
	return 0;
}

int partial_reduce(const char *const *paths, int n, struct scenario **out_sc, struct results *res)
{
	struct partial *parts = xcalloc(n, sizeof(*parts));
	struct rep_record *all = NULL;
	long n_all = 0;
	struct scenario *sc = NULL;
	*out_sc = NULL;
	int rc = read_parts(paths, n, parts, &all, &n_all);
	if (rc != 0)
		goto out;
	rc = 3;
	/* Every run exactly once. */
	qsort(all, n_all, sizeof(*all), by_rep);
	long total = parts[0].n_runs;
	for (long k = 0, want = 0; want < total; want++) {
		if (k < n_all && all[k].rep == want) {
			if (k + 1 < n_all && all[k + 1].rep == want) {
				fprintf(stderr, "chokepoint: run %ld appears in more than one partial result\n", want);
				goto out;
			}
			k++;
		} else {
			fprintf(stderr, "chokepoint: run %ld of %ld is in none of the partial results\n", want, total);
			goto out;
		}
	}
	/* The scenario, as the runs saw it. */
	struct diags d;
	diags_init(&d, parts[0].path);
	if (scenario_load_buffer(parts[0].path, parts[0].resolved, strlen(parts[0].resolved), &sc, &d) != SCENARIO_OK) {
		diags_print(&d, stderr);
		diags_release(&d);
		goto out;
	}
	diags_release(&d);
	sc->hash = parts[0].hash;
	/* Everything the reduction and the writers index must fit the scenario:
	 * a damaged part is an error, not an overflow or an assertion. */
	size_t nts = (size_t)net_spec_periods(&sc->spec) * sc->spec.n_nodes * TS_NCOLS;
	int fits = 1;
	for (int i = 0; i < n && fits; i++) {
		fits = parts[i].n_recs == 0 || parts[i].n_ts == nts;
		for (size_t m = 0; fits && m < parts[i].n_metrics; m++)
			fits = strcmp(parts[i].names[m].scope, parts[0].names[m].scope) == 0 &&
			       strcmp(parts[i].names[m].key, parts[0].names[m].key) == 0;
	}
	for (long k = 0; k < n_all && fits; k++) {
		fits = all[k].metrics.n == parts[0].n_metrics;
		for (size_t f = 0; fits && f < all[k].n_log; f++) {
			const struct failure_record *x = &all[k].log[f];
			fits = x->injector < sc->spec.n_nodes && x->node < sc->spec.n_nodes && x->mode >= -1 &&
			       x->mode <= 2;
		}
	}
	if (!fits) {
		fprintf(stderr, "chokepoint: the partial results do not match their scenario\n");
		goto out;
	}
	results_reduce(sc, all, n_all, total, res);
	*out_sc = sc;
	sc = NULL;
	rc = 0;
out:
	scenario_free(sc);
	for (long k = 0; k < n_all; k++)
		rep_record_release(&all[k]);
	free(all);
	for (int i = 0; i < n; i++)
		partial_release(&parts[i]);
	free(parts);
	return rc;
}

int partial_merge(const char *const *dirs, int n, const char *out_dir, int force, const volatile sig_atomic_t *stop)
{
	char **paths = xcalloc((size_t)n, sizeof(char *));
	for (int i = 0; i < n; i++) {
		paths[i] = xmalloc(strlen(dirs[i]) + 16);
		sprintf(paths[i], "%s/partial.json", dirs[i]);
	}
	struct scenario *sc = NULL;
	struct results res;
	int rc = partial_reduce((const char *const *)paths, n, &sc, &res);
	for (int i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	if (rc != 0)
		return rc;
	struct outdir od;
	if (outdir_claim(out_dir, force, &od) != 0) {
		rc = 4;
	} else {
		rc = report_write(&od, &res, stop, NULL) == 0 ? 0 : 4;
		if (rc == 0)
			printf("merged %ld runs from %d partial result%s into %s/\n", res.n_reps, n, n == 1 ? "" : "s",
			       od.dir);
		outdir_release(&od);
	}
	results_release(&res);
	scenario_free(sc);
	return rc;
}
