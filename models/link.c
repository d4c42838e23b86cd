/*
 * link.c - an internal network link between two nodes.
 *
 * Every message between the two nodes (either way) crosses the link: its
 * transfer takes its size over the bandwidth, and it arrives `latency`
 * after the transfer ends.  Request sizes come from the workload
 * (request_size one way, response_size the other).  With `sharing: fair`
 * (the default) the transfers in one direction share the bandwidth
 * equally, as TCP flows do (processor sharing): a busy link slows every
 * transfer, and a saturated one is a bottleneck.  With `sharing: none`
 * each transfer has the whole bandwidth (a fixed delay).
 *
 * A failure of a link (mode crash) is a network partition: every message
 * sent across it is lost, and only the callers' timeouts end their wait; a
 * slowdown multiplies its latency.
 *
 * Keys: between (two nodes, required), latency (0.5ms, each way),
 * bandwidth (1Gbps, each direction), sharing (fair | none).
 * Metrics: utilization and gbps_in_busier_direction, messages (arrivals),
 * rejections (messages lost), response_mean (transfer plus latency).
 * Complexity: O(log n) per message, n the transfers under way in its
 * direction (a binary heap of virtual finish times; one pending event per
 * direction, replaced lazily by a generation number).
 */
#include <stdint.h>
#include <stdlib.h>

#include "../sim/engine/util.h"
#include "model.h"

struct link_cfg {
	struct node_list between;
	double latency;   /* seconds, each way */
	double bandwidth; /* bits per second, each direction */
	int fair;         /* 1: transfers share the bandwidth */
};

struct transfer {
	double vfinish; /* virtual time at which it is done */
	struct request *r;
	double t_start;
	int to, is_reply;
};

/* One direction: processor sharing in virtual time.  V grows at
 * bandwidth / n bits per second while n transfers are under way; a
 * transfer of b bits started at V0 ends when V reaches V0 + b. */
struct lane {
	struct link *link;
	double v, t_last;
	struct transfer *heap; /* owned: min-heap on vfinish */
	size_t n, cap;
	uint64_t gen; /* the pending event's generation */
};

struct link {
	struct node base;
	struct link_cfg cfg;
	double bits[2]; /* sent since the warm-up: a -> b, b -> a */
	struct lane lanes[2];
};

void net_set_link(struct net *net, int a, int b, struct node *link);

#define OFF(f) offsetof(struct link_cfg, f)
/* clang-format off */
static const struct metric_def link_metrics[] = {
	{"utilization", MS_LINK, MU_FRACTION, MR_UTILIZATION, MB_LOWER, "bandwidth",
	 "bits sent in the busier direction over bandwidth x time"},
	{"gbps_in_busier_direction", MS_LINK, MU_GBITS_S, MR_RATE, MB_NEITHER, NULL,
	 "gigabits per second sent in the busier direction"},
	{"messages_per_s", MS_LINK, MU_RATE, MR_RATE, MB_NEITHER, NULL,
	 "messages (requests and answers, both ways) that entered the link per second"},
	{"in_transit_mean", MS_LINK, MU_NUMBER, MR_LEVEL, MB_NEITHER, NULL,
	 "messages crossing at once, time average (Little's law: rate x mean crossing time)"},
	{0},
};
/* clang-format on */

static const struct param link_params[] = {
	{"between", PT_NODES, OFF(between), NULL, 0, 0, NULL, P_REQUIRED, "the two nodes it connects, e.g. [web, db]"},
	{"latency", PT_DURATION, OFF(latency), "0.5ms", 0, 3600, NULL, 0, "one-way propagation delay"},
	{"bandwidth", PT_BANDWIDTH, OFF(bandwidth), "1Gbps", 1, 1e15, NULL, 0, "capacity in each direction"},
	{"sharing", PT_ENUM, OFF(fair), "fair", 0, 0, "none|fair", 0,
	 "fair: transfers under way share the bandwidth; none: each has all of it"},
	{0},
};
#undef OFF

static const char *link_check(const void *cfgp, unsigned long present, const char **key, char *msg, size_t n)
{
	(void)msg;
	(void)n;
	const struct link_cfg *cfg = cfgp;
	(void)present;
	*key = "between";
	if (cfg->between.n != 2)
		return "a link needs exactly two nodes in 'between'";
	if (cfg->between.idx[0] >= 0 && cfg->between.idx[0] == cfg->between.idx[1])
		return "a link cannot connect a node to itself";
	return NULL;
}

static void link_init(struct node *n, const void *cfg)
{
	struct link *l = (struct link *)n;
	l->cfg = *(const struct link_cfg *)cfg;
	net_set_link(n->net, l->cfg.between.idx[0], l->cfg.between.idx[1], n);
	for (int d = 0; d < 2; d++)
		l->lanes[d].link = l;
}

static void advance(struct lane *ln, double now)
{
	if (ln->n > 0)
		ln->v += (now - ln->t_last) * ln->link->cfg.bandwidth / (double)ln->n;
	ln->t_last = now;
}

static void heap_push(struct lane *ln, struct transfer x)
{
	if (ln->n == ln->cap) {
		ln->cap = ln->cap ? 2 * ln->cap : 16;
		ln->heap = xrealloc(ln->heap, ln->cap * sizeof(*ln->heap));
	}
	size_t i = ln->n++;
	while (i > 0 && ln->heap[(i - 1) / 2].vfinish > x.vfinish) {
		ln->heap[i] = ln->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	ln->heap[i] = x;
}

static struct transfer heap_pop(struct lane *ln)
{
	struct transfer top = ln->heap[0], last = ln->heap[--ln->n];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= ln->n)
			break;
		if (c + 1 < ln->n && ln->heap[c + 1].vfinish < ln->heap[c].vfinish)
			c++;
		if (ln->heap[c].vfinish >= last.vfinish)
			break;
		ln->heap[i] = ln->heap[c];
		i = c;
	}
	if (ln->n > 0)
		ln->heap[i] = last;
	return top;
}

static void ev_lane(struct sim *sim, void *obj, void *arg);

/* Schedules the end of the first transfer to finish (replacing the last). */
static void arm(struct lane *ln)
{
	ln->gen++;
	if (ln->n == 0)
		return;
	struct sim *sim = &ln->link->base.net->sim;
	double left = (ln->heap[0].vfinish - ln->v) * (double)ln->n / ln->link->cfg.bandwidth;
	sim_after(sim, left > 0 ? left : 0, ev_lane, ln, (void *)(uintptr_t)ln->gen);
}

static void finish(struct lane *ln, struct transfer x)
{
	struct link *l = ln->link;
	struct net *net = l->base.net;
	double latency = l->cfg.latency * l->base.health[0].slow;
	tally_add(&l->base.st.resp, net->sim.now - x.t_start + latency);
	net_deliver(net, x.r, x.to, x.is_reply, latency);
}

static void ev_lane(struct sim *sim, void *obj, void *arg)
{
	struct lane *ln = obj;
	if ((uintptr_t)arg != ln->gen)
		return; /* replaced by a later schedule */
	advance(ln, sim->now);
	/* This event was armed for the first transfer: it is due, whatever the
	 * rounding says (when its remaining time is below the clock's
	 * resolution, time cannot advance to it).  Others due with it follow. */
	if (ln->n > 0 && ln->heap[0].vfinish > ln->v)
		ln->v = ln->heap[0].vfinish;
	while (ln->n > 0 && ln->heap[0].vfinish <= ln->v * (1 + 1e-12) + 1e-9)
		finish(ln, heap_pop(ln));
	arm(ln);
}

static int link_send(struct node *n, struct request *r, int from, int to, int is_reply)
{
	struct link *l = (struct link *)n;
	struct sim *sim = &n->net->sim;
	double bits = 8 * (is_reply ? r->resp_bytes : r->req_bytes);
	int d = from == l->cfg.between.idx[0] ? 0 : 1;
	node_arrival(n);
	if (n->health[0].state != HEALTH_UP) {
		n->st.rejections++; /* a message lost to the partition */
		return 0;
	}
	l->bits[d] += bits;
	struct transfer x = {.r = r, .t_start = sim->now, .to = to, .is_reply = is_reply};
	if (!l->cfg.fair) {
		double delay = bits / l->cfg.bandwidth + l->cfg.latency * n->health[0].slow;
		tally_add(&n->st.resp, delay);
		net_deliver(n->net, r, to, is_reply, delay);
		return 1;
	}
	struct lane *ln = &l->lanes[d];
	advance(ln, sim->now);
	x.vfinish = ln->v + bits;
	heap_push(ln, x);
	arm(ln);
	return 1;
}

static void link_reset(struct node *n)
{
	struct link *l = (struct link *)n;
	l->bits[0] = l->bits[1] = 0;
}

static void link_report(const struct node *n, struct report *rep)
{
	const struct link *l = (const struct link *)n;
	double T = n->net->t_end - n->net->t_warm;
	double busier = l->bits[0] > l->bits[1] ? l->bits[0] : l->bits[1];
	report_add(rep, n->name, "utilization", T > 0 ? busier / (l->cfg.bandwidth * T) : 0);
	report_add(rep, n->name, "gbps_in_busier_direction", T > 0 ? busier / T / 1e9 : 0);
	/* Messages that entered it (not lost to a partition), and by Little's
	 * law those crossing at once: the rate times the mean crossing time. */
	double rate = T > 0 ? (double)(n->st.arrivals - n->st.rejections) / T : 0;
	report_add(rep, n->name, "messages_per_s", rate);
	report_add(rep, n->name, "in_transit_mean", rate * n->st.resp.mean);
}

static void link_release(struct node *n)
{
	struct link *l = (struct link *)n;
	free(l->lanes[0].heap);
	free(l->lanes[1].heap);
}

const struct node_kind link_kind = {
	.metrics = link_metrics,
	.name = "link",
	.summary = "network link between two nodes: latency each way, bandwidth shared by transfers",
	.size = sizeof(struct link),
	.cfg_size = sizeof(struct link_cfg),
	.params = link_params,
	.flags = KIND_LINK | KIND_CAN_FAIL,
	.check = link_check,
	.init = link_init,
	.send = link_send,
	.reset = link_reset,
	.report = link_report,
	.release = link_release,
};
