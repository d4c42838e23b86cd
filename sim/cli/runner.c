/* runner.c - see runner.h. */
#include "runner.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../engine/util.h"
#include "accesslog.h"

struct rep_out {
	struct report rep;
	double *ts;
	uint64_t events;
	char stopped[256];          /* the net's reason, if it stopped early */
	int is_complete;            /* ran to its end (not interrupted) */
	struct failure_record *log; /* owned: the net's failure log */
	size_t n_log;
};

struct pool {
	const struct scenario *sc;
	const volatile sig_atomic_t *stop;
	const struct run_opts *opts;
	struct rep_out *out;
	atomic_long next;          /* next replication to take */
	atomic_long done;          /* replications finished */
	atomic_ullong events;      /* events of finished replications */
	atomic_ullong live_events; /* events of running ones, at the last hook */
	atomic_llong live_time_ms; /* simulated time of the latest hook */
};

static void on_progress(struct sim *sim, void *ctx)
{
	struct pool *p = ctx;
	if (p->stop && *p->stop)
		sim_stop(sim);
	atomic_fetch_add(&p->live_events, 0x10000);
	atomic_store(&p->live_time_ms, (long long)(sim->now * 1000));
}

static void *worker(void *arg)
{
	struct pool *p = arg;
	const struct net_spec *spec = &p->sc->spec;
	for (;;) {
		if (p->stop && *p->stop)
			break;
		long r = atomic_fetch_add(&p->next, 1);
		if (r >= spec->replications)
			break;
		struct net *net = net_new(spec, (uint64_t)r);
		net->sim.progress = on_progress;
		net->sim.progress_ctx = p;
		FILE *access = NULL;
		if (p->opts->access_dir) {
			char part[4096];
			access_log_part(part, sizeof part, p->opts->access_dir, r);
			access = fopen(part, "wb");
			if (!access)
				BUG("cannot create an access-log part file"); /* main made the directory */
			net->access = access_log_write;
			net->access_ctx = access;
			net->access_sample = p->opts->access_sample;
		}
		net_run(net);
		if (access)
			fclose(access);
		struct rep_out *o = &p->out[r];
		if (p->stop && *p->stop) { /* interrupted: this one is incomplete */
			atomic_fetch_sub(&p->live_events, net->sim.n_events & ~(uint64_t)0xffff);
			net_free(net);
			break;
		}
		o->is_complete = 1;
		net_report(net, &o->rep);
		size_t nts = (size_t)net->n_periods * net->n_nodes * TS_NCOLS;
		o->ts = xmalloc(nts * sizeof(double));
		memcpy(o->ts, net->ts, nts * sizeof(double));
		o->events = net->sim.n_events;
		o->n_log = net->n_log;
		o->log = xmalloc((net->n_log ? net->n_log : 1) * sizeof(*o->log));
		if (net->n_log > 0) /* net->log is NULL when nothing failed */
			memcpy(o->log, net->log, net->n_log * sizeof(*o->log));
		snprintf(o->stopped, sizeof o->stopped, "%s", net->stopped);
		atomic_fetch_sub(&p->live_events, net->sim.n_events & ~(uint64_t)0xffff);
		atomic_fetch_add(&p->events, net->sim.n_events);
		net_free(net);
		atomic_fetch_add(&p->done, 1);
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

int runner_run(const struct scenario *sc, const struct run_opts *opts, struct results *res)
{
	const struct net_spec *spec = &sc->spec;
	long reps = spec->replications;
	int jobs = opts->jobs < 1 ? 1 : opts->jobs;
	if (jobs > reps)
		jobs = (int)reps;

	struct pool p = {.sc = sc, .stop = opts->stop, .opts = opts};
	p.out = xcalloc(reps, sizeof(*p.out));
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
		return -1;
	}
	if (opts->progress) {
		struct timespec nap = {0, 200 * 1000 * 1000};
		while (atomic_load(&p.done) < reps && !(opts->stop && *opts->stop)) {
			nanosleep(&nap, NULL);
			print_progress(&p, reps, spec->warmup + spec->duration, elapsed(&t0));
		}
		fprintf(stderr, "\r\033[K");
	}
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	free(th);

	/* Reduce the completed replications in replication order. */
	memset(res, 0, sizeof(*res));
	res->sc = sc;
	res->n_requested = reps;
	res->stopped_rep = -1;
	res->wall_seconds = elapsed(&t0);
	long *done = xmalloc(reps * sizeof(long)), n_done = 0;
	for (long r = 0; r < reps; r++)
		if (p.out[r].is_complete)
			done[n_done++] = r;
	for (long k = n_done - 1; k >= 0; k--) {
		if (p.out[done[k]].stopped[0]) {
			res->stopped_rep = done[k];
			snprintf(res->stopped, sizeof res->stopped, "%s", p.out[done[k]].stopped);
		}
	}
	res->n_reps = n_done;
	res->rep_index = done; /* given to the results */
	res->logs = xcalloc(n_done ? n_done : 1, sizeof(*res->logs));
	res->n_logs = xcalloc(n_done ? n_done : 1, sizeof(*res->n_logs));
	for (long k = 0; k < n_done; k++) {
		res->logs[k] = p.out[done[k]].log;
		res->n_logs[k] = p.out[done[k]].n_log;
		p.out[done[k]].log = NULL;
	}
	res->n_nodes = spec->n_nodes;
	res->n_periods = net_spec_periods(spec);
	size_t nts = (size_t)res->n_periods * res->n_nodes * TS_NCOLS;
	res->ts = xcalloc(nts, sizeof(double));
	if (n_done > 0) {
		const struct report *r0 = &p.out[done[0]].rep;
		res->n_metrics = r0->n;
		res->metrics = xmalloc(r0->n * sizeof(struct metric));
		memcpy(res->metrics, r0->m, r0->n * sizeof(struct metric));
		res->values = xmalloc((size_t)n_done * r0->n * sizeof(double));
	}
	for (long k = 0; k < n_done; k++) {
		struct rep_out *o = &p.out[done[k]];
		const struct report *rr = &o->rep;
		SIM_ASSERT(rr->n == res->n_metrics);
		for (size_t i = 0; i < rr->n; i++) {
			SIM_ASSERT(strcmp(rr->m[i].key, res->metrics[i].key) == 0);
			res->values[(size_t)k * rr->n + i] = rr->m[i].value;
		}
		for (size_t i = 0; i < nts; i++)
			res->ts[i] += o->ts[i] / (double)n_done;
		res->events += o->events;
	}
	for (long r = 0; r < reps; r++) {
		report_release(&p.out[r].rep);
		free(p.out[r].ts);
		free(p.out[r].log);
	}
	free(p.out);
	reps = n_done;

	res->ci = xmalloc((res->n_metrics ? res->n_metrics : 1) * sizeof(struct ci));
	double *col = xmalloc((reps ? reps : 1) * sizeof(double));
	for (size_t i = 0; i < res->n_metrics; i++) {
		for (long r = 0; r < reps; r++)
			col[r] = results_value(res, r, i);
		res->ci[i] = ci_compute(col, (size_t)reps, RUNNER_CONFIDENCE);
	}
	free(col);
	return 0;
}

void results_release(struct results *res)
{
	free(res->metrics);
	free(res->values);
	free(res->ci);
	free(res->ts);
	for (long r = 0; res->logs && r < res->n_reps; r++)
		free(res->logs[r]);
	free(res->logs);
	free(res->n_logs);
	free(res->rep_index);
	memset(res, 0, sizeof(*res));
}

const struct ci *results_ci(const struct results *res, const char *scope, const char *key)
{
	for (size_t i = 0; i < res->n_metrics; i++)
		if (strcmp(res->metrics[i].scope, scope) == 0 && strcmp(res->metrics[i].key, key) == 0)
			return &res->ci[i];
	return NULL;
}
