/*
 * scale.c - `chokepoint scale`: scale-up against scale-out of one tier.
 *
 * Each configuration of the tier (a size of the catalog: scale-up; a count
 * of instances: scale-out) runs at each offered load, every run with the
 * scenario's seed (common random numbers), the open workloads' rates set
 * in their own proportions.  A configuration meets a load when every SLO
 * check of the scenario passes there; once it misses one, the higher loads
 * are not run for it (a tier that cannot carry a load carries no more).
 * For each load the cheapest configuration of each strategy that meets it
 * is found; where the cheaper strategy changes, the lines cross.
 */
#include "scale.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../sim/engine/units.h"
#include "../sim/engine/util.h"
#include "html.h"
#include "metrics.h"
#include "outdir.h"
#include "plot.h"
#include "report.h"
#include "runner.h"
#include "slo.h"
#include "version.h"

enum { UP, OUT };
static const char *const strategy_name[] = {"scale-up", "scale-out"};

struct cell {
	int ran, meets;
	double served, p99, avail, time_avail, cost;
	char bottleneck[200];
};

struct study {
	const struct scale_args *a;
	int n_conf[2];
	char **conf[2]; /* the value each configuration sets: a size, or a count */
	int n_loads;
	char **loads;
	struct cell *cells; /* [strategy][conf][load] */
	struct load_split split;
	const struct scenario *base; /* as loaded, for its catalog */
};

static struct cell *cell_at(struct study *s, int st, int c, int l)
{
	int base = st == UP ? 0 : s->n_conf[UP];
	return &s->cells[(size_t)(base + c) * (size_t)s->n_loads + (size_t)l];
}

static double metric_mean(const struct results *r, const char *scope, const char *key)
{
	const struct ci *c = results_ci(r, scope, key);
	return c ? c->mean : NAN;
}

int variant_run(const char *path, const struct scenario_set *sets, int n, long seed, long reps, int jobs,
		volatile sig_atomic_t *stop, const char *what, struct scenario **sc, struct results *res)
{
	struct diags d;
	diags_init(&d, path);
	enum scenario_status st = scenario_load_sets(path, sets, n, sc, &d);
	if (st != SCENARIO_OK) {
		fprintf(stderr, "chokepoint: %s:\n", what);
		diags_print(&d, stderr);
		diags_release(&d);
		return st == SCENARIO_IO ? 4 : 3;
	}
	diags_release(&d);
	if (seed >= 0)
		(*sc)->spec.seed = (uint64_t)seed;
	if (reps > 0)
		(*sc)->spec.replications = reps;
	memset(res, 0, sizeof *res);
	struct run_opts ro = {.jobs = jobs, .stop = stop};
	if (runner_run(*sc, &ro, res) != 0) {
		scenario_free(*sc);
		fprintf(stderr, "chokepoint: cannot start worker threads: %s\n", strerror(errno));
		return 5;
	}
	int rc = 0;
	if (stop && *stop) {
		rc = 128 + *stop;
	} else if (res->stopped_rep >= 0) {
		fprintf(stderr, "chokepoint: %s: replication %ld stopped early: %s\n", what, res->stopped_rep,
			res->stopped);
		rc = 6;
	}
	if (rc) {
		results_release(res);
		scenario_free(*sc);
	}
	return rc;
}

/* One configuration at one load: load, run, judge.  An exit code. */
static int run_cell(struct study *s, int st, int c, int l, volatile sig_atomic_t *stop)
{
	const struct scale_args *a = s->a;
	struct scenario_set sets[66];
	char conf_path[200];
	int n = 0;
	snprintf(conf_path, sizeof conf_path, "%s.%s", a->node, st == UP ? "size" : "instances");
	sets[n++] = (struct scenario_set){conf_path, s->conf[st][c], 0, 0};
	double load;
	const char *why = NULL;
	units_rate(s->loads[l], &load, &why);
	n += load_split_sets(&s->split, load, sets + n);
	char what[600];
	snprintf(what, sizeof what, "%s %s=%s at %s", strategy_name[st], conf_path, s->conf[st][c], s->loads[l]);
	struct scenario *sc = NULL;
	struct results res;
	int rc = variant_run(a->path, sets, n, a->seed, a->reps, a->jobs, stop, what, &sc, &res);
	if (rc)
		return rc;
	struct cell *ce = cell_at(s, st, c, l);
	ce->ran = 1;
	ce->meets = 1;
	for (size_t k = 0; k < sc->n_slo; k++) {
		struct slo_result r;
		slo_evaluate(&sc->slo[k], &res, a->slo_point, &r);
		ce->meets &= r.verdict == SLO_PASS;
	}
	ce->served = metric_mean(&res, "e2e", "served_throughput");
	ce->p99 = metric_mean(&res, "e2e", "latency_p99");
	ce->avail = metric_mean(&res, "e2e", "availability");
	ce->time_avail = metric_mean(&res, "e2e", "time_availability");
	ce->cost = metric_mean(&res, "e2e", "cost_per_hour");
	report_bottleneck_name(&res, ce->bottleneck, sizeof ce->bottleneck);
	if (!a->quiet && a->progress)
		fprintf(stderr, "%s: %s\n", what, ce->meets ? "meets the SLOs" : "misses");
	results_release(&res);
	scenario_free(sc);
	return 0;
}

/* The cheapest configuration of strategy st that meets load l, or -1. */
static int cheapest(struct study *s, int st, int l)
{
	int best = -1;
	for (int c = 0; c < s->n_conf[st]; c++) {
		struct cell *ce = cell_at(s, st, c, l);
		if (ce->ran && ce->meets && (best < 0 || ce->cost < cell_at(s, st, best, l)->cost))
			best = c;
	}
	return best;
}

/* The highest load configuration c of st meets, or -1. */
static int max_load(struct study *s, int st, int c)
{
	int m = -1;
	for (int l = 0; l < s->n_loads; l++)
		if (cell_at(s, st, c, l)->ran && cell_at(s, st, c, l)->meets)
			m = l;
	return m;
}

/* "big8: 8 cores, speed 1.2, 32GiB, 10Gbps" */
static void size_text(const struct scenario *sc, const char *name, char *buf, size_t n)
{
	long cores;
	double speed, memory, bandwidth;
	if (scenario_size(sc, name, &cores, &speed, &memory, &bandwidth) < 0) {
		snprintf(buf, n, "%s", name);
		return;
	}
	size_t used = (size_t)snprintf(buf, n, "%s: %ld core%s, speed %g", name, cores, cores == 1 ? "" : "s", speed);
	if (memory > 0 && used < n)
		used += (size_t)snprintf(buf + used, n - used, ", %gGiB", memory / 1073741824.0);
	if (bandwidth > 0 && used < n)
		snprintf(buf + used, n - used, ", %gGbps", bandwidth / 1e9);
}

static void print_strategy(FILE *out, struct study *s, int st)
{
	fprintf(out, "%s of %s (%s):\n", strategy_name[st], s->a->node,
		st == UP ? "one bigger instance" : "more instances");
	fprintf(out, "  %-14s %-12s %-12s %-11s %-10s %-10s %-12s %s\n", st == UP ? "size" : "instances", "cost",
		"meets up to", "served", "p99 there", "avail", "time avail", "bottleneck there");
	for (int c = 0; c < s->n_conf[st]; c++) {
		int l = max_load(s, st, c);
		struct cell *ce = cell_at(s, st, c, l >= 0 ? l : 0);
		char cost[32], p99[32], served[32];
		metric_format(cost, sizeof cost, MU_DOLLARS_HOUR, ce->cost);
		metric_format(p99, sizeof p99, MU_SECONDS, ce->p99);
		metric_format(served, sizeof served, MU_RATE, ce->served);
		if (l < 0) {
			fprintf(out, "  %-14s %-12s %-12s\n", s->conf[st][c], cost, "none");
		} else {
			char av[32], ta[32];
			snprintf(av, sizeof av, "%.3f%%", 100 * ce->avail);
			snprintf(ta, sizeof ta, "%.3f%%", 100 * ce->time_avail);
			fprintf(out, "  %-14s %-12s %-12s %-11s %-10s %-10s %-12s %s\n", s->conf[st][c], cost,
				s->loads[l], served, p99, av, ta, ce->bottleneck);
		}
	}
	if (st == UP) { /* what each size is */
		fprintf(out, "  sizes:");
		for (int c = 0; c < s->n_conf[st]; c++) {
			char t[200];
			size_text(s->base, s->conf[st][c], t, sizeof t);
			fprintf(out, "%s %s", c ? ";" : "", t);
		}
		fprintf(out, "\n");
	}
	/* Where adding capacity to this tier stops helping: the bottleneck at
	 * the top of each configuration moves to another node. */
	const char *prev = NULL;
	for (int c = 0; c < s->n_conf[st]; c++) {
		int l = max_load(s, st, c);
		if (l < 0)
			continue;
		/* The first load it misses names what stopped it; at the top, what limits it. */
		const struct cell *miss =
			l + 1 < s->n_loads && cell_at(s, st, c, l + 1)->ran ? cell_at(s, st, c, l + 1) : NULL;
		const char *bn = miss ? miss->bottleneck : cell_at(s, st, c, l)->bottleneck;
		if (prev && strncmp(bn, s->a->node, strlen(s->a->node)) != 0 &&
		    strncmp(prev, s->a->node, strlen(s->a->node)) == 0)
			fprintf(out, "  from %s=%s the bottleneck moves to %s: growing %s further does not help\n",
				st == UP ? "size" : "instances", s->conf[st][c], bn, s->a->node);
		prev = bn;
	}
	fprintf(out, "\n");
}

static void print_study(FILE *out, struct study *s)
{
	fprintf(out, "chokepoint %s · scale study of %s in %s · %d loads from %s to %s · seed common to every run\n\n",
		CHOKEPOINT_VERSION, s->a->node, s->a->path, s->n_loads, s->loads[0], s->loads[s->n_loads - 1]);
	print_strategy(out, s, UP);
	print_strategy(out, s, OUT);
	fprintf(out, "Cheapest configuration meeting every SLO, by offered load:\n");
	fprintf(out, "  %-12s %-26s %-26s %s\n", "load", "scale-up", "scale-out", "cheaper");
	int prev = -2;
	char cross[2048] = "";
	size_t used = 0;
	for (int l = 0; l < s->n_loads; l++) {
		int u = cheapest(s, UP, l), o = cheapest(s, OUT, l);
		char a[64] = "cannot", b[64] = "cannot", cu[32], co[32];
		if (u >= 0) {
			metric_format(cu, sizeof cu, MU_DOLLARS_HOUR, cell_at(s, UP, u, l)->cost);
			snprintf(a, sizeof a, "%s %s", s->conf[UP][u], cu);
		}
		if (o >= 0) {
			metric_format(co, sizeof co, MU_DOLLARS_HOUR, cell_at(s, OUT, o, l)->cost);
			snprintf(b, sizeof b, "%s x %s", s->conf[OUT][o], co);
		}
		int w = u < 0 && o < 0                                                          ? -1
			: u < 0                                                                 ? OUT
			: o < 0                                                                 ? UP
			: fabs(cell_at(s, UP, u, l)->cost - cell_at(s, OUT, o, l)->cost) < 1e-9 ? 2
			: cell_at(s, UP, u, l)->cost < cell_at(s, OUT, o, l)->cost              ? UP
												: OUT;
		const char *wn = w < 0 ? "neither" : w == 2 ? "the same" : strategy_name[w];
		fprintf(out, "  %-12s %-26s %-26s %s\n", s->loads[l], a, b, wn);
		if (w >= 0 && w != 2 && prev >= 0 && prev != 2 && w != prev && used < sizeof cross)
			used += (size_t)snprintf(cross + used, sizeof cross - used,
						 "The lines cross between %s and %s: %s is cheaper below, %s above.\n",
						 s->loads[l - 1], s->loads[l], strategy_name[prev], strategy_name[w]);
		if (w >= 0 && w != 2)
			prev = w;
	}
	fprintf(out, "\n%s", cross[0] ? cross : "The lines do not cross over these loads.\n");
}

static void write_csv(FILE *f, struct study *s)
{
	fprintf(f, "strategy,configuration,load,ran,meets_slos,served_throughput,latency_p99,availability,"
		   "time_availability,cost_per_hour,bottleneck\n");
	for (int st = UP; st <= OUT; st++)
		for (int c = 0; c < s->n_conf[st]; c++)
			for (int l = 0; l < s->n_loads; l++) {
				struct cell *ce = cell_at(s, st, c, l);
				fprintf(f, "%s,\"%s\",\"%s\",%d,%d", strategy_name[st], s->conf[st][c], s->loads[l],
					ce->ran, ce->ran && ce->meets);
				if (ce->ran)
					fprintf(f, ",%.12g,%.12g,%.12g,%.12g,%.12g,\"%s\"\n", ce->served, ce->p99,
						ce->avail, ce->time_avail, ce->cost, ce->bottleneck);
				else
					fprintf(f, ",,,,,,\n");
			}
}

/* scale-frontier.csv: each configuration at the highest load it meets, its
 * throughput there and its cost; scale-up's block, two blank lines, then
 * scale-out's (gnuplot's index 0 and 1). */
static void write_frontier(FILE *f, struct study *s)
{
	fprintf(f, "# scale study of %s in %s\n", s->a->node, s->a->path);
	fprintf(f, "# strategy,configuration,highest_load_met,served_throughput,cost_per_hour\n");
	for (int st = UP; st <= OUT; st++) {
		if (st == OUT)
			fprintf(f, "\n\n");
		for (int c = 0; c < s->n_conf[st]; c++) {
			int l = max_load(s, st, c);
			if (l < 0)
				continue;
			const struct cell *ce = cell_at(s, st, c, l);
			fprintf(f, "%s,%s,%s,%.12g,%.12g\n", strategy_name[st], s->conf[st][c], s->loads[l], ce->served,
				ce->cost);
		}
	}
}

/* The study's files in a temporary directory (report_write_dir swaps it in). */
static int write_study_files(const char *dir, void *ctx)
{
	struct study *s = ctx;
	static const char *const names[] = {"scale.csv", "scale-frontier.csv", "scale.txt"};
	for (int i = 0; i < 3; i++) {
		char path[OUTDIR_MAX_PATH + 400];
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		FILE *f = fopen(path, "wb");
		if (!f) {
			fprintf(stderr, "chokepoint: cannot write '%s': %s\n", path, strerror(errno));
			return -1;
		}
		if (i == 0)
			write_csv(f, s);
		else if (i == 1)
			write_frontier(f, s);
		else
			print_study(f, s);
		if (ferror(f) | (fclose(f) != 0)) {
			fprintf(stderr, "chokepoint: cannot write '%s': %s\n", path, strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* The values of a list or range option, through the sweep's expansion. */
static int values_of(const struct scenario *sc, const char *path, const char *text, char ***v, int *n, const char *opt)
{
	char err[600];
	if (scenario_set_values(sc, path, text, v, n, err, sizeof err) < 0) {
		fprintf(stderr, "chokepoint: %s '%s': %s\n", opt, text, err);
		return -1;
	}
	return 0;
}

int load_split_init(struct load_split *ls, const struct net_spec *spec)
{
	ls->n = 0;
	ls->total = 0;
	for (int i = 0; i < spec->n_nodes && ls->n < 64; i++) {
		const struct node_kind *k = spec->nodes[i].kind;
		if ((k->flags & KIND_WORKLOAD) && k->offered && k->offered(spec->nodes[i].cfg) > 0) {
			ls->wl[ls->n] = spec->nodes[i].name;
			ls->share[ls->n] = k->offered(spec->nodes[i].cfg);
			ls->total += ls->share[ls->n++];
		}
	}
	for (int w = 0; w < ls->n; w++)
		ls->share[w] /= ls->total;
	return ls->n;
}

int load_split_sets(struct load_split *ls, double load, struct scenario_set *sets)
{
	for (int w = 0; w < ls->n; w++) {
		snprintf(ls->path[w], sizeof ls->path[w], "workloads.%s.rate", ls->wl[w]);
		snprintf(ls->rate[w], sizeof ls->rate[w], "%.10g/s", load * ls->share[w]);
		sets[w] = (struct scenario_set){ls->path[w], ls->rate[w], 0, 0};
	}
	return ls->n;
}

int scale_run(const struct scale_args *a, const struct scenario *sc, const struct outdir *od,
	      volatile sig_atomic_t *stop)
{
	struct study s = {.a = a, .base = sc};
	int rc = 0;
	char path[300];
	if (load_split_init(&s.split, &sc->spec) == 0) {
		fprintf(stderr, "chokepoint: scale: %s has no open workload (a rate) whose load to vary\n", a->path);
		return 2;
	}
	snprintf(path, sizeof path, "workloads.%s.rate", s.split.wl[0]);
	snprintf(path + 150, 150, "%s.size", a->node);
	if (values_of(sc, path, a->load, &s.loads, &s.n_loads, "--load") < 0 ||
	    values_of(sc, path + 150, a->up, &s.conf[UP], &s.n_conf[UP], "--up") < 0) {
		rc = 2;
		goto done;
	}
	snprintf(path + 150, 150, "%s.instances", a->node);
	if (values_of(sc, path + 150, a->out, &s.conf[OUT], &s.n_conf[OUT], "--out") < 0) {
		rc = 2;
		goto done;
	}
	s.cells = xcalloc((size_t)(s.n_conf[UP] + s.n_conf[OUT]) * (size_t)s.n_loads, sizeof(struct cell));
	for (int st = UP; st <= OUT && !rc; st++)
		for (int c = 0; c < s.n_conf[st] && !rc; c++)
			for (int l = 0; l < s.n_loads && !rc; l++) {
				rc = run_cell(&s, st, c, l, stop);
				if (!rc && !cell_at(&s, st, c, l)->meets)
					break; /* it carries no higher load */
			}
	if (rc)
		goto done;
	if (!a->quiet)
		print_study(stdout, &s);
	if (a->out_dir && od) {
		if (report_write_dir(od, write_study_files, &s, stop) != 0 ||
		    (a->plot ? plot_dir(od->dir, a->plot_formats) < 0 : html_report(od->dir) < 0)) {
			rc = 4;
			goto done;
		}
		if (!a->quiet)
			printf("\nResults written to %s/ (scale.csv, scale-frontier.csv, scale.txt, report.html)\n",
			       od->dir);
	}
	if (a->csv) { /* complete or not there: a temporary beside it, renamed */
		char tmp[4300];
		snprintf(tmp, sizeof tmp, "%s.tmp-%ld", a->csv, (long)getpid());
		FILE *f = fopen(tmp, "wx");
		if (!f) {
			fprintf(stderr, "chokepoint: cannot create '%s': %s\n", tmp, strerror(errno));
			rc = 4;
			goto done;
		}
		write_csv(f, &s);
		if ((ferror(f) | (fclose(f) != 0)) || rename(tmp, a->csv) != 0) {
			fprintf(stderr, "chokepoint: cannot write '%s': %s\n", a->csv, strerror(errno));
			unlink(tmp);
			rc = 4;
		}
	}
done:
	for (int st = UP; st <= OUT; st++) {
		for (int c = 0; c < s.n_conf[st]; c++)
			free(s.conf[st][c]);
		free(s.conf[st]);
	}
	for (int l = 0; l < s.n_loads; l++)
		free(s.loads[l]);
	free(s.loads);
	free(s.cells);
	return rc;
}
