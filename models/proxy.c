/*
 * proxy.c - a reverse proxy (nginx, HAProxy in HTTP mode) in front of the
 * application tier: it serves the `static` classes itself and forwards
 * every other request to `upstream`.
 *
 * Built on the server engine (server.c) in async mode: an event loop whose
 * connections (`max_connections`) are held while the upstream works and
 * whose cores only do the proxy's own CPU work (`service` per request,
 * `static_service` for a static file).  The upstream's answer passes
 * through as it is; an upstream that refuses the connection, or has no
 * instance up, gives 502, and one that has not answered within `timeout`
 * gives 504 (proxy_read_timeout).  With `rate_limit`, requests beyond the
 * rate (and the `burst`) are refused with 429 (limit_req).
 *
 * Metrics: those of a server; static answers are the ones that never
 * reach the upstream (compare the two nodes' throughput).
 */
#include <math.h>
#include <string.h>

#include "server.h"

struct proxy_cfg {
	int upstream;
	struct class_list statics;
	struct dist service, static_service;
	long instances, cores, max_connections, queue, zones, burst;
	double timeout, price, rate_limit;
};

#define OFF(f) offsetof(struct proxy_cfg, f)
static const struct param proxy_params[] = {
	{"upstream", PT_NODE, OFF(upstream), NULL, 0, 0, NULL, P_REQUIRED,
	 "where dynamic requests go: the application tier or its load balancer"},
	{"static", PT_CLASSES, OFF(statics), "[]", 0, 0, NULL, 0,
	 "request classes the proxy answers itself (files, images), e.g. [assets]"},
	{"service", PT_DIST, OFF(service), "exp(50us)", 0, 0, NULL, 0, "CPU time to proxy one request"},
	{"static_service", PT_DIST, OFF(static_service), "exp(300us)", 0, 0, NULL, 0,
	 "CPU time to serve one static request"},
	{"instances", PT_COUNT, OFF(instances), "1", 1, 100000, NULL, 0, "proxy machines"},
	{"cores", PT_COUNT, OFF(cores), "2", 1, 100000, NULL, 0, "worker processes per instance (one core each)"},
	{"max_connections", PT_COUNT, OFF(max_connections), "10000", 1, 1e8, NULL, 0,
	 "connections per instance, each held until its answer is sent"},
	{"queue", PT_COUNT, OFF(queue), "511", 0, 1e9, NULL, P_UNLIMITED,
	 "connections waiting to be accepted per instance (the listen backlog); beyond: refused (502)"},
	{"timeout", PT_DURATION, OFF(timeout), "60s", 1e-6, 1e6, NULL, 0,
	 "the upstream must answer within it, or the proxy answers 504"},
	{"rate_limit", PT_RATE, OFF(rate_limit), NULL, 1e-9, 1e9, NULL, P_OPTIONAL,
	 "requests per second let through; beyond: 429 (none if absent)"},
	{"burst", PT_COUNT, OFF(burst), NULL, 1, 1e9, NULL, P_OPTIONAL,
	 "rate_limit: requests let through at once above the rate (default: one second's worth)"},
	{"zones", PT_COUNT, OFF(zones), "1", 1, 26, NULL, 0, "availability zones the instances are spread over"},
	{"price", PT_MONEY, OFF(price), "$0/h", 0, 1e6, NULL, 0, "cost per instance"},
	{0},
};
#undef OFF

static const char *proxy_check(const void *cfgp, unsigned long present, const char **key)
{
	(void)cfgp;
	if (param_is_present(proxy_params, present, "burst") && !param_is_present(proxy_params, present, "rate_limit")) {
		*key = "burst";
		return "'burst' applies only with 'rate_limit'";
	}
	return NULL;
}

/* The server engine's configuration for a proxy. */
static void as_server(const struct proxy_cfg *p, struct server_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->instances = p->instances;
	c->cores = p->cores;
	c->workers = 1;
	c->max_connections = p->max_connections;
	c->queue = p->queue;
	c->mode = MODE_ASYNC;
	c->service = p->service;
	c->calls = (struct node_list){.n = 1, .idx = {p->upstream}, .repeat = {1}, .prob = {1}};
	c->price = p->price;
	c->call_timeout = p->timeout;
	c->zones = p->zones;
	c->shards = 1;
	c->pass_status = 1;
	c->rate_limit = p->rate_limit;
	c->burst = p->burst > 0 ? (double)p->burst : fmax(1, p->rate_limit);
	c->classes_head.n = p->statics.n;
	for (int i = 0; i < p->statics.n; i++) {
		c->classes[i].cls = p->statics.id[i];
		c->classes[i].service = p->static_service;
		c->classes[i].calls.n = 0;
		c->classes_head.present[i] = 1ul << SC_CLASS | 1ul << SC_SERVICE | 1ul << SC_CALLS;
	}
}

static void proxy_init(struct node *n, const void *cfg)
{
	struct server_cfg c;
	as_server(cfg, &c);
	server_init(n, &c);
}

static double proxy_capacity(const void *cfg, int *unbounded)
{
	struct server_cfg c;
	as_server(cfg, &c);
	return server_capacity(&c, unbounded);
}

static int proxy_instances(const void *cfg)
{
	return (int)((const struct proxy_cfg *)cfg)->instances;
}

const struct node_kind proxy_kind = {
	.name = "proxy",
	.summary = "reverse proxy (nginx): serves static classes itself, forwards the rest upstream (502, 504, 429)",
	.size = sizeof(struct server),
	.cfg_size = sizeof(struct proxy_cfg),
	.params = proxy_params,
	.flags = KIND_INSTANCES | KIND_CAN_FAIL | KIND_CAN_HANG,
	.check = proxy_check,
	.init = proxy_init,
	.arrive = server_arrive,
	.reply = server_reply,
	.capacity = proxy_capacity,
	.instances = proxy_instances,
	.health_changed = server_health_changed,
	.report = server_report,
	.reset = server_reset,
	.release = server_release,
};
