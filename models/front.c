/*
 * front.c - what the kinds in front of a tier (proxy, gateway) add to the
 * tier engine: the keys they share (FRONT_PARAMS), async mode, the
 * upstream's own errors passed on (a 502 or 504 is the proxy's answer, not
 * a 500), and an optional rate limit: a token bucket of `burst` requests
 * refilled at `rate_limit` a second; a request that finds it empty is
 * refused with 429 (nginx's limit_req, API Gateway's throttling).
 *
 * Not a kind: proxy.c and gateway.c are, each with its own routing as
 * the engine's call plan.
 */
#include <math.h>
#include <string.h>

#include "server.h"

int front_instances(const void *cfg)
{
	return (int)((const struct front_cfg *)cfg)->instances;
}

int front_zones(const void *cfg)
{
	return (int)((const struct front_cfg *)cfg)->zones;
}

void front_as_server(const struct front_cfg *f, struct server_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->instances = f->instances;
	c->cores = f->cores;
	c->workers = 1;
	c->max_connections = f->max_connections;
	c->queue = f->queue;
	c->mode = MODE_ASYNC;
	c->service = f->service;
	c->price = f->price;
	c->speed = 1;
	c->call_timeout = f->timeout;
	c->zones = f->zones;
}

const char *front_check(const struct front_cfg *f, const struct param *params, unsigned long present, const char **key)
{
	return limiter_check(params, present, f->rate_limit_by, key);
}

/* clang-format off */
const struct metric_def front_metrics[] = {
	LIMITER_METRICS,
	{0},
};
/* clang-format on */

/* The rate limit: one more request in now, or 429. */
static int front_admit(struct server *s, struct request *r)
{
	struct front *f = (struct front *)s;
	if (limiter_admit(&f->lim, r, s->base.net->sim.now))
		return 1;
	request_frame(r)->self_inst = 0;
	node_arrival(&s->base);
	node_reject(&s->base, r, HTTP_TOO_MANY, 0);
	return 0;
}

static void front_report(const struct server *s, struct report *rep)
{
	const struct front *f = (const struct front *)s;
	const struct node *n = &s->base;
	limiter_report(&f->lim, n, rep);
}

static void front_reset(struct server *s)
{
	limiter_reset(&((struct front *)s)->lim);
}

static void front_release(struct server *s)
{
	limiter_release(&((struct front *)s)->lim);
}

static const struct tier_ops front_ops = {
	.admit = front_admit,
	.report = front_report,
	.reset = front_reset,
	.release = front_release,
	.pass_status = 1,
};

void front_init(struct node *n, const struct server_cfg *c, const struct front_cfg *fc)
{
	struct front *f = (struct front *)n;
	server_init_tier(n, c, (int)c->instances, &front_ops);
	limiter_init(&f->lim, n->net, fc->rate_limit, (double)fc->burst, fc->rate_limit_by);
}
