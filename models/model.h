/*
 * model.h - the component interface: requests, nodes, kinds and the network.
 *
 * A node is one component of the backend (a workload, a load balancer, a
 * tier of servers, a database, a link).  Its behaviour comes from its kind:
 * a small vtable with the size of its state, the size of its parsed config
 * and its parameter table (param.h).  A new kind is one file in models/ plus
 * one line in registry.c.
 *
 * A request's life: a workload makes it and calls its target.  Calling
 * pushes a frame on the request's stack naming the caller, so the callee
 * knows where to answer; answering pops it.  Every hop between two nodes
 * is an event, even with zero delay (a link between them adds its delay),
 * except a workload's own hops without a link, which are plain calls
 * (hop() in net.c says why that is safe).
 *
 * Ownership: a struct request * given to node_call, node_reply, an arrive or
 * a reply handler is consumed by it.  Requests come from a per-network free
 * list; nothing is malloc'd per request once the run is warm.
 *
 * Statistics common to every kind live in the node base (struct node_stats)
 * and are updated through the node_* helpers, so each kind only says when
 * things happen.  Per-node status counts distinguish codes the node made
 * itself ("ELB" codes, in CloudWatch terms) from codes it passed on from
 * downstream ("Target" codes).
 */
#ifndef MODELS_MODEL_H
#define MODELS_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "../sim/engine/hist.h"
#include "../sim/engine/rng.h"
#include "../sim/engine/sim.h"
#include "../sim/engine/stats.h"
#include "../sim/engine/tmo.h"
#include "metric.h"
#include "param.h"

#define REQ_MAX_DEPTH 16 /* frames: the deepest call chain allowed */

/* Status codes, as in HTTP; 0 never leaves a node. */
enum {
	HTTP_OK = 200,
	HTTP_TOO_MANY = 429,
	HTTP_CLIENT_CLOSED = 460,
	HTTP_INTERNAL = 500,
	HTTP_BAD_GATEWAY = 502,
	HTTP_UNAVAILABLE = 503,
	HTTP_GATEWAY_TIMEOUT = 504,
};

/* Status classes counted per node. */
enum status_slot { SS_2XX, SS_429, SS_460, SS_500, SS_502, SS_503, SS_504, SS_N };
extern const int status_slot_code[SS_N];
enum status_slot status_slot_of(int code);

struct frame {
	double t_arrive;      /* callee: when the request arrived, seconds */
	double t_call;        /* owner of the frame: when it last called downstream */
	int32_t from_inst;    /* instance of the caller, or -1 */
	int32_t self_inst;    /* callee: which of its instances serves it */
	uint16_t from;        /* caller node id */
	uint16_t step;        /* callee: progress through its work (e.g. call index) */
	uint16_t flags;       /* callee: private bits */
	uint16_t epoch;       /* callee: its instance's epoch when it was admitted */
	uint32_t seq;         /* which call of the request pushed it (request.n_calls) */
	uint8_t is_delivered; /* the callee received it (connect timeouts) */
};

/* A fan-out (server.c): a child's parent, and a parent's children still
 * out and whether one of them failed. */
struct fan {
	struct request *parent; /* a child: the request waiting for it; NULL otherwise */
	uint16_t pending;       /* a parent: children not yet answered */
	uint8_t failed;         /* a parent: a child failed */
};

/* What the access log shows of a request's passage through a load
 * balancer: filled by the balancer through lb_trace_*, read by the
 * program's access log.  -1 where it did not get that far. */
struct lb_trace {
	int16_t lb, target, inst;          /* the balancer, the tier it sent the request to, the instance */
	double t_in, t_dispatch, t_answer; /* seconds: in the balancer, sent on, the target's answer back */
};

/*
 * A request: what every node may read (its identity, sizes, class,
 * client, status and call stack), the per-callee state in its frames, and
 * a few groups each with one owner: the node that made it (maker_state),
 * a fan-out (fan), the balancer's trace for the access log (trace).
 */
struct request {
	struct request *next; /* free list or a node's queue (one at a time) */
	uint64_t id;
	double t_created;    /* seconds */
	double req_bytes;    /* request size, bytes */
	double resp_bytes;   /* response size, bytes */
	int status;          /* HTTP status so far */
	int origin;          /* node id that set an error status, -1 if none */
	int dst_inst;        /* instance the next delivery is for, -1: callee picks */
	uint16_t workload;   /* node id of the workload that made it */
	uint8_t depth;       /* frames in use */
	uint8_t attempt;     /* 1 for the first try, then one more per retry */
	uint8_t is_lost;     /* its last message was lost (a partition): parked for timeouts */
	uint8_t cls;         /* request class (0: none; see net_spec.class_name) */
	uint8_t maker_state; /* the node that made it, its own: a workload's breaker trial, a queue's step */
	int8_t orphan_at;    /* a caller at this depth gave up on it: -1 if none */
	uint32_t client;     /* who sent it: its workload's client_base + the client's index */
	uint32_t n_calls;    /* calls made so far (frame.seq) */
	struct fan fan;
	struct lb_trace trace;
	struct frame f[REQ_MAX_DEPTH];
};

/* The balancer's trace of r (the access log's): r came in at t; r was
 * sent to instance inst of node target at t; its answer came back at t. */
static inline void lb_trace_in(struct request *r, int lb, double t)
{
	r->trace.lb = (int16_t)lb;
	r->trace.t_in = t;
}
static inline void lb_trace_dispatch(struct request *r, int target, int inst, double t)
{
	r->trace.target = (int16_t)target;
	r->trace.inst = (int16_t)inst;
	r->trace.t_dispatch = t;
}
static inline void lb_trace_answer(struct request *r, double t)
{
	r->trace.t_answer = t;
}

/* The top frame: the one the node now handling the request owns. */
static inline struct frame *request_frame(struct request *r)
{
	return &r->f[r->depth - 1];
}

struct node_stats {
	uint64_t arrivals;     /* requests that reached the node */
	uint64_t completions;  /* requests answered after being served */
	uint64_t rejections;   /* requests refused without service */
	uint64_t spillover;    /* refused because a bounded queue was full */
	uint64_t own[SS_N];    /* codes of answers sent, made by this node */
	uint64_t passed[SS_N]; /* codes of answers sent, made downstream (or 2xx) */
	uint64_t accepted;     /* of the 2xx, 202 Accepted (a message queue's) */
	struct tally resp;     /* residence time of answered requests, seconds */
	struct hist resp_hist;
	struct tavg busy;    /* servers busy (cores, ...) */
	struct tavg waiting; /* requests waiting for a server or a worker */
	struct tavg active;  /* requests inside the node */
	/* The wait before service: the first time a request gets a server. */
	uint64_t started, waited; /* requests that began service; of them, those that waited */
	double wait_sum;          /* seconds waited, in all */
	struct hist wait_hist;    /* the positive waits (most requests wait 0 at low load) */
	double down_sum;          /* seconds the node's requests spent in calls downstream */

	/* Current period, for the time series. */
	uint64_t p_arrivals, p_spillover;
	uint64_t p_own[SS_N], p_passed[SS_N];
	struct hist p_hist;        /* TargetResponseTime in this period */
	double p_busy0, p_active0; /* integrals at the period start */
	double p_wait_max;         /* largest wait queue in this period */
};

/* How a tier of several instances serves: every instance (a server's
 * `none`, a balancer's `active_active`), or one at a time, a standby
 * taking over after a delay (`active_passive`).  The order of both
 * kinds' `failover` choices. */
enum failover { FAILOVER_SPREAD, FAILOVER_ACTIVE_PASSIVE };

/* Active-passive in the node base: the instance serving, and the
 * promotion of a standby when it stops (node_standby_*). */
struct standby {
	int active;       /* the instance serving, or -1 between a failure and a promotion */
	int is_promoting; /* a promotion is scheduled */
	double delay;     /* seconds from the failure to the promotion */
};

/* The health of one instance.  Failures (models/failure.c) change it. */
enum health {
	HEALTH_UP,
	HEALTH_DOWN, /* crashed: refuses connections, loses what it held */
	HEALTH_HUNG, /* accepts connections and never answers */
};

struct instance_health {
	uint8_t state;      /* enum health */
	uint8_t in_service; /* running and in service (1 unless an autoscaler has it out: node_set_in_service) */
	uint16_t epoch;     /* changes whenever the instance stops or restarts */
	double slow;        /* factor on service times (1: healthy) */
	int log;            /* open record in net->log, or -1 */
};

struct node {
	const struct node_kind *kind;
	struct net *net;
	const char *name;               /* not owned (the spec's) */
	int id;                         /* index in net->nodes */
	int n_instances;                /* machines behind this name (1 unless the kind says) */
	int zones;                      /* instance i is in zone i % zones (a, b, ...); 1 unless the kind says */
	int n_up;                       /* instances up (in service, neither down nor hung) */
	int n_in_service;               /* instances in service: n_instances unless an autoscaler manages them */
	int timeout_code;               /* the status its timed-out calls get (node_timeouts_init) */
	int n_healthy;                  /* HealthyHostCount: n_up, or a balancer's view of its targets */
	int n_unhealthy;                /* UnHealthyHostCount: likewise */
	struct instance_health *health; /* owned: n_instances of them */
	struct tavg up;                 /* instances up, time average */
	double *up_time;                /* owned, n_instances + 1: seconds spent with k instances up */
	double up_t_last;               /* when n_up last changed (or the warm-up ended) */
	uint64_t outages;               /* times it stopped serving (no instance up, or failing over) */
	double outage_time, outage_t0;  /* seconds not serving; when the current outage began */
	int is_serving;                 /* can answer at all: n_up > 0 unless the kind manages it */
	int manages_serving;            /* the kind calls node_set_serving itself (failover) */
	double capacity;                /* servers in total, for utilization; 0: not a queue */
	/* An autoscaled tier's capacity comes and goes with its instances in
	 * service: utilization is then busy time over this one's integral. */
	int is_scaled;
	double unit_capacity; /* servers per instance */
	struct tavg capacity_t;
	double p_cap0;        /* its integral at the period's start */
	uint32_t client_base; /* workloads: the net-wide id of its first client */
	struct node_stats st;
};

struct report;
struct node_spec;
struct net_spec;

enum kind_flags {
	KIND_WORKLOAD = 1,  /* a source of requests (the workloads: section) */
	KIND_LINK = 2,      /* a network link: delays messages between two nodes */
	KIND_INSTANCES = 4, /* has instances a load balancer can target */
	KIND_INJECTOR = 8,  /* injects failures (the failures: section), not in any path */
	KIND_CAN_FAIL = 16, /* its instances can crash or slow down */
	KIND_CAN_HANG = 32, /* its instances can hang */
	KIND_CONTROL = 64,  /* controls other nodes (an autoscaler): in the nodes: section, not in any path */
};

/* The kinds that take no part in requests' paths. */
#define KIND_OFF_PATH (KIND_WORKLOAD | KIND_LINK | KIND_INJECTOR | KIND_CONTROL)

struct node_kind {
	const char *name;    /* as written in `kind:` */
	const char *summary; /* one line for `chokepoint kinds` */
	size_t size;         /* state struct size, base first */
	size_t cfg_size;     /* parsed config struct size */
	const struct param *params;
	const struct metric_def *metrics; /* what its report adds to the common tables (metric.h); may be NULL */
	/* The table of the engine the kind is built on (server.c's tier engine),
	 * shared by every kind built on it; looked up after the kind's own. */
	const struct metric_def *engine_metrics;
	unsigned flags;

	/*
	 * Cross-key checks after parsing.  present has bit i set when params[i]
	 * was written in the scenario.  Returns NULL, or an error message (a
	 * literal, or written into msg, n bytes) and sets *key to the key to
	 * point at (NULL: the node itself).
	 */
	const char *(*check)(const void *cfg, unsigned long present, const char **key, char *msg, size_t n);
	/* Optional: checks that need the other nodes, after references resolved. */
	const char *(*check_refs)(const void *cfg, const struct net_spec *spec, const char **key, char *msg, size_t n);

	void (*init)(struct node *n, const void *cfg); /* state is zeroed */
	void (*start)(struct node *n);                 /* schedule first events */
	void (*arrive)(struct node *n, struct request *r);
	void (*reply)(struct node *n, struct request *r); /* answer from downstream */
	/* Links: take r from node `from` to node `to` and deliver it with
	 * net_deliver when it has crossed; 0 if it is lost (a partition). */
	int (*send)(struct node *link, struct request *r, int from, int to, int is_reply);
	/*
	 * Optional: the most requests per second the node can serve (its
	 * servers over their mean service time), with *unbounded set when its
	 * waiting room has no limit.  Used to refuse unstable scenarios.
	 */
	double (*capacity)(const void *cfg, int *unbounded);
	/* Optional: at least what share of its arrivals of class cls (0: of no
	 * class) it sends on along its references (default 1); the stability
	 * check needs a lower bound. */
	double (*flow_out)(const void *cfg, int cls);
	/* Optional, workloads: the long-run request rate they offer, for the
	 * stability check (0 if absent: closed workloads overload nothing). */
	double (*offered)(const void *cfg);
	/* Optional, workloads: the share of their requests of class cls (0:
	 * of no class); default: all of class 0. */
	double (*class_share)(const void *cfg, int cls);
	/* Optional, workloads: how many clients send its requests (default 1);
	 * each has a net-wide id (request.client), for limits per client. */
	int (*clients)(const void *cfg);
	/* Optional: how many instances a node of this config has (default 1). */
	int (*instances)(const void *cfg);
	/* Optional: the availability zones its instances are spread over
	 * (instance i in zone i mod zones; default 1). */
	int (*zones)(const void *cfg);
	/* Optional: something in cfg that runs but is probably not meant (a
	 * failure after the run's end), once the scenario is otherwise valid:
	 * 1 with a warning in msg and *key set to the key (NULL: the item). */
	int (*lint)(const void *cfg, const struct net_spec *spec, char *msg, size_t n, const char **key);
	/* Optional: instance inst of n changed health from old (enum health);
	 * an instance out of service counts as HEALTH_DOWN (node_state). */
	void (*health_changed)(struct node *n, int inst, int old);
	/* Optional: instance inst of node target was registered (an autoscaler
	 * put it in service) or deregistered (it is being drained): a balancer
	 * checks the one and stops sending to the other. */
	void (*registration)(struct node *n, int target, int inst, int registered);
	/* Optional: fills the kind's own columns of a time-series period's row
	 * (len seconds long), whose common columns are written. */
	void (*period)(struct node *n, double len, double *row);
	void (*report)(const struct node *n, struct report *rep);
	void (*reset)(struct node *n); /* end of warm-up: clear kind statistics */
	void (*release)(struct node *n);
};

/* The registry (registry.c): all kinds, NULL-terminated. */
extern const struct node_kind *const node_kinds[];
const struct node_kind *node_kind_find(const char *name);

/*
 * The hooks a kind must and must not have (NULL when it keeps them):
 * every kind has name, summary, params and init; a workload start and
 * reply; a link send; an injector start; a node on requests' paths arrive
 * and reply.  Every other hook is optional.  tests/test_contract.c checks
 * every kind of the registry.
 */
const char *node_kind_contract(const struct node_kind *k);

/* A parsed scenario, produced by the program layer, read-only here. */
struct node_spec {
	const struct node_kind *kind;
	char name[64];
	void *cfg; /* kind->cfg_size bytes, owned by the spec */
};

struct net_spec {
	double duration; /* measured seconds per replication */
	double warmup;   /* seconds deleted at the start */
	double period;   /* time-series period, seconds */
	int period_auto; /* the scenario gave none: chosen for the run's length (NET_AUTO_PERIODS) */
	long replications;
	uint64_t seed;
	uint64_t max_events;      /* per replication; LONG_MAX: none */
	uint64_t max_in_flight;   /* requests alive at once; LONG_MAX: none */
	uint64_t in_flight_limit; /* what a replication enforces: max_in_flight, or lower (max_in_flight_auto) */
	int max_in_flight_auto;   /* the scenario gave none: the program may lower it for the machine */
	uint64_t max_failures;    /* failures recorded per replication; LONG_MAX: none */
	double slo;               /* availability target, e.g. 0.999 */
	int n_classes;            /* request classes named in workloads' mixes, ids 1..n_classes */
	char class_name[CLASS_MAX + 1][64]; /* [0] is "": a request of no class */
	int has_unclassified;               /* some workload has no mix: it sends requests of no class */
	int n_nodes;
	struct node_spec *nodes; /* owned */
};

/* Metrics a replication reports: (scope, key) -> value. */
struct metric {
	char scope[64]; /* "e2e" or a node name */
	char key[48];
	double value;
};

struct report {
	struct metric *m; /* owned */
	size_t n, cap;
};

void report_add(struct report *rep, const char *scope, const char *key, double value);
void report_release(struct report *rep);

/* Time-series columns, one row per (period, node). */
enum ts_col {
	TS_REQUESTS,
	TS_TARGET_2XX,
	TS_TARGET_4XX,
	TS_TARGET_5XX,
	TS_ELB_4XX,
	TS_ELB_5XX,
	TS_ELB_502,
	TS_ELB_503,
	TS_ELB_504,
	TS_TRT_P50,
	TS_TRT_P90,
	TS_TRT_P99,
	TS_HEALTHY,
	TS_UNHEALTHY,
	TS_SURGE,
	TS_SPILLOVER,
	TS_ACTIVE,
	TS_UTIL,
	TS_LCUS, /* a balancer's ConsumedLCUs (0 for other kinds) */
	TS_RCPT, /* a balancer's RequestCountPerTarget: requests over its healthy targets */
	/* An autoscaler's group (0 for other kinds). */
	TS_DESIRED,
	TS_IN_SERVICE,
	TS_PENDING,
	TS_TERMINATING,
	TS_NCOLS
};
extern const char *const ts_col_name[TS_NCOLS];

/* One failure, for failures.csv and the availability report. */
struct failure_record {
	int injector, node, inst; /* node ids; inst from 0 */
	int mode;                 /* enum health, or -1 for a slowdown */
	double t_fail;            /* seconds */
	double t_detect;          /* a balancer marked it unhealthy; -1 if never */
	double t_recover;         /* repaired; -1 if not by the end */
	double t_healthy;         /* a balancer marked it healthy again; -1 if never */
	uint64_t lost;            /* error answers workloads received while it was the first open */
	int prev;                 /* the record open on the same instance before it, or -1 (the run's own) */
};

/* One line of the access log, handed to net->access (the program writes it). */
struct access_entry {
	const struct request *r;
	double t;     /* answer received by the client, seconds */
	int workload; /* node id */
	uint64_t rep;
};

typedef void access_log_fn(void *ctx, const struct net *net, const struct access_entry *e);

struct req_chunk;

/* End-to-end statistics of one request class, over every workload. */
struct class_stats {
	uint64_t arrivals;     /* requests made */
	uint64_t codes[SS_N];  /* final answers received by the clients */
	uint64_t accepted;     /* of the 2xx, 202 Accepted */
	struct tally resp;     /* latency of the 2xx answers, seconds */
	struct hist resp_hist; /* the same */
};

/* One replication's world. */
/* The probabilities at which a replication keeps its end-to-end latency's
 * quantiles: 0.005, 0.01 to 0.99 by 0.01, 0.995, 0.999, 0.9995, 0.9999. */
#define NET_CDF_LEVELS 104
extern const double net_cdf_level[NET_CDF_LEVELS];

struct net {
	struct sim sim;
	const struct net_spec *spec;
	uint64_t rep;
	int n_nodes;
	struct node **nodes;   /* owned */
	struct node **link_of; /* n_nodes^2: the link between i and j, or NULL */
	struct request *free_reqs;
	struct req_chunk *chunks; /* owned: request storage */
	uint64_t next_req_id;
	uint64_t n_in_flight;
	double t_warm, t_end;       /* seconds */
	char stopped[256];          /* why the run stopped early; "" if it did not */
	struct failure_record *log; /* owned: every failure, in order */
	size_t n_log, cap_log;
	int *open_logs; /* owned: records not yet recovered */
	int n_open, cap_open;
	access_log_fn *access; /* when set: called for sampled final answers */
	void *access_ctx;
	double access_sample;   /* fraction of requests logged */
	struct rng rng_access;  /* sampling, a stream of its own */
	int tiers_down;         /* request-path nodes with no instance up */
	struct tavg service_up; /* 1 while every tier has an instance up */
	int n_periods, period_i;
	double *ts;              /* owned: n_periods * n_nodes * TS_NCOLS */
	uint32_t n_clients;      /* clients of every workload (request.client < n_clients) */
	struct class_stats *cls; /* owned: spec->n_classes + 1 of them ([0] unused), or NULL */
	/* The end-to-end latency's quantile at each of net_cdf_level (the
	 * distribution a run's picture draws), set by net_report. */
	double cdf[NET_CDF_LEVELS];
};

/* Number of time-series periods of a replication (the last may be partial). */
int net_spec_periods(const struct net_spec *spec);

/* The most time-series periods a run may have: the table is held in memory
 * (n_periods x n_nodes x TS_NCOLS doubles per replication), so the loader
 * refuses a period that would cut the run finer. */
#define NET_MAX_PERIODS 20000
/* When the scenario names no period, the loader picks one that cuts the
 * run into at most this many (a day of minutes). */
#define NET_AUTO_PERIODS 1440

/* Builds replication rep of spec; net_free frees it. */
struct net *net_new(const struct net_spec *spec, uint64_t rep);
void net_free(struct net *net);

/* Runs the replication to its end (warm-up plus duration). */
void net_run(struct net *net);

/* Appends the replication's metrics, in a fixed order, to rep. */
void net_report(struct net *net, struct report *rep);

/*
 * Gives n its instances, all up.  Called by a kind's init (net_new gives
 * every node one instance first).
 */
void node_set_instances(struct node *n, int k);

/*
 * Changes instance inst of n to health h (HEALTH_UP with slow > 1 for a
 * slowdown), keeps the counts and the time availability current and calls
 * the kind's health_changed.  log is the failure record to attach (-1).
 */
void node_set_health(struct node *n, int inst, enum health h, double slow, int log);

/* For kinds that manage it: whether n can answer at all right now (an
 * active-passive tier between a failure and a promotion cannot). */
void node_set_serving(struct node *n, int serving);

/* Active-passive: n serves from instance 0 at first, and manages its
 * serving (node_set_serving) through sb from then on. */
void node_standby_init(struct node *n, struct standby *sb, double delay);
/* Instance inst of n changed health (a kind's health_changed calls it):
 * when the active one stops, n stops serving until, delay later, the first
 * instance up is promoted. */
void node_standby_changed(struct node *n, struct standby *sb, int inst);

/* Whether r's instance of n stopped (or restarted) since r was admitted:
 * what it was doing there is lost. */
static inline int node_is_stale(const struct node *n, const struct request *r)
{
	const struct frame *f = &r->f[r->depth - 1];
	return n->health[f->self_inst].epoch != f->epoch;
}

/* A balancer's health checks took a failed instance out of rotation
 * (log: its open failure record), or put a repaired one back: the first
 * time counts, as failures.csv's detected_at_s and healthy_at_s. */
void net_log_detected(struct net *net, int log);
void net_log_healthy(struct net *net, int log);

/* Opens a failure record; its index, or -1 after stopping the run when
 * simulation.max_failures records are open or closed already. */
int net_log_failure(struct net *net, int injector, int node, int inst, int mode);

/* Whether a node takes part in requests' paths (not a workload, link, injector or autoscaler). */
static inline int node_in_path(const struct node *n)
{
	return !(n->kind->flags & KIND_OFF_PATH);
}

/* Instance inst's state as requests see it: an instance out of service is
 * down (it refuses connections). */
static inline enum health node_state(const struct node *n, int inst)
{
	const struct instance_health *h = &n->health[inst];
	return h->in_service ? (enum health)h->state : HEALTH_DOWN;
}

/*
 * An autoscaler's: instance inst of n goes into service (on) or out of it
 * (what it still holds is lost, as in a crash, but it is no failure).  The
 * first call makes n a scaled node (its capacity follows its instances in
 * service).  The balancers in front learn of it through net_registration.
 */
void node_set_in_service(struct node *n, int inst, int on);
/* The most instances an autoscaler gives node (its max), or 0 when no
 * autoscaler scales it (autoscaler.c): a tier is built with that many. */
int autoscaler_slots(const struct net_spec *spec, int node);

/* Tells every node with a registration hook that instance inst of target
 * was registered (1) or deregistered (0). */
void net_registration(struct net *net, int target, int inst, int registered);

/* Initialises a random stream named "<node>/<purpose>" for this replication. */
void node_rng_init(const struct node *n, struct rng *rng, const char *purpose);

/* Delivers r to node `to` after delay seconds (as an arrival, or as an
 * answer with is_reply).  For links, once a message has crossed. */
void net_deliver(struct net *net, struct request *r, int to, int is_reply, double delay);

/*
 * Requests.  request_new returns NULL, after stopping the run and saying
 * why in net->stopped, when max_in_flight requests are alive already.
 */
struct request *request_new(struct net *net, struct node *workload);
void request_free(struct net *net, struct request *r);

/*
 * Sends r from n (its instance inst, or -1) to node dst, instance dst_inst
 * (-1: dst chooses).  Consumes r.
 */
void node_call(struct node *n, int inst, struct request *r, int dst, int dst_inst);

/*
 * node_call with a timeout: if dst has not answered when t expires, n's
 * reply handler receives an answer with status code (made by n) in place
 * of the real one, which is dropped when it arrives.  t must have been set
 * up with node_timeouts_init.
 */
struct tmo;
/* Returns 1 when the message was lost in a partition: r is then parked
 * (nobody else holds it), and still the caller's to arm a connect timeout
 * on; else 0, and r is consumed. */
int node_call_timed(struct node *n, int inst, struct request *r, int dst, int dst_inst, struct tmo *t);

/* Adds a connect timeout to the call just made and lost (node_call_timed
 * returned 1): it fires unless the request reaches the callee by then. */
void node_call_connect_timeout(struct request *r, struct tmo *connect);

/* Sets up t (duration seconds) for n's timed calls; their status code. */
void node_timeouts_init(struct node *n, struct tmo *t, double duration, int code);

/* Answers r to whoever called n (pops n's frame).  Consumes r. */
void node_reply(struct node *n, struct request *r);

/* Refuses r with code (n made it): counts it and answers.  Consumes r. */
void node_reject(struct node *n, struct request *r, int code, int is_spillover);

/* Answers r with an error code n made, after it was accepted (not a
 * refusal): counted among n's own codes.  Consumes r. */
void node_fail_request(struct node *n, struct request *r, int code);

/* Statistics helpers. */
static inline void node_arrival(struct node *n)
{
	n->st.arrivals++;
	n->st.p_arrivals++;
}
/* A client received r's final answer after latency seconds (r->cls > 0). */
void net_class_answer(struct net *net, const struct request *r, double latency);
/* A workload received an error answer: charge it to every open failure. */
void net_charge_failures(struct net *net);

/* Counts r's status among the answers n sends (node_done does it too). */
void node__count_status_slow(struct node *n, const struct request *r);
static inline void node_count_status(struct node *n, const struct request *r)
{
	if (r->status == HTTP_OK) { /* the commonest: passed on, never n's own error */
		n->st.passed[SS_2XX]++;
		n->st.p_passed[SS_2XX]++;
	} else {
		node__count_status_slow(n, r);
	}
}
/* r was served and is being answered: resid at this node, target time for TRT. */
void node_done(struct node *n, const struct request *r, double resid, double target_time);
static inline void node_busy(struct node *n, double d)
{
	tavg_add(&n->st.busy, n->net->sim.now, d);
}
static inline void node_active(struct node *n, double d)
{
	tavg_add(&n->st.active, n->net->sim.now, d);
}
static inline void node_waiting(struct node *n, double d)
{
	struct tavg *w = &n->st.waiting;
	tavg_add(w, n->net->sim.now, d);
	if (w->value > n->st.p_wait_max)
		n->st.p_wait_max = w->value;
}

/* r began service (got a server) for the first time, after waiting w seconds. */
static inline void node_started(struct node *n, double w)
{
	n->st.started++;
	if (w > 0) {
		if (!n->st.wait_hist.h) /* made on the first wait: most nodes never wait (links, workloads) */
			hist_init(&n->st.wait_hist);
		n->st.waited++;
		n->st.wait_sum += w;
		hist_add(&n->st.wait_hist, w);
	}
}
/* A call downstream (or a fan-out) came back after d seconds. */
static inline void node_downstream(struct node *n, double d)
{
	n->st.down_sum += d;
}

/* Writes the metrics every node has (utilization, throughput, ...). */
void node_report_base(const struct node *n, struct report *rep);

/* Intrusive FIFO of requests (through request.next): O(1) push and pop. */
struct req_fifo {
	struct request *head, *tail;
	long n;
};

static inline void fifo_push(struct req_fifo *q, struct request *r)
{
	r->next = NULL;
	if (q->tail)
		q->tail->next = r;
	else
		q->head = r;
	q->tail = r;
	q->n++;
}

static inline struct request *fifo_pop(struct req_fifo *q)
{
	struct request *r = q->head;
	if (r) {
		q->head = r->next;
		if (!q->head)
			q->tail = NULL;
		q->n--;
	}
	return r;
}

#endif
