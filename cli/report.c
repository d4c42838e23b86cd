/* report.c - see report.h. */
#include "report.h"

#include <csv.h>
#include <dirent.h>
#include <signal.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../sim/engine/units.h"
#include "../sim/engine/util.h"
#include "accesslog.h"
#include "metrics.h"
#include "outdir.h"
#include "slo.h"
#include "version.h"

#define find_metric results_find

static void fmt_metric(char *buf, size_t n, const struct results *res, size_t i)
{
	metric_format_ci(buf, n, res->defs[i]->unit, &res->ci[i]);
}

/* Whether metric i is a candidate for the bottleneck: a resource's
 * utilization, on a node of requests' paths or a link.  An instance counts
 * through its tier's hottest_instance_utilization, and that only when it
 * runs clearly hotter than the tier's average (else the tier says it). */
static int is_candidate(const struct results *res, size_t i)
{
	const struct metric *m = &res->metrics[i];
	if (res->defs[i]->role != MR_UTILIZATION || res->metric_node[i] < 0 || strchr(m->scope, '/'))
		return 0;
	if (strcmp(m->key, "hottest_instance_utilization") == 0) {
		const struct ci *avg = results_ci(res, m->scope, "utilization");
		return !avg || res->ci[i].mean >= 1.1 * avg->mean;
	}
	return 1;
}

int report_verdict(const struct results *res, struct verdict *v)
{
	memset(v, 0, sizeof *v);
	v->node = v->tie_node = v->next_node = -1;
	long best = -1, second = -1, next = -1;
	for (size_t i = 0; i < res->n_metrics; i++) {
		if (!is_candidate(res, i))
			continue;
		double u = res->ci[i].mean;
		if (best < 0 || u > res->ci[best].mean) {
			second = best;
			best = (long)i;
		} else if (second < 0 || u > res->ci[second].mean) {
			second = (long)i;
		}
	}
	if (best < 0)
		return -1;
	/* Where it moves next: the most saturated resource of another node. */
	for (size_t i = 0; i < res->n_metrics; i++)
		if (is_candidate(res, i) && res->metric_node[i] != res->metric_node[best] &&
		    (next < 0 || res->ci[i].mean > res->ci[next].mean))
			next = (long)i;
	v->metric = (size_t)best;
	v->node = res->metric_node[best];
	const struct ci *b = &res->ci[best];
	if (second >= 0 && b->mean - b->half <= res->ci[second].mean + res->ci[second].half) {
		v->tie = (size_t)second;
		v->tie_node = res->metric_node[second];
	}
	if (next >= 0) {
		v->next = (size_t)next;
		v->next_node = res->metric_node[next];
	}
	return v->node;
}

int report_bottleneck(const struct results *res, size_t *metric_index)
{
	struct verdict v;
	int b = report_verdict(res, &v);
	if (b >= 0 && metric_index)
		*metric_index = v.metric;
	return b;
}

/* "db (database) CPU cores" or "web -> db connection pool (4 per instance)":
 * the resource metric i measures, for people. */
static void resource_name(char *buf, size_t n, const struct results *res, size_t i)
{
	const struct metric *m = &res->metrics[i];
	const struct node_spec *ns = &res->sc->spec.nodes[res->metric_node[i]];
	const char *arrow = strstr(m->scope, "->");
	if (arrow) {
		const struct ci *conns = results_ci(res, m->scope, "pool_connections");
		int inst = ns->kind->instances ? ns->kind->instances(ns->cfg) : 1;
		snprintf(buf, n, "%s -> %s connection pool (%.0f per instance)", ns->name, arrow + 2,
			 conns ? conns->mean / inst : 0);
	} else {
		snprintf(buf, n, "%s (%s) %s", ns->name, ns->kind->name, res->defs[i]->resource);
	}
}

/* What shows the resource is the limit, beside its utilization. */
static void evidence(char *buf, size_t n, const struct results *res, size_t i)
{
	const struct metric *m = &res->metrics[i];
	const struct node_spec *ns = &res->sc->spec.nodes[res->metric_node[i]];
	const char *arrow = strstr(m->scope, "->");
	char a[64], b[64];
	buf[0] = '\0';
	if (arrow) {
		long w = find_metric(res, m->scope, "pool_wait_mean"), q = find_metric(res, arrow + 2, "response_mean");
		if (w < 0)
			return;
		fmt_metric(a, sizeof a, res, (size_t)w);
		if (q >= 0 && res->ci[q].mean > 0) {
			metric_format(b, sizeof b, MU_SECONDS, res->ci[q].mean);
			snprintf(buf, n, "; calls wait %s for a connection, %.2gx the call's %s", a,
				 res->ci[w].mean / res->ci[q].mean, b);
		} else
			snprintf(buf, n, "; calls wait %s for a connection", a);
	} else if (strcmp(m->key, "hottest_instance_utilization") == 0) {
		/* One instance runs hotter than its tier: a hot shard, or uneven balancing. */
		const char *hot = NULL;
		double hot_u = -1;
		size_t len = strlen(ns->name);
		for (size_t k = 0; k < res->n_metrics; k++) {
			const struct metric *x = &res->metrics[k];
			if (strncmp(x->scope, ns->name, len) == 0 && x->scope[len] == '/' &&
			    strcmp(x->key, "utilization") == 0 && res->ci[k].mean > hot_u) {
				hot = x->scope;
				hot_u = res->ci[k].mean;
			}
		}
		long avg = find_metric(res, ns->name, "utilization");
		if (avg >= 0)
			fmt_metric(a, sizeof a, res, (size_t)avg);
		if (avg < 0)
			snprintf(a, sizeof a, "?");
		if (hot)
			snprintf(buf, n, " (%s); the tier averages %s", hot, a);
		else
			snprintf(buf, n, "; the tier averages %s", a);
	} else if (strcmp(m->key, "worker_utilization") == 0) {
		long cpu = find_metric(res, ns->name, "utilization");
		if (cpu >= 0) {
			fmt_metric(a, sizeof a, res, (size_t)cpu);
			snprintf(buf, n, "; its CPU is at %s", a);
		}
	} else if (strcmp(m->key, "rate_limit_utilization") == 0) {
		long t = find_metric(res, ns->name, "throttled");
		if (t >= 0)
			snprintf(buf, n, "; %.0f requests refused with 429 per replication", res->ci[t].mean);
	} else if (ns->kind->flags & KIND_LINK) {
		long g = find_metric(res, ns->name, "gbps_in_busier_direction");
		if (g >= 0) {
			fmt_metric(a, sizeof a, res, (size_t)g);
			snprintf(buf, n, "; %s in the busier direction", a);
		}
	} else {
		long w = find_metric(res, ns->name, "mean_waiting");
		if (w >= 0 && res->ci[w].mean >= 0.005) {
			fmt_metric(a, sizeof a, res, (size_t)w);
			snprintf(buf, n, "; %s requests wait on average", a);
		}
	}
}

/* ---- terminal ------------------------------------------------------------ */

static void line(FILE *out, const struct results *res, const char *scope, const char *key, const char *label)
{
	long i = find_metric(res, scope, key);
	char buf[96];
	if (i < 0)
		return;
	fmt_metric(buf, sizeof buf, res, (size_t)i);
	fprintf(out, "  %-30s %s\n", label, buf);
}

/* The value of metric (scope, key) for people, or NULL if it was not reported. */
static const char *value_of(char *buf, size_t n, const struct results *res, const char *scope, const char *key)
{
	long i = find_metric(res, scope, key);
	if (i < 0)
		return NULL;
	fmt_metric(buf, n, res, (size_t)i);
	return buf;
}

/* A table: one row per scope, one column per key ("-" where absent). */
static void table_row(FILE *out, const struct results *res, const char *label, const char *scope,
		      const char *const *keys, const int *width, size_t n_keys)
{
	fprintf(out, "%-14.14s", label);
	for (size_t k = 0; k < n_keys; k++) {
		char buf[96];
		const char *v = value_of(buf, sizeof buf, res, scope, keys[k]);
		fprintf(out, " %-*s", width[k], v ? v : "-");
	}
	fprintf(out, "\n");
}

static void print_outcomes(FILE *out, const struct results *res)
{
	static const char *const keys[] = {"offered_throughput", "served_throughput", "success_ratio",
					   "latency_mean",       "latency_p50",       "latency_p90",
					   "latency_p95",        "latency_p99",       "latency_p99.9"};
	fprintf(out, "End to end\n");
	for (size_t k = 0; k < ARRAY_LEN(keys); k++) {
		char label[40];
		snprintf(label, sizeof label, "%s", keys[k]);
		for (char *c = label; *c; c++)
			if (*c == '_')
				*c = ' ';
		line(out, res, "e2e", keys[k], label);
	}
	/* Answers per replication by status code; codes that never occur are left out. */
	static const char *const codes[] = {"2xx", "202", "429", "460", "500", "502", "503", "504"};
	for (size_t i = 0; i < ARRAY_LEN(codes); i++) {
		char key[32], label[40], buf[96];
		snprintf(key, sizeof key, "status_%s", codes[i]);
		snprintf(label, sizeof label, i == 1 ? "  of which 202 Accepted" : "status %s", codes[i]);
		long m = find_metric(res, "e2e", key);
		if (m < 0 || (res->ci[m].mean == 0 && i != 0))
			continue;
		fmt_metric(buf, sizeof buf, res, (size_t)m);
		fprintf(out, "  %-30s %s per replication\n", label, buf);
	}
	fprintf(out, "\n");
}

/* What it costs: in all, per month and per million successful requests,
 * then each node that costs something, the largest first. */
static void print_cost(FILE *out, const struct results *res)
{
	long h = find_metric(res, "e2e", "cost_per_hour");
	long mo = find_metric(res, "e2e", "cost_per_month");
	long mr = find_metric(res, "e2e", "cost_per_million_requests");
	if (h < 0 || mo < 0 || mr < 0 || res->ci[h].mean <= 0)
		return;
	char a[96], b[96], c[96];
	fmt_metric(a, sizeof a, res, (size_t)h);
	fmt_metric(b, sizeof b, res, (size_t)mo);
	fmt_metric(c, sizeof c, res, (size_t)mr);
	fprintf(out, "Cost: %s, %s, %s per million successful requests\n", a, b, c);
	size_t idx[256], n = 0;
	for (size_t i = 0; i < res->n_metrics && n < ARRAY_LEN(idx); i++)
		if (res->metric_node[i] >= 0 && strcmp(res->metrics[i].key, "cost_per_hour") == 0 &&
		    res->ci[i].mean > 0)
			idx[n++] = i;
	for (size_t i = 1; i < n; i++) /* insertion sort, the largest first: few nodes */
		for (size_t j = i; j > 0 && res->ci[idx[j]].mean > res->ci[idx[j - 1]].mean; j--) {
			size_t t = idx[j];
			idx[j] = idx[j - 1];
			idx[j - 1] = t;
		}
	fprintf(out, "  by component:");
	for (size_t i = 0; i < n; i++) {
		fmt_metric(a, sizeof a, res, idx[i]);
		fprintf(out, "%s %s %s (%.0f%%)", i ? "," : "", res->metrics[idx[i]].scope, a,
			100 * res->ci[idx[i]].mean / res->ci[h].mean);
	}
	fprintf(out, "\n");
}

/* Each autoscaler: its instances, the cost against a fixed fleet of its
 * peak, and the time under- and over-provisioned. */
static void print_autoscaling(FILE *out, const struct results *res)
{
	const struct net_spec *spec = &res->sc->spec;
	for (int i = 0; i < spec->n_nodes; i++) {
		const struct node_spec *ns = &spec->nodes[i];
		if (!(ns->kind->flags & KIND_CONTROL))
			continue;
		const struct ci *mean = results_ci(res, ns->name, "instances_mean");
		const struct ci *peak = results_ci(res, ns->name, "instances_max");
		const struct ci *fixed = results_ci(res, ns->name, "fixed_fleet_cost_per_hour");
		const struct ci *save = results_ci(res, ns->name, "savings_per_hour");
		const struct ci *under = results_ci(res, ns->name, "under_provisioned_time");
		const struct ci *over = results_ci(res, ns->name, "over_provisioned_time");
		if (!mean || !peak || !fixed || !save || !under || !over)
			continue;
		char m[64], f[64], s[64], u[64], o[64];
		metric_format(m, sizeof m, MU_NUMBER, mean->mean);
		metric_format(f, sizeof f, MU_DOLLARS_HOUR, fixed->mean);
		metric_format(s, sizeof s, MU_DOLLARS_HOUR, save->mean);
		metric_format(u, sizeof u, MU_SECONDS, under->mean);
		metric_format(o, sizeof o, MU_SECONDS, over->mean);
		fprintf(out,
			"Autoscaling %s: %s instances on average, at most %.0f; a fixed fleet of %.0f would cost %s, "
			"scaling saves %s (%.0f%%)\n",
			ns->name, m, peak->mean, peak->mean, f, s,
			fixed->mean > 0 ? 100 * save->mean / fixed->mean : 0);
		fprintf(out, "  under-provisioned %s, over-provisioned %s (per replication)\n", u, o);
	}
}

/* Workloads side by side, when there are several or one retries. */
static void print_workloads(FILE *out, const struct results *res)
{
	const struct net_spec *spec = &res->sc->spec;
	static const char *const keys[] = {"offered_throughput", "served_throughput", "success_ratio",
					   "latency_mean",       "latency_p99",       "attempts_per_request"};
	static const int width[] = {16, 16, 16, 16, 16, 0};
	int n = 0, retrying = 0;
	for (int i = 0; i < spec->n_nodes; i++) {
		if (!(spec->nodes[i].kind->flags & KIND_WORKLOAD))
			continue;
		n++;
		const struct ci *a = results_ci(res, spec->nodes[i].name, "attempts_per_request");
		retrying |= a && a->mean > 1;
	}
	if (n < 2 && !retrying)
		return;
	fprintf(out, "%-14s %-16s %-16s %-16s %-16s %-16s %s\n", "Workload", "offered", "served", "success",
		"latency mean", "latency p99", "attempts/request");
	for (int i = 0; i < spec->n_nodes; i++)
		if (spec->nodes[i].kind->flags & KIND_WORKLOAD)
			table_row(out, res, spec->nodes[i].name, spec->nodes[i].name, keys, width, ARRAY_LEN(keys));
	fprintf(out, "\n");
}

static void print_classes(FILE *out, const struct results *res)
{
	const struct net_spec *spec = &res->sc->spec;
	static const char *const keys[] = {"served_throughput", "success_ratio", "latency_mean", "latency_p99"};
	static const int width[] = {18, 16, 18, 0};
	if (spec->n_classes == 0)
		return;
	fprintf(out, "%-14s %-18s %-16s %-18s %s\n", "Class", "served", "success", "latency mean", "latency p99");
	for (int c = 1; c <= spec->n_classes; c++) {
		char scope[80];
		snprintf(scope, sizeof scope, "class:%s", spec->class_name[c]);
		table_row(out, res, spec->class_name[c], scope, keys, width, ARRAY_LEN(keys));
	}
	fprintf(out, "\n");
}

static void print_availability(FILE *out, const struct results *res)
{
	const struct ci *nf = results_ci(res, "failures", "count");
	if (!nf || nf->mean <= 0)
		return;
	fprintf(out, "Availability\n");
	line(out, res, "e2e", "success_ratio", "requests answered 2xx");
	line(out, res, "e2e", "time_availability", "time every tier was up");
	line(out, res, "e2e", "downtime_minutes_per_month", "downtime per month");
	const struct ci *ta = results_ci(res, "e2e", "time_availability");
	if (ta && ta->mean < 1)
		fprintf(out, "  %-30s %.2f\n", "nines (of time availability)", -log10(1 - ta->mean));
	const struct ci *eb = results_ci(res, "e2e", "error_budget_used");
	if (eb && res->sc->spec.slo < 1) {
		char label[64];
		snprintf(label, sizeof label, "error budget (SLO %g%%)", 100 * res->sc->spec.slo);
		if (eb->mean > 1)
			fprintf(out, "  %-30s exhausted %.3gx over\n", label, eb->mean);
		else
			fprintf(out, "  %-30s %.1f%% used\n", label, 100 * eb->mean);
	}
	line(out, res, "failures", "count", "failures per replication");
	const struct ci *det = results_ci(res, "failures", "detected");
	if (det && det->mean > 0)
		line(out, res, "failures", "mean_time_to_detect", "mean time to detect");
	else
		fprintf(out, "  %-30s %s\n", "mean time to detect", "none detected by a health check");
	const struct ci *rep = results_ci(res, "failures", "repaired");
	if (rep && rep->mean == 0) {
		fprintf(out, "  %-30s %s\n", "mean time to repair", "none repaired before the run ended");
	} else {
		line(out, res, "failures", "mean_time_to_repair", "mean time to repair");
		if (rep && rep->mean < nf->mean)
			fprintf(out, "  %-30s %.3g per replication\n", "not repaired by the end", nf->mean - rep->mean);
	}
	line(out, res, "failures", "requests_lost", "requests lost");
	fprintf(out, "\n");
}

/* The figures of the optional parts, when the scenario has them. */
static void print_parts(FILE *out, const struct results *res)
{
	const struct net_spec *spec = &res->sc->spec;
	static const struct {
		const char *key, *label;
	} parts[] = {
		{"hit_ratio", "hit ratio"},
		{"backend_offload", "backend offload"},
		{"origin_offload", "origin offload"},
		{"origin_bytes_per_s", "origin bytes"},
		{"pool_wait_mean", "pool wait mean"},
		{"pool_timeouts", "pool timeouts"},
		{"message_wait_mean", "message wait mean"},
		{"oldest_message_age", "oldest message at the end"},
		{"throttled", "throttled (429)"},
	};
	int header = 0;
	for (int i = 0; i < spec->n_nodes; i++) {
		char buf[96], text[512] = "";
		size_t len = 0;
		for (size_t k = 0; k < ARRAY_LEN(parts); k++) {
			if (!value_of(buf, sizeof buf, res, spec->nodes[i].name, parts[k].key))
				continue;
			len += (size_t)snprintf(text + len, len < sizeof text ? sizeof text - len : 0, "%s%s %s",
						len ? " · " : "", parts[k].label, buf);
		}
		if (strcmp(spec->nodes[i].kind->name, "queue") == 0 &&
		    value_of(buf, sizeof buf, res, spec->nodes[i].name, "mean_waiting"))
			len += (size_t)snprintf(text + len, len < sizeof text ? sizeof text - len : 0,
						"%sdepth mean %s", len ? " · " : "", buf);
		if (!len)
			continue;
		if (!header++)
			fprintf(out, "Parts\n");
		fprintf(out, "  %-14.14s %s\n", spec->nodes[i].name, text);
	}
	if (header)
		fprintf(out, "\n");
}

static void print_nodes(FILE *out, const struct results *res)
{
	const struct net_spec *spec = &res->sc->spec;
	static const char *const keys[] = {"utilization",   "mean_waiting", "mean_in_service", "throughput",
					   "response_mean", "response_p99", "rejections"};
	static const char *const link_keys[] = {"utilization",   "-", "in_transit_mean", "messages_per_s",
						"response_mean", "-", "rejections"};
	static const int width[] = {16, 13, 13, 16, 18, 18, 0};
	fprintf(out, "%-14s %-16s %-13s %-13s %-16s %-18s %-18s %s\n", "Node", "utilization", "waiting", "in service",
		"throughput", "response mean", "response p99", "rejected");
	for (int i = 0; i < spec->n_nodes; i++) {
		const struct node_spec *ns = &spec->nodes[i];
		if (ns->kind->flags & (KIND_WORKLOAD | KIND_INJECTOR | KIND_CONTROL))
			continue;
		table_row(out, res, ns->name, ns->name, ns->kind->flags & KIND_LINK ? link_keys : keys, width,
			  ARRAY_LEN(keys));
	}
}

static void print_verdict(FILE *out, const struct results *res)
{
	struct verdict v;
	char name[200], u[96], ev[300];
	if (report_verdict(res, &v) < 0)
		return;
	resource_name(name, sizeof name, res, v.metric);
	fmt_metric(u, sizeof u, res, v.metric);
	evidence(ev, sizeof ev, res, v.metric);
	fprintf(out, "\nBottleneck: %s %s busy%s\n", name, u, ev);
	if (v.tie_node >= 0) {
		resource_name(name, sizeof name, res, v.tie);
		fmt_metric(u, sizeof u, res, v.tie);
		fprintf(out, "  a tie: %s at %s is within the intervals; either may limit first\n", name, u);
	}
	if (v.next_node >= 0 && !(v.tie_node >= 0 && v.tie == v.next)) { /* a tie names it already */
		resource_name(name, sizeof name, res, v.next);
		fmt_metric(u, sizeof u, res, v.next);
		fprintf(out, "Next: %s %s busy (where the bottleneck moves when this one is fixed)\n", name, u);
	}
}

void report_bottleneck_name(const struct results *res, char *buf, size_t n)
{
	size_t m;
	if (report_bottleneck(res, &m) < 0)
		snprintf(buf, n, "none");
	else
		snprintf(buf, n, "%s %s", res->metrics[m].scope, res->defs[m]->resource);
}

void report_print(FILE *out, const struct results *res)
{
	const struct net_spec *spec = &res->sc->spec;
	char d[32], w[32];
	units_format_duration(spec->duration, d, sizeof d);
	units_format_duration(spec->warmup, w, sizeof w);
	fprintf(out, "chokepoint %s · %s\n", CHOKEPOINT_VERSION, res->sc->path);
	fprintf(out, "%ld replications × %s measured (after %s warm-up) · seed %llu · %.0f%% confidence intervals\n",
		res->n_reps, d, w, (unsigned long long)spec->seed, 100 * RUNNER_CONFIDENCE);
	if (res->n_reps < res->n_requested)
		fprintf(out, "PARTIAL: %ld of the %ld replications asked for (interrupted)\n", res->n_reps,
			res->n_requested);
	if (spec->period_auto && spec->period != 60) {
		char p[32];
		units_format_duration(spec->period, p, sizeof p);
		fprintf(out, "time series every %s (chosen for the run's length; simulation.period sets it)\n", p);
	}
	fprintf(out, "\n");
	print_outcomes(out, res);
	print_workloads(out, res);
	print_classes(out, res);
	print_availability(out, res);
	print_parts(out, res);
	print_nodes(out, res);
	print_verdict(out, res);
	print_cost(out, res);
	print_autoscaling(out, res);
	const char *spofs[256];
	int n_spof = report_spofs(res, spofs, 256);
	if (n_spof > 0) {
		fprintf(out, "Single points of failure (one instance, no redundancy):");
		for (int i = 0; i < n_spof; i++)
			fprintf(out, "%s %s", i ? "," : "", spofs[i]);
		fprintf(out, "\n");
	}
}

/* ---- files --------------------------------------------------------------- */

#define N_FILES      OUTDIR_N_FILES
#define result_files outdir_files

void report_list_files(FILE *out)
{
	fprintf(out, "\nFiles written (see docs/results.md):");
	for (size_t i = 0; i < N_FILES; i++)
		fprintf(out, "%s %s", i ? "," : "", result_files[i]);
	fprintf(out, ", report.html; with --access-log, access.csv; with --plot, each picture as NAME.png and NAME.svg "
		     "with its script NAME.gp (style.gp, vars.gp): utilization, requests, errors, latency, bottleneck, "
		     "health (with a load balancer), instances (with an autoscaler).\n");
}

struct out_file {
	char path[8500];
	FILE *f;
};

static int out_open(struct out_file *o, const char *dir, const char *name)
{
	snprintf(o->path, sizeof o->path, "%s/%s", dir, name);
	o->f = fopen(o->path, "wb");
	if (!o->f) {
		fprintf(stderr, "chokepoint: cannot write '%s': %s\n", o->path, strerror(errno));
		return -1;
	}
	return 0;
}

static int out_close(struct out_file *o)
{
	int bad = ferror(o->f);
	if (fclose(o->f) != 0 || bad) {
		fprintf(stderr, "chokepoint: error writing '%s': %s\n", o->path, strerror(errno));
		o->f = NULL;
		return -1;
	}
	o->f = NULL;
	return 0;
}

static void csv_str(FILE *f, const char *s)
{
	csv_fwrite(f, s, strlen(s));
}

static json_t *ci_json(const struct ci *c, const char *unit)
{
	json_t *o = json_object();
	json_object_set_new(o, "mean", json_real(c->mean));
	json_object_set_new(o, "half_width", json_real(c->half));
	json_object_set_new(o, "ci_low", json_real(c->mean - c->half));
	json_object_set_new(o, "ci_high", json_real(c->mean + c->half));
	json_object_set_new(o, "sd", json_real(c->sd));
	json_object_set_new(o, "unit", json_string(unit));
	return o;
}

/* A resource of the verdict: where, what, how busy, and why. */
static json_t *resource_json(const struct results *res, size_t i)
{
	const struct node_spec *ns = &res->sc->spec.nodes[res->metric_node[i]];
	char name[200], ev[300];
	resource_name(name, sizeof name, res, i);
	evidence(ev, sizeof ev, res, i);
	json_t *o = json_object();
	json_object_set_new(o, "node", json_string(ns->name));
	json_object_set_new(o, "kind", json_string(ns->kind->name));
	json_object_set_new(o, "scope", json_string(res->metrics[i].scope));
	json_object_set_new(o, "metric", json_string(res->metrics[i].key));
	json_object_set_new(
		o, "resource",
		json_string(strstr(res->metrics[i].scope, "->") ? "connection pool" : res->defs[i]->resource));
	json_object_set_new(o, "description", json_string(name));
	json_object_set_new(o, "utilization", ci_json(&res->ci[i], "fraction"));
	json_object_set_new(o, "evidence", json_string(ev[0] == ';' ? ev + 2 : ev));
	return o;
}

static json_t *verdict_json(const struct results *res)
{
	struct verdict v;
	if (report_verdict(res, &v) < 0)
		return json_null();
	json_t *bo = resource_json(res, v.metric);
	json_object_set_new(bo, "tie_with", v.tie_node >= 0 ? resource_json(res, v.tie) : json_null());
	json_object_set_new(bo, "next", v.next_node >= 0 ? resource_json(res, v.next) : json_null());
	return bo;
}

/* The SLO checks and their verdicts, for scripts. */
static json_t *slo_json(const struct results *res)
{
	static const char *const verdicts[] = {"pass", "fail", "inconclusive", "missing"};
	json_t *o = json_object(), *checks = json_array();
	json_object_set_new(o, "mode", json_string(res->slo_point_mode ? "point" : "interval"));
	int passed = 0, failed = 0, inconclusive = 0;
	for (size_t i = 0; i < res->sc->n_slo; i++) {
		const struct slo_check *c = &res->sc->slo[i];
		struct slo_result r;
		slo_evaluate(c, res, res->slo_point_mode, &r);
		json_t *e = json_object();
		json_object_set_new(e, "check", json_string(c->text));
		json_object_set_new(e, "scope", json_string(c->scope));
		json_object_set_new(e, "metric", json_string(c->metric));
		json_object_set_new(e, "limit", json_real(c->limit));
		json_object_set_new(e, "unit", json_string(metric_unit_name(c->def->unit)));
		json_object_set_new(e, "verdict", json_string(verdicts[r.verdict]));
		if (r.verdict != SLO_MISSING)
			json_object_set_new(e, "value", ci_json(&r.ci, metric_unit_name(c->def->unit)));
		if (r.verdict == SLO_INCONCLUSIVE)
			json_object_set_new(e, "replications_to_settle", json_integer(r.reps_needed));
		json_array_append_new(checks, e);
		passed += r.verdict == SLO_PASS;
		failed += r.verdict == SLO_FAIL || r.verdict == SLO_MISSING;
		inconclusive += r.verdict == SLO_INCONCLUSIVE;
	}
	json_object_set_new(o, "checks", checks);
	json_object_set_new(o, "passed", json_integer(passed));
	json_object_set_new(o, "failed", json_integer(failed));
	json_object_set_new(o, "inconclusive", json_integer(inconclusive));
	return o;
}

/* summary.json's identity: the format, the program, the scenario, the run. */
static json_t *json_header(const struct results *res)
{
	const struct net_spec *spec = &res->sc->spec;
	char hash[32];
	snprintf(hash, sizeof hash, "%016llx", (unsigned long long)res->sc->hash);
	json_t *root = json_object();
	json_object_set_new(root, "format", json_string("chokepoint-summary-1"));
	json_object_set_new(root, "version", json_string(CHOKEPOINT_VERSION));
	json_t *sc = json_object();
	json_object_set_new(sc, "path", json_string(res->sc->path));
	json_object_set_new(sc, "hash", json_string(hash));
	json_t *files = json_array();
	for (size_t i = 0; i < scenario_n_files(res->sc); i++)
		json_array_append_new(files, json_string(scenario_file(res->sc, i)));
	json_object_set_new(sc, "files_read", files);
	json_object_set_new(root, "scenario", sc);
	json_t *sim = json_object();
	json_object_set_new(sim, "duration_s", json_real(spec->duration));
	json_object_set_new(sim, "warmup_s", json_real(spec->warmup));
	json_object_set_new(sim, "replications", json_integer(res->n_reps));
	json_object_set_new(sim, "replications_requested", json_integer(res->n_requested));
	json_object_set_new(sim, "partial", json_boolean(res->n_reps < res->n_requested));
	json_object_set_new(sim, "seed", json_integer((json_int_t)spec->seed));
	json_object_set_new(sim, "confidence", json_real(RUNNER_CONFIDENCE));
	json_object_set_new(sim, "events", json_integer((json_int_t)res->events));
	json_object_set_new(root, "simulation", sim);

	return root;
}

/* Every metric, in the object of its scope: end to end, a workload, a node
 * (its instances and pools within it), a class, the failures. */
static void json_metrics(const struct results *res, json_t *e2e, json_t *workloads, json_t *nodes, json_t *classes,
			 json_t *fails)
{
	for (size_t i = 0; i < res->n_metrics; i++) {
		const struct metric *m = &res->metrics[i];
		json_t *obj;
		const char *slash = strchr(m->scope, '/'), *arrow = strstr(m->scope, "->");
		if (strcmp(m->scope, "run") == 0)
			continue;
		if (strcmp(m->scope, "e2e") == 0) {
			obj = e2e;
		} else if (strcmp(m->scope, "failures") == 0) {
			obj = fails;
		} else if (strncmp(m->scope, "class:", 6) == 0) {
			obj = json_object_get(classes, m->scope + 6);
			if (!obj) {
				obj = json_object();
				json_object_set_new(classes, m->scope + 6, obj);
			}
		} else if (slash || arrow) { /* nodes.NODE.instances.LABEL, nodes.CALLER.pools.CALLEE */
			const char *sep = arrow ? arrow : slash, *sub = arrow ? arrow + 2 : slash + 1;
			char parent[64];
			snprintf(parent, sizeof parent, "%.*s", (int)(sep - m->scope), m->scope);
			json_t *node = json_object_get(nodes, parent), *insts;
			if (!node) {
				node = json_object();
				json_object_set_new(nodes, parent, node);
			}
			if (!(insts = json_object_get(node, arrow ? "pools" : "instances"))) {
				insts = json_object();
				json_object_set_new(node, arrow ? "pools" : "instances", insts);
			}
			if (!(obj = json_object_get(insts, sub))) {
				obj = json_object();
				json_object_set_new(insts, sub, obj);
			}
		} else {
			const struct node_spec *ns =
				res->metric_node[i] >= 0 ? &res->sc->spec.nodes[res->metric_node[i]] : NULL;
			json_t *group = ns && (ns->kind->flags & KIND_WORKLOAD) ? workloads : nodes;
			obj = json_object_get(group, m->scope);
			if (!obj) {
				obj = json_object();
				json_object_set_new(obj, "kind", json_string(ns ? ns->kind->name : "?"));
				json_object_set_new(group, m->scope, obj);
			}
		}
		json_object_set_new(obj, m->key, ci_json(&res->ci[i], metric_unit_name(res->defs[i]->unit)));
	}
}

static int write_json(FILE *f, const struct results *res)
{
	json_t *root = json_header(res);
	json_t *e2e = json_object(), *workloads = json_object(), *nodes = json_object(), *fails = json_object();
	json_t *classes = json_object();
	json_metrics(res, e2e, workloads, nodes, classes, fails);
	json_object_set_new(root, "end_to_end", e2e);
	json_object_set_new(root, "workloads", workloads);
	json_object_set_new(root, "nodes", nodes);
	json_object_set_new(root, "classes", classes);
	json_object_set_new(root, "failures", fails);
	const char *spofs[256];
	int n_spof = report_spofs(res, spofs, 256);
	json_t *sp = json_array();
	for (int i = 0; i < n_spof; i++)
		json_array_append_new(sp, json_string(spofs[i]));
	json_object_set_new(root, "single_points_of_failure", sp);
	/* The end-to-end latency's distribution: its quantiles at fixed
	 * probabilities, each a mean over the replications with its interval. */
	json_t *cdf = json_object(), *lv = json_array(), *mean = json_array(), *half = json_array();
	for (int q = 0; q < NET_CDF_LEVELS; q++) {
		json_array_append_new(lv, json_real(net_cdf_level[q]));
		json_array_append_new(mean, json_real(res->cdf_mean[q]));
		json_array_append_new(half, json_real(res->cdf_half[q]));
	}
	json_object_set_new(cdf, "unit", json_string("s"));
	json_object_set_new(cdf, "probability", lv);
	json_object_set_new(cdf, "mean", mean);
	json_object_set_new(cdf, "half_width", half);
	json_object_set_new(root, "latency_distribution", cdf);
	json_object_set_new(root, "bottleneck", verdict_json(res));
	if (res->sc->n_slo > 0)
		json_object_set_new(root, "slo", slo_json(res));
	if (res->sc->n_tol > 0) { /* for compare, when these results are its base */
		json_t *tol = json_array();
		for (size_t i = 0; i < res->sc->n_tol; i++) {
			json_t *e = json_object();
			json_object_set_new(e, "metric", json_string(res->sc->tol[i].metric));
			json_object_set_new(e, "share", json_real(res->sc->tol[i].share));
			json_array_append_new(tol, e);
		}
		json_object_set_new(root, "tolerance", tol);
	}
	int rc = json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
	fputc('\n', f);
	json_decref(root);
	return rc;
}

int report_print_json(FILE *out, const struct results *res)
{
	return write_json(out, res);
}

static void write_summary_csv(FILE *f, const struct results *res)
{
	fprintf(f, "scope,metric,unit,mean,half_width,ci_low,ci_high,sd,n,better\n");
	for (size_t i = 0; i < res->n_metrics; i++) {
		const struct metric *m = &res->metrics[i];
		const struct ci *c = &res->ci[i];
		csv_str(f, m->scope);
		fputc(',', f);
		csv_str(f, m->key);
		fprintf(f, ",%s,%.12g,%.12g,%.12g,%.12g,%.12g,%zu,%s\n", metric_unit_name(res->defs[i]->unit), c->mean,
			c->half, c->mean - c->half, c->mean + c->half, c->sd, c->n,
			metric_better_name(res->defs[i]->better));
	}
}

static void write_nodes_csv(FILE *f, const struct results *res)
{
	static const char *const keys[] = {"utilization",  "throughput",    "mean_waiting", "mean_in_service",
					   "mean_in_node", "response_mean", "response_p50", "response_p99",
					   "rejections",   "spillover",     "cost_per_hour"};
	const struct net_spec *spec = &res->sc->spec;
	fprintf(f, "node,kind");
	for (size_t k = 0; k < ARRAY_LEN(keys); k++)
		fprintf(f, ",%s,%s_half_width", keys[k], keys[k]);
	fprintf(f, "\n");
	for (int i = 0; i < spec->n_nodes; i++) {
		const struct node_spec *ns = &spec->nodes[i];
		if (ns->kind->flags & (KIND_WORKLOAD | KIND_INJECTOR | KIND_CONTROL))
			continue;
		csv_str(f, ns->name);
		fprintf(f, ",%s", ns->kind->name);
		for (size_t k = 0; k < ARRAY_LEN(keys); k++) {
			const struct ci *c = results_ci(res, ns->name, keys[k]);
			if (c)
				fprintf(f, ",%.12g,%.12g", c->mean, c->half);
			else
				fprintf(f, ",,");
		}
		fprintf(f, "\n");
	}
}

static void write_replications_csv(FILE *f, const struct results *res)
{
	fprintf(f, "replication,scope,metric,value\n");
	for (long r = 0; r < res->n_reps; r++) {
		for (size_t i = 0; i < res->n_metrics; i++) {
			fprintf(f, "%ld,", res->rep_index[r]); /* its number: pairs it with another run's */
			csv_str(f, res->metrics[i].scope);
			fputc(',', f);
			csv_str(f, res->metrics[i].key);
			fprintf(f, ",%.17g\n", results_value(res, r, i));
		}
	}
}

static void write_timeseries_csv(FILE *f, const struct results *res)
{
	const struct net_spec *spec = &res->sc->spec;
	double end = spec->warmup + spec->duration;
	fprintf(f, "period_start_s,period_end_s,in_warmup,node,kind");
	for (int c = 0; c < TS_NCOLS; c++)
		fprintf(f, ",%s", ts_col_name[c]);
	for (int b = 0; b < TS_N_BANDS; b++)
		fprintf(f, ",%s_half_width", ts_col_name[ts_band_col[b]]);
	fprintf(f, "\n");
	for (int p = 0; p < res->n_periods; p++) {
		double t0 = p * spec->period, t1 = (p + 1) * spec->period;
		if (t1 > end)
			t1 = end;
		for (int i = 0; i < res->n_nodes; i++) {
			const double *row = &res->ts[((size_t)p * res->n_nodes + i) * TS_NCOLS];
			fprintf(f, "%.10g,%.10g,%d,", t0, t1, t0 < spec->warmup);
			csv_str(f, spec->nodes[i].name);
			fprintf(f, ",%s", spec->nodes[i].kind->name);
			for (int c = 0; c < TS_NCOLS; c++)
				fprintf(f, ",%.10g", row[c]);
			const double *half = &res->ts_half[((size_t)p * res->n_nodes + i) * TS_N_BANDS];
			for (int b = 0; b < TS_N_BANDS; b++)
				fprintf(f, ",%.10g", half[b]);
			fprintf(f, "\n");
		}
	}
}

static void write_failures_csv(FILE *f, const struct results *res)
{
	static const char *const modes[] = {"slow", "up", "crash", "hang"}; /* mode + 1 */
	const struct net_spec *spec = &res->sc->spec;
	fprintf(f, "replication,failure,node,instance,mode,failed_at_s,detected_at_s,repaired_at_s,healthy_at_s,"
		   "time_to_detect_s,time_to_repair_s,requests_lost\n");
	for (long r = 0; r < res->n_reps; r++) {
		for (size_t i = 0; i < res->n_logs[r]; i++) {
			const struct failure_record *x = &res->logs[r][i];
			fprintf(f, "%ld,%s,%s,%d,%s,%.10g,", r, spec->nodes[x->injector].name,
				spec->nodes[x->node].name, x->inst + 1, modes[x->mode + 1], x->t_fail);
			if (x->t_detect >= 0)
				fprintf(f, "%.10g", x->t_detect);
			fputc(',', f);
			if (x->t_recover >= 0)
				fprintf(f, "%.10g", x->t_recover);
			fputc(',', f);
			if (x->t_healthy >= 0)
				fprintf(f, "%.10g", x->t_healthy);
			fputc(',', f);
			if (x->t_detect >= 0)
				fprintf(f, "%.10g", x->t_detect - x->t_fail);
			fputc(',', f);
			if (x->t_recover >= 0)
				fprintf(f, "%.10g", x->t_recover - x->t_fail);
			fprintf(f, ",%llu\n", (unsigned long long)x->lost);
		}
	}
}

int report_spofs(const struct results *res, const char **names, int max)
{
	const struct net_spec *spec = &res->sc->spec;
	int n = 0;
	for (int i = 0; i < spec->n_nodes && n < max; i++) {
		const struct node_spec *ns = &spec->nodes[i];
		unsigned f = ns->kind->flags;
		if (f & KIND_OFF_PATH)
			continue;
		int k = ns->kind->instances ? ns->kind->instances(ns->cfg) : 1;
		if (k == 1)
			names[n++] = ns->name;
	}
	return n;
}

/* Joins the access-log parts of the replications in the results, in order. */
static int write_access_log(const char *tmpdir, const char *parts, const struct results *res, long *reps)
{
	char path[8500];
	snprintf(path, sizeof path, "%s/access.csv", tmpdir);
	FILE *out = fopen(path, "wb");
	if (!out) {
		fprintf(stderr, "chokepoint: cannot write '%s': %s\n", path, strerror(errno));
		return -1;
	}
	fputs(access_log_header, out);
	for (long k = 0; k < res->n_reps; k++) {
		char part[4096];
		access_log_part(part, sizeof part, parts, reps[k]);
		FILE *in = fopen(part, "rb");
		if (!in)
			continue; /* a replication that logged nothing */
		char buf[65536];
		size_t n;
		while ((n = fread(buf, 1, sizeof buf, in)) > 0)
			fwrite(buf, 1, n, out);
		fclose(in);
	}
	int bad = ferror(out);
	if (fclose(out) != 0 || bad) {
		fprintf(stderr, "chokepoint: error writing '%s': %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Writes every result file into dir (a new temporary directory); 0, or -1
 * after a message, with every file closed. */
static int write_set(const char *dir, const struct results *res, const char *access)
{
	struct out_file o[N_FILES];
	int n_open = 0;
	for (; n_open < N_FILES; n_open++)
		if (out_open(&o[n_open], dir, result_files[n_open]) != 0)
			goto fail;
	if (write_json(o[0].f, res) != 0) {
		fprintf(stderr, "chokepoint: cannot write JSON to '%s'\n", o[0].path);
		goto fail;
	}
	write_summary_csv(o[1].f, res);
	write_nodes_csv(o[2].f, res);
	write_replications_csv(o[3].f, res);
	write_timeseries_csv(o[4].f, res);
	size_t len;
	char *yaml = scenario_resolved_yaml(res->sc, &len);
	if (!yaml) {
		fprintf(stderr, "chokepoint: libcyaml could not write the resolved scenario\n");
		goto fail;
	}
	fprintf(o[5].f, "# %s with every default filled in, as run by chokepoint %s\n", res->sc->path,
		CHOKEPOINT_VERSION);
	fwrite(yaml, 1, len, o[5].f);
	free(yaml);
	write_failures_csv(o[6].f, res);
	if (access && write_access_log(dir, access, res, res->rep_index) != 0)
		goto fail;
	for (int i = 0; i < N_FILES; i++)
		if (out_close(&o[i]) != 0)
			goto fail;
	return 0;
fail:
	for (int i = 0; i < n_open; i++)
		if (o[i].f)
			fclose(o[i].f);
	return -1;
}

struct set_args {
	const struct results *res;
	const char *access;
};

static int write_run(const char *dir, void *ctx)
{
	const struct set_args *a = ctx;
	return write_set(dir, a->res, a->access);
}

int report_write(const struct outdir *od, const struct results *res, const volatile sig_atomic_t *stop,
		 const char *access)
{
	struct set_args a = {res, access};
	return report_write_dir(od, write_run, &a, stop);
}

int report_write_dir(const struct outdir *od, int (*write)(const char *dir, void *ctx), void *ctx,
		     const volatile sig_atomic_t *stop)
{
	char tmpdir[OUTDIR_MAX_PATH + 300], olddir[OUTDIR_MAX_PATH + 300];
	const char *dir = od->dir;

	outdir_temp(od, "tmp", tmpdir, sizeof tmpdir);
	outdir_temp(od, "old", olddir, sizeof olddir);
	if (mkdir(tmpdir, 0777) != 0) {
		fprintf(stderr, "chokepoint: cannot create directory '%s': %s\n", tmpdir, strerror(errno));
		return -1;
	}
	if (write(tmpdir, ctx) != 0)
		goto fail;

	/* Everything is complete.  Swap it in with the signals held back, so
	 * that dir always holds a complete set: the old one or the new one. */
	sigset_t block, saved;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &saved);
	if (stop && *stop) {
		sigprocmask(SIG_SETMASK, &saved, NULL);
		goto fail;
	}
	/* What was checked before the run, again: someone may have put a file
	 * into dir meanwhile (the lock keeps other runs of ours out, not people).
	 * The complete results are then kept beside it, under a name of their own. */
	if (outdir_check(dir, od->force) != 0) {
		char keep[OUTDIR_MAX_PATH + 300];
		snprintf(keep, sizeof keep, "%s.chokepoint-%ld", dir, (long)getpid());
		sigprocmask(SIG_SETMASK, &saved, NULL);
		if (rename(tmpdir, keep) == 0) {
			fprintf(stderr, "chokepoint: '%s' changed during the run; the results are in '%s' instead\n",
				dir, keep);
			return -1;
		}
		goto fail;
	}
	struct stat st;
	int had_old = lstat(dir, &st) == 0 && S_ISDIR(st.st_mode);
	if (had_old && rename(dir, olddir) != 0) {
		fprintf(stderr, "chokepoint: cannot move '%s' aside: %s\n", dir, strerror(errno));
		sigprocmask(SIG_SETMASK, &saved, NULL);
		goto fail;
	}
	if (rename(tmpdir, dir) != 0) {
		fprintf(stderr, "chokepoint: cannot rename '%s' to '%s': %s\n", tmpdir, dir, strerror(errno));
		if (had_old)
			rename(olddir, dir);
		sigprocmask(SIG_SETMASK, &saved, NULL);
		goto fail;
	}
	sigprocmask(SIG_SETMASK, &saved, NULL);
	if (had_old && outdir_remove(olddir) != 0)
		fprintf(stderr, "chokepoint: warning: could not remove the previous results in '%s': %s\n", olddir,
			strerror(errno));
	return 0;

fail:
	outdir_remove(tmpdir);
	return -1;
}
