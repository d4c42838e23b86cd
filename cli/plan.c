/*
 * plan.c - `chokepoint plan`: the cheapest design that meets every SLO.
 *
 * A design gives each tier of the plan: block one of its options, a size
 * and an instance count.  The search has three steps:
 *
 *  1. Bounds, without simulating.  The utilization law: a tier offered at
 *     least its capacity by the open workloads (the flows the loader
 *     computes, a lower bound on its load) cannot carry the load.  A tier
 *     whose least utilization already breaks a `TIER.utilization <` check,
 *     or whose least service time breaks a `TIER.response_mean <` check
 *     (the asymptotic bound R >= D), cannot meet it.  Such options are
 *     dropped; what remains is ordered by cost.
 *  2. Monotonicity.  A design at least as strong as another in every tier
 *     (as many instances, of a size with as many cores, as fast, serving
 *     as much) does at least as well on every check that
 *     capacity helps (a latency below a limit, an availability above one;
 *     not a cost, not a lower bound on utilization).  So a design that
 *     fails such a check rules out every design weaker than it, unrun.
 *  3. Simulation.  Each design left is screened with a few replications;
 *     one that is not clearly failing is confirmed with the scenario's
 *     replications, and meets the SLOs only when every check passes with
 *     its whole confidence interval.  The search first finds some design
 *     that meets them (a tier at 70% by the utilization law, then 50%,
 *     then the strongest designs), then walks down through every cheaper
 *     design from the most expensive, where a failure rules out the most.
 *     Then the runners-up: designs above the winner, in order of cost,
 *     that meet the SLOs and are not merely a bigger copy of one already
 *     found (the cost frontier).
 *
 * Every simulation uses the scenario's seed (common random numbers), so
 * designs differ by their design, not by their luck.
 */
#include "plan.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../sim/engine/units.h"
#include "../sim/engine/util.h"
#include "metrics.h"
#include "report.h"
#include "runner.h"
#include "scale.h"
#include "slo.h"
#include "version.h"

#define DESIGNS_MAX    (1L << 20) /* cheaper designs the downward walk holds at once */
#define EXAMINE_MAX    (1L << 22) /* designs the upward walk looks at, at most */
#define PLAN_SIZES_MAX 256        /* sizes a tier may try */
#define MAXIMAL_MAX    8          /* strongest designs tried when none is stronger than all */

struct size_info {
	const char *name; /* NULL: the tier's own cores and speed */
	long cores;
	double speed, price;
	double cap1; /* requests/s one instance serves at most */
};

struct option {
	int size;
	long n;
	long long cost; /* n x price, in nano-dollars per hour */
	double rho;     /* the open load over the capacity: a lower bound on utilization */
};

struct tier {
	const struct plan_tier *pt;
	int node;
	int n_sizes;
	struct size_info *sizes;
	char **size_names; /* owned by the expansion */
	int n_counts;
	long *counts;
	unsigned char *ge; /* [a * n_sizes + b]: size a is at least size b in every way */
	int n_opts;
	struct option *opts; /* the options the bounds leave, by cost */
	long n_saturated, n_slo_bound;
	double flow; /* the open workloads' requests/s at the tier */
};

struct eval {
	unsigned short idx[PLAN_MAX_TIERS];
	int confirmed; /* judged on the full replications */
	long reps;
	int meets, fails; /* every check passed; one failed outright */
	int rules_out;    /* a check that capacity helps did not pass: weaker designs cannot meet it */
	long long cost;   /* as predicted by the prices */
	struct ci cost_sim;
	struct slo_result *r;
	struct ci util[PLAN_MAX_TIERS];
	char bottleneck[200];
};

struct design {
	long long cost;
	unsigned short idx[PLAN_MAX_TIERS];
};

struct heap {
	struct design *d;
	size_t n, cap;
};

struct plan {
	const struct plan_args *a;
	const struct scenario *sc;
	volatile sig_atomic_t *stop;
	double load;
	struct load_split split;
	int nt;
	struct tier t[PLAN_MAX_TIERS];
	unsigned char monotone[SLO_MAX];
	long full_reps, screen_reps;
	struct eval *ev;
	size_t n_ev, cap_ev;
	long runs, runs_screen, runs_confirm, reps_run;
	long skipped_weaker;
	int budget_hit, rc;
	long frontier[64]; /* evals: the winner, then the runners-up */
	int n_frontier;
	FILE *csv;
};

/* ---- designs --------------------------------------------------------------- */

static long long design_cost(const struct plan *p, const unsigned short *idx)
{
	long long c = 0;
	for (int t = 0; t < p->nt; t++)
		c += p->t[t].opts[idx[t]].cost;
	return c;
}

/* Whether design a is at least as strong as b in every tier. */
static int design_ge(const struct plan *p, const unsigned short *a, const unsigned short *b)
{
	for (int t = 0; t < p->nt; t++) {
		const struct tier *tr = &p->t[t];
		const struct option *x = &tr->opts[a[t]], *y = &tr->opts[b[t]];
		if (x->n < y->n || !tr->ge[x->size * tr->n_sizes + y->size])
			return 0;
	}
	return 1;
}

static int design_less(int nt, const struct design *a, const struct design *b)
{
	if (a->cost != b->cost)
		return a->cost < b->cost;
	return memcmp(a->idx, b->idx, (size_t)nt * sizeof a->idx[0]) < 0;
}

static void heap_push(struct heap *h, int nt, const struct design *d)
{
	if (h->n == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 256;
		h->d = xrealloc(h->d, h->cap * sizeof *h->d);
	}
	size_t i = h->n++;
	while (i > 0 && design_less(nt, d, &h->d[(i - 1) / 2])) {
		h->d[i] = h->d[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h->d[i] = *d;
}

static void heap_pop(struct heap *h, int nt, struct design *out)
{
	*out = h->d[0];
	struct design last = h->d[--h->n];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && design_less(nt, &h->d[c + 1], &h->d[c]))
			c++;
		if (!design_less(nt, &h->d[c], &last))
			break;
		h->d[i] = h->d[c];
		i = c;
	}
	if (h->n > 0)
		h->d[i] = last;
}

/* Every design once, cheapest first: a design's parent lowers its last
 * raised tier by one option, so each has one parent, and the options of a
 * tier are sorted by cost, so a child never costs less than its parent. */
static void walk_start(struct plan *p, struct heap *h)
{
	struct design d = {0};
	h->n = 0;
	d.cost = design_cost(p, d.idx);
	heap_push(h, p->nt, &d);
}

static int walk_next(struct plan *p, struct heap *h, struct design *out)
{
	if (h->n == 0)
		return 0;
	heap_pop(h, p->nt, out);
	int pivot = 0;
	for (int t = 0; t < p->nt; t++)
		if (out->idx[t] > 0)
			pivot = t;
	for (int t = pivot; t < p->nt; t++) {
		if (out->idx[t] + 1 >= p->t[t].n_opts)
			continue;
		struct design c = *out;
		c.idx[t]++;
		c.cost = design_cost(p, c.idx);
		heap_push(h, p->nt, &c);
	}
	return 1;
}

/* "web 5 x c5.large, db 1 x db.m5.xlarge" */
static void design_text(const struct plan *p, const unsigned short *idx, char *buf, size_t n)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int t = 0; t < p->nt && used < n; t++) {
		const struct tier *tr = &p->t[t];
		const struct option *o = &tr->opts[idx[t]];
		const char *size = tr->sizes[o->size].name;
		if (size)
			used += (size_t)snprintf(buf + used, n - used, "%s%s %ld x %s", t ? ", " : "", tr->pt->node,
						 o->n, size);
		else
			used += (size_t)snprintf(buf + used, n - used, "%s%s %ld instance%s", t ? ", " : "",
						 tr->pt->node, o->n, o->n == 1 ? "" : "s");
	}
}

static void cost_text(long long nano, char *buf, size_t n)
{
	metric_format(buf, n, MU_DOLLARS_HOUR, (double)nano / 1e9);
}

/* ---- judging a design -------------------------------------------------------- */

static struct eval *find_eval(struct plan *p, const unsigned short *idx)
{
	for (size_t i = 0; i < p->n_ev; i++)
		if (memcmp(p->ev[i].idx, idx, (size_t)p->nt * sizeof idx[0]) == 0)
			return &p->ev[i];
	return NULL;
}

static void csv_row(struct plan *p, const struct eval *e)
{
	char d[1024], c[64];
	design_text(p, e->idx, d, sizeof d);
	cost_text(e->cost, c, sizeof c);
	fprintf(p->csv, "\"%s\",%.9g,%s,%ld,%s,%.12g,", d, (double)e->cost / 1e9, e->confirmed ? "confirm" : "screen",
		e->reps,
		e->meets   ? "meets"
		: e->fails ? "fails"
			   : "inconclusive",
		e->cost_sim.mean);
	fputc('"', p->csv);
	int first = 1;
	for (size_t k = 0; k < p->sc->n_slo; k++)
		if (e->r[k].verdict != SLO_PASS) {
			fprintf(p->csv, "%s%s", first ? "" : "; ", p->sc->slo[k].text);
			first = 0;
		}
	fprintf(p->csv, "\",\"%s\"\n", e->bottleneck);
}

/* Runs the design with reps replications into e; an exit code. */
static int simulate(struct plan *p, const unsigned short *idx, long reps, struct eval *e)
{
	const struct plan_args *a = p->a;
	struct scenario_set sets[2 * PLAN_MAX_TIERS + 64];
	char paths[PLAN_MAX_TIERS][2][200], vals[PLAN_MAX_TIERS][32];
	int n = 0;
	for (int t = 0; t < p->nt; t++) {
		const struct tier *tr = &p->t[t];
		const struct option *o = &tr->opts[idx[t]];
		if (tr->pt->vary[0]) {
			snprintf(paths[t][0], sizeof paths[t][0], "%s.size", tr->pt->node);
			sets[n++] = (struct scenario_set){paths[t][0], tr->sizes[o->size].name, 0, 0};
		}
		if (tr->pt->vary[1]) {
			snprintf(paths[t][1], sizeof paths[t][1], "%s.instances", tr->pt->node);
			snprintf(vals[t], sizeof vals[t], "%ld", o->n);
			sets[n++] = (struct scenario_set){paths[t][1], vals[t], 0, 0};
		}
	}
	n += load_split_sets(&p->split, p->load, sets + n);
	char what[1100] = "plan: ";
	design_text(p, idx, what + 6, sizeof what - 6);
	struct scenario *sc = NULL;
	struct results res;
	int rc = variant_run(a->path, sets, n, a->seed, reps, a->jobs, p->stop, what, &sc, &res);
	if (rc)
		return rc;
	memcpy(e->idx, idx, sizeof e->idx);
	e->reps = reps;
	e->confirmed = reps >= p->full_reps;
	e->cost = design_cost(p, idx);
	e->meets = 1;
	e->fails = e->rules_out = 0;
	for (size_t k = 0; k < sc->n_slo; k++) {
		slo_evaluate(&sc->slo[k], &res, a->slo_point, &e->r[k]);
		int pass = e->r[k].verdict == SLO_PASS;
		int fail = e->r[k].verdict == SLO_FAIL || e->r[k].verdict == SLO_MISSING;
		e->meets &= pass;
		e->fails |= fail;
		/* inconclusive on the full replications counts: a weaker design
		 * is no more likely to pass with its whole interval */
		e->rules_out |= p->monotone[k] && (e->confirmed ? !pass : fail);
	}
	const struct ci *c = results_ci(&res, "e2e", "cost_per_hour");
	e->cost_sim = c ? *c : (struct ci){0};
	for (int t = 0; t < p->nt; t++) {
		c = results_ci(&res, p->t[t].pt->node, "utilization");
		e->util[t] = c ? *c : (struct ci){0, NAN, 0, 0};
	}
	report_bottleneck_name(&res, e->bottleneck, sizeof e->bottleneck);
	p->runs++;
	p->reps_run += reps;
	if (e->confirmed && reps > p->screen_reps)
		p->runs_confirm++;
	else
		p->runs_screen++;
	if (p->csv)
		csv_row(p, e);
	if (a->progress && !a->quiet)
		fprintf(stderr, "%s (%ld replications): %s\n", what, reps,
			e->meets   ? "meets the SLOs"
			: e->fails ? "misses"
				   : "inconclusive");
	results_release(&res);
	scenario_free(sc);
	return 0;
}

/* The design judged: from memory, or screened and then, unless it clearly
 * fails, confirmed.  NULL when the budget is spent or a run failed (p->rc). */
static struct eval *judge(struct plan *p, const unsigned short *idx)
{
	struct eval *e = find_eval(p, idx);
	if (e && (e->confirmed || e->fails))
		return e;
	if (p->rc)
		return NULL;
	if (p->runs >= p->a->max_runs) {
		p->budget_hit = 1;
		return NULL;
	}
	if (!e) {
		if (p->n_ev == p->cap_ev) {
			p->cap_ev = p->cap_ev ? 2 * p->cap_ev : 64;
			p->ev = xrealloc(p->ev, p->cap_ev * sizeof *p->ev);
		}
		e = &p->ev[p->n_ev++];
		memset(e, 0, sizeof *e);
		e->r = xcalloc(p->sc->n_slo ? p->sc->n_slo : 1, sizeof *e->r);
		if ((p->rc = simulate(p, idx, p->screen_reps, e)) != 0) {
			free(e->r);
			p->n_ev--;
			return NULL;
		}
		if (e->confirmed || e->fails)
			return e;
		if (p->runs >= p->a->max_runs) {
			p->budget_hit = 1;
			return NULL;
		}
	}
	if ((p->rc = simulate(p, idx, p->full_reps, e)) != 0)
		return NULL;
	return e;
}

/* Whether a design that failed a check capacity helps is at least as strong as idx. */
static int weaker_than_failure(struct plan *p, const unsigned short *idx)
{
	for (size_t i = 0; i < p->n_ev; i++)
		if (p->ev[i].rules_out && design_ge(p, p->ev[i].idx, idx))
			return 1;
	return 0;
}

/* Whether idx is at least as strong as a design of the frontier. */
static int bigger_than_frontier(struct plan *p, const unsigned short *idx)
{
	for (int i = 0; i < p->n_frontier; i++)
		if (design_ge(p, idx, p->ev[p->frontier[i]].idx))
			return 1;
	return 0;
}

/* ---- the tiers and their options ------------------------------------------- */

static double param_double(const struct node_spec *ns, const char *key, double dflt)
{
	const struct param *pp = param_find(ns->kind->params, key);
	if (!pp)
		return dflt;
	const char *at = (const char *)ns->cfg + pp->offset;
	return pp->type == PT_COUNT ? (double)*(const long *)at : *(const double *)at;
}

static int find_node(const struct net_spec *spec, const char *name)
{
	for (int i = 0; i < spec->n_nodes; i++)
		if (strcmp(spec->nodes[i].name, name) == 0)
			return i;
	return -1;
}

static int plan_error(const struct plan *p, struct plan_pos at, const char *fmt, const char *a1, const char *a2)
{
	fprintf(stderr, "%s:%d:%d: error: ", p->a->path, at.line, at.col);
	fprintf(stderr, fmt, a1, a2);
	fputc('\n', stderr);
	return 3;
}

/* The capacity, price and shape of one size of tier tr: the scenario
 * loaded with that size at a vanishing load (a size too small for the
 * real load must still load), its flows scaled back up. */
static int size_probe(struct plan *p, struct tier *tr, struct size_info *si, long n_max)
{
	struct scenario_set sets[66];
	char paths[2][200], count[32];
	int n = 0;
	const double tiny = 1e-6;
	if (si->name) {
		snprintf(paths[0], sizeof paths[0], "%s.size", tr->pt->node);
		sets[n++] = (struct scenario_set){paths[0], si->name, 0, 0};
	}
	if (tr->pt->vary[1]) {
		snprintf(paths[1], sizeof paths[1], "%s.instances", tr->pt->node);
		snprintf(count, sizeof count, "%ld", n_max);
		sets[n++] = (struct scenario_set){paths[1], count, 0, 0};
	}
	n += load_split_sets(&p->split, p->load * tiny, sets + n);
	struct diags d;
	diags_init(&d, p->a->path);
	struct scenario *sc = NULL;
	enum scenario_status st = scenario_load_sets(p->a->path, sets, n, &sc, &d);
	if (st != SCENARIO_OK) {
		fprintf(stderr, "chokepoint: plan: %s with %s%s%s%ld instance%s does not load:\n", tr->pt->node,
			si->name ? "size " : "", si->name ? si->name : "", si->name ? " and " : "", n_max,
			n_max == 1 ? "" : "s");
		diags_print(&d, stderr);
		diags_release(&d);
		return st == SCENARIO_IO ? 4 : 3;
	}
	diags_release(&d);
	const struct node_spec *ns = &sc->spec.nodes[tr->node];
	int unbounded;
	double cap = ns->kind->capacity ? ns->kind->capacity(ns->cfg, &unbounded) : HUGE_VAL;
	long inst = ns->kind->instances ? ns->kind->instances(ns->cfg) : 1;
	si->cap1 = cap / (double)(inst > 0 ? inst : 1);
	si->cores = (long)param_double(ns, "cores", 1);
	si->speed = param_double(ns, "speed", 1);
	si->price = param_double(ns, "price", 0);
	tr->flow = sc->flow ? sc->flow[tr->node] / tiny : 0;
	scenario_free(sc);
	return 0;
}

static int option_cmp(const void *x, const void *y)
{
	const struct option *a = x, *b = y;
	if (a->cost != b->cost)
		return a->cost < b->cost ? -1 : 1;
	if (a->size != b->size)
		return a->size < b->size ? -1 : 1;
	return a->n < b->n ? -1 : a->n > b->n;
}

/* A bound from one of the scenario's checks on the tier's own metric:
 * its least utilization, or its least response time (its service). */
static int option_breaks_bound(const struct plan *p, const struct tier *tr, const struct option *o)
{
	const struct size_info *si = &tr->sizes[o->size];
	for (size_t k = 0; k < p->sc->n_slo; k++) {
		const struct slo_check *c = &p->sc->slo[k];
		if (strcmp(c->scope, tr->pt->node) != 0 || (c->op != SLO_LT && c->op != SLO_LE))
			continue;
		double least;
		if (strcmp(c->metric, "utilization") == 0)
			least = o->rho;
		else if (strcmp(c->metric, "response_mean") == 0 || strcmp(c->metric, "own_response_mean") == 0)
			least = si->cap1 > 0 ? (double)si->cores / si->cap1 : 0;
		else
			continue;
		if (c->op == SLO_LT ? least >= c->limit : least > c->limit)
			return 1;
	}
	return 0;
}

static int parse_counts(struct plan *p, struct tier *tr, const struct node_spec *ns)
{
	if (!tr->pt->vary[1]) {
		tr->counts = xcalloc(1, sizeof(long));
		tr->counts[0] = ns->kind->instances ? ns->kind->instances(ns->cfg) : 1;
		tr->n_counts = 1;
		return 0;
	}
	char path[200], err[600], **v = NULL;
	int nv = 0;
	snprintf(path, sizeof path, "%s.instances", tr->pt->node);
	if (scenario_set_values(p->sc, path, tr->pt->vary[1], &v, &nv, err, sizeof err) < 0)
		return plan_error(p, tr->pt->vary_at[1], "'plan': %s.instances: %s", tr->pt->node, err);
	tr->counts = xcalloc((size_t)nv, sizeof(long));
	int rc = 0;
	for (int i = 0; i < nv; i++) {
		char *end;
		errno = 0;
		long c = strtol(v[i], &end, 10);
		if (rc == 0 && (*end || errno || c < 1 || c > 100000)) {
			char what[300];
			snprintf(what, sizeof what, "'%s' is not an instance count from 1 to 100000", v[i]);
			rc = plan_error(p, tr->pt->vary_at[1], "'plan': %s.instances: %s", tr->pt->node, what);
		}
		int dup = 0;
		for (int j = 0; j < tr->n_counts; j++)
			dup |= tr->counts[j] == c;
		if (!dup)
			tr->counts[tr->n_counts++] = c;
		free(v[i]);
	}
	free(v);
	return rc;
}

static int parse_sizes(struct plan *p, struct tier *tr)
{
	if (!tr->pt->vary[0]) {
		tr->n_sizes = 1;
		tr->sizes = xcalloc(1, sizeof *tr->sizes);
		return 0;
	}
	char path[200], err[600];
	snprintf(path, sizeof path, "%s.size", tr->pt->node);
	if (scenario_set_values(p->sc, path, tr->pt->vary[0], &tr->size_names, &tr->n_sizes, err, sizeof err) < 0)
		return plan_error(p, tr->pt->vary_at[0], "'plan': %s.size: %s", tr->pt->node, err);
	if (tr->n_sizes > PLAN_SIZES_MAX)
		return plan_error(p, tr->pt->vary_at[0], "'plan': %s.size lists more than %s sizes", tr->pt->node,
				  "256");
	tr->sizes = xcalloc((size_t)tr->n_sizes, sizeof *tr->sizes);
	for (int i = 0; i < tr->n_sizes; i++) {
		long c;
		double s, m, b;
		for (int j = 0; j < i; j++)
			if (strcmp(tr->size_names[j], tr->size_names[i]) == 0)
				return plan_error(p, tr->pt->vary_at[0], "'plan': %s.size names '%s' twice",
						  tr->pt->node, tr->size_names[i]);
		if (scenario_size(p->sc, tr->size_names[i], &c, &s, &m, &b) < 0)
			return plan_error(p, tr->pt->vary_at[0],
					  "'plan': %s.size: '%s' is no size of the scenario's catalog", tr->pt->node,
					  tr->size_names[i]);
		tr->sizes[i].name = tr->size_names[i];
	}
	return 0;
}

/* The tier's sizes and counts, each size probed, the bounds applied. */
static int tier_setup(struct plan *p, struct tier *tr)
{
	const struct net_spec *spec = &p->sc->spec;
	tr->node = find_node(spec, tr->pt->node);
	int rc = parse_sizes(p, tr);
	if (!rc)
		rc = parse_counts(p, tr, &spec->nodes[tr->node]);
	if (rc)
		return rc;
	if ((long)tr->n_sizes * tr->n_counts > 65535)
		return plan_error(p, tr->pt->at, "'plan': %s has %s options (sizes x counts): give it fewer",
				  tr->pt->node, "more than 65535");
	long n_max = 0;
	for (int i = 0; i < tr->n_counts; i++)
		n_max = tr->counts[i] > n_max ? tr->counts[i] : n_max;
	for (int s = 0; s < tr->n_sizes; s++)
		if ((rc = size_probe(p, tr, &tr->sizes[s], n_max)) != 0)
			return rc;
	tr->ge = xcalloc((size_t)tr->n_sizes * (size_t)tr->n_sizes, 1);
	for (int x = 0; x < tr->n_sizes; x++)
		for (int y = 0; y < tr->n_sizes; y++) {
			const struct size_info *a = &tr->sizes[x], *b = &tr->sizes[y];
			tr->ge[x * tr->n_sizes + y] =
				a->cores >= b->cores && a->speed >= b->speed && a->cap1 >= b->cap1;
		}
	tr->opts = xcalloc((size_t)tr->n_sizes * (size_t)tr->n_counts, sizeof *tr->opts);
	for (int s = 0; s < tr->n_sizes; s++)
		for (int c = 0; c < tr->n_counts; c++) {
			struct option o = {s, tr->counts[c], 0, 0};
			o.cost = llround((double)o.n * tr->sizes[s].price * 1e9);
			o.rho = tr->sizes[s].cap1 > 0 ? tr->flow / (tr->sizes[s].cap1 * (double)o.n) : 0;
			if (o.rho >= 1)
				tr->n_saturated++;
			else if (option_breaks_bound(p, tr, &o))
				tr->n_slo_bound++;
			else
				tr->opts[tr->n_opts++] = o;
		}
	qsort(tr->opts, (size_t)tr->n_opts, sizeof *tr->opts, option_cmp);
	return 0;
}

/* Capacity helps the check: a metric that is better lower, kept under a
 * limit, or better higher, kept over one; and no cost. */
static int check_is_monotone(const struct slo_check *c)
{
	if (c->def->role == MR_COST)
		return 0;
	if (c->def->better == MB_LOWER)
		return c->op == SLO_LT || c->op == SLO_LE;
	if (c->def->better == MB_HIGHER)
		return c->op == SLO_GT || c->op == SLO_GE;
	return 0;
}

/* ---- the search ---------------------------------------------------------------- */

/* The tier's option that is at least as strong as every other, or -1. */
static int tier_top(const struct tier *tr)
{
	for (int o = tr->n_opts - 1; o >= 0; o--) {
		const struct option *x = &tr->opts[o];
		int all = 1;
		for (int q = 0; q < tr->n_opts && all; q++)
			all = x->n >= tr->opts[q].n && tr->ge[x->size * tr->n_sizes + tr->opts[q].size];
		if (all)
			return o;
	}
	return -1;
}

/* Whether the design meets the SLOs: 0 without simulating when a failure
 * rules it out; -1 when the search must stop (budget, error). */
static int design_meets(struct plan *p, const unsigned short *idx)
{
	if (weaker_than_failure(p, idx)) {
		p->skipped_weaker++;
		return 0;
	}
	struct eval *e = judge(p, idx);
	return e ? e->meets : -1;
}

/* The options of tr no other is stronger than (of equals, the cheapest). */
static int tier_maximal(const struct tier *tr, unsigned short *out, int max)
{
	int n = 0;
	for (int o = 0; o < tr->n_opts && n < max; o++) {
		const struct option *x = &tr->opts[o];
		int beaten = 0;
		for (int q = 0; q < tr->n_opts && !beaten; q++) {
			const struct option *y = &tr->opts[q];
			int y_ge = y->n >= x->n && tr->ge[y->size * tr->n_sizes + x->size];
			int x_ge = x->n >= y->n && tr->ge[x->size * tr->n_sizes + y->size];
			beaten = q != o && y_ge && (!x_ge || q < o);
		}
		if (!beaten)
			out[n++] = (unsigned short)o;
	}
	return n;
}

/* Without one strongest design: the maximal ones, those no other design
 * is stronger than.  Every design is weaker than one of them, so if each
 * misses, every design does (1).  Only when there are few; 0 otherwise,
 * -1 when the search must stop. */
static int probe_maximal(struct plan *p)
{
	unsigned short opts[PLAN_MAX_TIERS][MAXIMAL_MAX];
	int n[PLAN_MAX_TIERS], pos[PLAN_MAX_TIERS] = {0};
	double total = 1;
	for (int t = 0; t < p->nt; t++) {
		n[t] = tier_maximal(&p->t[t], opts[t], MAXIMAL_MAX);
		total *= n[t];
	}
	if (total > MAXIMAL_MAX)
		return 0;
	int all_miss = 1;
	for (;;) {
		unsigned short d[PLAN_MAX_TIERS] = {0};
		for (int t = 0; t < p->nt; t++)
			d[t] = opts[t][pos[t]];
		struct eval *e = judge(p, d);
		if (!e)
			return -1;
		all_miss &= e->rules_out;
		if (!all_miss)
			return 0;
		int t = 0;
		while (t < p->nt && ++pos[t] == n[t])
			pos[t++] = 0;
		if (t == p->nt)
			break;
	}
	return all_miss;
}

/*
 * The slabs: each tier alone, the others at their strongest.  For every
 * size of a tier, the fewest instances that meet the SLOs, found by
 * bisection over its counts; each miss rules out every design with that
 * tier no stronger, whatever the others are.  Strongest sizes first, so a
 * weaker size's bisection starts above what the stronger one needed.
 * 1: even the strongest design misses (no design can meet the SLOs);
 * -1: the search must stop; 0: done.
 */
static int probe_slabs(struct plan *p)
{
	unsigned short top[PLAN_MAX_TIERS] = {0};
	for (int t = 0; t < p->nt; t++) {
		int o = tier_top(&p->t[t]);
		if (o < 0) /* sizes that trade cores for speed: no design is the strongest */
			return probe_maximal(p);
		top[t] = (unsigned short)o;
	}
	struct eval *e = judge(p, top);
	if (!e)
		return -1;
	if (!e->meets)
		return e->rules_out ? 1 : 0;
	for (int t = 0; t < p->nt; t++) {
		const struct tier *tr = &p->t[t];
		if (tr->n_opts < 2)
			continue;
		int order[PLAN_SIZES_MAX];
		int ns = tr->n_sizes < PLAN_SIZES_MAX ? tr->n_sizes : PLAN_SIZES_MAX;
		for (int i = 0; i < ns; i++) { /* by capacity, the strongest first */
			int j = i;
			while (j > 0 && tr->sizes[order[j - 1]].cap1 < tr->sizes[i].cap1) {
				order[j] = order[j - 1];
				j--;
			}
			order[j] = i;
		}
		for (int k = 0; k < ns; k++) {
			unsigned short list[1024];
			int n = 0;
			for (int o = 0; o < tr->n_opts && n < 1024; o++)
				if (tr->opts[o].size == order[k])
					list[n++] = (unsigned short)o;
			for (int i = 1; i < n; i++) /* by count */
				for (int j = i; j > 0 && tr->opts[list[j]].n < tr->opts[list[j - 1]].n; j--) {
					unsigned short tmp = list[j];
					list[j] = list[j - 1];
					list[j - 1] = tmp;
				}
			if (n == 0)
				continue;
			unsigned short d[PLAN_MAX_TIERS];
			memcpy(d, top, sizeof d);
			d[t] = list[n - 1];
			int r = design_meets(p, d);
			if (r < 0)
				return -1;
			int lo = 0, hi = n - 2;
			while (r > 0 && lo <= hi) {
				int mid = lo + (hi - lo) / 2;
				d[t] = list[mid];
				int m = design_meets(p, d);
				if (m < 0)
					return -1;
				if (m)
					hi = mid - 1;
				else
					lo = mid + 1;
			}
		}
	}
	return 0;
}

/*
 * From the cheapest design up, skipping those a miss rules out.  Without
 * a winner yet (p->n_frontier 0): the first that meets the SLOs, put on
 * the frontier.  With one: the runners-up, designs above the winner that
 * meet them and are not merely stronger than one already on the frontier.
 */
static void walk_up(struct plan *p)
{
	struct heap h = {0};
	struct design d;
	long seen = 0;
	int runners = p->n_frontier > 0;
	const struct eval *w = runners ? &p->ev[p->frontier[0]] : NULL;
	walk_start(p, &h);
	while ((runners ? p->n_frontier <= p->a->runners_up && p->n_frontier < 64 : p->n_frontier == 0) &&
	       seen++ < EXAMINE_MAX && walk_next(p, &h, &d)) {
		if (w && (d.cost < w->cost || memcmp(d.idx, w->idx, (size_t)p->nt * sizeof d.idx[0]) == 0))
			continue;
		if (w && bigger_than_frontier(p, d.idx))
			continue;
		if (weaker_than_failure(p, d.idx)) {
			p->skipped_weaker++;
			continue;
		}
		struct eval *e = judge(p, d.idx);
		if (!e)
			break;
		if (e->meets)
			p->frontier[p->n_frontier++] = e - p->ev;
	}
	free(h.d);
}

/* ---- the report ---------------------------------------------------------------- */

/* What a check has to spare at mean m, in its unit (negative: it misses). */
static double spare(const struct slo_check *c, double m)
{
	return c->op == SLO_LT || c->op == SLO_LE ? c->limit - m : m - c->limit;
}

/* What check k has to spare on e: "22.1ms (55% of the limit)". */
static void margin_text(const struct plan *p, const struct eval *e, size_t k, char *buf, size_t n)
{
	const struct slo_check *c = &p->sc->slo[k];
	double gap = spare(c, e->r[k].ci.mean);
	char v[64];
	metric_format(v, sizeof v, c->def->unit, gap);
	if (c->def->unit == MU_FRACTION || c->limit == 0)
		snprintf(buf, n, "%s", v);
	else
		snprintf(buf, n, "%s (%.0f%% of the limit)", v, 100 * gap / fabs(c->limit));
}

/* The check with the smallest share of its limit to spare; -1 if none. */
static int tightest(const struct plan *p, const struct eval *e)
{
	int k_min = -1;
	double least = 0;
	for (size_t k = 0; k < p->sc->n_slo; k++) {
		const struct slo_check *c = &p->sc->slo[k];
		if (c->op == SLO_EQ || c->op == SLO_NE)
			continue;
		double gap = spare(c, e->r[k].ci.mean), share = c->limit != 0 ? gap / fabs(c->limit) : gap;
		if (k_min < 0 || share < least) {
			k_min = (int)k;
			least = share;
		}
	}
	return k_min;
}

static void print_tier_line(FILE *out, const struct plan *p, const struct eval *e, int t)
{
	const struct tier *tr = &p->t[t];
	const struct option *o = &tr->opts[e->idx[t]];
	const struct size_info *si = &tr->sizes[o->size];
	char price[32], shape[160], util[64], what[160];
	metric_format(price, sizeof price, MU_DOLLARS_HOUR, si->price);
	if (si->name)
		snprintf(what, sizeof what, "%ld x %s", o->n, si->name);
	else
		snprintf(what, sizeof what, "%ld instance%s", o->n, o->n == 1 ? "" : "s");
	snprintf(shape, sizeof shape, "%ld core%s, speed %g, %s each", si->cores, si->cores == 1 ? "" : "s", si->speed,
		 price);
	if (isnan(e->util[t].mean))
		snprintf(util, sizeof util, "-");
	else
		metric_format_ci(util, sizeof util, MU_FRACTION, &e->util[t]);
	fprintf(out, "  %-10s %-20s %-36s utilization %s\n", tr->pt->node, what, shape, util);
}

static void print_winner(FILE *out, const struct plan *p, const struct eval *e, const char *load)
{
	char cost[64], margin[160], line[600];
	metric_format_ci(cost, sizeof cost, MU_DOLLARS_HOUR, &e->cost_sim);
	fprintf(out, "Cheapest design that meets every SLO at %s: %s\n", load, cost);
	for (int t = 0; t < p->nt; t++)
		print_tier_line(out, p, e, t);
	fprintf(out, "  bottleneck: %s\n", e->bottleneck);
	fprintf(out, "  its SLOs (%ld replications), with what each has to spare:\n", e->reps);
	for (size_t k = 0; k < p->sc->n_slo; k++) {
		const struct slo_check *c = &p->sc->slo[k];
		slo_format(c, &e->r[k], line, sizeof line);
		if (c->op == SLO_EQ || c->op == SLO_NE) {
			fprintf(out, "    %s\n", line);
			continue;
		}
		margin_text(p, e, k, margin, sizeof margin);
		fprintf(out, "    %s   margin %s\n", line, margin);
	}
	fprintf(out, "\n");
}

static void print_frontier(FILE *out, const struct plan *p)
{
	if (p->n_frontier < 2) {
		fprintf(out, "Runners-up: none found%s.\n\n",
			p->budget_hit ? " within the simulations allowed" : " among the designs above the winner");
		return;
	}
	fprintf(out, "Runners-up, the cost frontier (each meets every SLO; none is only a stronger copy of a cheaper "
		     "one):\n");
	fprintf(out, "  %-11s %-48s %s\n", "cost", "design", "tightest SLO, margin");
	for (int i = 1; i < p->n_frontier; i++) {
		const struct eval *e = &p->ev[p->frontier[i]];
		char cost[32], d[1024], t[600] = "-";
		metric_format(cost, sizeof cost, MU_DOLLARS_HOUR, e->cost_sim.mean);
		design_text(p, e->idx, d, sizeof d);
		int k = tightest(p, e);
		char margin[160];
		if (k >= 0) {
			margin_text(p, e, (size_t)k, margin, sizeof margin);
			snprintf(t, sizeof t, "%s: %s to spare", p->sc->slo[k].text, margin);
		}
		fprintf(out, "  %-11s %-48s %s\n", cost, d, t);
	}
	fprintf(out, "\n");
}

static int eval_by_cost_desc(const void *x, const void *y)
{
	const struct eval *a = *(const struct eval *const *)x, *b = *(const struct eval *const *)y;
	if (a->cost != b->cost)
		return a->cost > b->cost ? -1 : 1;
	return memcmp(a->idx, b->idx, sizeof a->idx);
}

/* The nearest cheaper designs that were run and missed, and what missed. */
static void print_misses(FILE *out, const struct plan *p, long long below)
{
	const struct eval **v = xcalloc(p->n_ev ? p->n_ev : 1, sizeof *v);
	size_t n = 0;
	for (size_t i = 0; i < p->n_ev; i++)
		if (!p->ev[i].meets && p->ev[i].cost < below)
			v[n++] = &p->ev[i];
	qsort(v, n, sizeof *v, eval_by_cost_desc);
	if (n > 0)
		fprintf(out, "The nearest cheaper designs, and the check each misses:\n");
	for (size_t i = 0; i < n && i < 3; i++) {
		char cost[32], d[1024], line[600] = "";
		metric_format(cost, sizeof cost, MU_DOLLARS_HOUR, v[i]->cost_sim.mean);
		design_text(p, v[i]->idx, d, sizeof d);
		for (size_t k = 0; k < p->sc->n_slo; k++)
			if (v[i]->r[k].verdict != SLO_PASS) {
				slo_format(&p->sc->slo[k], &v[i]->r[k], line, sizeof line);
				break;
			}
		fprintf(out, "  %-11s %-48s %s%s\n", cost, d, line, v[i]->fails ? "" : " (inconclusive)");
	}
	if (n > 0)
		fprintf(out, "\n");
	free(v);
}

static void print_search(FILE *out, const struct plan *p)
{
	double total = 1, left = 1;
	long sat = 0, bound = 0;
	for (int t = 0; t < p->nt; t++) {
		total *= (double)p->t[t].n_sizes * (double)p->t[t].n_counts;
		left *= (double)p->t[t].n_opts;
		sat += p->t[t].n_saturated;
		bound += p->t[t].n_slo_bound;
	}
	fprintf(out,
		"Search: %.0f designs.  Bounds ruled out %.0f before simulating (%ld tier option%s over 100%% busy "
		"by the utilization law, %ld over a tier's own SLO); %ld more were weaker than a design that "
		"failed.  %ld simulations: %ld screening%s",
		total, total - left, sat, sat == 1 ? "" : "s", bound, p->skipped_weaker, p->runs, p->runs_screen,
		p->screen_reps < p->full_reps ? "" : " (each with the full replications)");
	if (p->screen_reps < p->full_reps)
		fprintf(out, " with %ld replications, %ld confirming with %ld", p->screen_reps, p->runs_confirm,
			p->full_reps);
	fprintf(out, "; %ld replications in all.\n", p->reps_run);
}

/* ---- the command ---------------------------------------------------------------- */

static void plan_free(struct plan *p)
{
	for (int t = 0; t < p->nt; t++) {
		struct tier *tr = &p->t[t];
		for (int i = 0; tr->size_names && i < tr->n_sizes; i++)
			free(tr->size_names[i]);
		free(tr->size_names);
		free(tr->sizes);
		free(tr->counts);
		free(tr->ge);
		free(tr->opts);
	}
	for (size_t i = 0; i < p->n_ev; i++)
		free(p->ev[i].r);
	free(p->ev);
}

static int open_csv(struct plan *p, char *tmp, size_t n)
{
	snprintf(tmp, n, "%s.tmp-%ld", p->a->csv, (long)getpid());
	p->csv = fopen(tmp, "wx");
	if (!p->csv) {
		fprintf(stderr, "chokepoint: cannot create '%s': %s\n", tmp, strerror(errno));
		return 4;
	}
	fprintf(p->csv, "design,predicted_cost_per_hour,stage,replications,verdict,cost_per_hour,checks_not_passed,"
			"bottleneck\n");
	return 0;
}

static int close_csv(struct plan *p, const char *tmp, int keep)
{
	if (!p->csv)
		return 0;
	int bad = ferror(p->csv) | (fclose(p->csv) != 0);
	p->csv = NULL;
	if (!keep || bad || rename(tmp, p->a->csv) != 0) {
		if (keep)
			fprintf(stderr, "chokepoint: cannot write '%s': %s\n", p->a->csv, strerror(errno));
		unlink(tmp);
		return keep ? 4 : 0;
	}
	return 0;
}

static void fill_outcome(const struct plan *p, long best, struct plan_outcome *out)
{
	memset(out, 0, sizeof *out);
	out->designs = 1;
	double left = 1;
	for (int t = 0; t < p->nt; t++) {
		out->designs *= (double)p->t[t].n_sizes * (double)p->t[t].n_counts;
		left *= (double)p->t[t].n_opts;
	}
	out->ruled_out_by_bounds = (long)(out->designs - left);
	out->ruled_out_weaker = p->skipped_weaker;
	out->simulations = p->runs;
	out->replications = p->reps_run;
	if (best < 0)
		return;
	out->found = 1;
	out->runners_up = p->n_frontier - 1;
	for (int i = 0; i < p->n_frontier && i < 9; i++) {
		const struct eval *e = &p->ev[p->frontier[i]];
		struct plan_design *d = i == 0 ? &out->winner : &out->runner[i - 1];
		d->cost = e->cost_sim.mean;
		for (int t = 0; t < p->nt; t++) {
			const struct option *o = &p->t[t].opts[e->idx[t]];
			const char *name = p->t[t].sizes[o->size].name;
			snprintf(d->size[t], sizeof d->size[t], "%s", name ? name : "");
			d->instances[t] = o->n;
		}
	}
}

int plan_run(const struct plan_args *a, const struct scenario *sc, volatile sig_atomic_t *stop,
	     struct plan_outcome *out)
{
	struct plan p = {.a = a, .sc = sc, .stop = stop};
	char load_text[64], tmp[4400];
	int rc = 0;
	if (out)
		memset(out, 0, sizeof *out);
	if (sc->n_plan == 0) {
		fprintf(stderr,
			"chokepoint: plan: %s has no plan: block naming the tiers to vary, e.g.\n"
			"  plan: {web: {size: [c5.large, m5.large], instances: 1..16}, db: {size: "
			"[db.m5.large, db.m5.xlarge]}}\n",
			a->path);
		return 2;
	}
	if (sc->n_slo == 0) {
		fprintf(stderr,
			"chokepoint: plan: %s has no slo: checks, so every design meets them: add the "
			"requirements (e.g. \"latency_p99 < 250ms\", \"availability >= 99.9%%\")\n",
			a->path);
		return 2;
	}
	if (load_split_init(&p.split, &sc->spec) == 0) {
		fprintf(stderr, "chokepoint: plan: %s has no open workload (a rate) to offer the load\n", a->path);
		return 2;
	}
	p.load = p.split.total;
	if (a->load) {
		const char *why = NULL;
		if (units_rate(a->load, &p.load, &why) < 0 || !(p.load > 0)) {
			fprintf(stderr, "chokepoint: plan: --load '%s' is not a rate above 0, e.g. 2000/s%s%s\n",
				a->load, why ? ": " : "", why ? why : "");
			return 2;
		}
	}
	if (a->load)
		snprintf(load_text, sizeof load_text, "%s", a->load);
	else
		snprintf(load_text, sizeof load_text, "%.6g/s", p.load);
	p.full_reps = a->reps > 0 ? a->reps : sc->spec.replications;
	p.screen_reps = a->screen_reps < p.full_reps ? a->screen_reps : p.full_reps;
	for (size_t k = 0; k < sc->n_slo; k++)
		p.monotone[k] = (unsigned char)check_is_monotone(&sc->slo[k]);
	p.nt = sc->n_plan;
	for (int t = 0; t < p.nt && !rc; t++) {
		p.t[t].pt = &sc->plan[t];
		rc = tier_setup(&p, &p.t[t]);
	}
	if (rc)
		goto done;
	for (int t = 0; t < p.nt; t++)
		if (p.t[t].n_opts == 0) {
			const struct tier *tr = &p.t[t];
			if (!a->quiet)
				printf("No design meets the SLOs at %s: every option of %s is ruled out before "
				       "simulating "
				       "(%ld over 100%% busy by the utilization law, %ld over its own SLO). It is "
				       "offered "
				       "%.6g requests/s; give it bigger sizes or more instances.\n",
				       load_text, tr->pt->node, tr->n_saturated, tr->n_slo_bound, tr->flow);
			if (out)
				fill_outcome(&p, -1, out);
			rc = 1;
			goto done;
		}
	if (a->csv && (rc = open_csv(&p, tmp, sizeof tmp)) != 0)
		goto done;
	int slabs = probe_slabs(&p), all_tops_fail = slabs == 1;
	if (slabs == 0)
		walk_up(&p);
	long best = p.n_frontier > 0 ? p.frontier[0] : -1;
	if (p.rc) {
		rc = p.rc;
		close_csv(&p, tmp, 0);
		goto done;
	}
	if (!a->quiet)
		printf("chokepoint %s · plan for %s at %s · %d tier%s varied · seed common to every design\n\n",
		       CHOKEPOINT_VERSION, a->path, load_text, p.nt, p.nt == 1 ? "" : "s");
	if (best < 0) {
		rc = 1;
		if (!a->quiet) {
			if (all_tops_fail)
				printf("No design meets the SLOs at %s: even the strongest design%s miss%s them.\n\n",
				       load_text, p.n_ev > 1 ? "s" : "", p.n_ev > 1 ? "" : "es");
			else
				printf("No design that meets the SLOs at %s was found%s.\n\n", load_text,
				       p.budget_hit ? " within the simulations allowed (--max-runs)" : "");
			print_misses(stdout, &p, (long long)9e18);
			print_search(stdout, &p);
		}
	} else {
		if (!p.budget_hit)
			walk_up(&p);
		if (p.rc) {
			rc = p.rc;
			close_csv(&p, tmp, 0);
			goto done;
		}
		if (!a->quiet) {
			print_winner(stdout, &p, &p.ev[best], load_text);
			print_frontier(stdout, &p);
			print_misses(stdout, &p, p.ev[best].cost);
			print_search(stdout, &p);
		}
	}
	if (p.budget_hit) {
		fprintf(stderr, "chokepoint: plan: the search stopped at --max-runs %ld simulations: %s\n", a->max_runs,
			best >= 0 ? "cheaper designs or runners-up may remain unchecked" : "no design was confirmed");
		if (!a->quiet)
			printf("The search stopped at --max-runs %ld simulations, before it was complete.\n",
			       a->max_runs);
	}
	{
		int crc = close_csv(&p, tmp, 1);
		rc = rc ? rc : crc;
	}
	if (out)
		fill_outcome(&p, best, out);
done:
	plan_free(&p);
	return rc;
}
