/*
 * cache.c - a cache in front of a slower node (a database, a service).
 *
 * Each request takes one of `cores` for a lookup (`service`).  A hit is
 * answered at once; a miss is sent to `backend`, and a successful answer
 * fills the cache on its way back.  The hit ratio is either given
 * (`hit_ratio`: each lookup hits with that probability) or comes from the
 * keys: requests ask for one of `keys` keys with Zipf popularity of
 * exponent `zipf` (key k with weight 1/k^zipf), and the cache holds the
 * `capacity` most recently used ones (LRU), starting empty, so it warms up.
 * Errors from the backend pass through.
 *
 * Keys: backend (node, required), hit_ratio, or keys + capacity (+ zipf,
 * default 1), service (default const(200us)), cores (default 8), price.
 * Metrics: the common ones, hit_ratio (measured), backend_requests.
 * Complexity: O(1) per lookup (an alias table draws keys, an intrusive
 * doubly linked list keeps the LRU order); memory O(keys).
 */
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>

#include "../sim/engine/util.h"
#include "model.h"

struct cache_cfg {
	int backend;
	double hit_ratio; /* 0: from the keys */
	long keys, capacity;
	double zipf;
	struct dist service;
	long cores;
	double price;
};

struct cache {
	struct node base;
	struct cache_cfg cfg;
	struct rng rng_service, rng_keys;
	long busy;
	struct req_fifo waiting;
	gsl_ran_discrete_t *popularity; /* owned: key draws */
	int *prev, *next;               /* owned: LRU list over keys, -1 ends */
	char *cached;                   /* owned */
	int head, tail;                 /* most and least recently used */
	long n_cached;
	uint64_t hits, lookups, misses_sent;
};

#define OFF(f) offsetof(struct cache_cfg, f)
/* clang-format off */
static const struct metric_def cache_metrics[] = {
	{"utilization", MS_NODE, MU_FRACTION, MR_UTILIZATION, MB_LOWER, "cores",
	 "busy cores over cores, time average"},
	{"hit_ratio", MS_NODE, MU_FRACTION, MR_FRACTION, MB_HIGHER, NULL, "hits over lookups"},
	{"backend_requests", MS_NODE, MU_COUNT, MR_COUNT, MB_LOWER, NULL, "misses sent to the backend"},
	{"backend_offload", MS_NODE, MU_FRACTION, MR_FRACTION, MB_HIGHER, NULL,
	 "share of lookups kept off the backend"},
	{"cost_per_hour", MS_NODE, MU_DOLLARS_HOUR, MR_COST, MB_LOWER, NULL, "price"},
	{0},
};
/* clang-format on */

static const struct param cache_params[] = {
	{"backend", PT_NODE, OFF(backend), NULL, 0, 0, NULL, P_REQUIRED, "where misses go, e.g. the database"},
	{"hit_ratio", PT_FRACTION, OFF(hit_ratio), NULL, 0, 1, NULL, P_OPTIONAL,
	 "each lookup hits with this probability (or give keys and capacity)"},
	{"keys", PT_COUNT, OFF(keys), NULL, 1, 1e6, NULL, P_OPTIONAL, "distinct keys requests ask for"},
	{"capacity", PT_COUNT, OFF(capacity), NULL, 1, 1e6, NULL, P_OPTIONAL,
	 "keys the cache holds (least recently used evicted first)"},
	{"zipf", PT_FACTOR, OFF(zipf), "1", 0, 10, NULL, 0, "popularity skew: key k is asked with weight 1/k^zipf"},
	{"service", PT_DIST, OFF(service), "const(200us)", 0, 0, NULL, 0, "time of a lookup"},
	{"cores", PT_COUNT, OFF(cores), "8", 1, 100000, NULL, 0, "lookups at once"},
	{"price", PT_MONEY, OFF(price), "$0/h", 0, 1e6, NULL, 0, "cost of the cache"},
	{0},
};
#undef OFF

static const char *cache_check(const void *cfgp, unsigned long present, const char **key, char *msg, size_t n)
{
	(void)msg;
	(void)n;
	const struct cache_cfg *cfg = cfgp;
	const struct param *p = cache_params;
	int ratio = param_is_present(p, present, "hit_ratio");
	int keys = param_is_present(p, present, "keys"), cap = param_is_present(p, present, "capacity");
	*key = NULL;
	if (ratio && (keys || cap)) {
		*key = keys ? "keys" : "capacity";
		return "a cache takes 'hit_ratio', or 'keys' and 'capacity' (with 'zipf'), not both";
	}
	if (!ratio && !keys && !cap)
		return "a cache needs 'hit_ratio', or 'keys' and 'capacity' (with 'zipf')";
	if (!ratio && !(keys && cap))
		return "a cache modelled by its keys needs both 'keys' and 'capacity'";
	if (!ratio && cfg->capacity > cfg->keys) {
		*key = "capacity";
		return "the capacity is larger than the number of keys";
	}
	if (ratio && param_is_present(p, present, "zipf") &&
	    cfg->zipf != 1) { /* 1: the default, as resolved files write it */
		*key = "zipf";
		return "'zipf' applies to a cache modelled by its keys";
	}
	return NULL;
}

/* At least this share of lookups misses: 1 - hit_ratio, or with keys the
 * misses of an ideal cache holding the `capacity` most popular keys
 * (no cache of that size misses less). */
static double cache_flow_out(const void *cfgp, int cls)
{
	(void)cls;
	const struct cache_cfg *cfg = cfgp;
	if (cfg->keys == 0)
		return 1 - cfg->hit_ratio;
	double all = 0, top = 0;
	for (long k = 1; k <= cfg->keys; k++) {
		double w = pow((double)k, -cfg->zipf);
		all += w;
		if (k <= cfg->capacity)
			top += w;
	}
	return 1 - top / all;
}

static void cache_init(struct node *n, const void *cfg)
{
	struct cache *c = (struct cache *)n;
	c->cfg = *(const struct cache_cfg *)cfg;
	n->capacity = (double)c->cfg.cores;
	node_rng_init(n, &c->rng_service, "service");
	node_rng_init(n, &c->rng_keys, "keys");
	c->head = c->tail = -1;
	if (c->cfg.hit_ratio > 0 || c->cfg.keys == 0)
		return;
	long k = c->cfg.keys;
	double *w = xmalloc(k * sizeof(double));
	for (long i = 0; i < k; i++)
		w[i] = pow((double)(i + 1), -c->cfg.zipf);
	c->popularity = gsl_ran_discrete_preproc((size_t)k, w);
	free(w);
	c->prev = xmalloc(k * sizeof(int));
	c->next = xmalloc(k * sizeof(int));
	c->cached = xcalloc(k, 1);
}

/* Moves key k to the front of the LRU list (it is in the cache). */
static void unlink_key(struct cache *c, int k)
{
	if (c->prev[k] >= 0)
		c->next[c->prev[k]] = c->next[k];
	else
		c->head = c->next[k];
	if (c->next[k] >= 0)
		c->prev[c->next[k]] = c->prev[k];
	else
		c->tail = c->prev[k];
}

static void push_front(struct cache *c, int k)
{
	c->prev[k] = -1;
	c->next[k] = c->head;
	if (c->head >= 0)
		c->prev[c->head] = k;
	c->head = k;
	if (c->tail < 0)
		c->tail = k;
}

/* A lookup of key k: a hit moves it to the front. */
static int lookup(struct cache *c, int k)
{
	if (!c->cached[k])
		return 0;
	unlink_key(c, k);
	push_front(c, k);
	return 1;
}

/* A miss answered: k goes in, the least recently used goes out if full. */
static void fill(struct cache *c, int k)
{
	if (c->cached[k])
		return; /* two misses of one key in flight: filled by the first */
	if (c->n_cached == c->cfg.capacity) {
		int old = c->tail;
		unlink_key(c, old);
		c->cached[old] = 0;
		c->n_cached--;
	}
	push_front(c, k);
	c->cached[k] = 1;
	c->n_cached++;
}

static void start_lookup(struct cache *c, struct request *r);

static void ev_looked_up(struct sim *sim, void *obj, void *arg)
{
	(void)sim;
	struct cache *c = obj;
	struct node *n = &c->base;
	struct request *r = arg;
	struct frame *f = request_frame(r);

	c->busy--;
	node_busy(n, -1);
	if (c->waiting.n > 0) {
		node_waiting(n, -1);
		start_lookup(c, fifo_pop(&c->waiting));
	}
	int hit;
	c->lookups++;
	if (c->popularity) {
		int k = (int)gsl_ran_discrete(c->rng_keys.r, c->popularity);
		f->flags = (uint16_t)(k & 0xffff); /* the key, for the fill: 32 bits over step and flags */
		f->step = (uint16_t)((unsigned)k >> 16);
		hit = lookup(c, k);
	} else {
		hit = gsl_rng_uniform(c->rng_keys.r) < c->cfg.hit_ratio;
	}
	if (hit) {
		double now = n->net->sim.now;
		c->hits++;
		node_active(n, -1);
		node_done(n, r, now - f->t_arrive, now - f->t_arrive);
		node_reply(n, r);
		return;
	}
	c->misses_sent++;
	node_call(n, -1, r, c->cfg.backend, -1);
}

static void start_lookup(struct cache *c, struct request *r)
{
	node_started(&c->base, c->base.net->sim.now - request_frame(r)->t_arrive);
	c->busy++;
	node_busy(&c->base, 1);
	sim_after(&c->base.net->sim, dist_sample(&c->cfg.service, &c->rng_service), ev_looked_up, c, r);
}

static void cache_arrive(struct node *n, struct request *r)
{
	struct cache *c = (struct cache *)n;
	node_arrival(n);
	request_frame(r)->t_arrive = n->net->sim.now;
	node_active(n, 1);
	if (c->busy < c->cfg.cores) {
		start_lookup(c, r);
	} else {
		node_waiting(n, 1);
		fifo_push(&c->waiting, r);
	}
}

static void cache_reply(struct node *n, struct request *r)
{
	struct cache *c = (struct cache *)n;
	struct frame *f = request_frame(r);
	double now = n->net->sim.now;
	if (c->popularity && r->status >= 200 && r->status < 300)
		fill(c, (int)(((unsigned)f->step << 16) | f->flags));
	node_active(n, -1);
	node_done(n, r, now - f->t_arrive, now - f->t_arrive);
	node_reply(n, r);
}

static void cache_reset(struct node *n)
{
	struct cache *c = (struct cache *)n;
	c->hits = c->lookups = c->misses_sent = 0;
}

static void cache_report(const struct node *n, struct report *rep)
{
	const struct cache *c = (const struct cache *)n;
	report_add(rep, n->name, "hit_ratio", c->lookups ? (double)c->hits / (double)c->lookups : 0);
	report_add(rep, n->name, "backend_requests", (double)c->misses_sent);
	report_add(rep, n->name, "backend_offload",
		   c->lookups ? 1 - (double)c->misses_sent / (double)c->lookups : 0); /* share kept off the backend */
	report_add(rep, n->name, "cost_per_hour", c->cfg.price);
}

static void cache_release(struct node *n)
{
	struct cache *c = (struct cache *)n;
	rng_release(&c->rng_service);
	rng_release(&c->rng_keys);
	if (c->popularity)
		gsl_ran_discrete_free(c->popularity);
	free(c->prev);
	free(c->next);
	free(c->cached);
}

const struct node_kind cache_kind = {
	.metrics = cache_metrics,
	.name = "cache",
	.summary = "a cache: hits answered at once, misses sent to a backend (hit ratio given, or LRU over Zipf keys)",
	.size = sizeof(struct cache),
	.cfg_size = sizeof(struct cache_cfg),
	.params = cache_params,
	.check = cache_check,
	.flow_out = cache_flow_out,
	.init = cache_init,
	.arrive = cache_arrive,
	.reply = cache_reply,
	.report = cache_report,
	.reset = cache_reset,
	.release = cache_release,
};
