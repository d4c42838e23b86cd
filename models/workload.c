/*
 * workload.c - clients: where requests come from and where they end.
 *
 * Open workload (`rate`): Poisson arrivals, independent of how the backend
 * copes.  Closed workload (`users`): each user sends one request, waits for
 * the answer, thinks for a `think` time, and sends the next.
 *
 * Keys: target (node, required), rate (/s) or users (count), think
 * (distribution, closed only; absent means none), request_size (default 1KB),
 * response_size (default 10KB), timeout (none by default: the client
 * waits as long as it takes; with one it gives up, records 460, and the
 * request goes on downstream, its answer dropped).
 *
 * Events: next arrival (open), end of think time (closed); it receives the
 * answers.  Metrics: offered and served throughput, end-to-end latency of
 * successful (2xx) requests, counts of every status code.
 */
#include <gsl/gsl_randist.h>

#include "../sim/engine/util.h"
#include "model.h"

struct workload_cfg {
	int target;
	double rate; /* per second; 0 for a closed workload */
	long users;  /* 0 for an open workload */
	struct dist think;
	double req_bytes, resp_bytes;
	double timeout; /* seconds; 0: none */
};

struct workload {
	struct node base;
	struct workload_cfg cfg;
	struct rng rng_arrivals; /* interarrival times or think times */
	struct tmo timeouts;     /* when cfg.timeout > 0 */
};

#define OFF(f) offsetof(struct workload_cfg, f)
static const struct param workload_params[] = {
	{"target", PT_NODE, OFF(target), NULL, 0, 0, NULL, P_REQUIRED, "node the requests are sent to"},
	{"rate", PT_RATE, OFF(rate), NULL, 1e-9, 1e9, NULL, P_OPTIONAL,
	 "open workload: Poisson arrival rate, e.g. 800/s"},
	{"users", PT_COUNT, OFF(users), NULL, 1, 1e7, NULL, P_OPTIONAL,
	 "closed workload: number of users, each with one request at a time"},
	{"think", PT_DIST, OFF(think), NULL, 0, 0, NULL, P_OPTIONAL,
	 "closed workload: think time between an answer and the next request (none if absent)"},
	{"request_size", PT_SIZE, OFF(req_bytes), "1KB", 0, 1e12, NULL, 0,
	 "bytes sent per request (transfer time on links)"},
	{"timeout", PT_DURATION, OFF(timeout), NULL, 1e-6, 1e9, NULL, P_OPTIONAL,
	 "the client gives up after this long and closes the connection (460); none if absent"},
	{"response_size", PT_SIZE, OFF(resp_bytes), "10KB", 0, 1e12, NULL, 0,
	 "bytes answered per request (transfer time on links)"},
	{0},
};
#undef OFF

static const char *workload_check(const void *cfgp, unsigned long present, const char **key)
{
	const struct workload_cfg *cfg = cfgp;
	int has_rate = param_is_present(workload_params, present, "rate");
	int has_users = param_is_present(workload_params, present, "users");
	int has_think = param_is_present(workload_params, present, "think");
	(void)cfg;
	if (has_rate == has_users) {
		*key = has_rate ? "users" : NULL;
		return has_rate ? "a workload takes either 'rate' (open) or 'users' (closed), not both"
				: "a workload needs 'rate' (open, e.g. 800/s) or 'users' (closed)";
	}
	if (has_think && !has_users) {
		*key = "think";
		return "'think' applies only to a closed workload (one with 'users')";
	}
	return NULL;
}

static void send_one(struct workload *w)
{
	struct node *n = &w->base;
	struct request *r = request_new(n->net, n);
	if (!r)
		return; /* the run is stopping: too many requests in flight */
	r->req_bytes = w->cfg.req_bytes;
	r->resp_bytes = w->cfg.resp_bytes;
	node_arrival(n);
	if (w->cfg.timeout > 0)
		node_call_timed(n, -1, r, w->cfg.target, -1, &w->timeouts);
	else
		node_call(n, -1, r, w->cfg.target, -1);
}

static void ev_open_arrival(struct sim *sim, void *obj, void *arg)
{
	(void)arg;
	struct workload *w = obj;
	send_one(w);
	sim_after(sim, gsl_ran_exponential(w->rng_arrivals.r, 1.0 / w->cfg.rate), ev_open_arrival, w, NULL);
}

static void ev_think_done(struct sim *sim, void *obj, void *arg)
{
	(void)sim;
	(void)arg;
	send_one(obj);
}

static void workload_init(struct node *n, const void *cfg)
{
	struct workload *w = (struct workload *)n;
	w->cfg = *(const struct workload_cfg *)cfg;
	node_rng_init(n, &w->rng_arrivals, "arrivals");
	if (w->cfg.timeout > 0)
		node_timeouts_init(n, &w->timeouts, w->cfg.timeout, HTTP_CLIENT_CLOSED);
}

static void workload_start(struct node *n)
{
	struct workload *w = (struct workload *)n;
	struct sim *sim = &n->net->sim;
	if (w->cfg.users == 0) {
		sim_after(sim, gsl_ran_exponential(w->rng_arrivals.r, 1.0 / w->cfg.rate), ev_open_arrival, w, NULL);
		return;
	}
	for (long i = 0; i < w->cfg.users; i++)
		sim_after(sim, dist_sample(&w->cfg.think, &w->rng_arrivals), ev_think_done, w, NULL);
}

static void workload_arrive(struct node *n, struct request *r)
{
	(void)n;
	(void)r;
	BUG("a workload was sent a request"); /* the loader forbids it */
}

static void workload_reply(struct node *n, struct request *r)
{
	struct workload *w = (struct workload *)n;
	double latency = n->net->sim.now - r->t_created;
	if (r->status >= 200 && r->status < 300)
		node_done(n, r, latency, latency);
	else {
		node_count_status(n, r);
		net_charge_failures(n->net);
	}
	request_free(n->net, r);
	if (w->cfg.users > 0)
		sim_after(&n->net->sim, dist_sample(&w->cfg.think, &w->rng_arrivals), ev_think_done, w, NULL);
}

static void workload_release(struct node *n)
{
	struct workload *w = (struct workload *)n;
	rng_release(&w->rng_arrivals);
	if (w->cfg.timeout > 0)
		tmo_release(&w->timeouts);
}

const struct node_kind workload_kind = {
	.name = "workload",
	.summary = "clients: open (Poisson rate) or closed (users with think time)",
	.size = sizeof(struct workload),
	.cfg_size = sizeof(struct workload_cfg),
	.params = workload_params,
	.flags = KIND_WORKLOAD,
	.check = workload_check,
	.init = workload_init,
	.start = workload_start,
	.arrive = workload_arrive,
	.reply = workload_reply,
	.release = workload_release,
};
