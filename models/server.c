/*
 * server.c - a tier of identical instances (web/app servers, databases).
 *
 * Each of `instances` machines has its own queue.  A request is admitted
 * when the instance has a free slot: a worker thread (`workers`, sync mode)
 * or a connection (`max_connections`, async mode); otherwise it waits, and
 * when `queue` requests already wait the connection is refused (502).  An
 * admitted request waits for one of `cores`, takes `service` CPU time,
 * makes its `calls`, takes `service_after` CPU time if given, and answers.
 * The slot is held from admission to the answer, including the time
 * blocked on downstream calls: in sync mode a thread pool of 64 is
 * exhausted when the database slows down, in async mode the connection
 * limit (default 10,000) rarely binds.  A failed downstream call makes the
 * server answer 500 at once.
 *
 * Calls run in order: "db*3" is three calls in a row, "search?0.2" is
 * made by one request in five, "price+stock" calls both at once (each in
 * its own child request) and goes on when both have answered; the request
 * fails (500) if either did.  With `pool`, each instance holds that many
 * connections to each node it calls: a call waits for a free one, and one
 * that waited `pool_timeout` fails (500).  A `classes` entry gives a
 * request class its own service times and calls (and, at a database, its
 * share of writes).
 *
 * The kinds built on this engine change it through hooks (server.h's
 * struct tier_ops): a database routes queries to shards and replicas and
 * has its replicas apply writes as jobs (database.c); a front refuses what
 * its token bucket does not let in and passes its upstream's errors on
 * (front.c).
 *
 * Complexity: O(1) per event outside a fan-out; queues are intrusive FIFOs.
 * Metrics: common ones, utilization = busy cores / (cores x instances),
 * worker_utilization, cost_per_hour, pool and fan-out counts, and per
 * instance (up to 16 instances) utilization and throughput.
 * Status codes: 502 (queue full, or the instance failed), 500 (a call
 * failed or timed out waiting for a pooled connection).
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/engine/util.h"
#include "server.h"

/* The server's private bits in its frame of a request (frame.flags). */
enum {
	F_AFTER = 1,     /* on CPU for service_after: the calls are done */
	F_CHILD = 2,     /* a child request of a fan-out: frame.step is its member */
	F_POOL_WAIT = 4, /* waiting for a pooled connection */
	F_JOB = 16,      /* the kind's own work (server_job): no caller, no slot */
};

#define PER_INSTANCE_MAX 16 /* instances reported one by one up to this many */

#define COFF(f) offsetof(struct server_class, f)
static const struct param server_class_params[] = {
	{"class", PT_CLASS, COFF(cls), NULL, 0, 0, NULL, P_REQUIRED, "the request class this entry is for"},
	{"service", PT_DIST, COFF(service), NULL, 0, 0, NULL, P_OPTIONAL, "its CPU time (default: the node's)"},
	{"service_after", PT_DIST, COFF(service_after), NULL, 0, 0, NULL, P_OPTIONAL,
	 "its CPU time after the calls (default: the node's)"},
	{"calls", PT_NODES, COFF(calls), NULL, 0, 0, NULL, P_CALL_SUFFIXES | P_OPTIONAL,
	 "its calls (default: the node's); [] for none"},
	{"writes", PT_FRACTION, COFF(writes), NULL, 0, 1, NULL, P_OPTIONAL,
	 "databases: its share of writes (default: the node's)"},
	{0},
};
#undef COFF

const struct param_table server_class_table = {server_class_params, sizeof(struct server_class),
					       offsetof(struct server_cfg, classes)};

static int is_zero(const struct dist *d)
{
	return d->type == DIST_CONST && d->a == 0;
}

/* The pool index of node dst, added on first sight. */
static int pool_index(struct server *s, int dst)
{
	for (int i = 0; i < s->n_pools; i++)
		if (s->pool_dst[i] == dst)
			return i;
	SIM_ASSERT(s->n_pools < (int)ARRAY_LEN(s->pool_dst));
	s->pool_dst[s->n_pools] = dst;
	return s->n_pools++;
}

/* Turns a list of calls into steps: "db*3" three steps, "a+b*2" one step of three members. */
static void build_plan(struct server *s, const struct node_list *l, struct call_plan *pl)
{
	int members = 0;
	for (int i = 0; i < l->n; i++)
		members += l->repeat[i];
	pl->first = xcalloc((size_t)members + 1, sizeof(int));
	pl->dst = xcalloc(members ? (size_t)members : 1, sizeof(int));
	pl->prob = xcalloc(members ? (size_t)members : 1, sizeof(double));
	pl->pool = xcalloc(members ? (size_t)members : 1, sizeof(int));
	int m = 0, k = 0;
	for (int i = 0; i < l->n; i++) {
		int is_group = l->par[i] || (i + 1 < l->n && l->par[i + 1]);
		for (int r = 0; r < l->repeat[i]; r++) {
			if (!is_group || (!l->par[i] && r == 0))
				pl->first[k++] = m; /* a step starts here */
			pl->dst[m] = l->idx[i];
			pl->prob[m] = l->prob[i];
			pl->pool[m] = pool_index(s, l->idx[i]);
			m++;
		}
	}
	pl->n_steps = k;
	pl->first[k] = m;
	for (int i = 0; i < k; i++)
		if (pl->first[i + 1] - pl->first[i] > 1)
			s->has_fanout = 1;
}

static void on_pool_timeout(struct sim *sim, void *obj, void *item, uint64_t id, uint64_t tag);

/* on_pool_timeout's test alone: the call still waits for a connection. */
static int pool_wait_is_live(void *obj, void *item, uint64_t id, uint64_t tag)
{
	(void)obj;
	const struct request *r = item;
	return r->id == id && r->n_calls == tag && r->depth > 0 && (r->f[r->depth - 1].flags & F_POOL_WAIT);
}

static const struct tier_ops engine_alone = {0};

void server_init(struct node *n, const void *cfg)
{
	const struct server_cfg *c = cfg;
	int slots = autoscaler_slots(n->net->spec, n->id);
	server_init_tier(n, c, slots > 0 ? slots : (int)c->instances, NULL);
}

void server_init_tier(struct node *n, const struct server_cfg *cfg, int n_inst, const struct tier_ops *ops)
{
	struct server *s = (struct server *)n;
	s->cfg = *cfg;
	s->ops = ops ? ops : &engine_alone;
	const struct server_cfg *c = &s->cfg;
	s->slots = c->mode == MODE_SYNC ? c->workers : c->max_connections;
	s->inv_speed = 1 / c->speed;
	n->zones = (int)c->zones;
	node_set_instances(n, n_inst);
	if (c->failover == FAILOVER_ACTIVE_PASSIVE)
		node_standby_init(n, &s->standby, c->promotion);
	n->capacity = (double)(c->cores * n_inst);
	s->inst = xcalloc((size_t)n_inst, sizeof(*s->inst));
	node_rng_init(n, &s->rng_service, "service");
	node_rng_init(n, &s->rng_calls, "calls");

	/* Plans: the node's own, then one per class that has its own calls. */
	s->plans = xcalloc((size_t)c->classes_head.n + 1, sizeof(*s->plans));
	build_plan(s, &c->calls, &s->plans[s->n_plans++]);
	for (int k = 0; k <= CLASS_MAX; k++)
		s->cp[k] = (struct class_plan){&c->service, is_zero(&c->service_after) ? NULL : &c->service_after,
					       &s->plans[0]};
	for (int i = 0; i < c->classes_head.n; i++) {
		const struct server_class *e = &c->classes[i];
		unsigned long has = c->classes_head.present[i];
		struct class_plan *p = &s->cp[e->cls];
		if (has & (1ul << SC_SERVICE))
			p->service = &e->service;
		if (has & (1ul << SC_SERVICE_AFTER))
			p->after = is_zero(&e->service_after) ? NULL : &e->service_after;
		if (has & (1ul << SC_CALLS)) {
			build_plan(s, &e->calls, &s->plans[s->n_plans]);
			p->calls = &s->plans[s->n_plans++];
		}
	}
	if (c->pool > 0 && s->n_pools > 0) {
		s->pools = xcalloc((size_t)n_inst * (size_t)s->n_pools, sizeof(*s->pools));
		s->pool_busy = xcalloc((size_t)s->n_pools, sizeof(*s->pool_busy));
		s->pool_wait_of = xcalloc((size_t)s->n_pools, sizeof(*s->pool_wait_of));
		tmo_init(&s->pool_tmo, &n->net->sim, c->pool_timeout > 0 ? c->pool_timeout : 30, on_pool_timeout, s);
		s->pool_tmo.live = pool_wait_is_live;
	}
	if (c->call_timeout > 0)
		node_timeouts_init(n, &s->timeouts, c->call_timeout, HTTP_GATEWAY_TIMEOUT);
}

static void ev_cpu_done(struct sim *sim, void *obj, void *arg);

/* Keeps an instance's own averages (reported for tiers of several). */
static void track(struct server *s, struct instance *in)
{
	if (s->base.n_instances > 1) {
		double now = s->base.net->sim.now;
		tavg_set(&in->slots, now, (double)in->admitted);
		tavg_set(&in->queued, now, (double)in->wait_slot.n);
	}
}

static void start_cpu(struct server *s, struct instance *in, struct request *r)
{
	const struct frame *f = request_frame(r);
	const struct class_plan *cp = &s->cp[r->cls];
	const struct dist *d = f->flags & F_AFTER ? cp->after : cp->service;
	if ((f->flags & F_JOB) && s->ops->job_work) {
		const struct dist *w = s->ops->job_work(s, r);
		d = w ? w : d;
	}
	double slow = s->base.health[f->self_inst].slow;
	if (!(f->flags & (F_AFTER | F_JOB))) /* its first burst: the wait for admission and a core is over */
		node_started(&s->base, s->base.net->sim.now - f->t_arrive);
	in->busy_cores++;
	node_busy(&s->base, 1);
	if (s->base.n_instances > 1)
		tavg_add(&in->busy, s->base.net->sim.now, 1);
	sim_after(&s->base.net->sim, slow * s->inv_speed * dist_sample(d, &s->rng_service), ev_cpu_done, s, r);
}

/* A hung instance holds r forever: its caller can only time out. */
static void park(struct server *s, struct instance *in, struct request *r)
{
	node_active(&s->base, 1);
	fifo_push(&in->hung, r);
}

/* r was inside an instance that stopped: a crash resets its connection
 * (502), a hang keeps it. */
static void lost(struct server *s, struct request *r)
{
	int i = request_frame(r)->self_inst;
	if (node_state(&s->base, i) == HEALTH_HUNG)
		park(s, &s->inst[i], r);
	else
		node_fail_request(&s->base, r, HTTP_BAD_GATEWAY);
}

/* A child request of a fan-out that will not come back: lets its parent
 * go on once its last child is in. */
static void drop_child(struct server *s, struct request *c)
{
	struct request *r = c->fan.parent;
	request_free(s->base.net, c);
	if (r && --r->fan.pending == 0)
		lost(s, r);
}

/* Whatever an instance that stopped held: children and jobs go, the rest is lost. */
static void drop(struct server *s, struct request *r)
{
	const struct frame *f = request_frame(r);
	if (f->flags & F_JOB)
		request_free(s->base.net, r);
	else if (f->flags & F_CHILD)
		drop_child(s, r);
	else
		lost(s, r);
}

void server_health_changed(struct node *n, int inst, int old)
{
	struct server *s = (struct server *)n;
	struct instance *in = &s->inst[inst];
	int state = node_state(n, inst);
	double now = n->net->sim.now;
	if (s->cfg.failover == FAILOVER_ACTIVE_PASSIVE)
		node_standby_changed(n, &s->standby, inst);
	if (old == HEALTH_UP && state != HEALTH_UP) {
		/* What it was serving is lost (node_is_stale finds it when its event
		 * comes back); what waited in its queues goes now. */
		long waiting = in->wait_slot.n + in->wait_cpu.n;
		node_busy(n, -(double)in->busy_cores);
		if (n->n_instances > 1)
			tavg_add(&in->busy, now, -(double)in->busy_cores);
		node_waiting(n, -(double)waiting);
		node_active(n, -(double)(in->admitted + in->wait_slot.n));
		tavg_add(&s->slots_used, now, -(double)in->admitted);
		in->busy_cores = in->admitted = 0;
		struct request *r;
		while ((r = fifo_pop(&in->wait_cpu)) || (r = fifo_pop(&in->wait_slot)))
			drop(s, r);
		track(s, in);
		for (int p = 0; s->pools && p < s->n_pools; p++) { /* its connections die with it */
			struct pool *pl = &s->pools[inst * s->n_pools + p];
			tavg_add(&s->pool_busy[p], now, -(double)pl->in_use);
			pl->in_use = 0;
			tavg_add(&s->pool_waiting, now, -(double)pl->wait.n);
			while ((r = fifo_pop(&pl->wait))) {
				request_frame(r)->flags &= (uint16_t)~F_POOL_WAIT;
				drop(s, r);
			}
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

void server_job(struct server *s, int inst, struct request *r)
{
	request_frame(r)->flags |= F_JOB;
	want_cpu(s, &s->inst[inst], r);
}

/* Ends r's visit: frees its slot, admits the next waiting request, answers. */
static void finish(struct server *s, struct request *r)
{
	struct node *n = &s->base;
	struct frame *f = request_frame(r);
	struct instance *in = &s->inst[f->self_inst];
	double now = n->net->sim.now, resid = now - f->t_arrive;

	node_active(n, -1);
	int is_drained = 0;
	if (in->wait_slot.n > 0) {
		/* The slot passes to the next in line: as many are in use, and
		 * their average is brought up to now (as -1 then +1 would). */
		struct request *next = fifo_pop(&in->wait_slot);
		node_waiting(n, -1);
		tavg_set(&s->slots_used, now, s->slots_used.value);
		want_cpu(s, in, next);
	} else {
		in->admitted--;
		tavg_add(&s->slots_used, now, -1);
		is_drained = in->draining && in->admitted == 0;
	}
	track(s, in);
	if (s->ops->finished)
		s->ops->finished(s, r);
	int inst = f->self_inst;
	node_done(n, r, resid, resid);
	node_reply(n, r);
	if (is_drained) /* its last request is answered: the autoscaler stops it */
		s->drained(s->drain_ctl, inst);
}

/* The plan member r's outstanding call is for. */
static int member_of(const struct server *s, struct request *r)
{
	const struct frame *f = request_frame(r);
	return f->flags & F_CHILD ? f->step : s->cp[r->cls].calls->first[f->step - 1];
}

static void dial(struct server *s, struct request *r, int m)
{
	int dst = s->cp[r->cls].calls->dst[m], inst = request_frame(r)->self_inst;
	if (s->cfg.call_timeout > 0)
		node_call_timed(&s->base, inst, r, dst, -1, &s->timeouts);
	else
		node_call(&s->base, inst, r, dst, -1);
}

static struct pool *pool_of(struct server *s, struct request *r, int m)
{
	return &s->pools[request_frame(r)->self_inst * s->n_pools + s->cp[r->cls].calls->pool[m]];
}

/* Which callee's pool p is (its index among the server's pools). */
static int pool_callee(const struct server *s, const struct pool *p)
{
	return (int)((p - s->pools) % s->n_pools);
}

/* Calls plan member m for r, through a pooled connection if there are pools. */
static void call(struct server *s, struct request *r, int m)
{
	if (s->pools) {
		struct pool *p = pool_of(s, r, m);
		struct frame *f = request_frame(r);
		double now = s->base.net->sim.now;
		if (p->in_use >= s->cfg.pool) {
			f->t_call = now;
			f->flags |= F_POOL_WAIT;
			fifo_push(&p->wait, r);
			tavg_add(&s->pool_waiting, now, 1);
			tmo_add(&s->pool_tmo, r, r->id, r->n_calls);
			return;
		}
		p->in_use++;
		tavg_add(&s->pool_busy[pool_callee(s, p)], now, 1);
		tally_add(&s->pool_wait, 0);
		tally_add(&s->pool_wait_of[pool_callee(s, p)], 0);
	}
	dial(s, r, m);
}

/* r's call is over: its connection goes to the next caller waiting, if any. */
static void release(struct server *s, struct request *r)
{
	struct pool *p = pool_of(s, r, member_of(s, r));
	struct request *next = fifo_pop(&p->wait);
	double now = s->base.net->sim.now;
	if (!next) {
		p->in_use--;
		tavg_add(&s->pool_busy[pool_callee(s, p)], now, -1);
		return;
	}
	struct frame *f = request_frame(next);
	f->flags &= (uint16_t)~F_POOL_WAIT;
	tavg_add(&s->pool_waiting, now, -1);
	tally_add(&s->pool_wait, now - f->t_call);
	tally_add(&s->pool_wait_of[pool_callee(s, p)], now - f->t_call);
	dial(s, next, member_of(s, next));
}

static void next_call(struct server *s, struct request *r);

/* A child of a fan-out is back (has_conn: it held a pooled connection). */
static void child_done(struct server *s, struct request *c, int has_conn)
{
	struct request *r = c->fan.parent;
	if (has_conn && s->pools)
		release(s, c);
	if (c->status < 200 || c->status >= 300)
		r->fan.failed = 1;
	request_free(s->base.net, c);
	if (--r->fan.pending > 0)
		return;
	node_downstream(&s->base, s->base.net->sim.now - request_frame(r)->t_call); /* the whole fan-out */
	if (node_is_stale(&s->base, r)) {
		lost(s, r);
	} else if (r->fan.failed) {
		r->status = HTTP_INTERNAL;
		r->origin = s->base.id;
		finish(s, r);
	} else {
		next_call(s, r);
	}
}

static void on_pool_timeout(struct sim *sim, void *obj, void *item, uint64_t id, uint64_t tag)
{
	struct server *s = obj;
	struct request *r = item;
	if (r->id != id || r->n_calls != tag || r->depth == 0 || !(request_frame(r)->flags & F_POOL_WAIT))
		return; /* it got a connection */
	struct pool *p = pool_of(s, r, member_of(s, r));
	struct request **link = &p->wait.head, *prev = NULL;
	while (*link != r) { /* almost always the head: waits time out in order */
		prev = *link;
		link = &(*link)->next;
	}
	*link = r->next;
	if (p->wait.tail == r)
		p->wait.tail = prev;
	p->wait.n--;
	request_frame(r)->flags &= (uint16_t)~F_POOL_WAIT;
	tavg_add(&s->pool_waiting, sim->now, -1);
	s->pool_timeouts++;
	r->status = HTTP_INTERNAL;
	r->origin = s->base.id;
	if (request_frame(r)->flags & F_CHILD)
		child_done(s, r, 0);
	else
		finish(s, r);
}

/* Step members a..b-1 called together: one child request each. 0 if none was drawn. */
static int fan_out(struct server *s, struct request *r, const struct call_plan *pl, int a, int b)
{
	int chosen[NODE_REFS_MAX * 100], k = 0;
	for (int m = a; m < b; m++)
		if (pl->prob[m] >= 1 || gsl_rng_uniform(s->rng_calls.r) < pl->prob[m])
			chosen[k++] = m;
	if (k == 0)
		return 0;
	struct net *net = s->base.net;
	const struct frame *f = request_frame(r);
	r->fan.pending = (uint16_t)k;
	r->fan.failed = 0;
	s->fanouts++;
	request_frame(r)->t_call = net->sim.now; /* when the fan-out began */
	for (int i = 0; i < k; i++) {
		struct request *c = request_new(net, net->nodes[r->workload]);
		if (!c)
			return 1; /* too many in flight: the run is stopping */
		c->t_created = r->t_created;
		c->req_bytes = r->req_bytes;
		c->resp_bytes = r->resp_bytes;
		c->cls = r->cls;
		c->workload = r->workload;
		c->client = r->client;
		c->fan.parent = r;
		c->depth = 1;
		c->f[0] = (struct frame){.t_arrive = net->sim.now,
					 .from_inst = f->self_inst,
					 .self_inst = f->self_inst,
					 .from = (uint16_t)s->base.id,
					 .step = (uint16_t)chosen[i],
					 .flags = F_CHILD,
					 .epoch = f->epoch};
		call(s, c, chosen[i]);
	}
	return 1;
}

/* Makes the next downstream call (or fan-out), or the CPU work after, or finishes. */
static void next_call(struct server *s, struct request *r)
{
	struct frame *f = request_frame(r);
	const struct class_plan *cp = &s->cp[r->cls];
	const struct call_plan *pl = cp->calls;
	while (f->step < pl->n_steps) {
		int k = f->step++, a = pl->first[k], b = pl->first[k + 1];
		if (b - a == 1) {
			/* A probabilistic call may be skipped. */
			if (pl->prob[a] < 1 && gsl_rng_uniform(s->rng_calls.r) >= pl->prob[a])
				continue;
			call(s, r, a);
			return;
		}
		if (fan_out(s, r, pl, a, b))
			return;
	}
	if (cp->after && !(f->flags & F_AFTER)) {
		f->flags |= F_AFTER;
		want_cpu(s, &s->inst[f->self_inst], r);
		return;
	}
	finish(s, r);
}

static void ev_cpu_done(struct sim *sim, void *obj, void *arg)
{
	struct server *s = obj;
	struct request *r = arg;
	struct frame *f = request_frame(r);
	struct instance *in = &s->inst[f->self_inst];

	if (node_is_stale(&s->base, r)) {
		drop(s, r);
		return;
	}
	in->busy_cores--;
	node_busy(&s->base, -1);
	if (s->base.n_instances > 1)
		tavg_add(&in->busy, sim->now, -1);
	if (in->wait_cpu.n > 0) {
		node_waiting(&s->base, -1);
		start_cpu(s, in, fifo_pop(&in->wait_cpu));
	}
	if (f->flags & F_JOB) {
		if (s->ops->job_done)
			s->ops->job_done(s, r);
		else
			request_free(s->base.net, r);
	} else if (f->flags & F_AFTER) {
		finish(s, r);
	} else {
		next_call(s, r);
	}
}

/* An autoscaled tier's own choice, from instance i on: one in service and
 * not draining (i itself if there is none). */
static int next_in_service(struct server *s, int i)
{
	const struct node *n = &s->base;
	for (int k = 0; k < n->n_instances; k++) {
		int j = (i + k) % n->n_instances;
		if (n->health[j].in_service && !s->inst[j].draining) {
			s->rr = (j + 1) % n->n_instances;
			return j;
		}
	}
	return i;
}

void server_arrive(struct node *n, struct request *r)
{
	struct server *s = (struct server *)n;
	struct frame *f = request_frame(r);
	int i = r->dst_inst;
	f->flags = 0;
	if (s->ops->admit && !s->ops->admit(s, r))
		return;
	if (i < 0 && s->cfg.failover == FAILOVER_ACTIVE_PASSIVE) {
		i = s->standby.active;
		if (i < 0) { /* between a failure and a promotion: nobody to connect to */
			request_frame(r)->self_inst = 0;
			node_arrival(n);
			node_reject(n, r, HTTP_BAD_GATEWAY, 0);
			return;
		}
	} else if (i < 0 && s->ops->route && (i = s->ops->route(s, r)) >= 0) {
		/* the kind's choice */
	} else if (i < 0) {
		i = s->rr;
		if (++s->rr >= n->n_instances)
			s->rr = 0;
		if (s->is_scaled)
			i = next_in_service(s, i);
	}
	struct instance *in = &s->inst[i];

	node_arrival(n);
	in->arrivals++;
	f->t_arrive = n->net->sim.now;
	f->self_inst = i;
	f->step = 0;
	f->epoch = n->health[i].epoch;
	enum health state = node_state(n, i);
	if (state == HEALTH_DOWN) {
		in->rejections++;
		node_reject(n, r, HTTP_BAD_GATEWAY, 0); /* connection refused */
	} else if (state == HEALTH_HUNG) {
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
		in->rejections++;
		node_reject(n, r, HTTP_BAD_GATEWAY, 1);
		return;
	}
	track(s, in);
}

void server_reply(struct node *n, struct request *r)
{
	struct server *s = (struct server *)n;
	if (request_frame(r)->flags & F_CHILD) {
		child_done(s, r, !node_is_stale(&s->base, r));
		return;
	}
	if (node_is_stale(&s->base, r)) {
		lost(s, r);
		return;
	}
	if (s->pools)
		release(s, r);
	node_downstream(n, n->net->sim.now - request_frame(r)->t_call);
	if (r->status < 200 || r->status >= 300) {
		if (!s->ops->pass_status) { /* an application turns a failed call into its own error */
			r->status = HTTP_INTERNAL;
			r->origin = n->id;
		}
		finish(s, r);
		return;
	}
	next_call(s, r);
}

/* The CPU time a request needs, at least: the smallest over its classes,
 * so that the stability check never refuses a scenario that is stable. */
static double least_demand(const struct server_cfg *cfg)
{
	double base = dist_mean(&cfg->service) + dist_mean(&cfg->service_after), least = base;
	for (int i = 0; i < cfg->classes_head.n; i++) {
		unsigned long has = cfg->classes_head.present[i];
		const struct server_class *e = &cfg->classes[i];
		double d = (has & (1ul << SC_SERVICE) ? dist_mean(&e->service) : dist_mean(&cfg->service)) +
			   (has & (1ul << SC_SERVICE_AFTER) ? dist_mean(&e->service_after)
							    : dist_mean(&cfg->service_after));
		if (d < least)
			least = d;
	}
	return least;
}

int server_instances(const void *cfgp)
{
	return (int)((const struct server_cfg *)cfgp)->instances;
}

double tier_capacity(const struct server_cfg *cfg, int n_inst, int *unbounded)
{
	double mean = least_demand(cfg);
	*unbounded = cfg->queue == LONG_MAX;
	return mean > 0 ? (double)(n_inst * cfg->cores) * cfg->speed / mean : HUGE_VAL;
}

double server_capacity(const void *cfgp, int *unbounded)
{
	const struct server_cfg *cfg = cfgp;
	return tier_capacity(cfg, (int)cfg->instances, unbounded);
}

int server_zones(const void *cfg)
{
	return (int)((const struct server_cfg *)cfg)->zones;
}

void server_reset(struct node *n)
{
	struct server *s = (struct server *)n;
	double now = n->net->sim.now;
	tavg_reset(&s->slots_used, now);
	tavg_reset(&s->pool_waiting, now);
	tally_reset(&s->pool_wait);
	for (int p = 0; s->pools && p < s->n_pools; p++) {
		tavg_reset(&s->pool_busy[p], now);
		tally_reset(&s->pool_wait_of[p]);
	}
	s->pool_timeouts = s->fanouts = 0;
	tavg_reset(&s->running, now);
	if (s->ops->reset)
		s->ops->reset(s);
	for (int i = 0; i < n->n_instances; i++) {
		struct instance *in = &s->inst[i];
		in->busy_before += tavg_integral(&in->busy, now);
		in->arrivals_before += in->arrivals;
		in->rejections_before += in->rejections;
		tavg_reset(&s->inst[i].busy, now);
		tavg_reset(&s->inst[i].slots, now);
		tavg_reset(&s->inst[i].queued, now);
		s->inst[i].arrivals = s->inst[i].rejections = 0;
	}
}

/* The name of instance i in reports: "web/2", or the kind's. */
static void instance_scope(const struct server *s, int i, char *buf, size_t n)
{
	if (s->ops->instance_scope)
		s->ops->instance_scope(s, i, buf, n);
	else
		snprintf(buf, n, "%s/%d", s->base.name, i);
}

void server_report(const struct node *n, struct report *rep)
{
	const struct server *s = (const struct server *)n;
	double now = n->net->sim.now, T = n->net->t_end - n->net->t_warm;
	/* Threads (sync), connections (async) or a database's connections in
	 * use: in sync mode the pool can run out while the CPU idles. */
	report_add(rep, n->name, "worker_utilization",
		   tavg_mean(&s->slots_used, now) / ((double)s->slots * (double)n->n_instances));
	/* An autoscaled tier pays for the instances running, as they come and go. */
	double paid = s->is_scaled ? tavg_mean(&s->running, now) : (double)n->n_instances;
	report_add(rep, n->name, "cost_per_hour", s->cfg.price * paid);
	if (s->pools) {
		report_add(rep, n->name, "pool_wait_mean", s->pool_wait.mean);
		report_add(rep, n->name, "pool_waiting_mean", tavg_mean(&s->pool_waiting, now));
		report_add(rep, n->name, "pool_timeouts", (double)s->pool_timeouts);
		for (int p = 0; p < s->n_pools; p++) { /* scope "CALLER->CALLEE" */
			char scope[140];
			double conns = (double)s->cfg.pool * (double)n->n_instances;
			snprintf(scope, sizeof scope, "%s->%s", n->name, n->net->nodes[s->pool_dst[p]]->name);
			report_add(rep, scope, "pool_utilization", tavg_mean(&s->pool_busy[p], now) / conns);
			report_add(rep, scope, "pool_connections", conns);
			report_add(rep, scope, "pool_wait_mean", s->pool_wait_of[p].mean);
		}
	}
	if (s->has_fanout)
		report_add(rep, n->name, "fanouts", (double)s->fanouts);
	if (s->ops->report)
		s->ops->report(s, rep);
	if (n->n_instances <= 1)
		return;
	double hottest = 0;
	for (int i = 0; i < n->n_instances; i++) {
		double u = tavg_mean(&s->inst[i].busy, now) / (double)s->cfg.cores;
		if (u > hottest)
			hottest = u;
	}
	report_add(rep, n->name, "hottest_instance_utilization", hottest);
	if (n->n_instances > PER_INSTANCE_MAX)
		return;
	for (int i = 0; i < n->n_instances; i++) {
		char scope[96];
		instance_scope(s, i, scope, sizeof scope);
		report_add(rep, scope, "utilization", tavg_mean(&s->inst[i].busy, now) / (double)s->cfg.cores);
		report_add(rep, scope, "worker_utilization", tavg_mean(&s->inst[i].slots, now) / (double)s->slots);
		report_add(rep, scope, "mean_queued", tavg_mean(&s->inst[i].queued, now));
		report_add(rep, scope, "throughput", T > 0 ? (double)s->inst[i].arrivals / T : 0);
		report_add(rep, scope, "rejections", (double)s->inst[i].rejections);
	}
}

void tier_set_running(struct server *s, int inst, int running)
{
	double now = s->base.net->sim.now;
	struct instance *in = &s->inst[inst];
	if (!s->is_scaled) { /* the first call: every slot ran so far */
		s->is_scaled = 1;
		for (int i = 0; i < s->base.n_instances; i++)
			s->inst[i].running = 1;
		tavg_set(&s->running, now, s->base.n_instances);
	}
	if (in->running == !!running)
		return;
	in->running = !!running;
	tavg_add(&s->running, now, running ? 1 : -1);
	in->draining = 0;
}

int tier_drain(struct server *s, int inst, void (*done)(struct node *ctl, int inst), struct node *ctl)
{
	struct instance *in = &s->inst[inst];
	in->draining = 1;
	s->drained = done;
	s->drain_ctl = ctl;
	return in->admitted == 0 && in->wait_slot.n == 0;
}

void tier_totals(const struct server *s, int inst, double *busy, uint64_t *arrivals, uint64_t *rejections)
{
	const struct instance *in = &s->inst[inst];
	double now = s->base.net->sim.now;
	*busy = in->busy_before + tavg_integral(&in->busy, now);
	*arrivals = in->arrivals_before + in->arrivals;
	*rejections = in->rejections_before + in->rejections;
}

void server_release(struct node *n)
{
	struct server *s = (struct server *)n;
	rng_release(&s->rng_service);
	rng_release(&s->rng_calls);
	if (s->cfg.call_timeout > 0)
		tmo_release(&s->timeouts);
	if (s->pools)
		tmo_release(&s->pool_tmo);
	if (s->ops->release)
		s->ops->release(s);
	for (int i = 0; i < s->n_plans; i++) {
		free(s->plans[i].first);
		free(s->plans[i].dst);
		free(s->plans[i].prob);
		free(s->plans[i].pool);
	}
	free(s->plans);
	free(s->pools);
	free(s->pool_busy);
	free(s->pool_wait_of);
	free(s->inst);
}

const char *server_check(const void *cfgp, const struct param *params, unsigned long present, const char **key)
{
	const struct server_cfg *cfg = cfgp;
	if (param_is_present(params, present, "pool_timeout") && !param_is_present(params, present, "pool")) {
		*key = "pool_timeout";
		return "'pool_timeout' applies only with 'pool' (connections per instance to each called node)";
	}
	if (param_is_present(params, present, "service_after") && cfg->calls.n == 0 && cfg->classes_head.n == 0) {
		*key = "service_after";
		return "'service_after' is CPU time after the calls, and this node makes none: add it to 'service'";
	}
	for (int i = 0; i < cfg->classes_head.n; i++) {
		for (int j = 0; j < i; j++) {
			if (cfg->classes[i].cls == cfg->classes[j].cls) {
				*key = "classes";
				return "'classes' has two entries for the same class";
			}
		}
	}
	return NULL;
}

static const char *plain_server_check(const void *cfg, unsigned long present, const char **key, char *msg, size_t n);

#define OFF(f) offsetof(struct server_cfg, f)
/* clang-format off */
const struct metric_def server_metrics[] = {
	{"utilization", MS_NODE | MS_INSTANCE, MU_FRACTION, MR_UTILIZATION, MB_LOWER, "CPU cores",
	 "busy cores over cores, time average"},
	{"worker_utilization", MS_NODE | MS_INSTANCE, MU_FRACTION, MR_UTILIZATION, MB_LOWER, "workers",
	 "admission slots in use over slots: threads (sync), connections (async, databases)"},
	{"hottest_instance_utilization", MS_NODE, MU_FRACTION, MR_UTILIZATION, MB_LOWER, "hottest instance",
	 "the busiest instance's CPU utilization (a hot shard, uneven balancing); tiers of several instances"},
	{"cost_per_hour", MS_NODE, MU_DOLLARS_HOUR, MR_COST, MB_LOWER, NULL, "price x instances"},
	{"pool_wait_mean", MS_NODE | MS_POOL, MU_SECONDS, MR_TIME, MB_LOWER, NULL,
	 "mean time a call waited for a pooled connection, over the calls that got one"},
	{"pool_waiting_mean", MS_NODE, MU_NUMBER, MR_LEVEL, MB_LOWER, NULL,
	 "calls waiting for a pooled connection, time average"},
	{"pool_timeouts", MS_NODE, MU_COUNT, MR_COUNT, MB_LOWER, NULL, "calls that gave up waiting for a connection"},
	{"pool_utilization", MS_POOL, MU_FRACTION, MR_UTILIZATION, MB_LOWER, "connection pool",
	 "pooled connections in use to this callee over the pool's size, all instances"},
	{"pool_connections", MS_POOL, MU_NUMBER, MR_LEVEL, MB_NEITHER, NULL,
	 "the pool's size: connections to this callee over all instances"},
	{"fanouts", MS_NODE, MU_COUNT, MR_COUNT, MB_NEITHER, NULL, "parallel groups of calls started"},
	{"mean_queued", MS_INSTANCE, MU_NUMBER, MR_LEVEL, MB_LOWER, NULL,
	 "requests waiting for an admission slot, time average"},
	{"throughput", MS_INSTANCE, MU_RATE, MR_RATE, MB_NEITHER, NULL, "requests that reached the instance per second"},
	{"rejections", MS_INSTANCE, MU_COUNT, MR_COUNT, MB_LOWER, NULL, "requests the instance refused"},
	{0},
};
/* clang-format on */

static const struct param server_params[] = {
	SERVER_COMMON_PARAMS("separate machines, each with its own queue", "requests on CPU at once, per instance",
			     "64", "sync mode: threads per instance, held until the answer is sent",
			     "requests waiting for a worker per instance; beyond: refused (502)",
			     "CPU time per request, e.g. exp(4ms)",
			     "downstream calls, in order, after the CPU work: db, db*3, search?0.2, price+stock",
			     "cost per instance, e.g. $0.096/h"),
	{"max_connections", PT_COUNT, OFF(max_connections), "10000", 1, 1e8, NULL, 0,
	 "async mode: connections per instance, held until the answer is sent"},
	{"mode", PT_ENUM, OFF(mode), "sync", 0, 0, "sync|async", 0, "sync: a thread per request; async: an event loop"},
	{0},
};
#undef OFF

static const char *plain_server_check(const void *cfg, unsigned long present, const char **key, char *msg, size_t n)
{
	(void)msg;
	(void)n;
	return server_check(cfg, server_params, present, key);
}

const struct node_kind server_kind = {
	.name = "server",
	.summary = "web/app tier: instances x cores, worker pool, queue, sync or async",
	.params = server_params,
	.check = plain_server_check,
	.size = sizeof(struct server),
	.cfg_size = sizeof(struct server_cfg),
	.init = server_init,
	.capacity = server_capacity,
	.instances = server_instances,
	.zones = server_zones,
	TIER_KIND_HANDLERS,
};
