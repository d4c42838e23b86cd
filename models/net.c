/*
 * net.c - one replication's network: nodes, request pool, message delivery,
 * common statistics, warm-up deletion and the time series.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/engine/util.h"
#include "model.h"

const int status_slot_code[SS_N] = {200, 429, 460, 500, 502, 503, 504};

/* The integral of a over that of b, to t (0 when b's is 0). */
static double ratio_of_means(const struct tavg *a, const struct tavg *b, double t)
{
	double den = tavg_integral(b, t);
	return den > 0 ? tavg_integral(a, t) / den : 0;
}

const char *const ts_col_name[TS_NCOLS] = {
	"RequestCount",
	"HTTPCode_Target_2XX_Count",
	"HTTPCode_Target_4XX_Count",
	"HTTPCode_Target_5XX_Count",
	"HTTPCode_ELB_4XX_Count",
	"HTTPCode_ELB_5XX_Count",
	"HTTPCode_ELB_502_Count",
	"HTTPCode_ELB_503_Count",
	"HTTPCode_ELB_504_Count",
	"TargetResponseTime_p50",
	"TargetResponseTime_p90",
	"TargetResponseTime_p99",
	"HealthyHostCount",
	"UnHealthyHostCount",
	"SurgeQueueLength",
	"SpilloverCount",
	"ActiveConnectionCount",
	"Utilization",
	"ConsumedLCUs",
	"RequestCountPerTarget",
	"GroupDesiredCapacity",
	"GroupInServiceInstances",
	"GroupPendingInstances",
	"GroupTerminatingInstances",
};

enum status_slot status_slot_of(int code)
{
	switch (code) {
	case 429: return SS_429;
	case 460: return SS_460;
	case 502: return SS_502;
	case 503: return SS_503;
	case 504: return SS_504;
	default: return code >= 200 && code < 300 ? SS_2XX : SS_500;
	}
}

#define CHUNK_REQS 1024

struct req_chunk {
	struct req_chunk *next;
	struct request r[CHUNK_REQS];
};

struct request *request_new(struct net *net, struct node *workload)
{
	if (net->n_in_flight >= net->spec->in_flight_limit) {
		if (!net->stopped[0])
			snprintf(net->stopped, sizeof net->stopped,
				 "%llu requests were in flight at t=%.3fs (simulation.max_in_flight%s): the system "
				 "cannot keep up with its load, or raise the limit",
				 (unsigned long long)net->n_in_flight, net->sim.now,
				 net->spec->in_flight_limit < net->spec->max_in_flight
					 ? ", lowered to fit half the machine's memory over the parallel jobs"
					 : "");
		sim_stop(&net->sim);
		return NULL;
	}
	if (!net->free_reqs) {
		/* Amortised: a chunk is allocated only when more requests are in
		 * flight than ever before in this replication. */
		struct req_chunk *c = xmalloc(sizeof(*c));
		c->next = net->chunks;
		net->chunks = c;
		for (int i = CHUNK_REQS - 1; i >= 0; i--) {
			c->r[i].next = net->free_reqs;
			net->free_reqs = &c->r[i];
		}
	}
	struct request *r = net->free_reqs;
	net->free_reqs = r->next;
	r->next = NULL;
	r->id = net->next_req_id++;
	r->t_created = net->sim.now;
	r->status = HTTP_OK;
	r->origin = -1;
	r->dst_inst = -1;
	r->workload = (uint16_t)workload->id;
	r->depth = 0;
	r->orphan_at = -1;
	r->n_calls = 0;
	r->is_lost = 0;
	r->maker_state = 0;
	r->cls = 0;
	r->client = workload->client_base;
	r->fan = (struct fan){NULL, 0, 0};
	r->trace = (struct lb_trace){-1, -1, -1, -1, -1, -1};
	r->req_bytes = r->resp_bytes = 0;
	net->n_in_flight++;
	return r;
}

void request_free(struct net *net, struct request *r)
{
	r->id = UINT64_MAX; /* no longer any call's: its timeouts are stale (timeout_is_live) */
	r->next = net->free_reqs;
	net->free_reqs = r;
	net->n_in_flight--;
}

void report_add(struct report *rep, const char *scope, const char *key, double value)
{
	if (rep->n == rep->cap) {
		rep->cap = rep->cap ? 2 * rep->cap : 64;
		rep->m = xrealloc(rep->m, rep->cap * sizeof(*rep->m));
	}
	struct metric *m = &rep->m[rep->n++];
	snprintf(m->scope, sizeof(m->scope), "%s", scope);
	snprintf(m->key, sizeof(m->key), "%s", key);
	m->value = value;
}

void report_release(struct report *rep)
{
	free(rep->m);
	*rep = (struct report){0};
}

void node_rng_init(const struct node *n, struct rng *rng, const char *purpose)
{
	char name[160];
	snprintf(name, sizeof(name), "%s/%s", n->name, purpose);
	rng_init(rng, n->net->spec->seed, n->net->rep, name);
}

/* Delivery events: the engine calls these with obj = node, arg = request. */
static void ev_arrive(struct sim *sim, void *obj, void *arg)
{
	(void)sim;
	struct node *n = obj;
	struct request *r = arg;
	request_frame(r)->is_delivered = 1;
	n->kind->arrive(n, r);
}

static void ev_reply(struct sim *sim, void *obj, void *arg)
{
	(void)sim;
	struct node *n = obj;
	n->kind->reply(n, arg);
}

void net_deliver(struct net *net, struct request *r, int to, int is_reply, double delay)
{
	sim_after(&net->sim, delay, is_reply ? ev_reply : ev_arrive, net->nodes[to], r);
}

/*
 * Sends r from `from` to `to`: through the link between them if there is
 * one (it delivers when the transfer is done), else at once.  0 if the
 * message is lost (a partitioned link).
 *
 * "At once" is an event at the current time, so that the receiver never
 * runs inside the sender's handler, with one exception: a workload's own
 * requests and the answers to them are handed over by a plain call, which
 * saves an event on each end of every request.  That is safe because a
 * workload only starts and ends requests: it sends as the last thing it
 * does, so whatever the receiver does first (even answering at once) finds
 * it done, and answering it never reaches another node before an event
 * (its retries and think times are events), so the sender of an answer is
 * never reentered.
 */
static int hop(struct net *net, int from, int to, struct request *r, int is_reply)
{
	struct node *link = net->link_of[from * net->n_nodes + to];
	if (link)
		return link->kind->send(link, r, from, to, is_reply);
	struct node *dst = net->nodes[to];
	if (!is_reply && net->nodes[from]->kind->flags & KIND_WORKLOAD) {
		request_frame(r)->is_delivered = 1;
		dst->kind->arrive(dst, r);
	} else if (is_reply && dst->kind->flags & KIND_WORKLOAD) {
		dst->kind->reply(dst, r);
	} else {
		net_deliver(net, r, to, is_reply, 0);
	}
	return 1;
}

/* Pushes the frame of a call n makes, before the call is sent. */
static void push_call(struct node *n, int inst, struct request *r, int dst_inst)
{
	SIM_ASSERT(r->depth < REQ_MAX_DEPTH); /* the loader bounds call depth */
	double now = n->net->sim.now;
	if (r->depth > 0)
		request_frame(r)->t_call = now;
	struct frame *f = &r->f[r->depth++];
	f->from = (uint16_t)n->id;
	f->from_inst = inst;
	f->self_inst = -1;
	f->step = 0;
	f->flags = 0;
	f->is_delivered = 0;
	f->seq = ++r->n_calls;
	f->t_arrive = now;
	r->dst_inst = dst_inst;
}

/* 1 when the message was lost in a partition: r is parked, and only a
 * timeout ends the wait. */
static int send_call(struct node *n, struct request *r, int dst)
{
	if (hop(n->net, n->id, dst, r, 0))
		return 0;
	r->is_lost = 1;
	return 1;
}

void node_call(struct node *n, int inst, struct request *r, int dst, int dst_inst)
{
	push_call(n, inst, r, dst_inst);
	send_call(n, r, dst);
}

void node_reply(struct node *n, struct request *r)
{
	struct net *net = n->net;
	SIM_ASSERT(r->depth > 0);
	struct frame *f = &r->f[--r->depth];
	if (r->depth == r->orphan_at) { /* the caller gave up on this answer */
		request_free(net, r);
		return;
	}
	r->dst_inst = f->from_inst;
	if (!hop(net, n->id, f->from, r, 1)) { /* lost in a partition: the caller is still waiting */
		r->depth++;
		r->is_lost = 1;
	}
}

void node__count_status_slow(struct node *n, const struct request *r)
{
	enum status_slot s = status_slot_of(r->status);
	n->st.accepted += r->status == 202;
	if (r->origin == n->id && s != SS_2XX) {
		n->st.own[s]++;
		n->st.p_own[s]++;
	} else {
		n->st.passed[s]++;
		n->st.p_passed[s]++;
	}
}

/* Packs what identifies a call for its timeout: the caller's depth and
 * the call's sequence number (the request's id goes in the other word). */
static uint64_t call_tag(const struct request *r, int depth)
{
	return ((uint64_t)r->f[depth].seq << 8) | (uint64_t)depth; /* seq < 2^32: bit 63 stays free */
}

void node_call_connect_timeout(struct request *r, struct tmo *connect)
{
	int depth = r->depth - 1; /* just called: the frame pushed for the call */
	tmo_add(connect, r, r->id, call_tag(r, depth) | (1ull << 63));
}

int node_call_timed(struct node *n, int inst, struct request *r, int dst, int dst_inst, struct tmo *t)
{
	int depth = r->depth;
	push_call(n, inst, r, dst_inst);
	tmo_add(t, r, r->id, call_tag(r, depth)); /* before r may be answered (hop) */
	return send_call(n, r, dst);
}

/*
 * A timed call expired.  If it is still outstanding (the request was not
 * freed or reused, its frame for this call is on the stack, and no caller
 * further up has given up on that part), the caller gets a copy of the
 * request's stack up to itself with the timeout's status, through its
 * reply handler, and the original goes on as an orphan: its answer is
 * dropped when it comes back to this depth.  A request whose message was
 * lost in a partition is parked: when the deepest caller still waiting on
 * it gives up, nothing else can reach it, and it is freed.
 */
static void on_timeout(struct sim *sim, void *obj, void *item, uint64_t id, uint64_t tag)
{
	(void)sim;
	struct node *n = obj;
	struct request *r = item;
	int depth = (int)(tag & 0xff);
	uint32_t seq = (uint32_t)((tag & ~(1ull << 63)) >> 8);
	if (r->id != id || r->depth <= depth || r->f[depth].seq != seq || depth < r->orphan_at)
		return; /* answered already, or not ours to give up on */
	if ((tag >> 63) && r->f[depth].is_delivered)
		return; /* a connect timeout, and the connection was made */
	struct request *copy = request_new(n->net, n->net->nodes[r->workload]);
	if (!copy)
		return; /* too many in flight: the run is stopping */
	size_t head = offsetof(struct request, f) + (size_t)depth * sizeof(struct frame);
	memcpy(copy, r, head);
	copy->next = NULL; /* the same request as clients see it: same id, times, sizes */
	copy->depth = (uint8_t)depth;
	copy->dst_inst = r->f[depth].from_inst;
	copy->status = n->timeout_code;
	copy->origin = n->id;
	copy->is_lost = 0;
	if (r->is_lost && depth == r->depth - 1)
		request_free(n->net, r); /* the last one waiting on a lost message gave up */
	else
		r->orphan_at = (int8_t)depth;
	n->kind->reply(n, copy);
}

/* on_timeout's test of whether the call is still outstanding, alone: what
 * lets the timeout ring drop the entries of calls answered long ago. */
static int timeout_is_live(void *obj, void *item, uint64_t id, uint64_t tag)
{
	(void)obj;
	const struct request *r = item;
	int depth = (int)(tag & 0xff);
	uint32_t seq = (uint32_t)((tag & ~(1ull << 63)) >> 8);
	if (r->id != id || r->depth <= depth || r->f[depth].seq != seq || depth < r->orphan_at)
		return 0;
	return !((tag >> 63) && r->f[depth].is_delivered);
}

void node_timeouts_init(struct node *n, struct tmo *t, double duration, int code)
{
	n->timeout_code = code;
	tmo_init(t, &n->net->sim, duration, on_timeout, n);
	t->live = timeout_is_live;
}

void node_reject(struct node *n, struct request *r, int code, int is_spillover)
{
	r->status = code;
	r->origin = n->id;
	n->st.rejections++;
	if (is_spillover) {
		n->st.spillover++;
		n->st.p_spillover++;
	}
	node_count_status(n, r);
	node_reply(n, r);
}

void node_set_instances(struct node *n, int k)
{
	SIM_ASSERT(k >= 1);
	free(n->health);
	n->health = xcalloc(k, sizeof(*n->health));
	for (int i = 0; i < k; i++)
		n->health[i] = (struct instance_health){.state = HEALTH_UP, .in_service = 1, .slow = 1, .log = -1};
	n->n_instances = n->n_up = n->n_healthy = n->n_in_service = k;
	if (n->zones < 1)
		n->zones = 1;
	n->is_serving = 1;
	tavg_set(&n->up, n->net->sim.now, k);
	free(n->up_time);
	n->up_time = xcalloc((size_t)k + 1, sizeof(double));
	n->up_t_last = n->net->sim.now;
}

/* Time spent at the current number of instances up, brought to now. */
static void count_up_time(struct node *n, double now)
{
	n->up_time[n->n_up] += now - n->up_t_last;
	n->up_t_last = now;
}

/* d more (or fewer) instances of n are up, at now. */
static void count_up(struct node *n, int d, double now)
{
	count_up_time(n, now);
	n->n_up += d;
	if (n->kind->flags & KIND_INSTANCES) {
		n->n_healthy = n->n_up;
		n->n_unhealthy = n->n_in_service - n->n_up;
	}
	tavg_set(&n->up, now, n->n_up);
	if (!n->manages_serving)
		node_set_serving(n, n->n_up > 0);
}

void node_set_health(struct node *n, int inst, enum health h, double slow, int log)
{
	struct net *net = n->net;
	struct instance_health *ih = &n->health[inst];
	int old = ih->state, was_up = old == HEALTH_UP, is_up = h == HEALTH_UP;
	double now = net->sim.now;

	if (log >= 0) { /* a new failure: its record is the instance's open one */
		net->log[log].prev = ih->log;
		ih->log = log;
	} else if (is_up && slow == 1 && ih->log >= 0) { /* repaired: up at full speed */
		for (int x = ih->log; x >= 0; x = net->log[x].prev) {
			if (net->log[x].t_recover >= 0)
				continue;
			net->log[x].t_recover = now;
			for (int k = 0; k < net->n_open; k++) {
				if (net->open_logs[k] == x) {
					net->open_logs[k] = net->open_logs[--net->n_open];
					break;
				}
			}
		}
		ih->log = -1;
	}
	ih->slow = slow;
	if (old == (int)h)
		return;
	int old_seen = node_state(n, inst); /* what requests saw */
	ih->state = (uint8_t)h;
	ih->epoch++; /* whatever it was doing is lost (or, on restart, forgotten) */
	if (ih->in_service && was_up != is_up)
		count_up(n, is_up ? 1 : -1, now);
	if (n->kind->health_changed)
		n->kind->health_changed(n, inst, old_seen);
}

void node_set_in_service(struct node *n, int inst, int on)
{
	struct instance_health *ih = &n->health[inst];
	double now = n->net->sim.now;
	if (!n->is_scaled) { /* from here, capacity follows the instances in service */
		n->is_scaled = 1;
		n->unit_capacity = n->capacity / n->n_instances;
		tavg_set(&n->capacity_t, now, n->capacity);
	}
	if (ih->in_service == !!on)
		return;
	int old_seen = node_state(n, inst);
	ih->in_service = (uint8_t) !!on;
	n->n_in_service += on ? 1 : -1;
	n->capacity = n->unit_capacity * n->n_in_service;
	tavg_set(&n->capacity_t, now, n->capacity);
	if (ih->state == HEALTH_UP)
		count_up(n, on ? 1 : -1, now);
	if (old_seen != HEALTH_DOWN || on)
		ih->epoch++; /* stopped: what it held is lost; started: a new life */
	if (n->kind->health_changed)
		n->kind->health_changed(n, inst, old_seen);
}

void net_registration(struct net *net, int target, int inst, int registered)
{
	for (int i = 0; i < net->n_nodes; i++) {
		struct node *n = net->nodes[i];
		if (n->kind->registration)
			n->kind->registration(n, target, inst, registered);
	}
}

void net_charge_failures(struct net *net)
{
	/* A request is lost once, to the first failure still open (records
	 * are in the order failures began; open_logs is not). */
	int first = -1;
	for (int k = 0; k < net->n_open; k++)
		if (first < 0 || net->open_logs[k] < first)
			first = net->open_logs[k];
	if (first >= 0)
		net->log[first].lost++;
}

void node_set_serving(struct node *n, int serving)
{
	struct net *net = n->net;
	serving = !!serving;
	if (serving == n->is_serving)
		return;
	n->is_serving = serving;
	if (!serving) {
		n->outages++;
		n->outage_t0 = net->sim.now;
	} else {
		n->outage_time += net->sim.now - n->outage_t0;
	}
	if (node_in_path(n)) {
		net->tiers_down += serving ? -1 : 1;
		tavg_set(&net->service_up, net->sim.now, net->tiers_down == 0);
	}
}

void net_log_detected(struct net *net, int log)
{
	if (log >= 0 && net->log[log].t_detect < 0)
		net->log[log].t_detect = net->sim.now;
}

void net_log_healthy(struct net *net, int log)
{
	if (log >= 0 && net->log[log].t_healthy < 0)
		net->log[log].t_healthy = net->sim.now;
}

void node_standby_init(struct node *n, struct standby *sb, double delay)
{
	*sb = (struct standby){.active = 0, .delay = delay};
	n->manages_serving = 1; /* serving: an active instance, not just one up */
}

/* The promotion: the first instance up becomes the active one. */
static void ev_promote(struct sim *sim, void *obj, void *arg)
{
	(void)sim;
	struct node *n = obj;
	struct standby *sb = arg;
	sb->is_promoting = 0;
	for (int i = 0; i < n->n_instances; i++) {
		if (n->health[i].state == HEALTH_UP) {
			sb->active = i;
			node_set_serving(n, 1);
			return;
		}
	}
}

void node_standby_changed(struct node *n, struct standby *sb, int inst)
{
	if (inst == sb->active && n->health[inst].state != HEALTH_UP) {
		sb->active = -1;
		node_set_serving(n, 0);
	}
	if (sb->active < 0 && !sb->is_promoting && n->n_up > 0) {
		sb->is_promoting = 1;
		sim_after(&n->net->sim, sb->delay, ev_promote, n, sb);
	}
}

int net_log_failure(struct net *net, int injector, int node, int inst, int mode)
{
	if (net->n_log >= net->spec->max_failures) {
		if (!net->stopped[0])
			snprintf(net->stopped, sizeof net->stopped,
				 "%llu failures by t=%.3fs (simulation.max_failures): each is recorded for "
				 "failures.csv; raise the limit, or make failures rarer (mtbf)",
				 (unsigned long long)net->n_log, net->sim.now);
		sim_stop(&net->sim);
		return -1;
	}
	if (net->n_log == net->cap_log) {
		net->cap_log = net->cap_log ? 2 * net->cap_log : 16;
		net->log = xrealloc(net->log, net->cap_log * sizeof(*net->log));
	}
	if (net->n_open == net->cap_open) {
		net->cap_open = net->cap_open ? 2 * net->cap_open : 8;
		net->open_logs = xrealloc(net->open_logs, net->cap_open * sizeof(int));
	}
	net->open_logs[net->n_open++] = (int)net->n_log;
	net->log[net->n_log] = (struct failure_record){
		.injector = injector,
		.node = node,
		.inst = inst,
		.mode = mode,
		.t_fail = net->sim.now,
		.t_detect = -1,
		.t_recover = -1,
		.t_healthy = -1,
		.prev = -1,
	};
	return (int)net->n_log++;
}

void node_fail_request(struct node *n, struct request *r, int code)
{
	r->status = code;
	r->origin = n->id;
	node_count_status(n, r);
	node_reply(n, r);
}

void node_done(struct node *n, const struct request *r, double resid, double target_time)
{
	n->st.completions++;
	node_count_status(n, r);
	tally_add(&n->st.resp, resid);
	hist_add(&n->st.resp_hist, resid);
	hist_add(&n->st.p_hist, target_time);
}

void net_class_answer(struct net *net, const struct request *r, double latency)
{
	struct class_stats *cs = &net->cls[r->cls];
	enum status_slot s = status_slot_of(r->status);
	cs->codes[s]++;
	cs->accepted += r->status == 202;
	if (s == SS_2XX) {
		tally_add(&cs->resp, latency);
		hist_add(&cs->resp_hist, latency);
	}
}

static void stats_reset(struct node *n, double now)
{
	struct node_stats *s = &n->st;
	s->arrivals = s->completions = s->rejections = s->spillover = 0;
	memset(s->own, 0, sizeof(s->own));
	memset(s->passed, 0, sizeof(s->passed));
	s->accepted = 0;
	tally_reset(&s->resp);
	hist_reset(&s->resp_hist);
	s->started = s->waited = 0;
	s->wait_sum = s->down_sum = 0;
	hist_reset(&s->wait_hist);
	/* The period running across the warm-up boundary keeps its integral. */
	double busy = tavg_integral(&s->busy, now) - s->p_busy0;
	double active = tavg_integral(&s->active, now) - s->p_active0;
	tavg_reset(&s->busy, now);
	tavg_reset(&s->waiting, now);
	tavg_reset(&s->active, now);
	s->p_busy0 = -busy;
	s->p_active0 = -active;
	if (n->is_scaled) {
		n->p_cap0 = -(tavg_integral(&n->capacity_t, now) - n->p_cap0);
		tavg_reset(&n->capacity_t, now);
	}
}

static void ev_warm(struct sim *sim, void *obj, void *arg)
{
	(void)arg;
	struct net *net = obj;
	tavg_reset(&net->service_up, sim->now);
	for (int c = 1; net->cls && c <= net->spec->n_classes; c++) {
		struct class_stats *cs = &net->cls[c];
		cs->arrivals = cs->accepted = 0;
		memset(cs->codes, 0, sizeof(cs->codes));
		tally_reset(&cs->resp);
		hist_reset(&cs->resp_hist);
	}
	for (int i = 0; i < net->n_nodes; i++) {
		struct node *n = net->nodes[i];
		tavg_reset(&n->up, sim->now);
		memset(n->up_time, 0, ((size_t)n->n_instances + 1) * sizeof(double));
		n->up_t_last = sim->now;
		n->outages = !n->is_serving; /* one under way counts, from here */
		n->outage_time = 0;
		n->outage_t0 = sim->now;
		stats_reset(net->nodes[i], sim->now);
		if (net->nodes[i]->kind->reset)
			net->nodes[i]->kind->reset(net->nodes[i]);
	}
}

/* Writes the period's row for every node and starts the next period. */
static void close_period(struct net *net, double t0, double t1)
{
	double len = t1 - t0;
	for (int i = 0; i < net->n_nodes; i++) {
		struct node *n = net->nodes[i];
		struct node_stats *s = &n->st;
		double *row = &net->ts[((size_t)net->period_i * net->n_nodes + i) * TS_NCOLS];
		uint64_t t4 = s->p_passed[SS_429] + s->p_passed[SS_460];
		uint64_t t5 = s->p_passed[SS_500] + s->p_passed[SS_502] + s->p_passed[SS_503] + s->p_passed[SS_504];
		uint64_t e4 = s->p_own[SS_429] + s->p_own[SS_460];
		uint64_t e5 = s->p_own[SS_500] + s->p_own[SS_502] + s->p_own[SS_503] + s->p_own[SS_504];
		row[TS_REQUESTS] = (double)s->p_arrivals;
		row[TS_TARGET_2XX] = (double)s->p_passed[SS_2XX];
		row[TS_TARGET_4XX] = (double)t4;
		row[TS_TARGET_5XX] = (double)t5;
		row[TS_ELB_4XX] = (double)e4;
		row[TS_ELB_5XX] = (double)e5;
		row[TS_ELB_502] = (double)s->p_own[SS_502];
		row[TS_ELB_503] = (double)s->p_own[SS_503];
		row[TS_ELB_504] = (double)s->p_own[SS_504];
		row[TS_TRT_P50] = hist_quantile(&s->p_hist, 0.50);
		row[TS_TRT_P90] = hist_quantile(&s->p_hist, 0.90);
		row[TS_TRT_P99] = hist_quantile(&s->p_hist, 0.99);
		row[TS_HEALTHY] = n->n_healthy;
		row[TS_UNHEALTHY] = n->n_unhealthy;
		row[TS_SURGE] = s->p_wait_max;
		row[TS_SPILLOVER] = (double)s->p_spillover;
		double busy = tavg_integral(&s->busy, t1), active = tavg_integral(&s->active, t1);
		row[TS_ACTIVE] = len > 0 ? (active - s->p_active0) / len : 0;
		if (n->is_scaled) {
			double cap = tavg_integral(&n->capacity_t, t1);
			row[TS_UTIL] = cap > n->p_cap0 ? (busy - s->p_busy0) / (cap - n->p_cap0) : 0;
			n->p_cap0 = cap;
		} else {
			row[TS_UTIL] = len > 0 && n->capacity > 0 ? (busy - s->p_busy0) / len / n->capacity : 0;
		}
		if (n->kind->period)
			n->kind->period(n, len, row);

		s->p_arrivals = s->p_spillover = 0;
		memset(s->p_own, 0, sizeof(s->p_own));
		memset(s->p_passed, 0, sizeof(s->p_passed));
		hist_reset(&s->p_hist);
		s->p_busy0 = busy;
		s->p_active0 = active;
		s->p_wait_max = s->waiting.value;
	}
	net->period_i++;
}

static void ev_period(struct sim *sim, void *obj, void *arg)
{
	(void)arg;
	struct net *net = obj;
	double t0 = net->period_i * net->spec->period;
	close_period(net, t0, sim->now);
	double next = (net->period_i + 1) * net->spec->period;
	if (net->period_i < net->n_periods - 1)
		sim_at(sim, next, ev_period, net, NULL);
}

static void init_stats(struct node_stats *s)
{
	hist_init(&s->resp_hist);
	hist_init(&s->p_hist);
	/* wait_hist: on the first wait (node_started) */
}

int net_spec_periods(const struct net_spec *spec)
{
	int n = (int)ceil((spec->warmup + spec->duration) / spec->period - 1e-9);
	return n < 1 ? 1 : n;
}

struct net *net_new(const struct net_spec *spec, uint64_t rep)
{
	struct net *net = xcalloc(1, sizeof(*net));
	sim_init(&net->sim);
	net->spec = spec;
	net->rep = rep;
	net->n_nodes = spec->n_nodes;
	net->nodes = xcalloc(spec->n_nodes, sizeof(*net->nodes));
	net->link_of = xcalloc((size_t)spec->n_nodes * spec->n_nodes, sizeof(*net->link_of));
	net->t_warm = spec->warmup;
	tavg_set(&net->service_up, 0, 1);
	rng_init(&net->rng_access, spec->seed, rep, "access-log/sample");
	net->t_end = spec->warmup + spec->duration;
	net->n_periods = net_spec_periods(spec);
	net->ts = xcalloc((size_t)net->n_periods * spec->n_nodes * TS_NCOLS, sizeof(double));
	if (spec->n_classes > 0) {
		net->cls = xcalloc((size_t)spec->n_classes + 1, sizeof(*net->cls));
		for (int c = 1; c <= spec->n_classes; c++)
			hist_init(&net->cls[c].resp_hist);
	}

	for (int i = 0; i < spec->n_nodes; i++) {
		const struct node_spec *ns = &spec->nodes[i];
		struct node *n = xcalloc(1, ns->kind->size);
		n->kind = ns->kind;
		n->net = net;
		n->name = ns->name;
		n->id = i;
		init_stats(&n->st);
		node_set_instances(n, 1);
		net->nodes[i] = n;
		if (n->kind->flags & KIND_WORKLOAD) { /* its clients' ids, before any node's init */
			n->client_base = net->n_clients;
			net->n_clients += n->kind->clients ? (uint32_t)n->kind->clients(ns->cfg) : 1;
		}
	}
	for (int i = 0; i < spec->n_nodes; i++) {
		struct node *n = net->nodes[i];
		n->kind->init(n, spec->nodes[i].cfg);
	}
	return net;
}

/* Links register themselves between two nodes (see link.c). */
void net_set_link(struct net *net, int a, int b, struct node *link);
void net_set_link(struct net *net, int a, int b, struct node *link)
{
	net->link_of[a * net->n_nodes + b] = link;
	net->link_of[b * net->n_nodes + a] = link;
}

void net_free(struct net *net)
{
	if (!net)
		return;
	for (int i = 0; i < net->n_nodes; i++) {
		struct node *n = net->nodes[i];
		if (n->kind->release)
			n->kind->release(n);
		free(n->health);
		free(n->up_time);
		hist_release(&n->st.resp_hist);
		hist_release(&n->st.p_hist);
		hist_release(&n->st.wait_hist);
		free(n);
	}
	while (net->chunks) {
		struct req_chunk *c = net->chunks;
		net->chunks = c->next;
		free(c);
	}
	free(net->nodes);
	free(net->link_of);
	free(net->log);
	free(net->open_logs);
	rng_release(&net->rng_access);
	free(net->ts);
	for (int c = 1; net->cls && c <= net->spec->n_classes; c++)
		hist_release(&net->cls[c].resp_hist);
	free(net->cls);
	sim_release(&net->sim);
	free(net);
}

void net_run(struct net *net)
{
	struct sim *sim = &net->sim;
	for (int i = 0; i < net->n_nodes; i++)
		if (net->nodes[i]->kind->start)
			net->nodes[i]->kind->start(net->nodes[i]);
	if (net->t_warm > 0)
		sim_at(sim, net->t_warm, ev_warm, net, NULL);
	if (net->n_periods > 1)
		sim_at(sim, net->spec->period, ev_period, net, NULL);
	sim->max_events = net->spec->max_events;
	sim_run(sim, net->t_end);
	if (sim->is_stopped && !net->stopped[0])
		snprintf(net->stopped, sizeof net->stopped,
			 "%llu events were run by t=%.3fs of %.3fs (simulation.max_events): raise the limit for a "
			 "longer run",
			 (unsigned long long)sim->n_events, sim->now, net->t_end);
	close_period(net, net->period_i * net->spec->period, net->t_end);
}

/* The q-quantile of the waits of every request that began service: the
 * ones that did not wait are zeros the histogram leaves out. */
static double wait_quantile(const struct node_stats *s, double q)
{
	double zeros = (double)(s->started - s->waited);
	if (s->started == 0 || q * (double)s->started <= zeros)
		return 0;
	return hist_quantile(&s->wait_hist, (q * (double)s->started - zeros) / (double)s->waited);
}

void node_report_base(const struct node *n, struct report *rep)
{
	const struct node_stats *s = &n->st;
	double now = n->net->sim.now, T = n->net->t_end - n->net->t_warm;
	uint64_t answered = s->completions + s->rejections;
	report_add(rep, n->name, "arrivals", (double)s->arrivals);
	report_add(rep, n->name, "throughput", T > 0 ? (double)s->completions / T : 0);
	if (n->is_scaled) /* busy over the capacity in service, each integrated */
		report_add(rep, n->name, "utilization", ratio_of_means(&s->busy, &n->capacity_t, now));
	else if (n->capacity > 0) /* links report their own, from bytes sent */
		report_add(rep, n->name, "utilization", tavg_mean(&s->busy, now) / n->capacity);
	report_add(rep, n->name, "mean_waiting", tavg_mean(&s->waiting, now));
	report_add(rep, n->name, "mean_in_service", tavg_mean(&s->busy, now));
	report_add(rep, n->name, "mean_in_node", tavg_mean(&s->active, now));
	report_add(rep, n->name, "max_waiting", s->waiting.max);
	report_add(rep, n->name, "response_mean", s->resp.mean);
	report_add(rep, n->name, "response_p50", hist_quantile(&s->resp_hist, 0.50));
	report_add(rep, n->name, "response_p90", hist_quantile(&s->resp_hist, 0.90));
	report_add(rep, n->name, "response_p95", hist_quantile(&s->resp_hist, 0.95));
	report_add(rep, n->name, "response_p99", hist_quantile(&s->resp_hist, 0.99));
	if (n->capacity > 0) { /* a node with servers: the wait for one, and its own time */
		double own = s->resp.mean - (s->completions ? s->down_sum / (double)s->completions : 0);
		report_add(rep, n->name, "own_response_mean", own > 0 ? own : 0);
		report_add(rep, n->name, "wait_mean", s->started ? s->wait_sum / (double)s->started : 0);
		report_add(rep, n->name, "wait_p50", wait_quantile(s, 0.50));
		report_add(rep, n->name, "wait_p90", wait_quantile(s, 0.90));
		report_add(rep, n->name, "wait_p99", wait_quantile(s, 0.99));
		report_add(rep, n->name, "p_wait", s->started ? (double)s->waited / (double)s->started : 0);
	}
	report_add(rep, n->name, "rejections", (double)s->rejections);
	report_add(rep, n->name, "rejection_ratio", answered ? (double)s->rejections / (double)answered : 0);
	report_add(rep, n->name, "spillover", (double)s->spillover);
	if (n->is_scaled) /* of the instances in service */
		report_add(rep, n->name, "up_fraction",
			   tavg_mean(&n->up, now) * n->unit_capacity / tavg_mean(&n->capacity_t, now));
	else
		report_add(rep, n->name, "up_fraction", tavg_mean(&n->up, now) / n->n_instances);
	/* Outages: spans with no instance serving; k of n: time with at least k up. */
	double out = n->outage_time + (n->is_serving ? 0 : now - n->outage_t0);
	report_add(rep, n->name, "availability", T > 0 ? 1 - out / T : 1);
	report_add(rep, n->name, "outages", (double)n->outages);
	report_add(rep, n->name, "outage_mean", n->outages ? out / (double)n->outages : 0);
	if (n->n_instances >= 2 && n->n_instances <= 16) {
		double cur = now - n->up_t_last, at_least = 0; /* cur: time at n_up not yet counted */
		for (int k = n->n_instances; k >= 2; k--) {
			char key[32];
			at_least += n->up_time[k] + (k == n->n_up ? cur : 0);
			snprintf(key, sizeof key, "up_at_least_%d", k);
			report_add(rep, n->name, key, T > 0 ? at_least / T : 1);
		}
	}
}

const double net_cdf_level[NET_CDF_LEVELS] = {
	0.005, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.10,  0.11,  0.12,   0.13,   0.14,
	0.15,  0.16, 0.17, 0.18, 0.19, 0.20, 0.21, 0.22, 0.23, 0.24, 0.25,  0.26,  0.27,   0.28,   0.29,
	0.30,  0.31, 0.32, 0.33, 0.34, 0.35, 0.36, 0.37, 0.38, 0.39, 0.40,  0.41,  0.42,   0.43,   0.44,
	0.45,  0.46, 0.47, 0.48, 0.49, 0.50, 0.51, 0.52, 0.53, 0.54, 0.55,  0.56,  0.57,   0.58,   0.59,
	0.60,  0.61, 0.62, 0.63, 0.64, 0.65, 0.66, 0.67, 0.68, 0.69, 0.70,  0.71,  0.72,   0.73,   0.74,
	0.75,  0.76, 0.77, 0.78, 0.79, 0.80, 0.81, 0.82, 0.83, 0.84, 0.85,  0.86,  0.87,   0.88,   0.89,
	0.90,  0.91, 0.92, 0.93, 0.94, 0.95, 0.96, 0.97, 0.98, 0.99, 0.995, 0.999, 0.9995, 0.9999,
};

/* End-to-end metrics from the workloads' statistics, merged. */
/* What clients saw: throughput, latency of the 2xx answers, status codes. */
static void report_outcomes(struct report *rep, const char *scope, double T, uint64_t created,
			    const uint64_t codes[SS_N], uint64_t accepted, const struct tally *lat,
			    const struct hist *h)
{
	static const double qs[] = {0.50, 0.90, 0.95, 0.99, 0.999};
	static const char *const qn[] = {"latency_p50", "latency_p90", "latency_p95", "latency_p99", "latency_p99.9"};
	uint64_t answered = 0;
	for (int s = 0; s < SS_N; s++)
		answered += codes[s];
	report_add(rep, scope, "offered_throughput", T > 0 ? (double)created / T : 0);
	report_add(rep, scope, "served_throughput", T > 0 ? (double)codes[SS_2XX] / T : 0);
	report_add(rep, scope, "latency_mean", lat->mean);
	for (int i = 0; i < 5; i++)
		report_add(rep, scope, qn[i], hist_quantile(h, qs[i]));
	report_add(rep, scope, "requests", (double)answered);
	for (int s = 0; s < SS_N; s++) {
		char key[32];
		if (s == SS_2XX)
			snprintf(key, sizeof key, "status_2xx");
		else
			snprintf(key, sizeof key, "status_%d", status_slot_code[s]);
		report_add(rep, scope, key, (double)codes[s]);
		if (s == SS_2XX)
			report_add(rep, scope, "status_202", (double)accepted);
	}
	report_add(rep, scope, "success_ratio", answered ? (double)codes[SS_2XX] / answered : 0);
	report_add(rep, scope, "availability", answered ? (double)codes[SS_2XX] / answered : 1);
	report_add(rep, scope, "error_rate", answered ? 1 - (double)codes[SS_2XX] / answered : 0);
}

static void report_e2e(struct net *net, struct report *rep, const char *scope, const struct node *only)
{
	struct tally lat = {0};
	struct hist h;
	uint64_t codes[SS_N] = {0}, created = 0, accepted = 0;
	double T = net->t_end - net->t_warm;

	hist_init(&h);
	/* One workload's own, or every workload's: one node, or all of them. */
	for (int i = only ? only->id : 0; i < (only ? only->id + 1 : net->n_nodes); i++) {
		const struct node *n = net->nodes[i];
		if (!(n->kind->flags & KIND_WORKLOAD))
			continue;
		tally_merge(&lat, &n->st.resp);
		hist_merge(&h, &n->st.resp_hist);
		created += n->st.arrivals;
		accepted += n->st.accepted;
		for (int s = 0; s < SS_N; s++)
			codes[s] += n->st.own[s] + n->st.passed[s];
	}
	report_outcomes(rep, scope, T, created, codes, accepted, &lat, &h);
	if (!only) /* the whole run's distribution, for its picture */
		for (int i = 0; i < NET_CDF_LEVELS; i++)
			net->cdf[i] = hist_quantile(&h, net_cdf_level[i]);
	uint64_t answered = 0;
	for (int s = 0; s < SS_N; s++)
		answered += codes[s];
	double ta = tavg_mean(&net->service_up, net->sim.now);
	double ra = answered ? (double)codes[SS_2XX] / answered : 1;
	report_add(rep, scope, "time_availability", ta);
	/* A month is 730 hours, as in prices. */
	report_add(rep, scope, "downtime_minutes_per_month", (1 - ta) * 730 * 60);
	report_add(rep, scope, "error_budget_used", net->spec->slo < 1 ? (1 - ra) / (1 - net->spec->slo) : 0);
	report_add(rep, scope, "latency_overflow", (double)h.over);
	hist_release(&h);
}

/* Per class: throughput, latency and status codes, scope "class:NAME". */
static void report_classes(struct net *net, struct report *rep)
{
	for (int c = 1; net->cls && c <= net->spec->n_classes; c++) {
		const struct class_stats *cs = &net->cls[c];
		char scope[80];
		snprintf(scope, sizeof scope, "class:%s", net->spec->class_name[c]);
		report_outcomes(rep, scope, net->t_end - net->t_warm, cs->arrivals, cs->codes, cs->accepted, &cs->resp,
				&cs->resp_hist);
	}
}

/*
 * What the system costs, from what each node reported as its cost_per_hour
 * (its instances and prices over the measured time, a balancer's LCUs):
 * per hour, per 730-hour month, and per million successful requests.
 */
static void report_cost(struct report *rep, const struct report *nodes)
{
	double hour = 0, served = 0;
	for (size_t i = 0; i < nodes->n; i++)
		if (strcmp(nodes->m[i].key, "cost_per_hour") == 0)
			hour += nodes->m[i].value;
	for (size_t i = 0; i < rep->n; i++)
		if (strcmp(rep->m[i].scope, "e2e") == 0 && strcmp(rep->m[i].key, "served_throughput") == 0)
			served = rep->m[i].value;
	report_add(rep, "e2e", "cost_per_hour", hour);
	report_add(rep, "e2e", "cost_per_month", hour * 730);
	report_add(rep, "e2e", "cost_per_million_requests", served > 0 ? hour / (served * 3600) * 1e6 : 0);
}

void net_report(struct net *net, struct report *rep)
{
	struct report nodes = {0}; /* after the end-to-end ones, which sum their costs */
	for (int i = 0; i < net->n_nodes; i++) {
		const struct node *n = net->nodes[i];
		if (n->kind->flags & KIND_WORKLOAD)
			report_e2e(net, &nodes, n->name, n);
		else if (!(n->kind->flags & (KIND_INJECTOR | KIND_CONTROL)))
			node_report_base(n, &nodes);
		if (n->kind->report)
			n->kind->report(n, &nodes);
	}
	report_e2e(net, rep, "e2e", NULL);
	report_cost(rep, &nodes);
	report_classes(net, rep);
	for (size_t i = 0; i < nodes.n; i++)
		report_add(rep, nodes.m[i].scope, nodes.m[i].key, nodes.m[i].value);
	report_release(&nodes);
	double detect = 0, recover = 0;
	int n_detect = 0, n_recover = 0;
	uint64_t lost = 0;
	for (size_t i = 0; i < net->n_log; i++) {
		const struct failure_record *f = &net->log[i];
		if (f->t_detect >= 0) {
			detect += f->t_detect - f->t_fail;
			n_detect++;
		}
		if (f->t_recover >= 0) {
			recover += f->t_recover - f->t_fail;
			n_recover++;
		}
		lost += f->lost;
	}
	report_add(rep, "failures", "count", (double)net->n_log);
	report_add(rep, "failures", "detected", (double)n_detect);
	report_add(rep, "failures", "repaired", (double)n_recover);
	report_add(rep, "failures", "mean_time_to_detect", n_detect ? detect / n_detect : 0);
	report_add(rep, "failures", "mean_time_to_repair", n_recover ? recover / n_recover : 0);
	report_add(rep, "failures", "requests_lost", (double)lost);
	report_add(rep, "run", "events", (double)net->sim.n_events);
	report_add(rep, "run", "in_flight_at_end", (double)net->n_in_flight);
}
