/*
 * server.h - the queueing engine shared by the server and database kinds.
 *
 * Private to models/: server.c implements it, database.c reuses it with
 * other defaults.  See server.c for the behaviour.
 */
#ifndef MODELS_SERVER_H
#define MODELS_SERVER_H

#include "model.h"

enum server_mode { MODE_SYNC, MODE_ASYNC };
enum server_failover { FAILOVER_NONE, FAILOVER_ACTIVE_PASSIVE };

struct server_cfg {
	long instances;
	long cores;           /* requests on CPU at once, per instance */
	long workers;         /* sync: threads, per instance */
	long max_connections; /* async: connections, per instance */
	long queue;           /* waiting for admission, per instance */
	int mode;
	struct dist service; /* CPU time per request */
	struct node_list calls;
	double price;        /* dollars per hour per instance */
	double call_timeout; /* seconds; 0: none */
	int failover;        /* enum server_failover */
	double promotion;    /* seconds to promote a standby */
	long zones;          /* availability zones its instances are spread over */
};

struct instance {
	long busy_cores;
	long admitted;             /* slots in use */
	struct req_fifo wait_slot; /* waiting for admission */
	struct req_fifo wait_cpu;  /* admitted, waiting for a core */
	struct req_fifo hung;      /* held by a hung instance, never answered */
};

struct server {
	struct node base;
	struct server_cfg cfg;
	long slots; /* admission limit per instance */
	struct rng rng_service;
	struct instance *inst; /* owned, cfg.instances */
	int rr;                /* next instance for callers that do not choose */
	struct tmo timeouts;   /* of downstream calls, when cfg.call_timeout > 0 */
	int active;            /* active-passive: the instance serving, -1 while promoting */
	int is_promoting;
	struct tavg slots_used; /* admission slots in use, all instances */
	int n_seq;              /* the calls, repeats expanded */
	int seq_dst[NODE_LIST_MAX * 100];
	double seq_prob[NODE_LIST_MAX * 100];
	struct rng rng_calls; /* draws of the probabilistic calls */
};

/*
 * The parameters servers and databases share (their tables start with
 * them); what differs between the two is an argument: help texts and the
 * default number of workers.
 */
#define SERVER_OFF(f) offsetof(struct server_cfg, f)
#define SERVER_COMMON_PARAMS(instances_help, cores_help, workers_def, workers_help, queue_help, service_help,            \
			     calls_help, price_help)                                                                     \
	{"instances", PT_COUNT, SERVER_OFF(instances), "1", 1, 100000, NULL, 0, instances_help},                         \
		{"cores", PT_COUNT, SERVER_OFF(cores), "1", 1, 100000, NULL, 0, cores_help},                             \
		{"workers", PT_COUNT, SERVER_OFF(workers), workers_def, 1, 1e7, NULL, 0, workers_help},                  \
		{"queue", PT_COUNT, SERVER_OFF(queue), "1000", 0, 1e9, NULL, P_UNLIMITED, queue_help},                   \
		{"service", PT_DIST, SERVER_OFF(service), NULL, 0, 0, NULL, P_REQUIRED, service_help},                   \
		{"calls", PT_NODES, SERVER_OFF(calls), "[]", 0, 0, NULL, P_CALL_SUFFIXES, calls_help},                   \
		{"price", PT_MONEY, SERVER_OFF(price), "$0/h", 0, 1e6, NULL, 0, price_help},                             \
		{"zones",                                                                                                \
		 PT_COUNT,                                                                                               \
		 SERVER_OFF(zones),                                                                                      \
		 "1",                                                                                                    \
		 1,                                                                                                      \
		 26,                                                                                                     \
		 NULL,                                                                                                   \
		 0,                                                                                                      \
		 "availability zones the instances are spread over (instance i in zone i mod zones)"},                   \
		{"failover",                                                                                             \
		 PT_ENUM,                                                                                                \
		 SERVER_OFF(failover),                                                                                   \
		 "none",                                                                                                 \
		 0,                                                                                                      \
		 0,                                                                                                      \
		 "none|active_passive",                                                                                  \
		 0,                                                                                                      \
		 "none: callers spread over the instances; active_passive: one serves, the others stand by"},            \
		{"promotion", PT_DURATION, SERVER_OFF(promotion),                                                        \
		 "30s",       0,           1e6,                                                                          \
		 NULL,        0,           "active_passive: time to promote a standby after the active instance fails"}, \
	{                                                                                                                \
		"call_timeout", PT_DURATION, SERVER_OFF(call_timeout), NULL, 1e-6, 1e6, NULL, P_OPTIONAL,                \
			"a downstream call not answered within it fails, and the node answers 500"                       \
	}

/* What servers and databases share in their kind: state, flags, handlers. */
#define SERVER_KIND_COMMON                                                                                             \
	.size = sizeof(struct server), .cfg_size = sizeof(struct server_cfg),                                          \
	.flags = KIND_INSTANCES | KIND_CAN_FAIL | KIND_CAN_HANG, .init = server_init, .arrive = server_arrive,         \
	.reply = server_reply, .capacity = server_capacity, .instances = server_instances,                             \
	.health_changed = server_health_changed, .report = server_report, .reset = server_reset,                       \
	.release = server_release

void server_init(struct node *n, const void *cfg);
void server_arrive(struct node *n, struct request *r);
void server_reply(struct node *n, struct request *r);
double server_capacity(const void *cfg, int *unbounded);
int server_instances(const void *cfg);
void server_health_changed(struct node *n, int inst, int old);
void server_reset(struct node *n);
void server_report(const struct node *n, struct report *rep);
void server_release(struct node *n);

#endif
