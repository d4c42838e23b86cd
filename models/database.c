/*
 * database.c - a database tier: the server engine (server.c) with a
 * database's defaults and vocabulary.  `workers` are its connections.
 *
 * Keys: those of a server (see server.c), with 100 connections by default,
 * plus shards (1), replicas (0 per shard), writes (0), apply (a replica's
 * work per write; default: service), keys (10000) and skew (0).
 * Status codes: 502 (all connections busy and the queue full).
 */
#include "server.h"

#define OFF(f) offsetof(struct server_cfg, f)
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
	const struct server_cfg *cfg = cfgp;
	int split = cfg->shards > 1 || cfg->replicas > 0;
	if (split && cfg->instances != 1) {
		*key = "instances";
		return "with 'shards' or 'replicas' the instances are shards x (1 + replicas): leave 'instances' out";
	}
	if (split && cfg->failover != FAILOVER_SPREAD) {
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

const struct node_kind database_kind = {
	.name = "database",
	.summary = "database tier: connections, cores, queue, shards and read replicas",
	.params = database_params,
	.check = database_check,
	SERVER_KIND_COMMON,
};
