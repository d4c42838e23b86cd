/*
 * database.c - a database tier: the tier engine (server.c) with a
 * database's defaults and vocabulary (`workers` are its connections), and
 * what only a database does: shards and read replicas.
 *
 * With `shards`, a query goes to the shard that holds its key; keys are
 * Zipf-popular with exponent `skew` over `keys` keys, hashed to shards, so
 * one shard can run hot.  With `replicas` per shard, a share `writes` of
 * the queries (per class in `classes`) are writes and go to the shard's
 * primary; reads go to a replica at random (the next one up if it is not,
 * the primary if none is).  Every replica up applies every write the
 * primary completed: a job of `apply` CPU time (default: the write's
 * service time) that holds a core but no connection, and shows as
 * replication overhead in its utilization (`replica_applies`).  The
 * instances are shards x (1 + replicas), named db/s1/r2 in reports.
 *
 * Keys: those of a server (see server.c), with 100 connections by default,
 * plus shards (1), replicas (0 per shard), writes (0), apply, keys (10000)
 * and skew (0).  Status codes: 502 (all connections busy and the queue
 * full).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "../sim/engine/util.h"
#include "server.h"

struct database_cfg {
	struct server_cfg base; /* first: the engine's keys are read there */
	long shards;            /* instances are split into shards by key */
	long replicas;          /* read replicas per shard */
	double writes;          /* share of queries that are writes (to the primary) */
	struct dist apply;      /* a replica's work to apply one write; const 0: the write's service */
	long keys;              /* distinct keys, for the shard skew */
	double skew;            /* Zipf exponent of key popularity; 0: uniform */
};

struct database {
	struct server s; /* first: the engine's state */
	long shards;
	int per_shard;                  /* instances per shard: 1 + replicas */
	int is_split;                   /* shards or replicas: queries are routed by key and kind */
	struct dist apply;              /* const 0: a write's own service time */
	double writes[CLASS_MAX + 1];   /* share of writes, by request class */
	gsl_ran_discrete_t *shard_pick; /* owned: which shard a query's key is on */
	struct rng rng_route;           /* writes and keys */
	uint64_t applies;               /* writes applied by replicas */
};

static const struct metric_def database_metrics[] = {
	{"replica_applies", MS_NODE, MU_COUNT, MR_COUNT, MB_NEITHER, NULL, "writes applied by read replicas"},
	{0},
};

/* A write, at its primary: replicas apply it once it is done. */
#define F_WRITE SERVER_F_KIND

#define OFF(f) offsetof(struct database_cfg, f)
static const struct param database_params[] = {
	SERVER_COMMON_PARAMS("database machines, each with its own queue", "queries executing at once, per instance",
			     "100", "connections per instance, held for the whole query",
			     "queries waiting for a connection; beyond: refused (502)", "time per query, e.g. exp(1ms)",
			     "downstream calls, in order, after the query's own work",
			     "cost per instance, e.g. $0.192/h"),
	{"shards", PT_COUNT, OFF(shards), "1", 1, 4096, NULL, 0,
	 "partitions by key: a query goes to the shard that holds its key"},
	{"replicas", PT_COUNT, OFF(replicas), "0", 0, 64, NULL, 0,
	 "read replicas per shard: reads go to them, writes to the shard's primary"},
	{"writes", PT_FRACTION, OFF(writes), "0", 0, 1, NULL, 0,
	 "share of queries that are writes (to the primary, then applied by every replica)"},
	{"apply", PT_DIST, OFF(apply), NULL, 0, 0, NULL, P_OPTIONAL,
	 "a replica's CPU time to apply one write (default: the same as 'service')"},
	{"keys", PT_COUNT, OFF(keys), NULL, 1, 1e7, NULL, P_OPTIONAL,
	 "shards: distinct keys queries are for (default 10000)"},
	{"skew", PT_FACTOR, OFF(skew), NULL, 0, 10, NULL, P_OPTIONAL,
	 "shards: Zipf exponent of key popularity (default 0: uniform; 1: key k is k times rarer than the first)"},
	{0},
};
#undef OFF

static const char *database_check(const void *cfgp, unsigned long present, const char **key, char *msg, size_t n)
{
	(void)msg;
	(void)n;
	const struct database_cfg *cfg = cfgp;
	int split = cfg->shards > 1 || cfg->replicas > 0;
	if (split && cfg->base.instances != 1) {
		*key = "instances";
		return "with 'shards' or 'replicas' the instances are shards x (1 + replicas): leave 'instances' out";
	}
	if (split && cfg->base.failover != FAILOVER_SPREAD) {
		*key = "failover";
		return "'failover' cannot be combined with 'shards' or 'replicas' yet";
	}
	if (cfg->shards == 1 && (param_is_present(database_params, present, "keys") ||
				 param_is_present(database_params, present, "skew"))) {
		*key = param_is_present(database_params, present, "keys") ? "keys" : "skew";
		return "'keys' and 'skew' say how queries spread over shards: they need 'shards' of 2 or more";
	}
	if (param_is_present(database_params, present, "apply") && cfg->replicas == 0) {
		*key = "apply";
		return "'apply' is a replica's work per write: it needs 'replicas'";
	}
	return server_check(cfgp, database_params, present, key);
}

static int database_instances(const void *cfgp)
{
	const struct database_cfg *cfg = cfgp;
	return cfg->shards > 1 || cfg->replicas > 0 ? (int)(cfg->shards * (1 + cfg->replicas))
						    : (int)cfg->base.instances;
}

static double database_capacity(const void *cfgp, int *unbounded)
{
	return tier_capacity(cfgp, database_instances(cfgp), unbounded);
}

/* Splits keys 1..keys, Zipf-popular with exponent skew, over the shards by a hash of the key. */
static gsl_ran_discrete_t *shard_table(long shards, long keys, double skew)
{
	double *w = xcalloc((size_t)shards, sizeof(double));
	for (long k = 1; k <= keys; k++)
		w[rng_mix64((uint64_t)k) % (uint64_t)shards] += pow((double)k, -skew);
	gsl_ran_discrete_t *t = gsl_ran_discrete_preproc((size_t)shards, w);
	free(w);
	return t;
}

/* Shards and replicas: the instance a query goes to; marks writes.  -1
 * when the tier is not split (the engine spreads the queries). */
static int database_route(struct server *s, struct request *r)
{
	struct database *d = (struct database *)s;
	if (!d->is_split)
		return -1;
	int shard = d->shard_pick ? (int)gsl_ran_discrete(d->rng_route.r, d->shard_pick) : 0;
	int primary = shard * d->per_shard;
	double w = d->writes[r->cls];
	if (w >= 1 || (w > 0 && gsl_rng_uniform(d->rng_route.r) < w)) {
		request_frame(r)->flags |= F_WRITE;
		return primary;
	}
	int n_rep = d->per_shard - 1;
	if (n_rep > 0) { /* reads: a replica at random (a reader endpoint), the next one up if it is not */
		int pick = (int)gsl_rng_uniform_int(d->rng_route.r, (unsigned long)n_rep);
		for (int t = 0; t < n_rep; t++) {
			int j = primary + 1 + (pick + t) % n_rep;
			if (s->base.health[j].state == HEALTH_UP)
				return j;
		}
	}
	return primary; /* no replica up (or none at all): the primary reads too */
}

/* A write done at a primary: each replica of its shard that is up applies it. */
static void database_finished(struct server *s, const struct request *w)
{
	struct database *d = (struct database *)s;
	const struct frame *f = &w->f[w->depth - 1];
	if (!(f->flags & F_WRITE) || d->per_shard <= 1 || w->status < 200 || w->status >= 300)
		return;
	struct net *net = s->base.net;
	int primary = f->self_inst;
	for (int j = primary + 1; j < primary + d->per_shard; j++) {
		if (s->base.health[j].state != HEALTH_UP)
			continue;
		struct request *job = request_new(net, net->nodes[w->workload]);
		if (!job)
			return; /* too many in flight: the run is stopping */
		job->cls = w->cls;
		job->depth = 1;
		job->f[0] = (struct frame){.t_arrive = net->sim.now,
					   .from_inst = j,
					   .self_inst = j,
					   .from = (uint16_t)s->base.id,
					   .epoch = s->base.health[j].epoch};
		server_job(s, j, job);
	}
}

static const struct dist *database_apply(const struct server *s, const struct request *r)
{
	(void)r;
	const struct database *d = (const struct database *)s;
	return d->apply.type == DIST_CONST && d->apply.a == 0 ? NULL : &d->apply;
}

static void database_applied(struct server *s, struct request *r)
{
	((struct database *)s)->applies++;
	request_free(s->base.net, r);
}

static void database_report(const struct server *s, struct report *rep)
{
	const struct database *d = (const struct database *)s;
	if (d->per_shard > 1)
		report_add(rep, s->base.name, "replica_applies", (double)d->applies);
}

static void database_reset(struct server *s)
{
	((struct database *)s)->applies = 0;
}

static void database_release(struct server *s)
{
	struct database *d = (struct database *)s;
	if (d->is_split)
		rng_release(&d->rng_route);
	if (d->shard_pick)
		gsl_ran_discrete_free(d->shard_pick);
}

/* The name of instance i in reports: "db/s1/r2" is replica 2 of shard 1. */
static void database_scope(const struct server *s, int i, char *buf, size_t n)
{
	const struct database *d = (const struct database *)s;
	const char *name = s->base.name;
	int shard = i / d->per_shard, role = i % d->per_shard;
	if (d->shards > 1 && d->per_shard > 1)
		snprintf(buf, n, "%s/s%d/%s%.0d", name, shard, role ? "r" : "primary", role);
	else if (d->shards > 1)
		snprintf(buf, n, "%s/s%d", name, shard);
	else if (d->per_shard > 1)
		snprintf(buf, n, "%s/%s%.0d", name, role ? "r" : "primary", role);
	else
		snprintf(buf, n, "%s/%d", name, i);
}

static const struct tier_ops database_ops = {
	.route = database_route,
	.finished = database_finished,
	.job_work = database_apply,
	.job_done = database_applied,
	.report = database_report,
	.reset = database_reset,
	.release = database_release,
	.instance_scope = database_scope,
};

static void database_init(struct node *n, const void *cfgp)
{
	const struct database_cfg *c = cfgp;
	struct database *d = (struct database *)n;
	server_init_tier(n, &c->base, database_instances(c), &database_ops);
	d->shards = c->shards;
	d->per_shard = 1 + (int)c->replicas;
	d->apply = c->apply;
	for (int k = 0; k <= CLASS_MAX; k++)
		d->writes[k] = c->writes;
	for (int i = 0; i < c->base.classes_head.n; i++)
		if (c->base.classes_head.present[i] & (1ul << SC_WRITES))
			d->writes[c->base.classes[i].cls] = c->base.classes[i].writes;
	if (c->shards > 1 || c->replicas > 0) {
		node_rng_init(n, &d->rng_route, "route");
		if (c->shards > 1)
			d->shard_pick = shard_table(c->shards, c->keys > 0 ? c->keys : 10000, c->skew);
		d->is_split = 1;
	}
}

const struct node_kind database_kind = {
	.name = "database",
	.summary = "database tier: connections, cores, queue, shards and read replicas",
	.params = database_params,
	.check = database_check,
	.size = sizeof(struct database),
	.cfg_size = sizeof(struct database_cfg),
	.init = database_init,
	.capacity = database_capacity,
	.instances = database_instances,
	.zones = server_zones,
	.metrics = database_metrics,
	TIER_KIND_HANDLERS,
};
