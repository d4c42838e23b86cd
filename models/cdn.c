/*
 * cdn.c - a content delivery network in front of the origin.
 *
 * Every request first crosses to the nearest edge (`edge_latency`).  A
 * request of a `cacheable` class (every class if the key is absent) is a
 * hit with probability `hit_ratio` and answered from the edge; anything
 * else is fetched from `origin`, whose answer, errors included, passes
 * through.  The edges are many and large: no queueing is modelled there,
 * so what a CDN changes is the origin's load and the bytes it sends.
 *
 * Metrics: the common ones (no utilization), hit_ratio (measured over the
 * cacheable requests), origin_offload (share of requests the origin never
 * saw), origin_bytes_per_s and edge_bytes_per_s (response bytes).
 */
#include "model.h"

struct cdn_cfg {
	int origin;
	struct class_list cacheable;
	double hit_ratio;
	struct dist edge_latency;
};

struct cdn {
	struct node base;
	struct cdn_cfg cfg;
	struct rng rng_edge, rng_hits;
	char is_cacheable[CLASS_MAX + 1];
	uint64_t cacheable, hits, to_origin;
	double origin_bytes, edge_bytes;
};

#define OFF(f) offsetof(struct cdn_cfg, f)
/* clang-format off */
static const struct metric_def cdn_metrics[] = {
	{"hit_ratio", MS_NODE, MU_FRACTION, MR_FRACTION, MB_HIGHER, NULL, "hits over cacheable requests"},
	{"origin_offload", MS_NODE, MU_FRACTION, MR_FRACTION, MB_HIGHER, NULL,
	 "hits over all requests: the share kept off the origin"},
	{"origin_requests", MS_NODE, MU_COUNT, MR_COUNT, MB_LOWER, NULL, "requests sent to the origin"},
	{"origin_bytes_per_s", MS_NODE, MU_BYTES_S, MR_RATE, MB_LOWER, NULL, "bytes per second fetched from the origin"},
	{"edge_bytes_per_s", MS_NODE, MU_BYTES_S, MR_RATE, MB_NEITHER, NULL, "bytes per second served to clients"},
	{0},
};
/* clang-format on */

static const struct param cdn_params[] = {
	{"origin", PT_NODE, OFF(origin), NULL, 0, 0, NULL, P_REQUIRED,
	 "where misses go: the site's front (proxy, balancer)"},
	{"cacheable", PT_CLASSES, OFF(cacheable), NULL, 0, 0, NULL, P_OPTIONAL,
	 "request classes the edges may cache (default: every request)"},
	{"hit_ratio", PT_FRACTION, OFF(hit_ratio), NULL, 0, 1, NULL, P_REQUIRED,
	 "share of cacheable requests answered from an edge"},
	{"edge_latency", PT_DIST, OFF(edge_latency), "exp(15ms)", 0, 0, NULL, 0,
	 "time from the client to an edge and back, paid by every request"},
	{0},
};
#undef OFF

static void cdn_init(struct node *n, const void *cfg)
{
	struct cdn *c = (struct cdn *)n;
	c->cfg = *(const struct cdn_cfg *)cfg;
	node_rng_init(n, &c->rng_edge, "edge");
	node_rng_init(n, &c->rng_hits, "hits");
	for (int k = 0; k <= CLASS_MAX; k++)
		c->is_cacheable[k] = c->cfg.cacheable.n == 0;
	for (int i = 0; i < c->cfg.cacheable.n; i++)
		c->is_cacheable[c->cfg.cacheable.id[i]] = 1;
}

static void ev_at_edge(struct sim *sim, void *obj, void *arg)
{
	struct cdn *c = obj;
	struct node *n = &c->base;
	struct request *r = arg;
	int hit = 0;
	if (c->is_cacheable[r->cls]) {
		c->cacheable++;
		hit = gsl_rng_uniform(c->rng_hits.r) < c->cfg.hit_ratio;
	}
	if (hit) {
		double resid = sim->now - request_frame(r)->t_arrive;
		c->hits++;
		c->edge_bytes += r->resp_bytes;
		node_active(n, -1);
		node_done(n, r, resid, resid);
		node_reply(n, r);
		return;
	}
	c->to_origin++;
	node_call(n, -1, r, c->cfg.origin, -1);
}

static void cdn_arrive(struct node *n, struct request *r)
{
	struct cdn *c = (struct cdn *)n;
	node_arrival(n);
	node_active(n, 1);
	request_frame(r)->t_arrive = n->net->sim.now;
	sim_after(&n->net->sim, dist_sample(&c->cfg.edge_latency, &c->rng_edge), ev_at_edge, c, r);
}

static void cdn_reply(struct node *n, struct request *r)
{
	struct cdn *c = (struct cdn *)n;
	double resid = n->net->sim.now - request_frame(r)->t_arrive;
	if (r->status >= 200 && r->status < 300) {
		c->origin_bytes += r->resp_bytes;
		c->edge_bytes += r->resp_bytes;
	}
	node_active(n, -1);
	node_done(n, r, resid, resid);
	node_reply(n, r);
}

static void cdn_reset(struct node *n)
{
	struct cdn *c = (struct cdn *)n;
	c->cacheable = c->hits = c->to_origin = 0;
	c->origin_bytes = c->edge_bytes = 0;
}

static void cdn_report(const struct node *n, struct report *rep)
{
	const struct cdn *c = (const struct cdn *)n;
	double T = n->net->t_end - n->net->t_warm;
	uint64_t all = c->hits + c->to_origin;
	report_add(rep, n->name, "hit_ratio", c->cacheable ? (double)c->hits / (double)c->cacheable : 0);
	report_add(rep, n->name, "origin_offload", all ? (double)c->hits / (double)all : 0);
	report_add(rep, n->name, "origin_requests", (double)c->to_origin);
	report_add(rep, n->name, "origin_bytes_per_s", T > 0 ? c->origin_bytes / T : 0);
	report_add(rep, n->name, "edge_bytes_per_s", T > 0 ? c->edge_bytes / T : 0);
}

static void cdn_release(struct node *n)
{
	struct cdn *c = (struct cdn *)n;
	rng_release(&c->rng_edge);
	rng_release(&c->rng_hits);
}

/* Misses go to the origin: 1 - hit_ratio of the cacheable classes, all of
 * the others (the long-run share: hits are drawn at that ratio). */
static double cdn_flow_out(const void *cfgp, int cls)
{
	const struct cdn_cfg *c = cfgp;
	int cacheable = c->cacheable.n == 0;
	for (int i = 0; i < c->cacheable.n; i++)
		cacheable |= c->cacheable.id[i] == cls;
	return cacheable ? 1 - c->hit_ratio : 1;
}

const struct node_kind cdn_kind = {
	.metrics = cdn_metrics,
	.name = "cdn",
	.summary = "content delivery network: cacheable classes answered at the edge, the rest fetched from the origin",
	.size = sizeof(struct cdn),
	.cfg_size = sizeof(struct cdn_cfg),
	.params = cdn_params,
	.init = cdn_init,
	.arrive = cdn_arrive,
	.reply = cdn_reply,
	.report = cdn_report,
	.flow_out = cdn_flow_out,
	.reset = cdn_reset,
	.release = cdn_release,
};
