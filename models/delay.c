/*
 * delay.c - a delay: a fixed or random latency with unlimited servers
 * (M/G/inf), for what the scenario does not model inside: an external API,
 * a third-party payment service, a DNS lookup, a hop across the internet.
 *
 * Each request waits `delay` (sampled on arrival, never queued: the
 * delay has as many servers as requests), fails with probability
 * `error_ratio` (a 500 of its own), and otherwise makes its `calls` in
 * order before answering.  Its response time is the delay plus the calls;
 * the number inside it is, by Little's law, the arrival rate times that.
 *
 * Keys: delay (required), error_ratio (0), calls ([]).  Metrics: the
 * common ones, and errors.
 */
#include "model.h"

struct delay_cfg {
	struct dist delay;
	double error_ratio;
	struct node_list calls;
};

struct delay {
	struct node base;
	struct delay_cfg cfg;
	struct rng rng;
	uint64_t errors;
};

#define OFF(f) offsetof(struct delay_cfg, f)
static const struct param delay_params[] = {
	{"delay", PT_DIST, OFF(delay), NULL, 0, 0, NULL, P_REQUIRED,
	 "the time each request takes here, e.g. exp(80ms) or const(20ms); never queued"},
	{"error_ratio", PT_FRACTION, OFF(error_ratio), "0", 0, 1, NULL, 0,
	 "share of the requests that fail with a 500 of its own after the delay"},
	{"calls", PT_NODES, OFF(calls), "[]", 0, 0, NULL, 0, "nodes called in order after the delay"},
	{0},
};
#undef OFF

/* clang-format off */
static const struct metric_def delay_metrics[] = {
	{"errors", MS_NODE, MU_COUNT, MR_COUNT, MB_LOWER, NULL, "requests it failed (error_ratio)"},
	{0},
};
/* clang-format on */

static void delay_init(struct node *n, const void *cfg)
{
	struct delay *d = (struct delay *)n;
	d->cfg = *(const struct delay_cfg *)cfg;
	node_rng_init(n, &d->rng, "delay");
}

/* Makes the next call of r, or answers it. */
static void next(struct delay *d, struct request *r)
{
	struct node *n = &d->base;
	struct frame *f = request_frame(r);
	if (f->step < d->cfg.calls.n) {
		node_call(n, -1, r, d->cfg.calls.idx[f->step++], -1);
		return;
	}
	double resid = n->net->sim.now - f->t_arrive;
	node_active(n, -1);
	node_done(n, r, resid, resid);
	node_reply(n, r);
}

static void ev_delayed(struct sim *sim, void *obj, void *arg)
{
	(void)sim;
	struct delay *d = obj;
	struct request *r = arg;
	node_busy(&d->base, -1);
	if (d->cfg.error_ratio > 0 && rng_uniform(&d->rng) < d->cfg.error_ratio) {
		d->errors++;
		node_active(&d->base, -1);
		node_fail_request(&d->base, r, HTTP_INTERNAL);
		return;
	}
	next(d, r);
}

static void delay_arrive(struct node *n, struct request *r)
{
	struct delay *d = (struct delay *)n;
	node_arrival(n);
	node_active(n, 1);
	node_busy(n, 1); /* in service: every request inside, none waits */
	request_frame(r)->t_arrive = n->net->sim.now;
	request_frame(r)->step = 0;
	sim_after(&n->net->sim, dist_sample(&d->cfg.delay, &d->rng), ev_delayed, d, r);
}

/* A call came back: a failed one fails r (a 500 of its own); else the next. */
static void delay_reply(struct node *n, struct request *r)
{
	if (r->status < 200 || r->status >= 300) {
		node_active(n, -1);
		node_fail_request(n, r, HTTP_INTERNAL);
		return;
	}
	next((struct delay *)n, r);
}

static void delay_reset(struct node *n)
{
	((struct delay *)n)->errors = 0;
}

static void delay_report(const struct node *n, struct report *rep)
{
	report_add(rep, n->name, "errors", (double)((const struct delay *)n)->errors);
}

static void delay_release(struct node *n)
{
	rng_release(&((struct delay *)n)->rng);
}

const struct node_kind delay_kind = {
	.name = "delay",
	.summary = "a fixed or random latency with unlimited servers (an external API), optionally failing",
	.size = sizeof(struct delay),
	.cfg_size = sizeof(struct delay_cfg),
	.params = delay_params,
	.metrics = delay_metrics,
	.init = delay_init,
	.arrive = delay_arrive,
	.reply = delay_reply,
	.reset = delay_reset,
	.report = delay_report,
	.release = delay_release,
};
