/*
 * spof.c - see spof.h.
 *
 * Each case is the resolved scenario with one more item in its failures
 * section, loaded like any scenario: the failure is described in the
 * scenario language, not built behind the loader's back.  libcyaml writes
 * the sections in schema order, so the failures section, when there is
 * one, is the last, and an item can be appended to the text.
 */
#include "spof.h"

#include <csv.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../sim/engine/units.h"
#include "../sim/engine/util.h"

struct outcome {
	char name[96]; /* "<node>#1 (of N)" */
	double success, time_avail, lost, latency;
};

static int run_case(const char *text, size_t len, const struct run_opts *opts, struct outcome *o, const char *label)
{
	struct diags d;
	struct scenario *sc = NULL;
	diags_init(&d, label);
	if (scenario_load_buffer(label, text, len, &sc, &d) != SCENARIO_OK) {
		diags_print(&d, stderr);
		diags_release(&d);
		return -1;
	}
	diags_release(&d);
	struct results res;
	if (runner_run(sc, opts, &res) != 0 || res.n_reps == 0) {
		scenario_free(sc);
		return -1;
	}
	const struct ci *s = results_ci(&res, "e2e", "success_ratio"),
			*t = results_ci(&res, "e2e", "time_availability");
	const struct ci *l = results_ci(&res, "e2e", "requests"), *ok = results_ci(&res, "e2e", "status_2xx");
	const struct ci *lat = results_ci(&res, "e2e", "latency_mean");
	o->success = s->mean;
	o->time_avail = t->mean;
	o->lost = l->mean - ok->mean;
	o->latency = lat->mean;
	results_release(&res);
	scenario_free(sc);
	return 0;
}

static int by_loss(const void *a, const void *b)
{
	const struct outcome *x = a, *y = b;
	if (x->success != y->success)
		return x->success < y->success ? -1 : 1;
	return strcmp(x->name, y->name);
}

static const char *verdict_of(const struct outcome *c, const struct outcome *baseline)
{
	return c->success < 0.5                         ? "SINGLE POINT OF FAILURE"
	       : c->success < baseline->success - 0.001 ? "degrades"
							: "survives";
}

/* Minutes a 730-hour month would be down at this time availability. */
static double downtime_month(const struct outcome *c)
{
	return (1 - c->time_avail) * 730 * 60;
}

static void print_row(FILE *out, const char *name, const struct outcome *c, double duration, const char *verdict)
{
	char lat[32], ok[32];
	if (c->success > 0)
		units_format_duration(c->latency, lat, sizeof lat);
	else
		snprintf(lat, sizeof lat, "-"); /* nothing answered 2xx: no latency */
	snprintf(ok, sizeof ok, "%.2f%%", 100 * c->success);
	fprintf(out, "%-16.16s %-13s %-15.1f %-15.0f %-13s %s\n", name, ok, downtime_month(c),
		c->lost / duration * 3600, lat, verdict);
}

static void print_table(FILE *out, const struct scenario *sc, const struct outcome *baseline,
			const struct outcome *cases, int n)
{
	const struct net_spec *spec = &sc->spec;
	fprintf(out, "N-1 analysis of %s: each component crashed for the whole measured time\n", sc->path);
	fprintf(out, "(%ld replications, seed %llu, the same random numbers in every case)\n\n", spec->replications,
		(unsigned long long)spec->seed);
	fprintf(out, "%-16s %-13s %-15s %-15s %-13s %s\n", "without", "answered 2xx", "downtime", "requests lost",
		"latency mean", "verdict");
	fprintf(out, "%-16s %-13s %-15s %-15s %-13s\n", "", "", "(min/month)", "(per hour)", "");
	print_row(out, "(nothing)", baseline, spec->duration, "baseline");
	int n_spof = 0;
	for (int i = 0; i < n; i++) {
		n_spof += cases[i].success < 0.5;
		print_row(out, cases[i].name, &cases[i], spec->duration, verdict_of(&cases[i], baseline));
	}
	fprintf(out, "\n%d single point%s of failure", n_spof, n_spof == 1 ? "" : "s");
	for (int i = 0, k = 0; i < n; i++)
		if (cases[i].success < 0.5)
			fprintf(out, "%s %s", k++ ? "," : ":", cases[i].name);
	fprintf(out, "\n");
}

/* Writes dir/name from the text in buf (len bytes) through a temporary
 * file renamed into place, so the file is whole or absent. */
static int write_whole(const char *dir, const char *name, const char *buf, size_t len)
{
	char path[4200], tmp[4300];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	snprintf(tmp, sizeof tmp, "%s/.%s.tmp-%ld", dir, name, (long)getpid());
	FILE *f = fopen(tmp, "wb");
	if (!f) {
		fprintf(stderr, "chokepoint: cannot write '%s': %s\n", tmp, strerror(errno));
		return -1;
	}
	int bad = fwrite(buf, 1, len, f) != len;
	bad |= fclose(f) != 0;
	if (bad || rename(tmp, path) != 0) {
		fprintf(stderr, "chokepoint: cannot write '%s': %s\n", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static void csv_row(FILE *f, const char *name, const struct outcome *c, double duration, const char *verdict)
{
	csv_fwrite(f, name, strlen(name));
	fprintf(f, ",%.12g,%.12g,%.12g,%.12g,%.12g,%s\n", c->success, c->time_avail, downtime_month(c),
		c->lost / duration * 3600, c->latency, verdict);
}

static json_t *json_case(const char *name, const struct outcome *c, double duration, const char *verdict)
{
	json_t *o = json_object();
	json_object_set_new(o, "without", name ? json_string(name) : json_null());
	json_object_set_new(o, "success_ratio", json_real(c->success));
	json_object_set_new(o, "time_availability", json_real(c->time_avail));
	json_object_set_new(o, "downtime_minutes_per_month", json_real(downtime_month(c)));
	json_object_set_new(o, "requests_lost_per_hour", json_real(c->lost / duration * 3600));
	json_object_set_new(o, "latency_mean_s", json_real(c->latency));
	json_object_set_new(o, "verdict", json_string(verdict));
	return o;
}

/* spof.csv and spof.json in dir (made if missing): the table, for scripts. */
static int write_files(const char *dir, const struct scenario *sc, const struct outcome *baseline,
		       const struct outcome *cases, int n)
{
	double T = sc->spec.duration;
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "chokepoint: cannot create directory '%s': %s\n", dir, strerror(errno));
		return -1;
	}
	char *csv = NULL;
	size_t clen = 0;
	FILE *f = open_memstream(&csv, &clen);
	fprintf(f, "without,success_ratio,time_availability,downtime_minutes_per_month,requests_lost_per_hour,"
		   "latency_mean_s,verdict\n");
	csv_row(f, "", baseline, T, "baseline");
	for (int i = 0; i < n; i++)
		csv_row(f, cases[i].name, &cases[i], T, verdict_of(&cases[i], baseline));
	fclose(f);
	json_t *root = json_object(), *arr = json_array();
	json_object_set_new(root, "format", json_string("chokepoint-spof-1"));
	json_object_set_new(root, "scenario", json_string(sc->path));
	json_object_set_new(root, "replications", json_integer(sc->spec.replications));
	json_object_set_new(root, "seed", json_integer((json_int_t)sc->spec.seed));
	json_object_set_new(root, "baseline", json_case(NULL, baseline, T, "baseline"));
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, json_case(cases[i].name, &cases[i], T, verdict_of(&cases[i], baseline)));
	json_object_set_new(root, "cases", arr);
	char *js = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
	json_decref(root);
	int rc = write_whole(dir, "spof.csv", csv, clen);
	if (rc == 0 && js)
		rc = write_whole(dir, "spof.json", js, strlen(js));
	free(csv);
	free(js);
	return js ? rc : -1;
}

int spof_run(const struct scenario *sc, const struct run_opts *opts, FILE *out, const char *out_dir)
{
	size_t len;
	char *base = scenario_resolved_yaml(sc, &len);
	if (!base) {
		fprintf(stderr, "chokepoint: libcyaml could not write the resolved scenario\n");
		return -1;
	}
	const struct net_spec *spec = &sc->spec;
	int has_failures = strstr(base, "\nfailures:\n") != NULL;
	struct outcome baseline = {.name = "(none)"};
	if (run_case(base, len, opts, &baseline, sc->path) != 0) {
		free(base);
		return -1;
	}
	struct outcome *cases = xcalloc(spec->n_nodes, sizeof(*cases));
	int n = 0;
	for (int i = 0; i < spec->n_nodes; i++) {
		const struct node_spec *ns = &spec->nodes[i];
		if (!(ns->kind->flags & KIND_CAN_FAIL))
			continue;
		/* N-1: one component lost.  In a tier of several instances that is
		 * one instance (the first: they are alike). */
		int k = ns->kind->instances ? ns->kind->instances(ns->cfg) : 1;
		size_t cap = len + 256;
		char *text = xmalloc(cap);
		int m = snprintf(text, cap, "%s%s- node: %s\n  at: %.17gs\n  name: spof-case\n%s", base,
				 has_failures ? "" : "failures:\n", ns->name, spec->warmup,
				 k > 1 ? "  instance: 1\n" : "");
		if (k > 1)
			snprintf(cases[n].name, sizeof cases[n].name, "%s#1 (of %d)", ns->name, k);
		else
			snprintf(cases[n].name, sizeof cases[n].name, "%s", ns->name);
		char label[1200];
		snprintf(label, sizeof label, "%s (without %s)", sc->path, cases[n].name);
		int rc = run_case(text, (size_t)m, opts, &cases[n], label);
		free(text);
		if (rc != 0) {
			free(cases);
			free(base);
			return -1;
		}
		n++;
	}
	free(base);
	qsort(cases, n, sizeof(*cases), by_loss);
	print_table(out, sc, &baseline, cases, n);
	int rc = out_dir ? write_files(out_dir, sc, &baseline, cases, n) : 0;
	free(cases);
	return rc;
}
