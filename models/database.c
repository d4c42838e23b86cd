/*
 * database.c - a database tier: the server engine (server.c) with a
 * database's defaults and vocabulary.  `workers` are its connections.
 *
 * Keys: instances (1), cores (1), workers (100 connections), queue (1000),
 * service (required), calls ([]), failover (none | active_passive: a
 * primary and standbys, one promoted `promotion` after the primary fails),
 * promotion (30s), price ($0/h per instance).
 * Status codes: 502 (all connections busy and the queue full).
 */
#include "server.h"

static const struct param database_params[] = {
	SERVER_COMMON_PARAMS("database machines, each with its own queue", "queries executing at once, per instance",
			     "100", "connections per instance, held for the whole query",
			     "queries waiting for a connection; beyond: refused (502)", "time per query, e.g. exp(1ms)",
			     "downstream calls, in order, after the query's own work",
			     "cost per instance, e.g. $0.192/h"),
	{0},
};

const struct node_kind database_kind = {
	.name = "database",
	.summary = "database tier: connections, cores, queue (a server with database defaults)",
	.params = database_params,
	SERVER_KIND_COMMON,
};
