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

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/util.h"

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

int spof_run(const struct scenario *sc, const struct run_opts *opts, FILE *out)
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

	fprintf(out, "N-1 analysis of %s: each component crashed for the whole measured time\n", sc->path);
	fprintf(out, "(%ld replications, seed %llu, the same random numbers in every case)\n\n", spec->replications,
		(unsigned long long)spec->seed);
	fprintf(out, "%-16s %-12s %-14s %-16s %-14s %s\n", "without", "answered 2xx", "time every", "requests lost",
		"latency mean", "verdict");
	fprintf(out, "%-16s %-12s %-14s %-16s %-14s\n", "", "", "tier was up", "per replication", "");
	fprintf(out, "%-16s %-12.4f %-14.4f %-16.0f %-14.4g %s\n", "(nothing)", baseline.success, baseline.time_avail,
		baseline.lost, baseline.latency, "baseline");
	int n_spof = 0;
	for (int i = 0; i < n; i++) {
		const char *verdict = cases[i].success < 0.5                        ? "SINGLE POINT OF FAILURE"
				      : cases[i].success < baseline.success - 0.001 ? "degrades"
										    : "survives";
		n_spof += cases[i].success < 0.5;
		fprintf(out, "%-16.16s %-12.4f %-14.4f %-16.0f %-14.4g %s\n", cases[i].name, cases[i].success,
			cases[i].time_avail, cases[i].lost, cases[i].latency, verdict);
	}
	fprintf(out, "\n%d single point%s of failure", n_spof, n_spof == 1 ? "" : "s");
	for (int i = 0, k = 0; i < n; i++)
		if (cases[i].success < 0.5)
			fprintf(out, "%s %s", k++ ? "," : ":", cases[i].name);
	fprintf(out, "\n");
	free(cases);
	return 0;
}
