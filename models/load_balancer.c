/*
 * load_balancer.c - a load balancer in front of a tier of instances.
 *
 * Each request takes one of the balancer's `cores` for `service` (the
 * balancer's own processing), then goes to one instance of `targets` chosen
 * by `policy` among the instances its health checks consider healthy.
 * Requests waiting for the balancer form the surge queue; when it holds
 * `surge_queue` requests, a new one is refused with 503 and counted in
 * SpilloverCount (Classic ELB semantics).
 *
 * Health checks (ALB defaults): every `health_interval` each target
 * instance is probed; a crashed instance fails its probe at once, a hung
 * one after `health_timeout`.  After `unhealthy_threshold` failures in a
 * row the instance is taken out of rotation, after `healthy_threshold`
 * successes it is put back: a dead target keeps receiving requests (502
 * when it refuses them) until it is detected.  With no healthy target the
 * balancer answers 503, or with `fail_open` spreads over all of them (as
 * an ALB does).  A target that refuses the connection becomes the
 * balancer's own 502; a target's own 5xx passes through.
 *
 * The balancer itself can crash: then clients cannot connect (502, made
 * by the balancer) and what it held is lost.  With `instances: 2` it is a
 * pair: active_active (clients spread over both; a dead one keeps its
 * share, refused, until DNS drops it `failover_time` later) or
 * active_passive (clients reach one; `failover_time` after it dies the
 * other takes over, and meanwhile nothing answers).
 *
 * Keys: targets (required), policy, surge_queue (1024), service
 * (const(50us)), cores (1), price ($0.0225/h), idle_timeout (60s: a target
 * silent that long gets the client a 504), health_interval (30s),
 * health_timeout (5s), healthy_threshold (5), unhealthy_threshold (2),
 * fail_open (false).
 *
 * Metrics: the common ones; TargetResponseTime (time series) runs from the
 * request leaving the balancer to the target's answer; HealthyHostCount
 * and UnHealthyHostCount are the balancer's view of its targets.  Status
 * codes: 502, 503, 504.
 */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "../sim/engine/util.h"
#include "limiter.h"
#include "model.h"

enum lb_policy { LB_ROUND_ROBIN, LB_RANDOM, LB_LEAST_CONN, LB_POWER_OF_TWO };

/* One balancer machine: its own cores and surge queue. */
struct lb_unit {
	long busy;   /* cores in use */
	long active; /* requests inside it (queued or in service or out at a target) */
	struct req_fifo surge;
	int is_routable; /* active_active: clients still send to it (DNS) */
};

struct lb_cfg {
	int targets;
	int policy;
	long surge_queue;
	struct dist service;
	long cores;
	double price;       /* dollars per hour */
	double hc_interval; /* seconds */
	double hc_timeout;  /* seconds */
	long healthy_thr, unhealthy_thr;
	int fail_open;          /* 0 false, 1 true */
	double idle_timeout;    /* seconds */
	double connect_timeout; /* seconds; 0: none */
	long zones;             /* zones it spans: it fails with a zone only if it has one */
	long retries;           /* other instances tried after a refused connection */
	long instances;         /* balancer machines */
	int failover;           /* enum failover: FAILOVER_SPREAD is active_active */
	double failover_time;   /* seconds until clients stop (or start) using an instance */
	double lcu_price;       /* dollars per LCU-hour */
	long rules;             /* listener rules evaluated per request */
	long per_connection;    /* requests a client sends over one connection */
	double transfer_price;  /* dollars per GB sent to the clients */
	double rate_limit;      /* requests per second let in; 0: none */
	long burst;             /* the bucket's size; 0: one second's worth */
	int rate_limit_by;      /* enum limit_by */
};

struct lb {
	struct node base;
	struct lb_cfg cfg;
	struct rng rng_service, rng_route, rng_health;
	struct lb_unit *units;  /* owned: one per balancer instance */
	struct standby standby; /* active_passive: the unit clients reach (standby.active) */
	int rr_unit;            /* active_active: next instance for a client */
	int n_targets;
	long *outstanding; /* owned: requests at each target instance */
	int rr;            /* next instance for round robin */
	/* Health checks: the balancer's view of each target instance. */
	char *in_rotation; /* owned: 1 while considered healthy */
	int n_in_rotation;
	char *registered; /* owned: 1 while registered (an autoscaler's instances come and go) */
	int n_registered;
	int *streak;         /* owned: successes (> 0) or failures (< 0) in a row */
	char *probe_pending; /* owned: a probe to a hung instance awaits its timeout */
	int *last_log;       /* owned: the failure record it detected, or -1 */
	int *pick;           /* owned: scratch list of instances in rotation */
	struct tmo idle;
	struct tmo connect; /* when cfg.connect_timeout > 0 */ /* idle timeouts of calls to targets */
	double bytes;       /* request and response bytes processed since the warm-up */
	double p_bytes;     /* the same, in the current time-series period */
	double bytes_out;   /* response bytes sent to the clients since the warm-up */
	struct limiter lim; /* its rate limit (rate 0: none) */
};

#define OFF(f) offsetof(struct lb_cfg, f)
/* clang-format off */
static const struct metric_def lb_metrics[] = {
	{"utilization", MS_NODE, MU_FRACTION, MR_UTILIZATION, MB_LOWER, "cores",
	 "busy cores over cores, time average"},
	{"surge_queue_utilization", MS_NODE, MU_FRACTION, MR_UTILIZATION, MB_LOWER, "surge queue",
	 "requests in the surge queue over its size, time average (a bounded queue)"},
	{"consumed_lcus", MS_NODE, MU_NUMBER, MR_LEVEL, MB_LOWER, NULL,
	 "load balancer capacity units: the largest of new connections/s over 25, active connections over "
	 "3,000, GB processed per hour, rule evaluations/s beyond 10 a request over 1,000"},
	{"processed_bytes", MS_NODE, MU_BYTES_S, MR_RATE, MB_NEITHER, NULL,
	 "request and response bytes through the balancer per second"},
	{"transfer_cost_per_hour", MS_NODE, MU_DOLLARS_HOUR, MR_COST, MB_LOWER, NULL,
	 "response bytes sent to the clients per hour, in GB, x transfer_price"},
	{"cost_per_hour", MS_NODE, MU_DOLLARS_HOUR, MR_COST, MB_LOWER, NULL,
	 "price + consumed_lcus x lcu_price + transfer_cost_per_hour"},
	LIMITER_METRICS,
	{0},
};
/* clang-format on */

static const struct param lb_params[] = {
	{"targets", PT_NODE, OFF(targets), NULL, 0, 0, NULL, P_REQUIRED | P_REF_INSTANCES,
	 "the server tier whose instances receive the requests"},
	{"policy", PT_ENUM, OFF(policy), "round_robin", 0, 0, "round_robin|random|least_connections|power_of_two", 0,
	 "how an instance is chosen"},
	{"surge_queue", PT_COUNT, OFF(surge_queue), "1024", 0, 1e9, NULL, P_UNLIMITED,
	 "requests that may wait for the balancer; beyond: 503 and SpilloverCount"},
	{"service", PT_DIST, OFF(service), "const(50us)", 0, 0, NULL, 0, "processing time per request at the balancer"},
	{"cores", PT_COUNT, OFF(cores), "1", 1, 1e6, NULL, 0, "requests processed at once"},
	LIMITER_PARAMS(OFF(rate_limit), OFF(burst), OFF(rate_limit_by)),
	{"price", PT_MONEY, OFF(price), "$0.0225/h", 0, 1e6, NULL, 0, "cost of running the balancer"},
	{"lcu_price", PT_MONEY, OFF(lcu_price), "$0.008/h", 0, 1e6, NULL, 0,
	 "price of one load balancer capacity unit (LCU) per hour, added to price"},
	{"rules", PT_COUNT, OFF(rules), "0", 0, 1000, NULL, 0,
	 "listener rules evaluated per request (the first 10 are free), for the LCUs"},
	{"transfer_price", PT_PRICE_GB, OFF(transfer_price), "$0/GB", 0, 1e6, NULL, 0,
	 "price of the data sent to the clients (the internet: about $0.09/GB), added to the cost"},
	{"requests_per_connection", PT_COUNT, OFF(per_connection), "1", 1, 1e9, NULL, 0,
	 "requests a client sends over one connection (keep-alive), for the LCUs' new connections"},
	{"health_interval", PT_DURATION, OFF(hc_interval), "30s", 1e-3, 1e6, NULL, 0,
	 "time between two health checks of a target instance"},
	{"health_timeout", PT_DURATION, OFF(hc_timeout), "5s", 1e-3, 1e6, NULL, 0,
	 "a probe not answered within it fails (a hung instance)"},
	{"healthy_threshold", PT_COUNT, OFF(healthy_thr), "5", 1, 1000, NULL, 0,
	 "successful checks in a row to put an instance back in rotation"},
	{"unhealthy_threshold", PT_COUNT, OFF(unhealthy_thr), "2", 1, 1000, NULL, 0,
	 "failed checks in a row to take an instance out of rotation"},
	{"instances", PT_COUNT, OFF(instances), "1", 1, 100, NULL, 0,
	 "balancer machines (a pair: 2), each with its own cores and surge queue"},
	{"failover", PT_ENUM, OFF(failover), "active_active", 0, 0, "active_active|active_passive", 0,
	 "active_active: clients spread over the instances; active_passive: one serves, one stands by"},
	{"failover_time", PT_DURATION, OFF(failover_time), "30s", 0, 1e6, NULL, 0,
	 "how long clients keep reaching a dead instance (DNS TTL, or moving the VIP)"},
	{"retries", PT_COUNT, OFF(retries), "0", 0, 100, NULL, 0,
	 "other instances tried when one refuses the connection (nginx's proxy_next_upstream; ALB: 0)"},
	{"zones", PT_COUNT, OFF(zones), "1", 1, 26, NULL, 0,
	 "availability zones the balancer spans (2 or more: it survives a zone's failure, as an ALB does)"},
	{"idle_timeout", PT_DURATION, OFF(idle_timeout), "60s", 1e-6, 1e6, NULL, 0,
	 "a target that has not answered within it gets the client a 504"},
	{"connect_timeout", PT_DURATION, OFF(connect_timeout), NULL, 1e-6, 1e6, NULL, P_OPTIONAL,
	 "a connection to a target not made within it (unreachable target) fails with 504; none if absent"},
	{"fail_open", PT_ENUM, OFF(fail_open), "false", 0, 0, "false|true", 0,
	 "with no healthy target: true spreads over all of them (ALB), false answers 503"},
	{0},
};
#undef OFF

static const char *lb_check(const void *cfg, unsigned long present, const char **key, char *msg, size_t n)
{
	(void)msg;
	(void)n;
	return limiter_check(lb_params, present, ((const struct lb_cfg *)cfg)->rate_limit_by, key);
}

static void lb_init(struct node *n, const void *cfg)
{
	struct lb *lb = (struct lb *)n;
	lb->cfg = *(const struct lb_cfg *)cfg;
	n->zones = (int)lb->cfg.zones;
	node_set_instances(n, (int)lb->cfg.instances);
	n->capacity = (double)(lb->cfg.cores * lb->cfg.instances);
	lb->units = xcalloc(lb->cfg.instances, sizeof(*lb->units));
	limiter_init(&lb->lim, n->net, lb->cfg.rate_limit, (double)lb->cfg.burst, lb->cfg.rate_limit_by);
	for (long u = 0; u < lb->cfg.instances; u++)
		lb->units[u].is_routable = 1;
	if (lb->cfg.failover == FAILOVER_ACTIVE_PASSIVE)
		node_standby_init(n, &lb->standby, lb->cfg.failover_time);
	node_rng_init(n, &lb->rng_service, "service");
	node_rng_init(n, &lb->rng_route, "route");
	node_rng_init(n, &lb->rng_health, "health");
	node_timeouts_init(n, &lb->idle, lb->cfg.idle_timeout, HTTP_GATEWAY_TIMEOUT);
	if (lb->cfg.connect_timeout > 0)
		node_timeouts_init(n, &lb->connect, lb->cfg.connect_timeout, HTTP_GATEWAY_TIMEOUT);
}

static void ev_probe(struct sim *sim, void *obj, void *arg);

/* HealthyHostCount and UnHealthyHostCount: the registered targets in and
 * out of rotation (a deregistered one is neither). */
static void count_hosts(struct lb *lb)
{
	lb->base.n_healthy = lb->n_in_rotation;
	lb->base.n_unhealthy = lb->n_registered - lb->n_in_rotation;
}

static void lb_start(struct node *n)
{
	struct lb *lb = (struct lb *)n;
	/* Instances are known once every node is initialised. */
	int k = n->net->nodes[lb->cfg.targets]->n_instances;
	lb->n_targets = k;
	lb->outstanding = xcalloc(k, sizeof(*lb->outstanding));
	lb->in_rotation = xcalloc(k, 1);
	lb->streak = xcalloc(k, sizeof(int));
	lb->probe_pending = xcalloc(k, 1);
	lb->last_log = xcalloc(k, sizeof(int));
	lb->pick = xcalloc(k, sizeof(int));
	lb->registered = xcalloc(k, 1);
	const struct node *t = n->net->nodes[lb->cfg.targets];
	for (int i = 0; i < k; i++) { /* those in service at the start are registered and healthy */
		lb->registered[i] = lb->in_rotation[i] = (char)t->health[i].in_service;
		lb->n_registered += lb->registered[i];
		lb->last_log[i] = -1;
	}
	lb->n_in_rotation = lb->n_registered;
	count_hosts(lb);
	/* Checks start at a random phase: failures at round times must not
	 * line up with them by construction. */
	sim_after(&n->net->sim, gsl_rng_uniform(lb->rng_health.r) * lb->cfg.hc_interval, ev_probe, lb, NULL);
}

static void set_rotation(struct lb *lb, int i, int in)
{
	struct net *net = lb->base.net;
	struct instance_health *h = &net->nodes[lb->cfg.targets]->health[i];
	lb->in_rotation[i] = (char)in;
	lb->n_in_rotation += in ? 1 : -1;
	count_hosts(lb);
	if (!in && h->log >= 0) { /* detected */
		net_log_detected(net, h->log);
		lb->last_log[i] = h->log;
	} else if (in && lb->last_log[i] >= 0) { /* back in service */
		net_log_healthy(net, lb->last_log[i]);
		lb->last_log[i] = -1;
	}
}

static void probe_result(struct lb *lb, int i, int ok)
{
	int *s = &lb->streak[i];
	*s = ok ? (*s > 0 ? *s + 1 : 1) : (*s < 0 ? *s - 1 : -1);
	if (lb->in_rotation[i] && *s <= -lb->cfg.unhealthy_thr)
		set_rotation(lb, i, 0);
	else if (!lb->in_rotation[i] && *s >= lb->cfg.healthy_thr)
		set_rotation(lb, i, 1);
}

static void ev_probe_timeout(struct sim *sim, void *obj, void *arg)
{
	(void)sim;
	(void)arg;
	struct lb *lb = obj;
	for (int i = 0; i < lb->n_targets; i++) {
		if (lb->probe_pending[i]) {
			lb->probe_pending[i] = 0;
			probe_result(lb, i, 0);
		}
	}
}

/* A round of health checks: an instance up answers at once, a crashed one
 * refuses at once, a hung one lets the probe time out. */
static void ev_probe(struct sim *sim, void *obj, void *arg)
{
	(void)arg;
	struct lb *lb = obj;
	const struct node *t = lb->base.net->nodes[lb->cfg.targets];
	int any_hung = 0;
	if (lb->base.n_up > 0) { /* a dead balancer checks nothing */
		for (int i = 0; i < lb->n_targets; i++) {
			if (!lb->registered[i])
				continue;
			int state = node_state(t, i);
			if (state == HEALTH_HUNG) {
				lb->probe_pending[i] = 1;
				any_hung = 1;
			} else {
				probe_result(lb, i, state == HEALTH_UP);
			}
		}
	}
	if (any_hung)
		sim_after(sim, lb->cfg.hc_timeout, ev_probe_timeout, lb, NULL);
	sim_after(sim, lb->cfg.hc_interval, ev_probe, lb, NULL);
}

/* Chooses an instance among those in rotation (all registered ones when
 * fail_open and none is); -1 if there is none. */
static int pick_instance(struct lb *lb)
{
	int n = lb->n_targets, m = 0;
	const char *ok = lb->in_rotation;
	int all = lb->n_in_rotation == n;
	if (lb->n_in_rotation == 0) { /* failing open: over every registered instance */
		if (!lb->cfg.fail_open || lb->n_registered == 0)
			return -1;
		ok = lb->registered;
		all = lb->n_registered == n;
	}
	switch (lb->cfg.policy) {
	case LB_LEAST_CONN: {
		/* Scan from the round-robin position so ties rotate. */
		int best = -1;
		for (int k = 0; k < n; k++) {
			int i = (lb->rr + k) % n;
			if ((all || ok[i]) && (best < 0 || lb->outstanding[i] < lb->outstanding[best]))
				best = i;
		}
		lb->rr = (lb->rr + 1) % n;
		return best;
	}
	case LB_ROUND_ROBIN:
		for (int k = 0; k < n; k++) {
			int i = lb->rr;
			lb->rr = (lb->rr + 1) % n;
			if (all || ok[i])
				return i;
		}
		BUG("no instance in rotation");
	default: break;
	}
	/* random and power of two choose among the instances in rotation
	 * (with all of them in, the draws are exactly those of no checks) */
	int *c = lb->pick;
	if (all)
		m = n;
	else
		for (int i = 0; i < n; i++)
			if (ok[i])
				c[m++] = i;
	int ja = (int)gsl_rng_uniform_int(lb->rng_route.r, m);
	int a = all ? ja : c[ja];
	if (lb->cfg.policy == LB_RANDOM || m == 1)
		return a;
	int jb = (int)gsl_rng_uniform_int(lb->rng_route.r, m - 1);
	if (jb >= ja)
		jb++;
	int b = all ? jb : c[jb];
	return lb->outstanding[b] < lb->outstanding[a] ? b : a;
}

static void start_service(struct lb *lb, struct request *r);

static void ev_served(struct sim *sim, void *obj, void *arg)
{
	(void)sim;
	struct lb *lb = obj;
	struct node *n = &lb->base;
	struct request *r = arg;
	struct frame *f = request_frame(r);
	struct lb_unit *u = &lb->units[f->self_inst];

	if (node_is_stale(&lb->base, r)) {
		node_fail_request(n, r, HTTP_BAD_GATEWAY); /* its connection was reset */
		return;
	}
	u->busy--;
	node_busy(n, -1);
	if (u->surge.n > 0) {
		node_waiting(n, -1);
		start_service(lb, fifo_pop(&u->surge));
	}
	int i = pick_instance(lb);
	if (i < 0) {
		u->active--;
		node_active(n, -1);
		node_reject(n, r, HTTP_UNAVAILABLE, 0); /* no healthy target */
		return;
	}
	lb->outstanding[i]++;
	f->step = (uint16_t)i;
	f->flags = 0;                       /* tries on other instances */
	lb_trace_in(r, n->id, f->t_arrive); /* for the access log */
	lb_trace_dispatch(r, lb->cfg.targets, i, n->net->sim.now);
	if (node_call_timed(n, f->self_inst, r, lb->cfg.targets, i, &lb->idle) && lb->cfg.connect_timeout > 0)
		node_call_connect_timeout(r, &lb->connect); /* lost, so parked: still ours to arm */
}

static void start_service(struct lb *lb, struct request *r)
{
	int k = request_frame(r)->self_inst;
	double slow = lb->base.health[k].slow;
	node_started(&lb->base, lb->base.net->sim.now - request_frame(r)->t_arrive);
	lb->units[k].busy++;
	node_busy(&lb->base, 1);
	sim_after(&lb->base.net->sim, slow * dist_sample(&lb->cfg.service, &lb->rng_service), ev_served, lb, r);
}

/* The balancer instance a client reaches, or -1 if none (failing over). */
static int pick_unit(struct lb *lb)
{
	int n = (int)lb->cfg.instances;
	if (n == 1)
		return 0;
	if (lb->cfg.failover == FAILOVER_ACTIVE_PASSIVE)
		return lb->standby.active;
	for (int k = 0; k < n; k++) {
		int u = lb->rr_unit;
		lb->rr_unit = (lb->rr_unit + 1) % n;
		if (lb->units[u].is_routable)
			return u;
	}
	return -1;
}

static void lb_arrive(struct node *n, struct request *r)
{
	struct lb *lb = (struct lb *)n;
	struct frame *f = request_frame(r);
	int k = pick_unit(lb);
	node_arrival(n);
	lb->bytes += r->req_bytes;
	lb->p_bytes += r->req_bytes;
	f->t_arrive = n->net->sim.now;
	f->self_inst = k < 0 ? 0 : k;
	f->epoch = n->health[f->self_inst].epoch;
	lb_trace_in(r, n->id, f->t_arrive);
	struct lb_unit *u = &lb->units[f->self_inst];
	if (!limiter_admit(&lb->lim, r, n->net->sim.now)) {
		node_reject(n, r, HTTP_TOO_MANY, 0); /* its own 4XX */
	} else if (k < 0 || n->health[k].state != HEALTH_UP) {
		node_reject(n, r, HTTP_BAD_GATEWAY, 0); /* cannot connect */
	} else if (u->busy < lb->cfg.cores) {
		u->active++;
		node_active(n, 1);
		start_service(lb, r);
	} else if (u->surge.n < lb->cfg.surge_queue) {
		u->active++;
		node_active(n, 1);
		node_waiting(n, 1);
		fifo_push(&u->surge, r);
	} else {
		node_reject(n, r, HTTP_UNAVAILABLE, 1);
	}
}

static void lb_reply(struct node *n, struct request *r)
{
	struct lb *lb = (struct lb *)n;
	struct frame *f = request_frame(r);
	double now = n->net->sim.now;
	lb->outstanding[f->step]--;
	node_downstream(n, now - f->t_call);
	if (node_is_stale(&lb->base, r)) { /* the answer came back to a balancer that died */
		node_fail_request(n, r, HTTP_BAD_GATEWAY);
		return;
	}
	/* A refused connection (the target's own 502) may be tried on another
	 * instance: f->flags counts the tries so far. */
	if (r->status == HTTP_BAD_GATEWAY && r->origin == lb->cfg.targets && f->flags < lb->cfg.retries &&
	    lb->n_in_rotation > 1) {
		int i = pick_instance(lb);
		if (i >= 0 && i != f->step) {
			f->flags++;
			r->status = HTTP_OK;
			r->origin = -1;
			lb->outstanding[i]++;
			f->step = (uint16_t)i;
			lb_trace_dispatch(r, lb->cfg.targets, i, now);
			node_call_timed(n, f->self_inst, r, lb->cfg.targets, i, &lb->idle);
			return;
		}
	}
	lb->units[f->self_inst].active--;
	node_active(n, -1);
	lb_trace_answer(r, now);
	/* A refused or timed-out connection to a target is the balancer's own
	 * 502/504 (HTTPCode_ELB_5XX); a target's own 5xx passes through. */
	if (r->status == HTTP_BAD_GATEWAY || r->status == HTTP_GATEWAY_TIMEOUT)
		r->origin = n->id;
	/* The client closed the connection before the answer (its timeout):
	 * the balancer logs and counts 460, its own 4XX, as an ALB does. */
	if (r->orphan_at == r->depth - 1) {
		r->status = HTTP_CLIENT_CLOSED;
		r->origin = n->id;
	}
	lb->bytes += r->resp_bytes;
	lb->p_bytes += r->resp_bytes;
	lb->bytes_out += r->resp_bytes;
	node_done(n, r, now - f->t_arrive, now - f->t_call);
	node_reply(n, r);
}

/* active_active: clients stop (or start again) reaching an instance. */
static void ev_reroute(struct sim *sim, void *obj, void *arg)
{
	(void)sim;
	struct lb *lb = obj;
	int k = (int)(intptr_t)arg;
	lb->units[k].is_routable = lb->base.health[k].state == HEALTH_UP;
}

static void lb_health_changed(struct node *n, int inst, int old)
{
	struct lb *lb = (struct lb *)n;
	struct lb_unit *u = &lb->units[inst];
	int up = n->health[inst].state == HEALTH_UP;
	struct sim *sim = &n->net->sim;
	if (old == HEALTH_UP && !up) {
		/* Crashed: what it was processing or had sent on is lost (node_is_stale
		 * finds it), its surge queue is dropped. */
		node_busy(n, -(double)u->busy);
		node_waiting(n, -(double)u->surge.n);
		node_active(n, -(double)u->active);
		u->busy = u->active = 0;
		struct request *r;
		while ((r = fifo_pop(&u->surge)))
			node_fail_request(n, r, HTTP_BAD_GATEWAY);
	}
	if (lb->cfg.instances == 1)
		return;
	if (lb->cfg.failover == FAILOVER_SPREAD) {
		sim_after(sim, lb->cfg.failover_time, ev_reroute, lb, (void *)(intptr_t)inst);
		return;
	}
	node_standby_changed(n, &lb->standby, inst);
}

/* An autoscaler registered instance inst of the targets (it must pass
 * one health check before it gets requests, as with an ALB), or
 * deregistered it (it gets no new requests from now on). */
static void lb_registration(struct node *n, int target, int inst, int registered)
{
	struct lb *lb = (struct lb *)n;
	if (target != lb->cfg.targets || !lb->registered || lb->registered[inst] == registered)
		return; /* not ours, or before lb_start (which reads who is in service) */
	if (!registered && lb->in_rotation[inst]) {
		lb->in_rotation[inst] = 0;
		lb->n_in_rotation--;
	}
	lb->registered[inst] = (char)registered;
	lb->n_registered += registered ? 1 : -1;
	lb->streak[inst] = registered ? (int)lb->cfg.healthy_thr - 1 : 0; /* one success puts it in */
	lb->probe_pending[inst] = 0;
	count_hosts(lb);
}

static int lb_instances(const void *cfg)
{
	return (int)((const struct lb_cfg *)cfg)->instances;
}

static int lb_zones(const void *cfg)
{
	return (int)((const struct lb_cfg *)cfg)->zones;
}

static double lb_capacity(const void *cfgp, int *unbounded)
{
	const struct lb_cfg *cfg = cfgp;
	double mean = dist_mean(&cfg->service);
	*unbounded = cfg->surge_queue == LONG_MAX;
	return mean > 0 ? (double)(cfg->cores * cfg->instances) / mean : HUGE_VAL;
}

/*
 * Load balancer capacity units at a load of rate requests per second,
 * active requests inside and bytes_s processed per second: the largest of
 * the four dimensions ALB bills (../shared/DOMAIN.md).
 */
static double lcus_of(const struct lb *lb, double rate, double active, double bytes_s)
{
	double dims[4] = {
		rate / (double)lb->cfg.per_connection / 25,
		active / 3000,
		bytes_s * 3600 / 1e9,
		rate * (double)(lb->cfg.rules > 10 ? lb->cfg.rules - 10 : 0) / 1000,
	};
	double lcus = 0;
	for (int i = 0; i < 4; i++)
		lcus = fmax(lcus, dims[i]);
	return lcus;
}

static void lb_report(const struct node *n, struct report *rep)
{
	const struct lb *lb = (const struct lb *)n;
	if (lb->cfg.surge_queue != LONG_MAX && lb->cfg.surge_queue > 0)
		report_add(rep, n->name, "surge_queue_utilization",
			   tavg_mean(&n->st.waiting, n->net->sim.now) /
				   ((double)lb->cfg.surge_queue * (double)n->n_instances));
	/* LCUs from what the measured time saw, each dimension at its average
	 * (a steady load's hourly bill; ALB bills each hour's largest). */
	double T = n->net->t_end - n->net->t_warm;
	double bytes_s = T > 0 ? lb->bytes / T : 0;
	double lcus =
		lcus_of(lb, T > 0 ? (double)n->st.arrivals / T : 0, tavg_mean(&n->st.active, n->net->sim.now), bytes_s);
	report_add(rep, n->name, "consumed_lcus", lcus);
	report_add(rep, n->name, "processed_bytes", bytes_s);
	double transfer = T > 0 ? lb->bytes_out / T * 3600 / 1e9 * lb->cfg.transfer_price : 0;
	report_add(rep, n->name, "transfer_cost_per_hour", transfer);
	report_add(rep, n->name, "cost_per_hour", lb->cfg.price + lcus * lb->cfg.lcu_price + transfer);
	limiter_report(&lb->lim, n, rep);
}

static void lb_reset(struct node *n)
{
	((struct lb *)n)->bytes = ((struct lb *)n)->bytes_out = 0;
	limiter_reset(&((struct lb *)n)->lim);
}

/* ConsumedLCUs of a time-series period. */
static void lb_period(struct node *n, double len, double *row)
{
	struct lb *lb = (struct lb *)n;
	row[TS_LCUS] = len > 0 ? lcus_of(lb, row[TS_REQUESTS] / len, row[TS_ACTIVE], lb->p_bytes / len) : 0;
	row[TS_RCPT] = lb->n_in_rotation > 0 ? row[TS_REQUESTS] / lb->n_in_rotation : 0;
	lb->p_bytes = 0;
}

static void lb_release(struct node *n)
{
	limiter_release(&((struct lb *)n)->lim);
	struct lb *lb = (struct lb *)n;
	rng_release(&lb->rng_service);
	rng_release(&lb->rng_route);
	rng_release(&lb->rng_health);
	tmo_release(&lb->idle);
	if (lb->cfg.connect_timeout > 0)
		tmo_release(&lb->connect);
	free(lb->outstanding);
	free(lb->in_rotation);
	free(lb->registered);
	free(lb->streak);
	free(lb->probe_pending);
	free(lb->last_log);
	free(lb->pick);
	free(lb->units);
}

const struct node_kind load_balancer_kind = {
	.metrics = lb_metrics,
	.check = lb_check,
	.name = "load_balancer",
	.summary = "spreads requests over a tier's healthy instances; health checks, surge queue, 503",
	.size = sizeof(struct lb),
	.cfg_size = sizeof(struct lb_cfg),
	.params = lb_params,
	.flags = KIND_CAN_FAIL,
	.init = lb_init,
	.start = lb_start,
	.arrive = lb_arrive,
	.reply = lb_reply,
	.capacity = lb_capacity,
	.zones = lb_zones,
	.instances = lb_instances,
	.health_changed = lb_health_changed,
	.registration = lb_registration,
	.report = lb_report,
	.reset = lb_reset,
	.period = lb_period,
	.release = lb_release,
};
