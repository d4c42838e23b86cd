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
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "server.h"

struct route {
	int cls;
	int to;
};

struct gateway_cfg {
	struct table_head routes_head;
	struct route routes[TABLE_MAX];
	int fallback;
	struct dist service;
	long instances, cores, max_connections, queue, zones, burst;
	double timeout, price, rate_limit;
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
	{"service", PT_DIST, OFF(service), "exp(1ms)", 0, 0, NULL, 0, "the gateway's CPU time per request"},
	{"instances", PT_COUNT, OFF(instances), "2", 1, 100000, NULL, 0, "gateway machines"},
	{"cores", PT_COUNT, OFF(cores), "2", 1, 100000, NULL, 0, "cores per instance"},
	{"max_connections", PT_COUNT, OFF(max_connections), "10000", 1, 1e8, NULL, 0,
	 "connections per instance, each held until its answer is sent"},
	{"queue", PT_COUNT, OFF(queue), "1000", 0, 1e9, NULL, P_UNLIMITED,
	 "requests waiting per instance; beyond: refused (502)"},
	{"timeout", PT_DURATION, OFF(timeout), "29s", 1e-6, 1e6, NULL, 0,
	 "a service must answer within it, or the gateway answers 504"},
	{"rate_limit", PT_RATE, OFF(rate_limit), NULL, 1e-9, 1e9, NULL, P_OPTIONAL,
	 "requests per second let through; beyond: 429 (none if absent)"},
	{"burst", PT_COUNT, OFF(burst), NULL, 1, 1e9, NULL, P_OPTIONAL,
	 "rate_limit: requests let through at once above the rate (default: one second's worth)"},
	{"zones", PT_COUNT, OFF(zones), "1", 1, 26, NULL, 0, "availability zones the instances are spread over"},
	{"price", PT_MONEY, OFF(price), "$0/h", 0, 1e6, NULL, 0, "cost per instance"},
	{0},
};
#undef OFF

static const char *gateway_check(const void *cfgp, unsigned long present, const char **key)
{
	const struct gateway_cfg *g = cfgp;
	if (param_is_present(gateway_params, present, "burst") &&
	    !param_is_present(gateway_params, present, "rate_limit")) {
		*key = "burst";
		return "'burst' applies only with 'rate_limit'";
	}
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
static const char *gateway_check_refs(const void *cfgp, const struct net_spec *spec, const char **key)
{
	const struct gateway_cfg *g = cfgp;
	static _Thread_local char msg[192];
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
			snprintf(msg, sizeof msg, "class '%s' has no route: add one, or a 'default' node",
				 spec->class_name[c]);
			return msg;
		}
	}
	return NULL;
}

static void as_server(const struct gateway_cfg *g, struct server_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->instances = g->instances;
	c->cores = g->cores;
	c->workers = 1;
	c->max_connections = g->max_connections;
	c->queue = g->queue;
	c->mode = MODE_ASYNC;
	c->service = g->service;
	if (g->fallback >= 0)
		c->calls = (struct node_list){.n = 1, .idx = {g->fallback}, .repeat = {1}, .prob = {1}};
	c->price = g->price;
	c->call_timeout = g->timeout;
	c->zones = g->zones;
	c->shards = 1;
	c->pass_status = 1;
	c->rate_limit = g->rate_limit;
	c->burst = g->burst > 0 ? (double)g->burst : fmax(1, g->rate_limit);
	c->classes_head.n = g->routes_head.n;
	for (int i = 0; i < g->routes_head.n; i++) {
		c->classes[i].cls = g->routes[i].cls;
		c->classes[i].calls = (struct node_list){.n = 1, .idx = {g->routes[i].to}, .repeat = {1}, .prob = {1}};
		c->classes_head.present[i] = 1ul << SC_CLASS | 1ul << SC_CALLS;
	}
}

static void gateway_init(struct node *n, const void *cfg)
{
	struct server_cfg c;
	as_server(cfg, &c);
	server_init(n, &c);
}

static double gateway_capacity(const void *cfg, int *unbounded)
{
	struct server_cfg c;
	as_server(cfg, &c);
	return server_capacity(&c, unbounded);
}

static int gateway_instances(const void *cfg)
{
	return (int)((const struct gateway_cfg *)cfg)->instances;
}

const struct node_kind gateway_kind = {
	.name = "gateway",
	.summary = "API gateway: routes each request class to its own service, with a rate limit (429)",
	.size = sizeof(struct server),
	.cfg_size = sizeof(struct gateway_cfg),
	.params = gateway_params,
	.flags = KIND_INSTANCES | KIND_CAN_FAIL | KIND_CAN_HANG,
	.check = gateway_check,
	.check_refs = gateway_check_refs,
	.init = gateway_init,
	.arrive = server_arrive,
	.reply = server_reply,
	.capacity = gateway_capacity,
	.instances = gateway_instances,
	.health_changed = server_health_changed,
	.report = server_report,
	.reset = server_reset,
	.release = server_release,
};
