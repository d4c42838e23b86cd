/*
 * link.c - an internal network link between two nodes.
 *
 * Every message between the two nodes (in either direction) is delayed by
 * `latency` plus its size divided by `bandwidth`; request sizes come from
 * the workload (request_size one way, response_size the other).  This
 * foundation version does not make concurrent transfers share the
 * bandwidth: the link's utilization (bits sent in the busier direction /
 * bandwidth x time) shows when it would saturate.
 *
 * Keys: between (two nodes, required), latency (default 0.5ms, each way),
 * bandwidth (default 1Gbps).  Metrics: utilization, messages, gbps_in_busier_direction,
 * rejections (messages lost).
 *
 * A failure of a link (mode crash) is a network partition: every message
 * across it is lost, and only the callers' timeouts end their wait; a
 * slowdown multiplies its latency.
 */
#include "model.h"

struct link_cfg {
	struct node_list between;
	double latency;   /* seconds, each way */
	double bandwidth; /* bits per second */
};

struct link {
	struct node base;
	struct link_cfg cfg;
	double bits[2]; /* sent since the warm-up: a -> b, b -> a */
};

void net_set_link(struct net *net, int a, int b, struct node *link);

#define OFF(f) offsetof(struct link_cfg, f)
static const struct param link_params[] = {
	{"between", PT_NODES, OFF(between), NULL, 0, 0, NULL, P_REQUIRED, "the two nodes it connects, e.g. [web, db]"},
	{"latency", PT_DURATION, OFF(latency), "0.5ms", 0, 3600, NULL, 0, "one-way propagation delay"},
	{"bandwidth", PT_BANDWIDTH, OFF(bandwidth), "1Gbps", 1, 1e15, NULL, 0, "capacity in each direction"},
	{0},
};
#undef OFF

static const char *link_check(const void *cfgp, unsigned long present, const char **key)
{
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
}

static double link_transit(struct node *n, const struct request *r, int from, int is_reply)
{
	struct link *l = (struct link *)n;
	double bits = 8 * (is_reply ? r->resp_bytes : r->req_bytes);
	node_arrival(n);
	if (n->health[0].state != HEALTH_UP) {
		n->st.rejections++; /* a message lost to the partition */
		return -1;
	}
	if (n->health[0].slow != 1)
		return n->health[0].slow * l->cfg.latency + bits / l->cfg.bandwidth;
	l->bits[from == l->cfg.between.idx[0] ? 0 : 1] += bits;
	return l->cfg.latency + bits / l->cfg.bandwidth;
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
}

const struct node_kind link_kind = {
	.name = "link",
	.summary = "network link between two nodes: latency each way plus transfer time",
	.size = sizeof(struct link),
	.cfg_size = sizeof(struct link_cfg),
	.params = link_params,
	.flags = KIND_LINK | KIND_CAN_FAIL,
	.check = link_check,
	.init = link_init,
	.transit = link_transit,
	.reset = link_reset,
	.report = link_report,
};
