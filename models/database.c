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

#define OFF(f) offsetof(struct server_cfg, f)
static const struct param database_params[] = {
	{"instances", PT_COUNT, OFF(instances), "1", 1, 100000, NULL, 0, "database machines, each with its own queue"},
	{"cores", PT_COUNT, OFF(cores), "1", 1, 100000, NULL, 0, "queries executing at once, per instance"},
	{"workers", PT_COUNT, OFF(workers), "100", 1, 1e7, NULL, 0,
	 "connections per instance, held for the whole query"},
	{"queue", PT_COUNT, OFF(queue), "1000", 0, 1e9, NULL, P_UNLIMITED,
	 "queries waiting for a connection; beyond: refused (502)"},
	{"service", PT_DIST, OFF(service), NULL, 0, 0, NULL, P_REQUIRED, "time per query, e.g. exp(1ms)"},
	{"calls", PT_NODES, OFF(calls), "[]", 0, 0, NULL, 0, "downstream calls, in order, after the query's own work"},
	{"zones", PT_COUNT, OFF(zones), "1", 1, 26, NULL, 0,
	 "availability zones the instances are spread over (instance i in zone i mod zones)"},
	{"failover", PT_ENUM, OFF(failover), "none", 0, 0, "none|active_passive", 0,
	 "none: callers spread over the instances; active_passive: one serves, the others stand by"},
	{"promotion", PT_DURATION, OFF(promotion), "30s", 0, 1e6, NULL, 0,
	 "active_passive: time to promote a standby after the active instance fails"},
	{"price", PT_MONEY, OFF(price), "$0/h", 0, 1e6, NULL, 0, "cost per instance, e.g. $0.192/h"},
	{0},
};
#undef OFF

const struct node_kind database_kind = {
	.name = "database",
	.summary = "database tier: connections, cores, queue (a server with database defaults)",
	.size = sizeof(struct server),
	.cfg_size = sizeof(struct server_cfg),
	.params = database_params,
	.flags = KIND_INSTANCES | KIND_CAN_FAIL | KIND_CAN_HANG,
	.init = server_init,
	.arrive = server_arrive,
	.reply = server_reply,
	.capacity = server_capacity,
	.instances = server_instances,
	.health_changed = server_health_changed,
	.report = server_report,
	.reset = server_reset,
	.release = server_release,
};
