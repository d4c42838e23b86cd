/* runner.c - see runner.h. */
#include "runner.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../sim/engine/util.h"
#include "accesslog.h"
#include "metrics.h"

/*
 * The work of one call: the replications of n_sc scenarios (the points of
 * a sweep, or one run), task k being replication k - first[i] of scenario
 * i.  A scenario is reduced by the worker that completes its last
 * replication, and its records freed then: memory follows the points in
 * progress, not the whole sweep.
 */
struct pool {
	const struct scenario *const *sc;
	long n_sc;
	long *first;       /* owned, n_sc + 1: scenario i's tasks are first[i] .. first[i + 1] - 1 */
	atomic_long *left; /* owned, n_sc: replications of each scenario not yet finished */
	struct results *res;
	const volatile sig_atomic_t *stop;
	const struct run_opts *opts;
	struct rep_record *out;    /* one per task */
	atomic_long next;          /* next task to take (an index in the subset) */
	long n_todo;               /* tasks to run */
	atomic_long done;          /* replications finished */
	atomic_ullong events;      /* events of finished replications */
	atomic_ullong live_events; /* events of running ones, at the last hook */
	atomic_llong live_time_ms; /* simulated time of the latest hook */
	atomic_int failed;         /* an I/O error stopped the run (io_error says which) */
	char io_error[4400];       /* written once, by the worker that set failed */
};

/* The first I/O error of the run: every worker stops. */
static void fail_io(struct pool *p, const char *what, const char *path)
{
	int expected = 0;
	if (atomic_compare_exchange_strong(&p->failed, &expected, 1))
		snprintf(p->io_error, sizeof p->io_error, "%s '%s': %s", what, path, strerror(errno));
}

static void on_progress(struct sim *sim, void *ctx)
{
	struct pool *p = ctx;
	if ((p->stop && *p->stop) || atomic_load(&p->failed))
		sim_stop(sim);
	atomic_fetch_add(&p->live_events, 0x10000);
	atomic_store(&p->live_time_ms, (long long)(sim->now * 1000));
}

static void reduce_one(struct pool *p, long i);

static void *worker(void *arg)
{
	struct pool *p = arg;
	for (;;) {
		if ((p->stop && *p->stop) || atomic_load(&p->failed))
			break;
		long k = atomic_fetch_add(&p->next, 1);
		if (k >= p->n_todo)
			break;
		long t = p->opts->subset ? p->opts->subset[k] : k, i = 0;
		while (t >= p->first[i + 1])
			i++;
		long r = t - p->first[i];
		const struct net_spec *spec = &p->sc[i]->spec;
		struct net *net = net_new(spec, (uint64_t)r);
		net->sim.progress = on_progress;
		net->sim.progress_ctx = p;
		FILE *access = NULL;
		char part[4200];
		if (p->opts->access_dir) {
			access_log_part(part, sizeof part, p->opts->access_dir, r);
			access = fopen(part, "wb");
			if (!access) { /* no inode, too many files, the directory gone */
				fail_io(p, "cannot create the access-log part", part);
				net_free(net);
				break;
			}
			net->access = access_log_write;
			net->access_ctx = access;
			net->access_sample = p->opts->access_sample;
		}
		net_run(net);
		if (access) {
			int bad = ferror(access);
			if (fclose(access) != 0 || bad) /* a full disk */
				fail_io(p, "cannot write the access-log part", part);
		}
		struct rep_record *o = &p->out[t];
		if ((p->stop && *p->stop) || atomic_load(&p->failed)) { /* interrupted: this one is incomplete */
			atomic_fetch_sub(&p->live_events, net->sim.n_events & ~(uint64_t)0xffff);
			net_free(net);
			break;
		}
		o->is_complete = 1;
		o->rep = r;
		net_report(net, &o->metrics);
		size_t nts = (size_t)net->n_periods * net->n_nodes * TS_NCOLS;
		o->ts = xmalloc(nts * sizeof(double));
		memcpy(o->ts, net->ts, nts * sizeof(double));
		memcpy(o->cdf, net->cdf, sizeof o->cdf);
		o->events = net->sim.n_events;
		o->n_log = net->n_log;
		o->log = xmalloc((net->n_log ? net->n_log : 1) * sizeof(*o->log));
		if (net->n_log > 0) /* net->log is NULL when nothing failed */
			memcpy(o->log, net->log, net->n_log * sizeof(*o->log));
		snprintf(o->stopped, sizeof o->stopped, "%s", net->stopped);
		atomic_fetch_sub(&p->live_events, net->sim.n_events & ~(uint64_t)0xffff);
		atomic_fetch_add(&p->events, net->sim.n_events);
		net_free(net);
		long done = atomic_fetch_add(&p->done, 1) + 1;
		if (p->opts->progress == 2) /* one write: lines of two threads never mix */
			fprintf(stderr, "chokepoint: replication %ld done (%ld of %ld)\n", r, done, p->n_todo);
		if (p->n_sc > 1 && atomic_fetch_sub(&p->left[i], 1) == 1)
			reduce_one(p, i);
	}
	return NULL;
}

static double elapsed(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + 1e-9 * (double)(t.tv_nsec - t0->tv_nsec);
}

static void print_progress(struct pool *p, long reps, double end, double secs)
{
	uint64_t ev = atomic_load(&p->events) + atomic_load(&p->live_events);
	fprintf(stderr, "\r\033[Kreplications %ld/%ld · simulated %.0fs of %.0fs · %.2fM events/s",
		atomic_load(&p->done), reps, atomic_load(&p->live_time_ms) / 1000.0, end,
		secs > 0 ? (double)ev / secs / 1e6 : 0);
}

uint64_t runner_in_flight_fit(uint64_t limit, double memory, long jobs)
{
	if (!(memory > 0))
		return limit;
	double fit = memory / (double)(jobs < 1 ? 1 : jobs) / (double)sizeof(struct request);
	if (fit >= (double)limit)
		return limit;
	return fit < 1000 ? 1000 : (uint64_t)fit;
}

void runner_fit_memory(struct net_spec *spec, long jobs, long todo)
{
	if (!spec->max_in_flight_auto)
		return;
	long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
	spec->in_flight_limit =
		runner_in_flight_fit(spec->max_in_flight, (double)pages * (double)page / 2, jobs < todo ? jobs : todo);
}

static void build_index(struct results *res);

void rep_record_release(struct rep_record *r)
{
	report_release(&r->metrics);
	free(r->ts);
	free(r->log);
	r->ts = NULL;
	r->log = NULL;
}

const int ts_band_col[TS_N_BANDS] = {TS_REQUESTS, TS_TRT_P99, TS_UTIL};

void results_reduce(const struct scenario *sc, const struct rep_record *recs, long n, long n_requested,
		    struct results *res)
{
	const struct net_spec *spec = &sc->spec;
	memset(res, 0, sizeof(*res));
	res->sc = sc;
	res->n_requested = n_requested;
	res->stopped_rep = -1;
	for (long k = n - 1; k >= 0; k--) {
		if (recs[k].stopped[0]) {
			res->stopped_rep = recs[k].rep;
			snprintf(res->stopped, sizeof res->stopped, "%s", recs[k].stopped);
		}
	}
	res->n_reps = n;
	res->rep_index = xmalloc((n ? n : 1) * sizeof(long));
	res->logs = xcalloc(n ? n : 1, sizeof(*res->logs));
	res->n_logs = xcalloc(n ? n : 1, sizeof(*res->n_logs));
	for (long k = 0; k < n; k++) {
		res->rep_index[k] = recs[k].rep;
		res->n_logs[k] = recs[k].n_log;
		res->logs[k] = xmalloc((recs[k].n_log ? recs[k].n_log : 1) * sizeof(struct failure_record));
		if (recs[k].n_log > 0)
			memcpy(res->logs[k], recs[k].log, recs[k].n_log * sizeof(struct failure_record));
	}
	res->n_nodes = spec->n_nodes;
	res->n_periods = net_spec_periods(spec);
	size_t nts = (size_t)res->n_periods * res->n_nodes * TS_NCOLS;
	res->ts = xcalloc(nts, sizeof(double));
	if (n > 0) {
		const struct report *r0 = &recs[0].metrics;
		res->n_metrics = r0->n;
		res->metrics = xmalloc(r0->n * sizeof(struct metric));
		memcpy(res->metrics, r0->m, r0->n * sizeof(struct metric));
		res->values = xmalloc((size_t)n * r0->n * sizeof(double));
	}
	res->defs = xmalloc((res->n_metrics ? res->n_metrics : 1) * sizeof(*res->defs));
	res->metric_node = xmalloc((res->n_metrics ? res->n_metrics : 1) * sizeof(int));
	struct metric_resolver mr = {spec, -1};
	for (size_t i = 0; i < res->n_metrics; i++) {
		const struct metric *m = &res->metrics[i];
		res->defs[i] = metric_resolve(&mr, m->scope, m->key, &res->metric_node[i]);
		if (!res->defs[i]) {
			fprintf(stderr, "chokepoint: metric '%s' of '%s' is declared in no metric table\n", m->key,
				m->scope);
			BUG("a metric reported but not declared (models/metric.h)");
		}
	}
	for (long k = 0; k < n; k++) {
		const struct report *rr = &recs[k].metrics;
		SIM_ASSERT(rr->n == res->n_metrics);
		for (size_t i = 0; i < rr->n; i++) {
			SIM_ASSERT(strcmp(rr->m[i].key, res->metrics[i].key) == 0);
			res->values[(size_t)k * rr->n + i] = rr->m[i].value;
		}
		for (size_t i = 0; i < nts; i++)
			res->ts[i] += recs[k].ts[i] / (double)n;
		res->events += recs[k].events;
	}
	build_index(res);
	res->ci = xmalloc((res->n_metrics ? res->n_metrics : 1) * sizeof(struct ci));
	double *col = xmalloc((n ? n : 1) * sizeof(double));
	for (int q = 0; q < NET_CDF_LEVELS; q++) {
		for (long k = 0; k < n; k++)
			col[k] = recs[k].cdf[q];
		struct ci c = ci_compute(col, (size_t)n, RUNNER_CONFIDENCE);
		res->cdf_mean[q] = n > 0 ? c.mean : 0;
		res->cdf_half[q] = n > 1 ? c.half : 0;
	}
	size_t cells = (size_t)res->n_periods * res->n_nodes;
	res->ts_half = xcalloc(cells * TS_N_BANDS + 1, sizeof(double));
	for (size_t c = 0; n > 1 && c < cells; c++)
		for (int b = 0; b < TS_N_BANDS; b++) {
			for (long k = 0; k < n; k++)
				col[k] = recs[k].ts[c * TS_NCOLS + (size_t)ts_band_col[b]];
			res->ts_half[c * TS_N_BANDS + (size_t)b] = ci_compute(col, (size_t)n, RUNNER_CONFIDENCE).half;
		}
	for (size_t i = 0; i < res->n_metrics; i++) {
		for (long r = 0; r < n; r++)
			col[r] = results_value(res, r, i);
		res->ci[i] = ci_compute(col, (size_t)n, RUNNER_CONFIDENCE);
	}
	free(col);
}

/* Scenario i's completed records, in replication order, into p->res[i];
 * the records are freed unless kept.  todo: the replications asked for. */
static void reduce_records(struct pool *p, long i, long todo)
{
	long reps = p->first[i + 1] - p->first[i];
	struct rep_record *out = p->out + p->first[i];
	struct rep_record *done = xcalloc(reps ? (size_t)reps : 1, sizeof(*done));
	long n_done = 0;
	for (long r = 0; r < reps; r++) {
		if (out[r].is_complete)
			done[n_done++] = out[r];
		else
			rep_record_release(&out[r]);
		memset(&out[r], 0, sizeof out[r]);
	}
	results_reduce(p->sc[i], done, n_done, todo, &p->res[i]);
	if (p->opts->keep_records) {
		p->res[i].records = done;
	} else {
		for (long k = 0; k < n_done; k++)
			rep_record_release(&done[k]);
		free(done);
	}
}

static void reduce_one(struct pool *p, long i)
{
	reduce_records(p, i, p->first[i + 1] - p->first[i]);
}

int runner_run(const struct scenario *sc, const struct run_opts *opts, struct results *res)
{
	return runner_run_many(&sc, 1, opts, res);
}

int runner_run_many(const struct scenario *const *sc, long n_sc, const struct run_opts *opts, struct results *res)
{
	struct pool p = {.sc = sc, .n_sc = n_sc, .res = res, .stop = opts->stop, .opts = opts};
	p.first = xcalloc((size_t)n_sc + 1, sizeof(long));
	p.left = xcalloc((size_t)n_sc, sizeof(atomic_long));
	double longest = 0;
	for (long i = 0; i < n_sc; i++) {
		p.first[i + 1] = p.first[i] + sc[i]->spec.replications;
		atomic_init(&p.left[i], opts->subset ? 0 : sc[i]->spec.replications);
		memset(&res[i], 0, sizeof res[i]);
		if (sc[i]->spec.warmup + sc[i]->spec.duration > longest)
			longest = sc[i]->spec.warmup + sc[i]->spec.duration;
	}
	long total = p.first[n_sc];
	long todo = opts->subset ? opts->n_subset : total;
	for (long k = 0; opts->subset && k < opts->n_subset; k++) { /* a shard: the tasks of each scenario it has */
		long i = 0;
		while (opts->subset[k] >= p.first[i + 1])
			i++;
		atomic_fetch_add(&p.left[i], 1);
	}
	p.n_todo = todo;
	int jobs = opts->jobs < 1 ? 1 : opts->jobs;
	if (jobs > todo)
		jobs = todo > 0 ? (int)todo : 1;

	p.out = xcalloc(total ? (size_t)total : 1, sizeof(*p.out));
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);

	pthread_t *th = xcalloc(jobs, sizeof(*th));
	int started = 0;
	for (; started < jobs; started++)
		if (pthread_create(&th[started], NULL, worker, &p) != 0)
			break;
	if (started == 0) {
		free(th);
		free(p.out);
		free(p.first);
		free(p.left);
		return -1;
	}
	if (opts->progress == 1) {
		struct timespec nap = {0, 200 * 1000 * 1000};
		while (atomic_load(&p.done) < todo && !(opts->stop && *opts->stop) && !atomic_load(&p.failed)) {
			nanosleep(&nap, NULL);
			print_progress(&p, todo, longest, elapsed(&t0));
		}
		fprintf(stderr, "\r\033[K");
	}
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	free(th);

	/* What no worker reduced (one scenario, or a run interrupted): the
	 * completed replications of each, in replication order. */
	double wall = elapsed(&t0);
	for (long i = 0; i < n_sc; i++) {
		if (n_sc == 1 || atomic_load(&p.left[i]) > 0)
			reduce_records(&p, i, n_sc == 1 ? todo : p.first[i + 1] - p.first[i]);
		res[i].wall_seconds = wall;
		snprintf(res[i].io_error, sizeof res[i].io_error, "%s", atomic_load(&p.failed) ? p.io_error : "");
	}
	free(p.out);
	free(p.first);
	free(p.left);
	return 0;
}

void results_release(struct results *res)
{
	free(res->metrics);
	free(res->index);
	free(res->defs);
	free(res->metric_node);
	free(res->values);
	free(res->ci);
	free(res->ts);
	free(res->ts_half);
	for (long r = 0; res->logs && r < res->n_reps; r++)
		free(res->logs[r]);
	free(res->logs);
	free(res->n_logs);
	free(res->rep_index);
	for (long k = 0; res->records && k < res->n_reps; k++)
		rep_record_release(&res->records[k]);
	free(res->records);
	memset(res, 0, sizeof(*res));
}

uint64_t results_name_hash(const char *scope, const char *key)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (const unsigned char *c = (const unsigned char *)scope; *c; c++)
		h = (h ^ *c) * 0x100000001b3ULL;
	h = (h ^ 0xff) * 0x100000001b3ULL; /* between the two: ("ab", "c") is not ("a", "bc") */
	for (const unsigned char *c = (const unsigned char *)key; *c; c++)
		h = (h ^ *c) * 0x100000001b3ULL;
	return h;
}

/* Builds res->index: looking a metric up by name is then constant time,
 * and writing the results of a large scenario linear. */
static void build_index(struct results *res)
{
	size_t cap = 16;
	while (cap < 2 * res->n_metrics)
		cap *= 2;
	res->index_cap = cap;
	res->index = xmalloc(cap * sizeof(long));
	for (size_t i = 0; i < cap; i++)
		res->index[i] = -1;
	for (size_t i = 0; i < res->n_metrics; i++) {
		size_t k = (size_t)results_name_hash(res->metrics[i].scope, res->metrics[i].key) & (cap - 1);
		while (res->index[k] >= 0)
			k = (k + 1) & (cap - 1);
		res->index[k] = (long)i; /* a name reported twice: the first is found */
	}
}

long results_find(const struct results *res, const char *scope, const char *key)
{
	if (!res->index)
		return -1;
	size_t k = (size_t)results_name_hash(scope, key) & (res->index_cap - 1);
	for (long i; (i = res->index[k]) >= 0; k = (k + 1) & (res->index_cap - 1))
		if (strcmp(res->metrics[i].key, key) == 0 && strcmp(res->metrics[i].scope, scope) == 0)
			return i;
	return -1;
}

const struct ci *results_ci(const struct results *res, const char *scope, const char *key)
{
	long i = results_find(res, scope, key);
	return i < 0 ? NULL : &res->ci[i];
}
