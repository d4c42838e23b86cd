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
#include "server.h"

struct proxy_cfg {
	struct front_cfg front;
	int upstream;
	struct class_list statics;
	struct dist static_service;
};

#define OFF(f) offsetof(struct proxy_cfg, f)
static const struct param proxy_params[] = {
	{"upstream", PT_NODE, OFF(upstream), NULL, 0, 0, NULL, P_REQUIRED,
	 "where dynamic requests go: the application tier or its load balancer"},
	{"static", PT_CLASSES, OFF(statics), "[]", 0, 0, NULL, 0,
	 "request classes the proxy answers itself (files, images), e.g. [assets]"},
	{"static_service", PT_DIST, OFF(static_service), "exp(300us)", 0, 0, NULL, 0,
	 "CPU time to serve one static request"},
	FRONT_PARAMS(struct proxy_cfg, "exp(50us)", "1", "511",
		     "connections waiting to be accepted per instance (the listen backlog); beyond: refused (502)",
		     "60s", "the upstream must answer within it, or the proxy answers 504"),
	{0},
};
#undef OFF

static const char *proxy_check(const void *cfg, unsigned long present, const char **key, char *msg, size_t n)
{
	(void)msg;
	(void)n;
	return front_check(&((const struct proxy_cfg *)cfg)->front, proxy_params, present, key);
}

/* The server engine's configuration for a proxy. */
static void as_server(const struct proxy_cfg *p, struct server_cfg *c)
{
	front_as_server(&p->front, c);
	c->calls = (struct node_list){.n = 1, .idx = {p->upstream}, .repeat = {1}, .prob = {1}};
	c->classes_head.n = p->statics.n;
	for (int i = 0; i < p->statics.n; i++) { /* a static class: its own service, no calls */
		c->classes[i].cls = p->statics.id[i];
		c->classes[i].service = p->static_service;
		c->classes_head.present[i] = 1ul << SC_CLASS | 1ul << SC_SERVICE | 1ul << SC_CALLS;
	}
}

static void proxy_init(struct node *n, const void *cfg)
{
	struct server_cfg c;
	as_server(cfg, &c);
	front_init(n, &c, &((const struct proxy_cfg *)cfg)->front);
}

static double proxy_capacity(const void *cfg, int *unbounded)
{
	struct server_cfg c;
	as_server(cfg, &c);
	return tier_capacity(&c, (int)c.instances, unbounded);
}

/* Static classes end at the proxy; every other request goes upstream. */
static double proxy_flow_out(const void *cfgp, int cls)
{
	const struct proxy_cfg *p = cfgp;
	for (int i = 0; i < p->statics.n; i++)
		if (p->statics.id[i] == cls)
			return 0;
	return 1;
}

const struct node_kind proxy_kind = {
	.name = "proxy",
	.summary = "reverse proxy (nginx): serves static classes itself, forwards the rest upstream (502, 504, 429)",
	.cfg_size = sizeof(struct proxy_cfg),
	.params = proxy_params,
	.check = proxy_check,
	.init = proxy_init,
	.capacity = proxy_capacity,
	.flow_out = proxy_flow_out,
	FRONT_KIND_COMMON,
};
