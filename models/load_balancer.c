/*
 * load_balancer.c - a load balancer in front of a tier of instances.
 *
 * Each request takes one of the balancer's `cores` for `service` (the
 * balancer's own processing), then goes to one instance of `targets` chosen
 * by `policy`.  Requests waiting for the balancer form the surge queue; when
 * it holds `surge_queue` requests, a new one is refused with 503 and counted
 * in SpilloverCount (Classic ELB semantics).  With no healthy instance the
 * balancer answers 503; a target that refuses the connection becomes the
 * balancer's 502.  Answers from the target are passed back unchanged.
 *
 * Keys: targets (node, required), policy (round_robin | random |
 * least_connections | power_of_two; default round_robin), surge_queue
 * (default 1024), service (default const(50us)), cores (default 1),
 * price ($/h, default $0.0225/h, an ALB-hour).
 *
 * Metrics: the common ones; TargetResponseTime (time series) runs from the
 * request leaving the balancer to the target's answer.  Status codes: 503, 502 (from a refusing target).
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>

#include "../sim/engine/util.h"
#include "model.h"

enum lb_policy { LB_ROUND_ROBIN, LB_RANDOM, LB_LEAST_CONN, LB_POWER_OF_TWO };

struct lb_cfg {
	int targets;
	int policy;
	long surge_queue;
	struct dist service;
	long cores;
	double price; /* dollars per hour */
};

struct lb {
	struct node base;
	struct lb_cfg cfg;
	struct rng rng_service, rng_route;
	long busy;
	struct req_fifo surge;
	int n_targets;
	long *outstanding; /* owned: requests at each target instance */
	int rr;            /* next instance for round robin */
};

#define OFF(f) offsetof(struct lb_cfg, f)
static const struct param lb_params[] = {
	{"targets", PT_NODE, OFF(targets), NULL, 0, 0, NULL, P_REQUIRED | P_REF_INSTANCES,
	 "the server tier whose instances receive the requests"},
	{"policy", PT_ENUM, OFF(policy), "round_robin", 0, 0, "round_robin|random|least_connections|power_of_two", 0,
	 "how an instance is chosen"},
	{"surge_queue", PT_COUNT, OFF(surge_queue), "1024", 0, 1e9, NULL, P_UNLIMITED,
	 "requests that may wait for the balancer; beyond: 503 and SpilloverCount"},
	{"service", PT_DIST, OFF(service), "const(50us)", 0, 0, NULL, 0, "processing time per request at the balancer"},
	{"cores", PT_COUNT, OFF(cores), "1", 1, 1e6, NULL, 0, "requests processed at once"},
	{"price", PT_MONEY, OFF(price), "$0.0225/h", 0, 1e6, NULL, 0, "cost of running the balancer"},
	{0},
};
#undef OFF

static void lb_init(struct node *n, const void *cfg)
{
	struct lb *lb = (struct lb *)n;
	lb->cfg = *(const struct lb_cfg *)cfg;
	n->capacity = (double)lb->cfg.cores;
	node_rng_init(n, &lb->rng_service, "service");
	node_rng_init(n, &lb->rng_route, "route");
}

static void lb_start(struct node *n)
{
	struct lb *lb = (struct lb *)n;
	/* Instances are known once every node is initialised. */
	lb->n_targets = n->net->nodes[lb->cfg.targets]->n_instances;
	lb->outstanding = xcalloc(lb->n_targets, sizeof(*lb->outstanding));
}

static int pick_instance(struct lb *lb)
{
	int n = lb->n_targets;
	switch (lb->cfg.policy) {
	case LB_RANDOM: return (int)gsl_rng_uniform_int(lb->rng_route.r, n);
	case LB_LEAST_CONN: {
		/* Scan from the round-robin position so ties rotate. */
		int best = lb->rr;
		for (int k = 1; k < n; k++) {
			int i = (lb->rr + k) % n;
			if (lb->outstanding[i] < lb->outstanding[best])
				best = i;
		}
		lb->rr = (lb->rr + 1) % n;
		return best;
	}
	case LB_POWER_OF_TWO: {
		if (n == 1)
			return 0;
		int a = (int)gsl_rng_uniform_int(lb->rng_route.r, n);
		int b = (int)gsl_rng_uniform_int(lb->rng_route.r, n - 1);
		if (b >= a)
			b++;
		return lb->outstanding[b] < lb->outstanding[a] ? b : a;
	}
	default: {
		int i = lb->rr;
		lb->rr = (lb->rr + 1) % n;
		return i;
	}
	}
}

static void start_service(struct lb *lb, struct request *r);

static void ev_served(struct sim *sim, void *obj, void *arg)
{
	(void)sim;
	struct lb *lb = obj;
	struct node *n = &lb->base;
	struct request *r = arg;

	lb->busy--;
	node_busy(n, -1);
	if (lb->surge.n > 0) {
		node_waiting(n, -1);
		start_service(lb, fifo_pop(&lb->surge));
	}
	struct node *t = n->net->nodes[lb->cfg.targets];
	if (t->n_healthy == 0) {
		node_active(n, -1);
		node_reject(n, r, HTTP_UNAVAILABLE, 0);
		return;
	}
	int i = pick_instance(lb);
	lb->outstanding[i]++;
	request_frame(r)->step = (uint16_t)i;
	node_call(n, -1, r, lb->cfg.targets, i);
}

static void start_service(struct lb *lb, struct request *r)
{
	lb->busy++;
	node_busy(&lb->base, 1);
	sim_after(&lb->base.net->sim, dist_sample(&lb->cfg.service, &lb->rng_service), ev_served, lb, r);
}

static void lb_arrive(struct node *n, struct request *r)
{
	struct lb *lb = (struct lb *)n;
	node_arrival(n);
	request_frame(r)->t_arrive = n->net->sim.now;
	if (lb->busy < lb->cfg.cores) {
		node_active(n, 1);
		start_service(lb, r);
	} else if (lb->surge.n < lb->cfg.surge_queue) {
		node_active(n, 1);
		node_waiting(n, 1);
		fifo_push(&lb->surge, r);
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
	node_active(n, -1);
	/* A refused or timed-out connection to a target is the balancer's own
	 * 502/504 (HTTPCode_ELB_5XX); a target's own 5xx passes through. */
	if (r->status == HTTP_BAD_GATEWAY || r->status == HTTP_GATEWAY_TIMEOUT)
		r->origin = n->id;
	node_done(n, r, now - f->t_arrive, now - f->t_call);
	node_reply(n, r);
}

static double lb_capacity(const void *cfgp, int *unbounded)
{
	const struct lb_cfg *cfg = cfgp;
	double mean = dist_mean(&cfg->service);
	*unbounded = cfg->surge_queue == LONG_MAX;
	return mean > 0 ? (double)cfg->cores / mean : HUGE_VAL;
}

static void lb_report(const struct node *n, struct report *rep)
{
	const struct lb *lb = (const struct lb *)n;
	report_add(rep, n->name, "cost_per_hour", lb->cfg.price);
}

static void lb_release(struct node *n)
{
	struct lb *lb = (struct lb *)n;
	rng_release(&lb->rng_service);
	rng_release(&lb->rng_route);
	free(lb->outstanding);
}

const struct node_kind load_balancer_kind = {
	.name = "load_balancer",
	.summary = "spreads requests over a tier's instances; surge queue, 503 spillover",
	.size = sizeof(struct lb),
	.cfg_size = sizeof(struct lb_cfg),
	.params = lb_params,
	.init = lb_init,
	.start = lb_start,
	.arrive = lb_arrive,
	.reply = lb_reply,
	.capacity = lb_capacity,
	.report = lb_report,
	.release = lb_release,
};
