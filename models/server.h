/*
 * server.h - the tier engine: a tier of identical instances with
 * admission, cores, workers, the call plan and connection pools
 * (server.c).  The server kind is the engine alone; the database
 * (database.c: shards and read replicas) and the fronts (front.c, proxy.c,
 * gateway.c: a token bucket, routes by class) are the engine with hooks
 * (struct tier_ops), each kind's own state following the engine's.
 * Private to models/.
 */
#ifndef MODELS_SERVER_H
#define MODELS_SERVER_H

#include <gsl/gsl_randist.h>

#include "limiter.h"
#include "model.h"

enum server_mode { MODE_SYNC, MODE_ASYNC };

/* What one class does differently at a node (its `classes` entry). */
struct server_class {
	int cls;
	struct dist service;
	struct dist service_after;
	struct node_list calls;
	double writes;
};

/* Indices of the keys of server_class_params, for table_head.present. */
enum { SC_CLASS, SC_SERVICE, SC_SERVICE_AFTER, SC_CALLS, SC_WRITES };

/* The bits of frame.flags from this one up are the kind's own (the engine
 * uses those below it). */
#define SERVER_F_KIND 32

struct server_cfg {
	long instances;
	long cores;           /* requests on CPU at once, per instance */
	long workers;         /* sync: threads, per instance */
	long max_connections; /* async: connections, per instance */
	long queue;           /* waiting for admission, per instance */
	int mode;
	struct dist service;       /* CPU time per request */
	struct dist service_after; /* CPU time after the calls (const 0: none) */
	struct node_list calls;
	double price;        /* dollars per hour per instance */
	double speed;        /* per-core speed: service times divide by it (1: as written) */
	char size[64];       /* the catalog size it was given (cores, speed, price), or "" */
	double call_timeout; /* seconds; 0: none */
	int failover;        /* enum failover (model.h): none is FAILOVER_SPREAD */
	double promotion;    /* seconds to promote a standby */
	long zones;          /* availability zones its instances are spread over */
	long pool;           /* connections per instance to each called node; 0: no pool */
	double pool_timeout; /* seconds a call may wait for a pooled connection */
	struct table_head classes_head;
	struct server_class classes[TABLE_MAX];
};

/* A node's calls, ready to run: steps in order, each one call or a
 * parallel group.  Step k's members are first[k] .. first[k+1]-1. */
struct call_plan {
	int n_steps;
	int *first;   /* n_steps + 1 */
	int *dst;     /* node id of each member */
	double *prob; /* probability each member is called */
	int *pool;    /* index of the member's node among the server's pools */
};

/* What requests of one class do at a node. */
struct class_plan {
	const struct dist *service, *after;
	const struct call_plan *calls;
};

struct server;

/*
 * What a kind built on the engine does differently: each hook is NULL
 * where it does what the engine does.  A job is work the kind makes itself
 * (server_job): it has no caller and takes no slot, only a core.
 */
struct tier_ops {
	/* r arrives: 1 to let it in, 0 when the kind refused it (and answered). */
	int (*admit)(struct server *s, struct request *r);
	/* The instance r goes to when its caller chose none, or -1 for the
	 * engine's choice (the standby's active one, or round robin). */
	int (*route)(struct server *s, struct request *r);
	/* r's visit ends, just before its answer is sent. */
	void (*finished)(struct server *s, const struct request *r);
	/* The CPU time of job r, or NULL for its class's service. */
	const struct dist *(*job_work)(const struct server *s, const struct request *r);
	/* Job r's CPU time is over (the kind frees it). */
	void (*job_done)(struct server *s, struct request *r);
	/* Its own metrics (after the engine's node-wide ones), warm-up and end. */
	void (*report)(const struct server *s, struct report *rep);
	void (*reset)(struct server *s);
	void (*release)(struct server *s);
	/* The scope of instance i in reports ("db/s1/r2"); default "NAME/i". */
	void (*instance_scope)(const struct server *s, int i, char *buf, size_t n);
	int pass_status; /* answer a failed call's own status (a proxy's 502/504), not 500 */
};

struct instance {
	long busy_cores;
	long admitted;             /* slots in use */
	struct req_fifo wait_slot; /* waiting for admission */
	struct req_fifo wait_cpu;  /* admitted, waiting for a core */
	struct req_fifo hung;      /* held by a hung instance, never answered */
	struct tavg busy;          /* cores busy */
	struct tavg slots, queued; /* slots in use, requests waiting for one (tiers of several instances) */
	uint64_t arrivals, rejections;
	/* Before the warm-up's end (an autoscaler's totals since the start). */
	double busy_before;
	uint64_t arrivals_before, rejections_before;
	int draining; /* an autoscaler is draining it: the tier's own choice skips it */
	int running;  /* an autoscaled tier's: paid for */
};

/* Connections from one instance to one called node. */
struct pool {
	long in_use;
	struct req_fifo wait;
};

struct server {
	struct node base;
	struct server_cfg cfg;
	const struct tier_ops *ops; /* the kind's hooks */
	long slots;                 /* admission limit per instance */
	struct rng rng_service;
	double inv_speed;                    /* 1 / cfg.speed: service times are multiplied by it */
	struct instance *inst;               /* owned, n_instances */
	int rr;                              /* next instance for callers that do not choose */
	struct tmo timeouts;                 /* of downstream calls, when cfg.call_timeout > 0 */
	struct standby standby;              /* active-passive: the instance serving (standby.active) */
	struct tavg slots_used;              /* admission slots in use, all instances */
	struct rng rng_calls;                /* draws of the probabilistic calls */
	struct class_plan cp[CLASS_MAX + 1]; /* [0]: requests of no class; [c]: class c */
	struct call_plan *plans;             /* owned: [0] the node's, then one per class that overrides calls */
	int n_plans;
	/* Connection pools (cfg.pool > 0): n_pools called nodes per instance. */
	int n_pools;
	int pool_dst[(TABLE_MAX + 1) * NODE_REFS_MAX]; /* the node's calls and each class's */
	struct pool *pools;                            /* owned: n_instances * n_pools */
	struct tmo pool_tmo;
	struct tally pool_wait; /* seconds waited for a connection, by calls that got one */
	struct tavg pool_waiting;
	struct tavg *pool_busy;     /* owned, n_pools: connections in use to each callee, all instances */
	struct tally *pool_wait_of; /* owned, n_pools: pool_wait by callee */
	uint64_t pool_timeouts, fanouts;
	int has_fanout; /* some plan has a parallel group */
	/* Autoscaling (autoscaler.c): instances running (paid for), and whom
	 * to tell when a draining instance holds nothing more. */
	int is_scaled;
	struct tavg running;
	void (*drained)(struct node *ctl, int inst);
	struct node *drain_ctl;
};

/* What the tier engine reports (server.c), for every kind built on it. */
extern const struct metric_def server_metrics[];

/* The keys of a `classes` entry (server.c). */
extern const struct param_table server_class_table;

/*
 * The parameters servers and databases share (their tables start with
 * them); what differs between the two is an argument: help texts and the
 * default number of workers.
 */
#define SERVER_OFF(f) offsetof(struct server_cfg, f)
/* clang-format off */
#define SERVER_COMMON_PARAMS(instances_help, cores_help, workers_def, workers_help, queue_help, service_help, \
			     calls_help, price_help) \
	{"instances", PT_COUNT, SERVER_OFF(instances), "1", 1, 100000, NULL, 0, instances_help}, \
	{"cores", PT_COUNT, SERVER_OFF(cores), "1", 1, 100000, NULL, 0, cores_help}, \
	{"workers", PT_COUNT, SERVER_OFF(workers), workers_def, 1, 1e7, NULL, 0, workers_help}, \
	{"queue", PT_COUNT, SERVER_OFF(queue), "1000", 0, 1e9, NULL, P_UNLIMITED, queue_help}, \
	{"service", PT_DIST, SERVER_OFF(service), NULL, 0, 0, NULL, P_REQUIRED, service_help}, \
	{"calls", PT_NODES, SERVER_OFF(calls), "[]", 0, 0, NULL, P_CALL_SUFFIXES, calls_help}, \
	{"service_after", PT_DIST, SERVER_OFF(service_after), NULL, 0, 0, NULL, P_OPTIONAL, \
	 "CPU time after the calls have answered (rendering the page); none if absent"}, \
	{"price", PT_MONEY, SERVER_OFF(price), "$0/h", 0, 1e6, NULL, 0, price_help}, \
	{"size", PT_STRING, SERVER_OFF(size), NULL, 0, 0, NULL, P_OPTIONAL | P_SHORTHAND, \
	 "an instance size of the scenario's catalog: its cores, speed and price, unless given here"}, \
	{"speed", PT_FACTOR, SERVER_OFF(speed), "1", 0.001, 1000, NULL, 0, \
	 "per-core speed against the service times as written (they divide by it): 2 halves them"}, \
	{"zones", PT_COUNT, SERVER_OFF(zones), "1", 1, 26, NULL, 0, \
	 "availability zones the instances are spread over (instance i in zone i mod zones)"}, \
	{"failover", PT_ENUM, SERVER_OFF(failover), "none", 0, 0, "none|active_passive", 0, \
	 "none: callers spread over the instances; active_passive: one serves, the others stand by"}, \
	{"promotion", PT_DURATION, SERVER_OFF(promotion), "30s", 0, 1e6, NULL, 0, \
	 "active_passive: time to promote a standby after the active instance fails"}, \
	{"call_timeout", PT_DURATION, SERVER_OFF(call_timeout), NULL, 1e-6, 1e6, NULL, P_OPTIONAL, \
	 "a downstream call not answered within it fails, and the node answers 500"}, \
	{"pool", PT_COUNT, SERVER_OFF(pool), NULL, 1, 1e7, NULL, P_OPTIONAL, \
	 "connections per instance to each node it calls (a call waits for a free one); none if absent"}, \
	{"pool_timeout", PT_DURATION, SERVER_OFF(pool_timeout), NULL, 1e-6, 1e6, NULL, P_OPTIONAL, \
	 "a call that waited this long for a pooled connection fails, and the node answers 500 (default 30s)"}, \
	{"classes", PT_TABLE, SERVER_OFF(classes_head), NULL, 0, 0, &server_class_table, P_OPTIONAL, \
	 "per request class: its own service, service_after, calls (and writes), e.g. [{class: buy, calls: [db*3]}]"}
/* clang-format on */

/* The handlers of every kind built on the engine. */
#define TIER_KIND_HANDLERS                                                                                             \
	.flags = KIND_INSTANCES | KIND_CAN_FAIL | KIND_CAN_HANG, .arrive = server_arrive, .reply = server_reply,       \
	.health_changed = server_health_changed, .report = server_report, .reset = server_reset,                       \
	.release = server_release, .engine_metrics = server_metrics

/*
 * Kinds in front of a tier (proxy, gateway) are the engine in async mode:
 * these keys, then their own; their configuration struct starts with a
 * struct front_cfg (front_instances reads it there).  front_as_server fills
 * the engine's configuration from them; the kind adds its calls and classes.
 */
struct front_cfg {
	struct dist service;
	long instances, cores, max_connections, queue, zones, burst;
	double timeout, price, rate_limit;
	int rate_limit_by; /* enum limit_by */
};
/* A front's state: the engine's, then its rate limit (front.c). */
struct front {
	struct server s;
	struct limiter lim;
};
void front_as_server(const struct front_cfg *f, struct server_cfg *c);
/* Initialises a front: the engine on c (made by front_as_server and the
 * kind), with f's rate limit. */
void front_init(struct node *n, const struct server_cfg *c, const struct front_cfg *f);
/* The instances of a kind whose configuration starts with its front_cfg. */
int front_instances(const void *cfg);
/* 'burst' without 'rate_limit'; params is the kind's table. */
const char *front_check(const struct front_cfg *f, const struct param *params, unsigned long present, const char **key);

/* clang-format off */
#define FRONT_PARAMS(type, service_def, instances_def, queue_def, queue_help, timeout_def, timeout_help) \
	{"service", PT_DIST, offsetof(type, front.service), service_def, 0, 0, NULL, 0, "its own CPU time per request"}, \
	{"instances", PT_COUNT, offsetof(type, front.instances), instances_def, 1, 100000, NULL, 0, "machines"}, \
	{"cores", PT_COUNT, offsetof(type, front.cores), "2", 1, 100000, NULL, 0, "cores per instance"}, \
	{"max_connections", PT_COUNT, offsetof(type, front.max_connections), "10000", 1, 1e8, NULL, 0, \
	 "connections per instance, each held until its answer is sent"}, \
	{"queue", PT_COUNT, offsetof(type, front.queue), queue_def, 0, 1e9, NULL, P_UNLIMITED, queue_help}, \
	{"timeout", PT_DURATION, offsetof(type, front.timeout), timeout_def, 1e-6, 1e6, NULL, 0, timeout_help}, \
	LIMITER_PARAMS(offsetof(type, front.rate_limit), offsetof(type, front.burst), \
		       offsetof(type, front.rate_limit_by)), \
	{"zones", PT_COUNT, offsetof(type, front.zones), "1", 1, 26, NULL, 0, \
	 "availability zones the instances are spread over"}, \
	{"price", PT_MONEY, offsetof(type, front.price), "$0/h", 0, 1e6, NULL, 0, "cost per instance"}

/* What proxies and gateways share in their kind (size, flags, handlers, metrics). */
extern const struct metric_def front_metrics[];
#define FRONT_KIND_COMMON \
	.size = sizeof(struct front), TIER_KIND_HANDLERS, .instances = front_instances, .zones = front_zones, \
	.metrics = front_metrics
/* clang-format on */

/* The engine on c with n_inst instances and the kind's hooks (NULL: none). */
void server_init_tier(struct node *n, const struct server_cfg *c, int n_inst, const struct tier_ops *ops);
/* The server kind's init: the engine alone. */
void server_init(struct node *n, const void *cfg);
/* Queues job r (the kind's own work, r's frame made by the kind with its
 * flags) for a core of instance inst. */
void server_job(struct server *s, int inst, struct request *r);
/* Requests per second a tier of n_inst instances of c can serve. */
double tier_capacity(const struct server_cfg *c, int n_inst, int *unbounded);
void server_arrive(struct node *n, struct request *r);
void server_reply(struct node *n, struct request *r);
double server_capacity(const void *cfg, int *unbounded);
int server_instances(const void *cfg);
int server_zones(const void *cfg);
int front_zones(const void *cfg);
void server_health_changed(struct node *n, int inst, int old);
void server_reset(struct node *n);
void server_report(const struct node *n, struct report *rep);
void server_release(struct node *n);
/*
 * What an autoscaler (autoscaler.c) does to a tier.  tier_set_running:
 * instance inst starts (or stops) being paid for.  tier_drain: the tier's
 * own choice of instance skips inst from now on, and once it holds no
 * request done(ctl, inst) is called; 1 if it holds none already (done is
 * then not called).  tier_totals: what inst has done since the start (CPU
 * seconds, requests received, refused).
 */
void tier_set_running(struct server *s, int inst, int running);
int tier_drain(struct server *s, int inst, void (*done)(struct node *ctl, int inst), struct node *ctl);
void tier_totals(const struct server *s, int inst, double *busy, uint64_t *arrivals, uint64_t *rejections);

/* Cross-key checks shared by the kinds (params: the kind's table). */
const char *server_check(const void *cfg, const struct param *params, unsigned long present, const char **key);

#endif
