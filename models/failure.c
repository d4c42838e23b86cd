/*
 * failure.c - failure injectors: what breaks, when, and for how long.
 *
 * An item of the `failures:` section.  It targets one node (`node`), all of
 * its instances, one of them (`instance`, from 1) or the first `fraction`
 * of them; or a whole availability zone (`zone`: every instance there, of
 * `node` or of every node that can fail); and either
 *   - scheduled: fails them `at` a time, for a duration (`for`; to the end
 *     of the run if absent), or
 *   - random: each targeted instance alternates up times drawn from `mtbf`
 *     and repairs drawn from `mttr` (a bare duration means exponential with
 *     that mean), repaired by at most `crew` at once (unlimited: each
 *     instance independently; 1: one shared repair crew, first come first
 *     served).
 * `mode`: crash (refuses connections, loses what it held), hang (accepts
 * and never answers) or slow (service times multiplied by `slow`).
 *
 * Events: failure and repair.  Every failure is logged (failures.csv) with
 * when it was detected (a balancer marked it unhealthy) and recovered.
 * An injector takes no part in requests' paths and reports no metrics.
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/engine/util.h"
#include "model.h"

enum fail_mode { FAIL_CRASH, FAIL_HANG, FAIL_SLOW };

struct failure_cfg {
	int node;        /* -1: every node (with zone) */
	char zone[64];   /* "a", "b", ...; "" for none */
	long instance;   /* from 1; 0: not given */
	double fraction; /* of the instances; 0: not given */
	double at, len;  /* seconds; len 0: to the end */
	int mode;
	double slow;
	struct dist mtbf, mttr;
	long crew;
};

struct target {
	int node, inst;
};

struct slot {
	struct failure *f;
	int k; /* index in targets */
};

struct failure {
	struct node base;
	struct failure_cfg cfg;
	int is_random;
	struct rng rng;
	struct target *targets; /* owned: the instances it breaks */
	int count;
	struct slot *slots; /* owned: one per target (random failures) */
	int *repair_queue;  /* owned: instances waiting for a crew (FIFO ring) */
	int rq_head, rq_n;
	long crew_busy;
};

#define OFF(f) offsetof(struct failure_cfg, f)
static const struct param failure_params[] = {
	{"node", PT_NODE, OFF(node), NULL, 0, 0, NULL, P_OPTIONAL, "the node whose instances fail"},
	{"zone", PT_STRING, OFF(zone), NULL, 0, 0, NULL, P_OPTIONAL,
	 "every instance in this zone (a, b, ...), of `node` or of every node"},
	{"instance", PT_COUNT, OFF(instance), NULL, 1, 100000, NULL, P_OPTIONAL,
	 "only this instance, counted from 1 (default: all)"},
	{"fraction", PT_FRACTION, OFF(fraction), NULL, 1e-9, 1, NULL, P_OPTIONAL,
	 "only the first fraction of the instances, e.g. 50%"},
	{"at", PT_DURATION, OFF(at), NULL, 0, 1e9, NULL, P_OPTIONAL, "scheduled: when the failure starts"},
	{"for", PT_DURATION, OFF(len), NULL, 1e-9, 1e9, NULL, P_OPTIONAL,
	 "scheduled: how long it lasts (default: to the end of the run)"},
	{"mode", PT_ENUM, OFF(mode), "crash", 0, 0, "crash|hang|slow", 0,
	 "crash: refuses connections; hang: never answers; slow: service times x slow"},
	{"slow", PT_FACTOR, OFF(slow), NULL, 1, 1e6, NULL, P_OPTIONAL,
	 "mode slow: factor on service times (default 10x)"},
	{"mtbf", PT_DIST_EXP, OFF(mtbf), NULL, 0, 0, NULL, P_OPTIONAL,
	 "random: time between failures of each instance (a duration means exponential)"},
	{"mttr", PT_DIST_EXP, OFF(mttr), NULL, 0, 0, NULL, P_OPTIONAL,
	 "random: time to repair (a duration means exponential)"},
	{"crew", PT_COUNT, OFF(crew), NULL, 1, 100000, NULL, P_UNLIMITED | P_OPTIONAL,
	 "random: instances repaired at once (default: unlimited, each independently)"},
	{0},
};
#undef OFF

static const char *failure_check(const void *cfgp, unsigned long present, const char **key, char *msg, size_t n)
{
	(void)msg;
	(void)n;
	const struct failure_cfg *cfg = cfgp;
	const struct param *p = failure_params;
	int at = param_is_present(p, present, "at"), mtbf = param_is_present(p, present, "mtbf");
	int mttr = param_is_present(p, present, "mttr"), len = param_is_present(p, present, "for");
	*key = NULL;
	if (at == mtbf) {
		*key = at ? "mtbf" : NULL;
		return at ? "a failure is either scheduled ('at') or random ('mtbf'), not both"
			  : "a failure needs 'at' (scheduled) or 'mtbf' and 'mttr' (random)";
	}
	if (mtbf && !mttr)
		return "a random failure needs 'mttr', the time to repair";
	if (!mtbf && mttr) {
		*key = "mttr";
		return "'mttr' applies to random failures (with 'mtbf')";
	}
	if (len && !at) {
		*key = "for";
		return "'for' applies to scheduled failures (with 'at')";
	}
	if (param_is_present(p, present, "crew") && !mtbf) {
		*key = "crew";
		return "'crew' applies to random failures (with 'mtbf')";
	}
	int node = param_is_present(p, present, "node"), zone = param_is_present(p, present, "zone");
	if (!node && !zone)
		return "a failure needs 'node', 'zone' or both";
	if (zone && (strlen(cfg->zone) != 1 || cfg->zone[0] < 'a' || cfg->zone[0] > 'z')) {
		*key = "zone";
		return "a zone is a letter: a, b, c, ...";
	}
	if (zone && (param_is_present(p, present, "instance") || param_is_present(p, present, "fraction"))) {
		*key = "zone";
		return "give 'zone' or 'instance'/'fraction', not both";
	}
	if (param_is_present(p, present, "instance") && param_is_present(p, present, "fraction")) {
		*key = "fraction";
		return "give 'instance' or 'fraction', not both";
	}
	if (param_is_present(p, present, "slow") && cfg->mode != FAIL_SLOW) {
		*key = "slow";
		return "'slow' applies to mode slow";
	}
	return NULL;
}

/* Whether a zone failure breaks any instance of node t (find_targets' rule). */
static int zone_has_instances(const struct node_spec *t, int zone)
{
	int k = t->kind->instances ? t->kind->instances(t->cfg) : 1;
	int zones = t->kind->zones ? t->kind->zones(t->cfg) : 1;
	if (zones < 1)
		zones = 1;
	if (k == 1 && zones > 1)
		return 0; /* one instance spread over zones survives any one */
	return zone < zones && zone < k;
}

/* A scheduled failure after the run's end, or one in a zone with nothing
 * in it, runs but breaks nothing: say so. */
static int failure_lint(const void *cfgp, const struct net_spec *spec, char *msg, size_t n, const char **key)
{
	const struct failure_cfg *cfg = cfgp;
	double end = spec->warmup + spec->duration;
	if (cfg->at > 0 && cfg->at >= end) {
		*key = "at";
		snprintf(msg, n,
			 "this failure is at %gs, at or after the run's end (%gs, warm-up included): it never happens",
			 cfg->at, end);
		return 1;
	}
	if (cfg->zone[0]) {
		int zone = cfg->zone[0] - 'a', any = 0;
		for (int i = 0; i < spec->n_nodes && !any; i++)
			if (cfg->node >= 0 ? i == cfg->node : (spec->nodes[i].kind->flags & KIND_CAN_FAIL) != 0)
				any = zone_has_instances(&spec->nodes[i], zone);
		if (!any) {
			*key = "zone";
			snprintf(msg, n, "zone '%s' holds no instance that can fail: this failure breaks nothing",
				 cfg->zone);
			return 1;
		}
	}
	return 0;
}

static const char *failure_check_refs(const void *cfgp, const struct net_spec *spec, const char **key, char *msg,
				      size_t n)
{
	(void)msg;
	(void)n;
	const struct failure_cfg *cfg = cfgp;
	if (cfg->node < 0)
		return NULL; /* a whole zone: whatever can fail there does */
	const struct node_spec *t = &spec->nodes[cfg->node];
	int k = t->kind->instances ? t->kind->instances(t->cfg) : 1;
	*key = "node";
	if (!(t->kind->flags & KIND_CAN_FAIL))
		return "only servers, databases, load balancers and links can fail";
	if (cfg->mode == FAIL_HANG && !(t->kind->flags & KIND_CAN_HANG)) {
		*key = "mode";
		return "only servers and databases can hang";
	}
	if (cfg->instance > k) {
		*key = "instance";
		return "there is no such instance (instances are counted from 1)";
	}
	return NULL;
}

static void fail_instance(struct failure *f, int k)
{
	struct net *net = f->base.net;
	struct node *t = net->nodes[f->targets[k].node];
	int inst = f->targets[k].inst;
	int mode = f->cfg.mode == FAIL_CRASH ? HEALTH_DOWN : f->cfg.mode == FAIL_HANG ? HEALTH_HUNG : -1;
	if (mode == HEALTH_HUNG && !(t->kind->flags & KIND_CAN_HANG))
		mode = HEALTH_DOWN; /* a zone that hangs: what cannot hang dies */
	int log = net_log_failure(net, f->base.id, t->id, inst, mode);
	if (log < 0)
		return; /* the run is stopping: max_failures */
	if (mode < 0)
		node_set_health(t, inst, HEALTH_UP, f->cfg.slow, log);
	else
		node_set_health(t, inst, (enum health)mode, 1, log);
}

static void repair_instance(struct failure *f, int k)
{
	node_set_health(f->base.net->nodes[f->targets[k].node], f->targets[k].inst, HEALTH_UP, 1, -1);
}

static void ev_scheduled_fail(struct sim *sim, void *obj, void *arg)
{
	(void)sim;
	(void)arg;
	struct failure *f = obj;
	for (int k = 0; k < f->count; k++)
		fail_instance(f, k);
}

static void ev_scheduled_repair(struct sim *sim, void *obj, void *arg)
{
	(void)sim;
	(void)arg;
	struct failure *f = obj;
	for (int k = 0; k < f->count; k++)
		repair_instance(f, k);
}

static void ev_random_fail(struct sim *sim, void *obj, void *arg);
static void ev_random_repair(struct sim *sim, void *obj, void *arg);

static void start_repair(struct failure *f, struct slot *s)
{
	f->crew_busy++;
	sim_after(&f->base.net->sim, dist_sample(&f->cfg.mttr, &f->rng), ev_random_repair, f, s);
}

static void ev_random_fail(struct sim *sim, void *obj, void *arg)
{
	(void)sim;
	struct failure *f = obj;
	struct slot *s = arg;
	fail_instance(f, s->k);
	if (f->crew_busy < f->cfg.crew)
		start_repair(f, s);
	else
		f->repair_queue[(f->rq_head + f->rq_n++) % f->count] = (int)(s - f->slots);
}

static void ev_random_repair(struct sim *sim, void *obj, void *arg)
{
	struct failure *f = obj;
	struct slot *s = arg;
	f->crew_busy--;
	repair_instance(f, s->k);
	sim_after(sim, dist_sample(&f->cfg.mtbf, &f->rng), ev_random_fail, f, s);
	if (f->rq_n > 0) {
		int next = f->repair_queue[f->rq_head];
		f->rq_head = (f->rq_head + 1) % f->count;
		f->rq_n--;
		start_repair(f, &f->slots[next]);
	}
}

static void failure_init(struct node *n, const void *cfg)
{
	struct failure *f = (struct failure *)n;
	f->cfg = *(const struct failure_cfg *)cfg;
	f->is_random = dist_mean(&f->cfg.mtbf) > 0; /* absent: const(0) */
	if (f->cfg.slow == 0)                       /* absent */
		f->cfg.slow = 10;
	if (f->cfg.crew == 0) /* absent: unlimited */
		f->cfg.crew = LONG_MAX;
	node_rng_init(n, &f->rng, "failures");
}

static void add_target(struct failure *f, int node, int inst)
{
	f->targets = xrealloc(f->targets, (f->count + 1) * sizeof(*f->targets));
	f->targets[f->count++] = (struct target){node, inst};
}

/* The instances it breaks: of its node (all, one, or the first fraction),
 * or those in its zone.  A node with a single instance spread over
 * several zones (a balancer) survives the loss of one zone. */
static void find_targets(struct failure *f)
{
	struct net *net = f->base.net;
	int zone = f->cfg.zone[0] ? f->cfg.zone[0] - 'a' : -1;
	for (int id = 0; id < net->n_nodes; id++) {
		struct node *t = net->nodes[id];
		if (f->cfg.node >= 0 ? id != f->cfg.node : !(t->kind->flags & KIND_CAN_FAIL))
			continue;
		if (zone >= 0) {
			if (t->n_instances == 1 && t->zones > 1)
				continue;
			for (int i = 0; i < t->n_instances; i++)
				if (i % t->zones == zone)
					add_target(f, id, i);
		} else if (f->cfg.instance > 0) { /* the loader checked it exists */
			add_target(f, id, (int)f->cfg.instance - 1);
		} else {
			int count = t->n_instances;
			if (f->cfg.fraction > 0)
				count = (int)ceil(f->cfg.fraction * t->n_instances - 1e-9);
			for (int i = 0; i < count; i++)
				add_target(f, id, i);
		}
	}
}

static void failure_start(struct node *n)
{
	struct failure *f = (struct failure *)n;
	find_targets(f);
	struct sim *sim = &n->net->sim;
	if (f->count == 0)
		return; /* nothing in that zone */
	if (!f->is_random) {
		sim_at(sim, f->cfg.at, ev_scheduled_fail, f, NULL);
		if (f->cfg.len > 0)
			sim_at(sim, f->cfg.at + f->cfg.len, ev_scheduled_repair, f, NULL);
		return;
	}
	f->slots = xcalloc(f->count, sizeof(*f->slots));
	f->repair_queue = xcalloc(f->count, sizeof(int));
	for (int k = 0; k < f->count; k++) {
		f->slots[k] = (struct slot){f, k};
		sim_after(sim, dist_sample(&f->cfg.mtbf, &f->rng), ev_random_fail, f, &f->slots[k]);
	}
}

static void failure_release(struct node *n)
{
	struct failure *f = (struct failure *)n;
	rng_release(&f->rng);
	free(f->slots);
	free(f->repair_queue);
	free(f->targets);
}

const struct node_kind failure_kind = {
	.name = "failure",
	.summary = "a scheduled or random (MTBF/MTTR) failure of a node's instances",
	.size = sizeof(struct failure),
	.cfg_size = sizeof(struct failure_cfg),
	.params = failure_params,
	.flags = KIND_INJECTOR,
	.check = failure_check,
	.check_refs = failure_check_refs,
	.lint = failure_lint,
	.init = failure_init,
	.start = failure_start,
	.release = failure_release,
};
