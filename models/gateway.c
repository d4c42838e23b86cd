/*
 * gateway.c - an API gateway: routes each request class to its own
 * service (functional partitioning: catalog, orders, users as separate
 * tiers), with an optional rate limit.
 *
 * Built on the server engine (server.c) in async mode: `service` is the
 * gateway's own CPU work per request (authentication, routing), its
 * connections are held while the service works.  `routes` sends a class
 * to a node, `default` takes every other request.  The service's answer
 * passes through; a service that refuses or has no instance up gives
 * 502, one slower than `timeout` gives 504 (API Gateway's 29 s), and
 * requests beyond `rate_limit` (and `burst`) get 429.
 */
#include <stdio.h>

#include "server.h"

struct route {
	int cls;
	int to;
};

struct gateway_cfg {
	struct front_cfg front;
	struct table_head routes_head;
	struct route routes[TABLE_MAX];
	int fallback;
};

#define ROFF(f) offsetof(struct route, f)
static const struct param route_params[] = {
	{"class", PT_CLASS, ROFF(cls), NULL, 0, 0, NULL, P_REQUIRED, "a request class"},
	{"to", PT_NODE, ROFF(to), NULL, 0, 0, NULL, P_REQUIRED, "the node that serves it"},
	{0},
};
#undef ROFF

#define OFF(f) offsetof(struct gateway_cfg, f)
static const struct param_table route_table = {route_params, sizeof(struct route), OFF(routes)};
static const struct param gateway_params[] = {
	{"routes", PT_TABLE, OFF(routes_head), NULL, 0, 0, &route_table, P_OPTIONAL,
	 "which node serves each class, e.g. [{class: browse, to: catalog}, {class: buy, to: orders}]"},
	{"default", PT_NODE, OFF(fallback), NULL, 0, 0, NULL, P_OPTIONAL,
	 "the node for requests of any other class (or of none)"},
	FRONT_PARAMS(struct gateway_cfg, "exp(1ms)", "2", "1000",
		     "requests waiting per instance; beyond: refused (502)", "29s",
		     "a service must answer within it, or the gateway answers 504"),
	{0},
};
#undef OFF

static const char *gateway_check(const void *cfgp, unsigned long present, const char **key, char *msg, size_t n)
{
	(void)msg;
	(void)n;
	const struct gateway_cfg *g = cfgp;
	const char *why = front_check(&g->front, gateway_params, present, key);
	if (why)
		return why;
	if (g->routes_head.n == 0 && !param_is_present(gateway_params, present, "default")) {
		*key = NULL;
		return "a gateway needs 'routes' or a 'default' node to send requests to";
	}
	for (int i = 0; i < g->routes_head.n; i++) {
		for (int j = 0; j < i; j++) {
			if (g->routes[i].cls == g->routes[j].cls) {
				*key = "routes";
				return "'routes' sends the same class twice";
			}
		}
	}
	return NULL;
}

/* Every request must have somewhere to go. */
static const char *gateway_check_refs(const void *cfgp, const struct net_spec *spec, const char **key, char *msg,
				      size_t n)
{
	const struct gateway_cfg *g = cfgp;
	if (g->fallback >= 0)
		return NULL;
	*key = "routes";
	if (spec->has_unclassified)
		return "a workload sends requests of no class (it has no 'mix'): add a 'default' node for them";
	for (int c = 1; c <= spec->n_classes; c++) {
		int routed = 0;
		for (int i = 0; i < g->routes_head.n; i++)
			routed |= g->routes[i].cls == c;
		if (!routed) {
			snprintf(msg, n, "class '%s' has no route: add one, or a 'default' node", spec->class_name[c]);
			return msg;
		}
	}
	return NULL;
}

static void as_server(const struct gateway_cfg *g, struct server_cfg *c)
{
	front_as_server(&g->front, c);
	if (g->fallback >= 0)
		c->calls = (struct node_list){.n = 1, .idx = {g->fallback}, .repeat = {1}, .prob = {1}};
	c->classes_head.n = g->routes_head.n;
	for (int i = 0; i < g->routes_head.n; i++) { /* a routed class: its own single call */
		c->classes[i].cls = g->routes[i].cls;
		c->classes[i].calls = (struct node_list){.n = 1, .idx = {g->routes[i].to}, .repeat = {1}, .prob = {1}};
		c->classes_head.present[i] = 1ul << SC_CLASS | 1ul << SC_CALLS;
	}
}

static void gateway_init(struct node *n, const void *cfg)
{
	struct server_cfg c;
	as_server(cfg, &c);
	front_init(n, &c, &((const struct gateway_cfg *)cfg)->front);
}

static double gateway_capacity(const void *cfg, int *unbounded)
{
	struct server_cfg c;
	as_server(cfg, &c);
	return tier_capacity(&c, (int)c.instances, unbounded);
}

const struct node_kind gateway_kind = {
	.name = "gateway",
	.summary = "API gateway: routes each request class to its own service, with a rate limit (429)",
	.cfg_size = sizeof(struct gateway_cfg),
	.params = gateway_params,
	.check = gateway_check,
	.check_refs = gateway_check_refs,
	.init = gateway_init,
	.capacity = gateway_capacity,
	FRONT_KIND_COMMON,
};
