/*
 * autoscaler.c - target tracking for a tier of servers: an Auto Scaling
 * group.
 *
 * An item of the nodes: section that names its `group` (a server tier) and
 * takes no part in requests' paths.  The tier is built with `max`
 * instance slots; its `instances` are the ones running at the start.
 * Every `period` the autoscaler reads its metric over the instances in
 * service and past their warm-up: the average CPU utilization
 * (`target_cpu`) or the requests each received (`target_requests`, as
 * CloudWatch's RequestCountPerTarget).  The capacity that would bring the
 * metric to its target is want = ceil(counted x metric / target).
 *
 *   - Scale out: want above the desired capacity for `scale_out_periods`
 *     periods in a row (3, as the alarm's datapoints) raises it to want.
 *   - Scale in: want below it for `scale_in_periods` in a row (15) lowers
 *     it to want, unless an instance is booting or warming up, or the last
 *     scale-in was less than `scale_in_cooldown` ago; never with
 *     `scale_in: false`.
 *   - `schedule`: at a time, set min, max or desired (scheduled actions).
 *   - Always min <= desired <= max.
 *
 * A launched instance is paid for from its launch; it boots for
 * `boot_time`, then goes into service and registers with the balancers in
 * front, which send it requests once it passes a health check.  For
 * `warmup` after that its metric is left out and it blocks scale-in.  An
 * instance scaled in (the newest first: a booting one, else the highest
 * slot) is deregistered: it gets no new requests, finishes what it holds,
 * and stops once empty or after `deregistration_delay`, losing what it
 * still holds then (502).  It is paid for until it stops.
 *
 * Reports: the instances over time (time series: GroupDesiredCapacity,
 * GroupInServiceInstances, GroupPendingInstances,
 * GroupTerminatingInstances), their time average and peak, instance-hours,
 * launches and terminations, time under-provisioned (periods in which the
 * tier refused requests or its CPU was 90% busy or more) and
 * over-provisioned (periods in which one instance fewer would have stayed
 * within the target), the idle instance-hours paid for, and the cost of a
 * fixed fleet of the peak's size beside the tier's own, integrated cost.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/engine/util.h"
#include "server.h"

enum slot_state { SLOT_OFF, SLOT_BOOTING, SLOT_SERVING, SLOT_DRAINING };

#define SATURATED 0.9 /* CPU utilization from which a period counts as under-provisioned */

/* A scheduled action: at a time, any of min, max and desired. */
struct action {
	double at;
	long min, max, desired;
};
enum { SA_AT, SA_MIN, SA_MAX, SA_DESIRED };

struct asg_cfg {
	int group;
	double target_cpu;    /* 0: not given */
	long target_requests; /* per instance per period; 0: not given */
	long min, max;
	double boot, warmup, cooldown, period, drain;
	long out_periods, in_periods;
	int scale_in; /* 0 false, 1 true */
	struct table_head schedule_head;
	struct action schedule[TABLE_MAX];
};

struct asg {
	struct node base;
	struct asg_cfg cfg;
	struct server *tier;
	long min, max, desired;
	int n_slots;
	uint8_t *state;     /* owned: enum slot_state of each slot */
	uint32_t *gen;      /* owned: bumped whenever a slot's pending event must be ignored */
	double *warm_until; /* owned: when a serving instance's metric starts to count */
	double *busy0;      /* owned: CPU seconds of each slot at the last evaluation */
	uint64_t *arr0, *rej0;
	int n_booting, n_serving, n_draining;
	int above, below;     /* evaluations in a row with want above (below) desired */
	double last_scale_in; /* -inf: never */
	/* Statistics since the warm-up's end. */
	struct tavg running, serving;
	struct tavg serving_all; /* the same, never reset: each period's average in service */
	double served0;          /* its integral at the last evaluation */
	int peak;
	uint64_t launches, terminations;
	double under, over, idle; /* seconds under- and over-provisioned; idle instance-seconds */
};

#define OFF(f)  offsetof(struct asg_cfg, f)
#define AOFF(f) offsetof(struct action, f)
static const struct param action_params[] = {
	{"at", PT_DURATION, AOFF(at), NULL, 0, 1e9, NULL, P_REQUIRED, "when the action runs"},
	{"min", PT_COUNT, AOFF(min), NULL, 1, 100000, NULL, P_OPTIONAL, "the group's new smallest size"},
	{"max", PT_COUNT, AOFF(max), NULL, 1, 100000, NULL, P_OPTIONAL, "the group's new largest size"},
	{"desired", PT_COUNT, AOFF(desired), NULL, 1, 100000, NULL, P_OPTIONAL,
	 "the group's new desired capacity (then target tracking goes on from it)"},
	{0},
};
#undef AOFF
static const struct param_table action_table = {action_params, sizeof(struct action), OFF(schedule)};

/* clang-format off */
static const struct param asg_params[] = {
	{"group", PT_NODE, OFF(group), NULL, 0, 0, NULL, P_REQUIRED | P_REF_INSTANCES,
	 "the server tier it scales (its `instances` run at the start)"},
	{"target_cpu", PT_FRACTION, OFF(target_cpu), NULL, 0.01, 1, NULL, P_OPTIONAL,
	 "target tracking on the average CPU utilization of its instances, e.g. 50%"},
	{"target_requests", PT_COUNT, OFF(target_requests), NULL, 1, 1e12, NULL, P_OPTIONAL,
	 "target tracking on the requests each instance receives per period (RequestCountPerTarget), e.g. 1000"},
	{"min", PT_COUNT, OFF(min), "1", 1, 100000, NULL, 0, "the fewest instances"},
	{"max", PT_COUNT, OFF(max), NULL, 2, 100000, NULL, P_REQUIRED, "the most instances (the tier's slots)"},
	{"boot_time", PT_DURATION, OFF(boot), "60s", 0, 1e6, NULL, 0,
	 "from launch (paid for) to in service (registered with the balancers)"},
	{"warmup", PT_DURATION, OFF(warmup), "300s", 0, 1e6, NULL, 0,
	 "after it is in service, an instance's metric is left out and it blocks scale-in"},
	{"scale_in_cooldown", PT_DURATION, OFF(cooldown), "300s", 0, 1e6, NULL, 0,
	 "the least time between two scale-ins"},
	{"period", PT_DURATION, OFF(period), "60s", 1, 1e6, NULL, 0, "the metric's period: one evaluation each"},
	{"scale_out_periods", PT_COUNT, OFF(out_periods), "3", 1, 1000, NULL, 0,
	 "periods in a row above the target before it scales out"},
	{"scale_in_periods", PT_COUNT, OFF(in_periods), "15", 1, 1000, NULL, 0,
	 "periods in a row below the target before it scales in"},
	{"scale_in", PT_ENUM, OFF(scale_in), "true", 0, 0, "false|true", 0,
	 "false: it never removes instances (it pays for its peak from then on)"},
	{"deregistration_delay", PT_DURATION, OFF(drain), "300s", 0, 1e6, NULL, 0,
	 "a scaled-in instance finishes its requests within it, then stops"},
	{"schedule", PT_TABLE, OFF(schedule_head), NULL, 0, 0, &action_table, P_OPTIONAL,
	 "scheduled actions, e.g. [{at: 8h, min: 6}, {at: 20h, min: 2}]"},
	{0},
};

static const struct metric_def asg_metrics[] = {
	{"instances_mean", MS_NODE, MU_NUMBER, MR_LEVEL, MB_LOWER, NULL,
	 "instances paid for (booting, in service or draining), time average"},
	{"in_service_mean", MS_NODE, MU_NUMBER, MR_LEVEL, MB_NEITHER, NULL, "instances in service, time average"},
	{"instances_max", MS_NODE, MU_NUMBER, MR_LEVEL, MB_NEITHER, NULL, "the most instances paid for at once"},
	{"instance_hours", MS_NODE, MU_NUMBER, MR_LEVEL, MB_LOWER, NULL, "instance-hours paid for in the measured time"},
	{"launches", MS_NODE, MU_COUNT, MR_COUNT, MB_NEITHER, NULL, "instances launched"},
	{"terminations", MS_NODE, MU_COUNT, MR_COUNT, MB_NEITHER, NULL, "instances scaled in and stopped"},
	{"under_provisioned_time", MS_NODE, MU_SECONDS, MR_TIME, MB_LOWER, NULL,
	 "time in periods when the tier refused requests or its CPU was 90% busy or more"},
	{"over_provisioned_time", MS_NODE, MU_SECONDS, MR_TIME, MB_LOWER, NULL,
	 "time in periods when one instance fewer would have stayed within the target"},
	{"idle_instance_hours", MS_NODE, MU_NUMBER, MR_LEVEL, MB_LOWER, NULL,
	 "instance-hours in service beyond what the target needed"},
	{"fixed_fleet_cost_per_hour", MS_NODE, MU_DOLLARS_HOUR, MR_COST, MB_NEITHER, NULL,
	 "a fixed fleet of instances_max instances: what not scaling would cost"},
	{"savings_per_hour", MS_NODE, MU_DOLLARS_HOUR, MR_COST, MB_HIGHER, NULL,
	 "fixed_fleet_cost_per_hour less what the tier cost"},
	{0},
};
/* clang-format on */

static const char *asg_check(const void *cfgp, unsigned long present, const char **key, char *msg, size_t n)
{
	const struct asg_cfg *c = cfgp;
	int cpu = param_is_present(asg_params, present, "target_cpu");
	int req = param_is_present(asg_params, present, "target_requests");
	if (cpu == req) {
		*key = cpu ? "target_requests" : NULL;
		return cpu ? "give one of 'target_cpu' and 'target_requests', not both"
			   : "an autoscaler needs a target: 'target_cpu' (e.g. 50%) or 'target_requests' (per period)";
	}
	if (c->min > c->max) {
		*key = "min";
		snprintf(msg, n, "'min' (%ld) is above 'max' (%ld)", c->min, c->max);
		return msg;
	}
	for (int i = 0; i < c->schedule_head.n; i++) {
		const struct action *a = &c->schedule[i];
		unsigned long has = c->schedule_head.present[i];
		if (!(has & ((1ul << SA_MIN) | (1ul << SA_MAX) | (1ul << SA_DESIRED)))) {
			*key = "schedule";
			snprintf(msg, n, "entry %d of 'schedule' sets nothing: give min, max or desired", i + 1);
			return msg;
		}
		long mn = has & (1ul << SA_MIN) ? a->min : c->min, mx = has & (1ul << SA_MAX) ? a->max : c->max;
		if (mn > mx || ((has & (1ul << SA_DESIRED)) && (a->desired < mn || a->desired > mx))) {
			*key = "schedule";
			snprintf(msg, n, "entry %d of 'schedule' breaks min <= desired <= max", i + 1);
			return msg;
		}
		if (mx > c->max) {
			*key = "schedule";
			snprintf(msg, n, "entry %d of 'schedule' raises max above the group's 'max' (%ld, its slots)",
				 i + 1, c->max);
			return msg;
		}
	}
	return NULL;
}

extern const struct node_kind server_kind, autoscaler_kind;

static const char *asg_check_refs(const void *cfgp, const struct net_spec *spec, const char **key, char *msg, size_t n)
{
	const struct asg_cfg *c = cfgp;
	const struct node_spec *g = &spec->nodes[c->group];
	if (g->kind != &server_kind) {
		*key = "group";
		snprintf(msg, n, "'group' names '%s', a %s: an autoscaler scales a server tier", g->name,
			 g->kind->name);
		return msg;
	}
	const struct server_cfg *sc = g->cfg;
	if (sc->instances < c->min || sc->instances > c->max) {
		*key = "group";
		snprintf(msg, n, "'%s' starts with %ld instances, outside min %ld .. max %ld", g->name, sc->instances,
			 c->min, c->max);
		return msg;
	}
	if (sc->failover != FAILOVER_SPREAD) {
		*key = "group";
		snprintf(msg, n, "'%s' is active_passive: an autoscaler scales a tier whose instances all serve",
			 g->name);
		return msg;
	}
	for (int i = 0; i < spec->n_nodes; i++) {
		const struct node_spec *o = &spec->nodes[i];
		if (o->kind == &autoscaler_kind && o->cfg != cfgp &&
		    ((const struct asg_cfg *)o->cfg)->group == c->group) {
			*key = "group";
			snprintf(msg, n, "'%s' is scaled by '%s' already", g->name, o->name);
			return msg;
		}
	}
	return NULL;
}

int autoscaler_slots(const struct net_spec *spec, int node)
{
	for (int i = 0; i < spec->n_nodes; i++)
		if (spec->nodes[i].kind == &autoscaler_kind &&
		    ((const struct asg_cfg *)spec->nodes[i].cfg)->group == node)
			return (int)((const struct asg_cfg *)spec->nodes[i].cfg)->max;
	return 0;
}

static void asg_init(struct node *n, const void *cfg)
{
	struct asg *a = (struct asg *)n;
	a->cfg = *(const struct asg_cfg *)cfg;
	a->min = a->cfg.min;
	a->max = a->cfg.max;
	a->last_scale_in = -HUGE_VAL;
}

/* A slot's pending event, and the generation it was scheduled in. */
static void *slot_arg(struct asg *a, int i)
{
	return (void *)(((uintptr_t)a->gen[i] << 20) | (uintptr_t)i);
}
static int slot_of_arg(const struct asg *a, void *arg)
{
	uintptr_t v = (uintptr_t)arg;
	int i = (int)(v & 0xfffff);
	return (uint32_t)(v >> 20) == a->gen[i] ? i : -1;
}

static void count_running(struct asg *a)
{
	double now = a->base.net->sim.now;
	int running = a->n_booting + a->n_serving + a->n_draining;
	tavg_set(&a->running, now, running);
	tavg_set(&a->serving, now, a->n_serving + a->n_draining);
	tavg_set(&a->serving_all, now, a->n_serving + a->n_draining);
	if (now >= a->base.net->t_warm && running > a->peak)
		a->peak = running;
}

static void set_state(struct asg *a, int i, enum slot_state st)
{
	int *count[] = {NULL, &a->n_booting, &a->n_serving, &a->n_draining};
	if (count[a->state[i]])
		(*count[a->state[i]])--;
	if (count[st])
		(*count[st])++;
	a->state[i] = (uint8_t)st;
	a->gen[i]++;
	count_running(a);
}

static void ev_booted(struct sim *sim, void *obj, void *arg);
static void ev_drain_deadline(struct sim *sim, void *obj, void *arg);

static void launch(struct asg *a, int i)
{
	set_state(a, i, SLOT_BOOTING);
	tier_set_running(a->tier, i, 1);
	a->launches++;
	sim_after(&a->base.net->sim, a->cfg.boot, ev_booted, a, slot_arg(a, i));
}

/* Slot i stops: it is no longer paid for; what it still held is lost. */
static void stop(struct asg *a, int i)
{
	if (a->state[i] != SLOT_BOOTING) {
		node_set_in_service(&a->tier->base, i, 0);
		a->terminations++;
	}
	tier_set_running(a->tier, i, 0);
	set_state(a, i, SLOT_OFF);
}

static void reconcile(struct asg *a);

static void drained(struct node *ctl, int i)
{
	struct asg *a = (struct asg *)ctl;
	if (a->state[i] == SLOT_DRAINING) {
		stop(a, i);
		reconcile(a); /* a slot is free again */
	}
}

static void ev_drain_deadline(struct sim *sim, void *obj, void *arg)
{
	(void)sim;
	struct asg *a = obj;
	int i = slot_of_arg(a, arg);
	if (i >= 0) /* still draining: the generation is the one it was scheduled in */
		drained(&a->base, i);
}

/* Scales slot i in: a booting one stops at once, one in service drains. */
static void scale_in_slot(struct asg *a, int i)
{
	if (a->state[i] == SLOT_BOOTING) {
		stop(a, i);
		return;
	}
	set_state(a, i, SLOT_DRAINING);
	net_registration(a->base.net, a->cfg.group, i, 0);
	if (tier_drain(a->tier, i, drained, &a->base))
		stop(a, i);
	else
		sim_after(&a->base.net->sim, a->cfg.drain, ev_drain_deadline, a, slot_arg(a, i));
}

/* Launches or scales in until the instances running (not draining) are
 * the desired capacity. */
static void reconcile(struct asg *a)
{
	int running = a->n_booting + a->n_serving;
	for (int i = 0; i < a->n_slots && running < a->desired; i++) {
		if (a->state[i] == SLOT_OFF) {
			launch(a, i);
			running++;
		}
	}
	for (int pass = 0; pass < 2 && running > a->desired; pass++) /* booting ones first, then the newest */
		for (int i = a->n_slots - 1; i >= 0 && running > a->desired; i--)
			if (a->state[i] == (pass == 0 ? SLOT_BOOTING : SLOT_SERVING)) {
				scale_in_slot(a, i);
				running--;
			}
}

static void set_desired(struct asg *a, long d)
{
	a->desired = d < a->min ? a->min : d > a->max ? a->max : d;
	reconcile(a);
}

static void ev_booted(struct sim *sim, void *obj, void *arg)
{
	struct asg *a = obj;
	int i = slot_of_arg(a, arg);
	if (i < 0)
		return; /* scaled in while booting */
	set_state(a, i, SLOT_SERVING);
	a->warm_until[i] = sim->now + a->cfg.warmup;
	node_set_in_service(&a->tier->base, i, 1);
	net_registration(a->base.net, a->cfg.group, i, 1);
}

/* What one evaluation read: the counted instances' metric, and the whole
 * tier's work over the period. */
struct reading {
	int counted;
	double metric;             /* CPU utilization, or requests per instance per period */
	double busy;               /* CPU seconds, every instance */
	double arrivals, refusals; /* every instance */
};

static struct reading read_period(struct asg *a, double now)
{
	struct reading r = {0};
	double cpu = 0, req = 0;
	for (int i = 0; i < a->n_slots; i++) {
		double busy;
		uint64_t arr, rej;
		tier_totals(a->tier, i, &busy, &arr, &rej);
		double db = busy - a->busy0[i], da = (double)(arr - a->arr0[i]);
		r.busy += db;
		r.arrivals += da;
		r.refusals += (double)(rej - a->rej0[i]);
		a->busy0[i] = busy;
		a->arr0[i] = arr;
		a->rej0[i] = rej;
		if (a->state[i] == SLOT_SERVING && now >= a->warm_until[i]) {
			r.counted++;
			cpu += db;
			req += da;
		}
	}
	double cores = (double)a->tier->cfg.cores, len = a->cfg.period;
	if (r.counted > 0)
		r.metric = a->cfg.target_cpu > 0 ? cpu / (cores * len * r.counted) : req / r.counted;
	return r;
}

/* Under- and over-provisioning of the period just read (len seconds of it measured). */
static void account(struct asg *a, const struct reading *r, double len, double served_mean)
{
	double cores = (double)a->tier->cfg.cores, per = a->cfg.period;
	double util = served_mean > 0 ? r->busy / (cores * per * served_mean) : 0;
	if (r->refusals > 0 || util >= SATURATED)
		a->under += len;
	double need = a->cfg.target_cpu > 0 ? r->busy / (cores * per * a->cfg.target_cpu)
					    : r->arrivals / a->cfg.target_requests;
	need = ceil(need - 1e-9);
	if (served_mean - need >= 1) {
		a->over += len;
		a->idle += (served_mean - need) * len;
	}
}

static void ev_evaluate(struct sim *sim, void *obj, void *arg)
{
	(void)arg;
	struct asg *a = obj;
	double now = sim->now, t_warm = a->base.net->t_warm;
	double served = tavg_integral(&a->serving_all, now);
	struct reading r = read_period(a, now);
	if (now > t_warm)
		account(a, &r, fmin(a->cfg.period, now - t_warm), (served - a->served0) / a->cfg.period);
	a->served0 = served;
	sim_after(sim, a->cfg.period, ev_evaluate, a, NULL);
	if (r.counted == 0)
		return;
	/* The instances in service (warming ones too, once they get requests)
	 * share the load the counted ones show. */
	double target = a->cfg.target_cpu > 0 ? a->cfg.target_cpu : a->cfg.target_requests;
	long want = (long)ceil(a->n_serving * r.metric / target - 1e-9);
	want = want < a->min ? a->min : want > a->max ? a->max : want;
	int warming = a->n_booting > 0;
	for (int i = 0; i < a->n_slots && !warming; i++)
		warming = a->state[i] == SLOT_SERVING && now < a->warm_until[i];
	a->above = want > a->desired ? a->above + 1 : 0;
	a->below = want < a->desired && a->cfg.scale_in && !warming ? a->below + 1 : 0;
	if (a->above >= a->cfg.out_periods) {
		a->above = 0;
		set_desired(a, want);
		return;
	}
	if (a->below >= a->cfg.in_periods && now - a->last_scale_in >= a->cfg.cooldown) {
		a->below = 0;
		a->last_scale_in = now;
		set_desired(a, want);
	}
}

static void ev_action(struct sim *sim, void *obj, void *arg)
{
	(void)sim;
	struct asg *a = obj;
	int k = (int)(intptr_t)arg;
	const struct action *act = &a->cfg.schedule[k];
	unsigned long has = a->cfg.schedule_head.present[k];
	if (has & (1ul << SA_MIN))
		a->min = act->min;
	if (has & (1ul << SA_MAX))
		a->max = act->max;
	if (a->min > a->max) /* an earlier action's min against this max: the later one wins */
		a->min = a->max;
	set_desired(a, has & (1ul << SA_DESIRED) ? act->desired : a->desired);
}

static void asg_start(struct node *n)
{
	struct asg *a = (struct asg *)n;
	struct node *t = n->net->nodes[a->cfg.group];
	a->tier = (struct server *)t;
	a->n_slots = t->n_instances;
	a->state = xcalloc((size_t)a->n_slots, 1);
	a->gen = xcalloc((size_t)a->n_slots, sizeof(*a->gen));
	a->warm_until = xcalloc((size_t)a->n_slots, sizeof(double));
	a->busy0 = xcalloc((size_t)a->n_slots, sizeof(double));
	a->arr0 = xcalloc((size_t)a->n_slots, sizeof(uint64_t));
	a->rej0 = xcalloc((size_t)a->n_slots, sizeof(uint64_t));
	a->desired = a->tier->cfg.instances;
	for (int i = 0; i < a->n_slots; i++) { /* the first `instances` run, warmed up, the others wait */
		int on = i < a->desired;
		if (on)
			set_state(a, i, SLOT_SERVING);
		node_set_in_service(t, i, on);
		tier_set_running(a->tier, i, on);
		if (!on) /* a balancer started before us learns it here; one after reads it */
			net_registration(n->net, a->cfg.group, i, 0);
	}
	sim_after(&n->net->sim, a->cfg.period, ev_evaluate, a, NULL);
	for (int k = 0; k < a->cfg.schedule_head.n; k++)
		sim_at(&n->net->sim, a->cfg.schedule[k].at, ev_action, a, (void *)(intptr_t)k);
}

static void asg_reset(struct node *n)
{
	struct asg *a = (struct asg *)n;
	double now = n->net->sim.now;
	tavg_reset(&a->running, now);
	tavg_reset(&a->serving, now);
	a->peak = a->n_booting + a->n_serving + a->n_draining;
	a->launches = a->terminations = 0;
	a->under = a->over = a->idle = 0;
}

static void asg_period(struct node *n, double len, double *row)
{
	(void)len;
	struct asg *a = (struct asg *)n;
	row[TS_DESIRED] = (double)a->desired;
	row[TS_IN_SERVICE] = a->n_serving;
	row[TS_PENDING] = a->n_booting;
	row[TS_TERMINATING] = a->n_draining;
}

static void asg_report(const struct node *n, struct report *rep)
{
	const struct asg *a = (const struct asg *)n;
	double now = n->net->sim.now, T = n->net->t_end - n->net->t_warm;
	double mean = tavg_mean(&a->running, now), price = a->tier->cfg.price;
	report_add(rep, n->name, "instances_mean", mean);
	report_add(rep, n->name, "in_service_mean", tavg_mean(&a->serving, now));
	report_add(rep, n->name, "instances_max", a->peak);
	report_add(rep, n->name, "instance_hours", mean * T / 3600);
	report_add(rep, n->name, "launches", (double)a->launches);
	report_add(rep, n->name, "terminations", (double)a->terminations);
	report_add(rep, n->name, "under_provisioned_time", a->under);
	report_add(rep, n->name, "over_provisioned_time", a->over);
	report_add(rep, n->name, "idle_instance_hours", a->idle / 3600);
	report_add(rep, n->name, "fixed_fleet_cost_per_hour", price * a->peak);
	report_add(rep, n->name, "savings_per_hour", price * (a->peak - mean));
}

static void asg_release(struct node *n)
{
	struct asg *a = (struct asg *)n;
	free(a->state);
	free(a->gen);
	free(a->warm_until);
	free(a->busy0);
	free(a->arr0);
	free(a->rej0);
}

const struct node_kind autoscaler_kind = {
	.name = "autoscaler",
	.summary = "target tracking for a server tier: boot, warm-up, cooldown, min/max, schedule, draining",
	.size = sizeof(struct asg),
	.cfg_size = sizeof(struct asg_cfg),
	.params = asg_params,
	.metrics = asg_metrics,
	.flags = KIND_CONTROL,
	.check = asg_check,
	.check_refs = asg_check_refs,
	.init = asg_init,
	.start = asg_start,
	.period = asg_period,
	.report = asg_report,
	.reset = asg_reset,
	.release = asg_release,
};
