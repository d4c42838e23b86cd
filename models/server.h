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
};

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
