/*
 * server.c - a tier of identical instances (web/app servers, databases).
 *
 * Each of `instances` machines has its own queue.  A request is admitted
 * when the instance has a free slot: a worker thread (`workers`, sync mode)
 * or a connection (`max_connections`, async mode); otherwise it waits, and
 * when `queue` requests already wait the connection is refused (502).  An
 * admitted request waits for one of `cores`, takes `service` CPU time, then
 * makes its `calls` one after another, and answers.  The slot is held from
 * admission to the answer, including the time blocked on downstream calls:
 * in sync mode a thread pool of 64 is exhausted when the database slows
 * down, in async mode the connection limit (default 10,000) rarely binds.
 * A failed downstream call makes the server answer 500 at once.
 *
 * Keys (per instance): instances (1), cores (1), workers (64),
 * max_connections (10000), queue (1000; 'unlimited' allowed), mode
 * (sync | async), service (distribution, required), calls (list of nodes),
 * price ($/h per instance, $0/h).
 *
 * Complexity: O(1) per event; queues are intrusive FIFOs.
 * Metrics: common ones, utilization = busy cores / (cores x instances),
 * plus cost_per_hour.  Status codes: 502 (queue full), 500 (call failed).
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>

#include "../sim/engine/util.h"
#include "server.h"

void server_init(struct node *n, const void *cfg)
{
	struct server *s = (struct server *)n;
	s->cfg = *(const struct server_cfg *)cfg;
	s->slots = s->cfg.mode == MODE_SYNC ? s->cfg.workers : s->cfg.max_connections;
	n->zones = (int)s->cfg.zones;
	node_set_instances(n, (int)s->cfg.instances);
	if (s->cfg.failover == FAILOVER_ACTIVE_PASSIVE)
		n->manages_serving = 1; /* serving: an active instance, not just one up */
	s->active = 0;
	n->capacity = (double)(s->cfg.cores * s->cfg.instances);
	s->inst = xcalloc(s->cfg.instances, sizeof(*s->inst));
	node_rng_init(n, &s->rng_service, "service");
	node_rng_init(n, &s->rng_calls, "calls");
	s->n_seq = 0;
	for (int i = 0; i < s->cfg.calls.n; i++) {
		for (int k = 0; k < s->cfg.calls.repeat[i]; k++) {
			s->seq_dst[s->n_seq] = s->cfg.calls.idx[i];
			s->seq_prob[s->n_seq++] = s->cfg.calls.prob[i];
		}
	}
	if (s->cfg.call_timeout > 0)
		node_timeouts_init(n, &s->timeouts, s->cfg.call_timeout, HTTP_GATEWAY_TIMEOUT);
}

static void ev_cpu_done(struct sim *sim, void *obj, void *arg);

static void start_cpu(struct server *s, struct instance *in, struct request *r)
{
	double slow = s->base.health[request_frame(r)->self_inst].slow;
	in->busy_cores++;
	node_busy(&s->base, 1);
	sim_after(&s->base.net->sim, slow * dist_sample(&s->cfg.service, &s->rng_service), ev_cpu_done, s, r);
}

/* A hung instance holds r forever: its caller can only time out. */
static void park(struct server *s, struct instance *in, struct request *r)
{
	node_active(&s->base, 1);
	fifo_push(&in->hung, r);
}

/* Whether r's instance stopped (or restarted) since r was admitted. */
static int is_stale(const struct server *s, struct request *r)
{
	const struct frame *f = request_frame(r);
	return s->base.health[f->self_inst].epoch != f->epoch;
}

/* r was inside an instance that stopped: a crash resets its connection
 * (502), a hang keeps it. */
static void lost(struct server *s, struct request *r)
{
	int i = request_frame(r)->self_inst;
	if (s->base.health[i].state == HEALTH_HUNG)
		park(s, &s->inst[i], r);
	else
		node_fail_request(&s->base, r, HTTP_BAD_GATEWAY);
}

/* Active-passive: the first instance up becomes the active one. */
static void ev_promote(struct sim *sim, void *obj, void *arg)
{
	(void)sim;
	(void)arg;
	struct server *s = obj;
	s->is_promoting = 0;
	for (int i = 0; i < s->base.n_instances; i++) {
		if (s->base.health[i].state == HEALTH_UP) {
			s->active = i;
			node_set_serving(&s->base, 1);
			return;
		}
	}
}

static void failover(struct server *s, int inst)
{
	struct node *n = &s->base;
	int up = n->health[inst].state == HEALTH_UP;
	if (inst == s->active && !up) {
		s->active = -1;
		node_set_serving(n, 0);
	}
	if (s->active < 0 && !s->is_promoting && n->n_up > 0) {
		s->is_promoting = 1;
		sim_after(&n->net->sim, s->cfg.promotion, ev_promote, s, NULL);
	}
}

void server_health_changed(struct node *n, int inst, int old)
{
	struct server *s = (struct server *)n;
	struct instance *in = &s->inst[inst];
	int state = n->health[inst].state;
	if (s->cfg.failover == FAILOVER_ACTIVE_PASSIVE)
		failover(s, inst);
	if (old == HEALTH_UP && state != HEALTH_UP) {
		/* What it was serving is lost (is_stale finds it when its event
		 * comes back); what waited in its queues goes now. */
		long waiting = in->wait_slot.n + in->wait_cpu.n;
		node_busy(n, -(double)in->busy_cores);
		node_waiting(n, -(double)waiting);
		node_active(n, -(double)(in->admitted + in->wait_slot.n));
		tavg_add(&s->slots_used, n->net->sim.now, -(double)in->admitted);
		in->busy_cores = in->admitted = 0;
		struct request *r;
		while ((r = fifo_pop(&in->wait_cpu)) || (r = fifo_pop(&in->wait_slot))) {
			if (state == HEALTH_HUNG)
				park(s, in, r);
			else
				node_fail_request(n, r, HTTP_BAD_GATEWAY);
		}
	}
	if (state != HEALTH_HUNG) { /* a hang ends: its connections are reset */
		struct request *r;
		while ((r = fifo_pop(&in->hung))) {
			node_active(n, -1);
			node_fail_request(n, r, HTTP_BAD_GATEWAY);
		}
	}
}

static void want_cpu(struct server *s, struct instance *in, struct request *r)
{
	if (in->busy_cores < s->cfg.cores) {
		start_cpu(s, in, r);
	} else {
		node_waiting(&s->base, 1);
		fifo_push(&in->wait_cpu, r);
	}
}

/* Ends r's visit: frees its slot, admits the next waiting request, answers. */
static void finish(struct server *s, struct request *r)
{
	struct node *n = &s->base;
	struct frame *f = request_frame(r);
	struct instance *in = &s->inst[f->self_inst];
	double resid = n->net->sim.now - f->t_arrive;

	in->admitted--;
	tavg_add(&s->slots_used, n->net->sim.now, -1);
	node_active(n, -1);
	if (in->wait_slot.n > 0) {
		struct request *next = fifo_pop(&in->wait_slot);
		node_waiting(n, -1);
		in->admitted++;
		tavg_add(&s->slots_used, n->net->sim.now, 1);
		want_cpu(s, in, next);
	}
	node_done(n, r, resid, resid);
	node_reply(n, r);
}

/* Makes the next downstream call, or finishes. */
static void next_call(struct server *s, struct request *r)
{
	struct frame *f = request_frame(r);
	/* Calls in order, repeats expanded; a probabilistic one may be skipped. */
	while (f->step < s->n_seq && s->seq_prob[f->step] < 1 &&
	       gsl_rng_uniform(s->rng_calls.r) >= s->seq_prob[f->step])
		f->step++;
	if (f->step < s->n_seq) {
		int dst = s->seq_dst[f->step++];
		if (s->cfg.call_timeout > 0)
			node_call_timed(&s->base, f->self_inst, r, dst, -1, &s->timeouts);
		else
			node_call(&s->base, f->self_inst, r, dst, -1);
	} else {
		finish(s, r);
	}
}

static void ev_cpu_done(struct sim *sim, void *obj, void *arg)
{
	(void)sim;
	struct server *s = obj;
	struct request *r = arg;
	struct instance *in = &s->inst[request_frame(r)->self_inst];

	if (is_stale(s, r)) {
		lost(s, r);
		return;
	}
	in->busy_cores--;
	node_busy(&s->base, -1);
	if (in->wait_cpu.n > 0) {
		node_waiting(&s->base, -1);
		start_cpu(s, in, fifo_pop(&in->wait_cpu));
	}
	next_call(s, r);
}

void server_arrive(struct node *n, struct request *r)
{
	struct server *s = (struct server *)n;
	struct frame *f = request_frame(r);
	int i = r->dst_inst;
	if (i < 0 && s->cfg.failover == FAILOVER_ACTIVE_PASSIVE) {
		i = s->active;
		if (i < 0) { /* between a failure and a promotion: nobody to connect to */
			request_frame(r)->self_inst = 0;
			node_arrival(n);
			node_reject(n, r, HTTP_BAD_GATEWAY, 0);
			return;
		}
	} else if (i < 0) {
		i = s->rr;
		s->rr = (s->rr + 1) % (int)s->cfg.instances;
	}
	struct instance *in = &s->inst[i];

	node_arrival(n);
	f->t_arrive = n->net->sim.now;
	f->self_inst = i;
	f->step = 0;
	f->epoch = n->health[i].epoch;
	if (n->health[i].state == HEALTH_DOWN) {
		node_reject(n, r, HTTP_BAD_GATEWAY, 0); /* connection refused */
	} else if (n->health[i].state == HEALTH_HUNG) {
		park(s, in, r);
	} else if (in->admitted < s->slots) {
		in->admitted++;
		tavg_add(&s->slots_used, n->net->sim.now, 1);
		node_active(n, 1);
		want_cpu(s, in, r);
	} else if (in->wait_slot.n < s->cfg.queue) {
		node_active(n, 1);
		node_waiting(n, 1);
		fifo_push(&in->wait_slot, r);
	} else {
		node_reject(n, r, HTTP_BAD_GATEWAY, 1);
	}
}

void server_reply(struct node *n, struct request *r)
{
	struct server *s = (struct server *)n;
	if (is_stale(s, r)) {
		lost(s, r);
		return;
	}
	if (r->status < 200 || r->status >= 300) {
		r->status = HTTP_INTERNAL;
		r->origin = n->id;
		finish(s, r);
		return;
	}
	next_call(s, r);
}

double server_capacity(const void *cfgp, int *unbounded)
{
	const struct server_cfg *cfg = cfgp;
	double mean = dist_mean(&cfg->service);
	*unbounded = cfg->queue == LONG_MAX;
	return mean > 0 ? (double)(cfg->instances * cfg->cores) / mean : HUGE_VAL;
}

int server_instances(const void *cfg)
{
	return (int)((const struct server_cfg *)cfg)->instances;
}

void server_reset(struct node *n)
{
	struct server *s = (struct server *)n;
	tavg_reset(&s->slots_used, n->net->sim.now);
}

void server_report(const struct node *n, struct report *rep)
{
	const struct server *s = (const struct server *)n;
	/* Threads (sync), connections (async) or a database's connections in
	 * use: in sync mode the pool can run out while the CPU idles. */
	report_add(rep, n->name, "worker_utilization",
		   tavg_mean(&s->slots_used, n->net->sim.now) / ((double)s->slots * (double)s->cfg.instances));
	report_add(rep, n->name, "cost_per_hour", s->cfg.price * (double)s->cfg.instances);
}

void server_release(struct node *n)
{
	struct server *s = (struct server *)n;
	rng_release(&s->rng_service);
	rng_release(&s->rng_calls);
	if (s->cfg.call_timeout > 0)
		tmo_release(&s->timeouts);
	free(s->inst);
}

#define OFF(f) offsetof(struct server_cfg, f)
static const struct param server_params[] = {
	SERVER_COMMON_PARAMS("separate machines, each with its own queue", "requests on CPU at once, per instance",
			     "64", "sync mode: threads per instance, held until the answer is sent",
			     "requests waiting for a worker per instance; beyond: refused (502)",
			     "CPU time per request, e.g. exp(4ms)", "downstream calls, in order, after the CPU work",
			     "cost per instance, e.g. $0.096/h"),
	{"max_connections", PT_COUNT, OFF(max_connections), "10000", 1, 1e8, NULL, 0,
	 "async mode: connections per instance, held until the answer is sent"},
	{"mode", PT_ENUM, OFF(mode), "sync", 0, 0, "sync|async", 0, "sync: a thread per request; async: an event loop"},
	{0},
};
#undef OFF

const struct node_kind server_kind = {
	.name = "server",
	.summary = "web/app tier: instances x cores, worker pool, queue, sync or async",
	.params = server_params,
	SERVER_KIND_COMMON,
};
