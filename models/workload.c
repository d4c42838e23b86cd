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
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>

#include "../sim/engine/util.h"
#include "model.h"

/* One entry of a mix: a class and its share of the requests. */
struct mix_entry {
	int cls;
	double weight;
	double req_bytes, resp_bytes; /* 0 when absent: the workload's sizes */
};

struct workload_cfg {
	int target;
	double rate; /* per second; 0 for a closed workload */
	long users;  /* 0 for an open workload */
	struct dist think;
	double req_bytes, resp_bytes;
	double timeout;         /* seconds; 0: none */
	long retries;           /* tries after the first; 0: none */
	double backoff;         /* seconds: the first retry's maximum wait */
	double backoff_max;     /* seconds */
	double retry_budget;    /* retries per request allowed; 0: no budget */
	long breaker_failures;  /* failures in a row that open the breaker; 0: none */
	double breaker_delay;   /* seconds open before a trial request */
	struct profile profile; /* open workload: rate over time (n = 0: constant rate) */
	int profile_step;       /* 0: linear between points, 1: steps */
	struct table_head mix_head;
	struct mix_entry mix[TABLE_MAX];
	double burst_rate;        /* open: the rate during bursts (0: none) */
	struct dist burst_length; /* how long a burst lasts */
	struct dist burst_gap;    /* time from one burst's end to the next one's start */
	struct times replay;      /* arrival times to replay (n = 0: none) */
	long clients;             /* clients sending its requests */
	double client_skew;       /* Zipf exponent of their shares; 0: equal shares */
};

struct workload {
	struct node base;
	struct workload_cfg cfg;
	struct rng rng_arrivals;         /* interarrival times or think times */
	struct tmo timeouts;             /* when cfg.timeout > 0 */
	struct rng rng_retry;            /* backoff jitter */
	struct rng rng_mix;              /* the class of each request */
	struct rng rng_bursts;           /* burst and gap lengths */
	struct rng rng_clients;          /* which client sends each request (clients > 1) */
	gsl_ran_discrete_t *client_pick; /* owned: the clients' shares, when skewed */
	double base_rate;                /* open with bursts: the rate between bursts */
	double gap;                      /* open: 1 / cfg.rate, the candidates' mean gap, seconds */
	int in_burst;
	size_t replay_i; /* the next time to replay */
	double tokens;   /* retry budget: retries that may be made now */
	int breaker;     /* BREAKER_* */
	long failures_in_a_row;
	double breaker_until;                    /* seconds: open until then */
	uint64_t attempts, retries, fast_failed; /* since the warm-up */
};

enum { BREAKER_CLOSED, BREAKER_OPEN, BREAKER_TRIAL };

#define MOFF(f) offsetof(struct mix_entry, f)
/* clang-format off */
static const struct metric_def workload_metrics[] = {
	{"attempts_per_request", MS_WORKLOAD, MU_RATIO, MR_OTHER, MB_LOWER, NULL,
	 "tries per request, retries included (retry amplification)"},
	{"retries", MS_WORKLOAD, MU_COUNT, MR_COUNT, MB_LOWER, NULL, "retries sent"},
	{"breaker_fast_failures", MS_WORKLOAD, MU_COUNT, MR_COUNT, MB_LOWER, NULL,
	 "requests failed at once by an open circuit breaker"},
	{0},
};
/* clang-format on */

static const struct param mix_params[] = {
	{"class", PT_CLASS, MOFF(cls), NULL, 0, 0, NULL, P_REQUIRED | P_DEFINES_CLASS,
	 "the class's name; nodes may treat it apart (their 'classes' key)"},
	{"weight", PT_FRACTION, MOFF(weight), NULL, 1e-9, 1, NULL, P_REQUIRED,
	 "its share of the requests, e.g. 70%; the weights of a mix sum to 1"},
	{"request_size", PT_SIZE, MOFF(req_bytes), NULL, 0, 1e12, NULL, P_OPTIONAL,
	 "bytes sent per request of the class (default: the workload's)"},
	{"response_size", PT_SIZE, MOFF(resp_bytes), NULL, 0, 1e12, NULL, P_OPTIONAL,
	 "bytes answered per request of the class (default: the workload's)"},
	{0},
};
#undef MOFF

#define OFF(f) offsetof(struct workload_cfg, f)
static const struct param_table mix_table = {mix_params, sizeof(struct mix_entry), OFF(mix)};
static const struct param workload_params[] = {
	{"target", PT_NODE, OFF(target), NULL, 0, 0, NULL, P_REQUIRED, "node the requests are sent to"},
	{"rate", PT_RATE, OFF(rate), NULL, 0, 1e9, NULL, P_OPTIONAL,
	 "open workload: Poisson arrival rate, e.g. 800/s (0/s only between bursts: on/off traffic)"},
	{"profile", PT_PROFILE, OFF(profile), NULL, 0, 0, NULL, P_OPTIONAL,
	 "open workload: the rate over time, 'time:rate' points, e.g. '0s:100/s, 5m:800/s, 7m:100/s'"},
	{"profile_shape", PT_ENUM, OFF(profile_step), "linear", 0, 0, "linear|step", 0,
	 "linear: the rate moves in a straight line between points; step: it holds until the next"},
	{"users", PT_COUNT, OFF(users), NULL, 1, 1e7, NULL, P_OPTIONAL,
	 "closed workload: number of users, each with one request at a time"},
	{"think", PT_DIST, OFF(think), NULL, 0, 0, NULL, P_OPTIONAL,
	 "closed workload: think time between an answer and the next request (none if absent)"},
	{"request_size", PT_SIZE, OFF(req_bytes), "1KB", 0, 1e12, NULL, 0,
	 "bytes sent per request (transfer time on links)"},
	{"timeout", PT_DURATION, OFF(timeout), NULL, 1e-6, 1e9, NULL, P_OPTIONAL,
	 "the client gives up after this long and closes the connection (460); none if absent"},
	{"retries", PT_COUNT, OFF(retries), "0", 0, 100, NULL, 0,
	 "tries after the first, for an answer 5xx or 460 (a timeout)"},
	{"backoff", PT_DURATION, OFF(backoff), "100ms", 0, 1e6, NULL, 0,
	 "retry n waits a random time up to backoff x 2^(n-1) (exponential, full jitter)"},
	{"backoff_max", PT_DURATION, OFF(backoff_max), "10s", 0, 1e6, NULL, 0, "the longest wait before a retry"},
	{"retry_budget", PT_FRACTION, OFF(retry_budget), NULL, 1e-9, 1, NULL, P_OPTIONAL,
	 "retries allowed per request sent, e.g. 10% (a bucket of at most 10); none if absent"},
	{"breaker_failures", PT_COUNT, OFF(breaker_failures), NULL, 1, 1e9, NULL, P_OPTIONAL,
	 "circuit breaker: failures in a row that open it (requests then fail at once, 503)"},
	{"breaker_delay", PT_DURATION, OFF(breaker_delay), "10s", 1e-6, 1e6, NULL, 0,
	 "circuit breaker: how long it stays open before one trial request"},
	{"response_size", PT_SIZE, OFF(resp_bytes), "10KB", 0, 1e12, NULL, 0,
	 "bytes answered per request (transfer time on links)"},
	{"burst_rate", PT_RATE, OFF(burst_rate), NULL, 1e-9, 1e9, NULL, P_OPTIONAL,
	 "open workload: the rate during bursts ('rate' is the rate between them); a Markov-modulated Poisson process"},
	{"burst_length", PT_DIST_EXP, OFF(burst_length), NULL, 0, 0, NULL, P_OPTIONAL,
	 "how long a burst lasts, e.g. 30s (exponential) or a distribution"},
	{"burst_gap", PT_DIST_EXP, OFF(burst_gap), NULL, 0, 0, NULL, P_OPTIONAL,
	 "time between the end of a burst and the start of the next, e.g. 10m"},
	{"replay", PT_TIMES, OFF(replay), NULL, 0, 0, NULL, P_OPTIONAL,
	 "arrival times to replay, a CSV file (first column, seconds from the start, warm-up included)"},
	{"mix", PT_TABLE, OFF(mix_head), NULL, 0, 0, &mix_table, P_OPTIONAL,
	 "request classes and their shares, e.g. [{class: browse, weight: 70%}, {class: buy, weight: 30%}]"},
	{"clients", PT_COUNT, OFF(clients), "1", 1, 10000000, NULL, 0,
	 "clients sending its requests (users, API keys, tenants), for rate limits per client"},
	{"client_skew", PT_FACTOR, OFF(client_skew), "0", 0, 10, NULL, 0,
	 "Zipf exponent of the clients' shares of the requests (0: equal; 1: client k sends k times fewer)"},
	{0},
};
#undef OFF

static const char *workload_check(const void *cfgp, unsigned long present, const char **key, char *msg, size_t n)
{
	const struct workload_cfg *cfg = cfgp;
	int has_rate = param_is_present(workload_params, present, "rate") ||
		       param_is_present(workload_params, present, "profile");
	int has_replay = param_is_present(workload_params, present, "replay");
	int n_burst = param_is_present(workload_params, present, "burst_rate") +
		      param_is_present(workload_params, present, "burst_length") +
		      param_is_present(workload_params, present, "burst_gap");
	if (has_replay && (has_rate || param_is_present(workload_params, present, "users"))) {
		*key = "replay";
		return "'replay' gives the arrival times itself: leave out 'rate', 'profile' and 'users'";
	}
	if (has_replay) {
		if (n_burst > 0) {
			*key = "burst_rate";
			return "bursts apply to a 'rate', not to a 'replay'";
		}
		has_rate = 1; /* an open workload */
	}
	if (n_burst > 0 && n_burst < 3) {
		*key = param_is_present(workload_params, present, "burst_rate") ? "burst_rate" : "burst_length";
		return "bursts need all three of 'burst_rate', 'burst_length' and 'burst_gap'";
	}
	if (param_is_present(workload_params, present, "rate") && cfg->rate == 0 && n_burst == 0) {
		*key = "rate";
		return "a rate of 0/s sends nothing: it is allowed only between bursts ('burst_rate', on/off traffic)";
	}
	if (n_burst == 3 && !param_is_present(workload_params, present, "rate")) {
		*key = "burst_rate";
		return "bursts modulate a constant 'rate' (not a 'profile' or 'users'): add 'rate', the rate between "
		       "bursts";
	}
	if (param_is_present(workload_params, present, "rate") &&
	    param_is_present(workload_params, present, "profile")) {
		*key = "profile";
		return "give 'rate' (constant) or 'profile' (over time), not both";
	}
	int has_users = param_is_present(workload_params, present, "users");
	int has_think = param_is_present(workload_params, present, "think");
	double sum = 0;
	int weighed = 1;
	for (int i = 0; i < cfg->mix_head.n; i++) {
		sum += cfg->mix[i].weight;
		weighed &= (int)(cfg->mix_head.present[i] >> 1) & 1; /* a missing weight is reported already */
		for (int j = 0; j < i; j++) {
			if (cfg->mix[i].cls == cfg->mix[j].cls && cfg->mix[i].cls > 0) {
				*key = "mix";
				return "the mix names the same class twice";
			}
		}
	}
	if (cfg->mix_head.n > 0 && weighed && fabs(sum - 1) > 1e-6) {
		snprintf(msg, n, "the weights of the mix sum to %.6g; they must sum to 1 (100%%)", sum);
		*key = "mix";
		return msg;
	}
	if (has_rate == has_users) {
		*key = has_rate ? "users" : NULL;
		return has_rate ? "a workload takes either 'rate' or 'profile' (open) or 'users' (closed), not both"
				: "a workload needs 'rate' (open, e.g. 800/s), 'profile' or 'users' (closed)";
	}
	if (has_think && !has_users) {
		*key = "think";
		return "'think' applies only to a closed workload (one with 'users')";
	}
	return NULL;
}

static void answer(struct workload *w, struct request *r, int is_real);

/* The constant rate, or a profile's peak (the two are exclusive). */
static double peak_rate(const struct workload_cfg *cfg)
{
	double peak = cfg->rate;
	for (int i = 0; i < cfg->profile.n; i++)
		peak = fmax(peak, cfg->profile.rate[i]);
	return peak;
}

/* The long-run rate: a profile's peak (it may last), the mean of a bursty
 * rate (queues drain between bursts), a replay's average, none if closed. */
static double workload_offered(const void *cfgp)
{
	const struct workload_cfg *cfg = cfgp;
	if (cfg->replay.n > 1 && cfg->replay.t[cfg->replay.n - 1] > cfg->replay.t[0])
		return (double)(cfg->replay.n - 1) / (cfg->replay.t[cfg->replay.n - 1] - cfg->replay.t[0]);
	if (cfg->burst_rate > 0) {
		double on = dist_mean(&cfg->burst_length), off = dist_mean(&cfg->burst_gap);
		return on + off > 0 ? (cfg->rate * off + cfg->burst_rate * on) / (on + off) : cfg->burst_rate;
	}
	return peak_rate(cfg);
}

/* The share of its requests in class cls: its mix's weight (normalised),
 * or all of class 0 without a mix. */
static double workload_class_share(const void *cfgp, int cls)
{
	const struct workload_cfg *cfg = cfgp;
	if (cfg->mix_head.n == 0)
		return cls == 0;
	double all = 0, mine = 0;
	for (int i = 0; i < cfg->mix_head.n; i++) {
		all += cfg->mix[i].weight;
		if (cfg->mix[i].cls == cls)
			mine += cfg->mix[i].weight;
	}
	return all > 0 ? mine / all : 0;
}

/* A replay whose arrivals all fall in the warm-up measures nothing. */
static int workload_lint(const void *cfgp, const struct net_spec *spec, char *msg, size_t n, const char **key)
{
	const struct workload_cfg *cfg = cfgp;
	if (cfg->replay.n > 0 && cfg->replay.t[cfg->replay.n - 1] < spec->warmup) {
		*key = "replay";
		snprintf(msg, n,
			 "every arrival of the replay file is in the warm-up (the last at %gs, the warm-up ends at "
			 "%gs): nothing of it is measured",
			 cfg->replay.t[cfg->replay.n - 1], spec->warmup);
		return 1;
	}
	return 0;
}

/* Whether the circuit breaker lets a request through now. */
static int breaker_allows(struct workload *w)
{
	double now = w->base.net->sim.now;
	switch (w->breaker) {
	case BREAKER_OPEN:
		if (now < w->breaker_until)
			return 0;
		w->breaker = BREAKER_TRIAL; /* half open: this one is the trial */
		return 1;
	case BREAKER_TRIAL: return 0; /* the trial is under way */
	default: return 1;
	}
}

/*
 * Counts an answer.  While open, answers to requests sent before it opened
 * change nothing; while half open, only the trial's answer decides: close
 * on success, open again on failure.
 */
static void breaker_record(struct workload *w, const struct request *r, int ok)
{
	if (!w->cfg.breaker_failures || w->breaker == BREAKER_OPEN)
		return;
	if (w->breaker == BREAKER_TRIAL && !r->maker_state) /* maker_state: 1 for the breaker's trial */
		return;
	w->failures_in_a_row = ok ? 0 : w->failures_in_a_row + 1;
	if (ok) {
		w->breaker = BREAKER_CLOSED;
	} else if (w->breaker == BREAKER_TRIAL || w->failures_in_a_row >= w->cfg.breaker_failures) {
		w->breaker = BREAKER_OPEN;
		w->breaker_until = w->base.net->sim.now + w->cfg.breaker_delay;
		w->failures_in_a_row = 0;
	}
}

/* Sends r (a new request or a retry), unless the breaker is open: then r
 * fails at once with 503, made by the client. */
static void attempt(struct workload *w, struct request *r)
{
	struct node *n = &w->base;
	r->depth = 0;
	r->status = HTTP_OK;
	r->origin = -1;
	r->orphan_at = -1;
	int was = w->breaker;
	if (w->cfg.breaker_failures && !breaker_allows(w)) {
		w->fast_failed++;
		r->status = HTTP_UNAVAILABLE;
		r->origin = n->id;
		answer(w, r, 0);
		return;
	}
	r->maker_state = was == BREAKER_OPEN && w->breaker == BREAKER_TRIAL;
	w->attempts++;
	if (w->cfg.timeout > 0)
		node_call_timed(n, -1, r, w->cfg.target, -1, &w->timeouts);
	else
		node_call(n, -1, r, w->cfg.target, -1);
}

static void send_one(struct workload *w)
{
	struct node *n = &w->base;
	struct request *r = request_new(n->net, n);
	if (!r)
		return; /* the run is stopping: too many requests in flight */
	r->req_bytes = w->cfg.req_bytes;
	r->resp_bytes = w->cfg.resp_bytes;
	r->attempt = 1;
	if (w->cfg.clients > 1)
		r->client += w->client_pick
				     ? (uint32_t)gsl_ran_discrete(w->rng_clients.r, w->client_pick)
				     : (uint32_t)gsl_rng_uniform_int(w->rng_clients.r, (unsigned long)w->cfg.clients);
	if (w->cfg.mix_head.n > 0) {
		const struct mix_entry *e = &w->cfg.mix[w->cfg.mix_head.n - 1];
		double u = gsl_rng_uniform(w->rng_mix.r);
		for (int i = 0; i < w->cfg.mix_head.n - 1; i++) {
			if ((u -= w->cfg.mix[i].weight) < 0) {
				e = &w->cfg.mix[i];
				break;
			}
		}
		r->cls = (uint8_t)e->cls;
		if (e->req_bytes > 0)
			r->req_bytes = e->req_bytes;
		if (e->resp_bytes > 0)
			r->resp_bytes = e->resp_bytes;
		n->net->cls[r->cls].arrivals++;
	}
	node_arrival(n);
	if (w->cfg.retry_budget > 0 && (w->tokens += w->cfg.retry_budget) > 10)
		w->tokens = 10;
	attempt(w, r);
}

static void ev_retry(struct sim *sim, void *obj, void *arg)
{
	(void)sim;
	attempt(obj, arg);
}

/* Whether a failed answer may be tried again, and if so, spends the try. */
static int may_retry(struct workload *w, const struct request *r)
{
	int retryable = r->status >= 500 || r->status == HTTP_CLIENT_CLOSED;
	if (!retryable || r->attempt > w->cfg.retries)
		return 0;
	if (w->cfg.retry_budget > 0) {
		if (w->tokens < 1)
			return 0;
		w->tokens -= 1;
	}
	return 1;
}

/* The rate of the profile at time t. */
static double profile_rate(const struct workload *w, double t)
{
	const struct profile *p = &w->cfg.profile;
	if (t <= p->t[0])
		return p->rate[0];
	for (int i = 1; i < p->n; i++) {
		if (t < p->t[i]) {
			if (w->cfg.profile_step)
				return p->rate[i - 1];
			double f = (t - p->t[i - 1]) / (p->t[i] - p->t[i - 1]);
			return p->rate[i - 1] + f * (p->rate[i] - p->rate[i - 1]);
		}
	}
	return p->rate[p->n - 1];
}

/*
 * With a profile, arrivals form a non-homogeneous Poisson process, drawn by
 * thinning (Lewis and Shedler): candidates at the profile's peak rate
 * (cfg.rate), each kept with probability rate(t) / peak.
 */
static void ev_open_arrival(struct sim *sim, void *obj, void *arg)
{
	(void)arg;
	struct workload *w = obj;
	if (w->cfg.burst_rate > 0) {
		if (gsl_rng_uniform(w->rng_arrivals.r) * w->cfg.rate < (w->in_burst ? w->cfg.burst_rate : w->base_rate))
			send_one(w);
	} else if (w->cfg.profile.n == 0 ||
		   gsl_rng_uniform(w->rng_arrivals.r) * w->cfg.rate < profile_rate(w, sim->now)) {
		send_one(w);
	}
	sim_after(sim, gsl_ran_exponential(w->rng_arrivals.r, w->gap), ev_open_arrival, w, NULL);
}

/* Bursts: the workload alternates between gaps (at `rate`) and bursts (at
 * `burst_rate`), a two-state Markov-modulated Poisson process when both
 * lengths are exponential; arrivals are thinned from the larger rate. */
static void ev_burst(struct sim *sim, void *obj, void *arg)
{
	(void)arg;
	struct workload *w = obj;
	w->in_burst = !w->in_burst;
	const struct dist *d = w->in_burst ? &w->cfg.burst_length : &w->cfg.burst_gap;
	sim_after(sim, dist_sample(d, &w->rng_bursts), ev_burst, w, NULL);
}

static void ev_replay(struct sim *sim, void *obj, void *arg)
{
	(void)arg;
	struct workload *w = obj;
	send_one(w);
	if (++w->replay_i < w->cfg.replay.n)
		sim_at(sim, w->cfg.replay.t[w->replay_i], ev_replay, w, NULL);
}

static void ev_think_done(struct sim *sim, void *obj, void *arg)
{
	(void)sim;
	(void)arg;
	send_one(obj);
}

static int workload_clients(const void *cfg)
{
	return (int)((const struct workload_cfg *)cfg)->clients;
}

#define CLIENTS_MAX 10000000 /* every workload's together: limits per client keep a bucket each */

/* The workloads' clients together fit in the limiters' tables: the one
 * whose clients pass the limit is reported. */
static const char *workload_check_refs(const void *cfgp, const struct net_spec *spec, const char **key, char *msg,
				       size_t n)
{
	long total = 0;
	for (int i = 0; i < spec->n_nodes; i++) {
		const struct node_spec *ns = &spec->nodes[i];
		if (!(ns->kind->flags & KIND_WORKLOAD))
			continue;
		total += workload_clients(ns->cfg);
		if (total > CLIENTS_MAX) {
			if (ns->cfg != cfgp)
				return NULL;
			*key = "clients";
			snprintf(msg, n, "the workloads have more than %d clients in all", CLIENTS_MAX);
			return msg;
		}
	}
	return NULL;
}

static void workload_init(struct node *n, const void *cfg)
{
	struct workload *w = (struct workload *)n;
	w->cfg = *(const struct workload_cfg *)cfg;
	node_rng_init(n, &w->rng_arrivals, "arrivals");
	w->cfg.rate = peak_rate(&w->cfg); /* a profile's peak: the candidates' rate for thinning */
	node_rng_init(n, &w->rng_retry, "retries");
	node_rng_init(n, &w->rng_mix, "mix");
	node_rng_init(n, &w->rng_bursts, "bursts");
	if (w->cfg.clients > 1) { /* a stream of its own: one client changes no other draw */
		node_rng_init(n, &w->rng_clients, "clients");
		if (w->cfg.client_skew > 0) {
			double *share = xmalloc((size_t)w->cfg.clients * sizeof(double));
			for (long k = 0; k < w->cfg.clients; k++)
				share[k] = pow((double)(k + 1), -w->cfg.client_skew);
			w->client_pick = gsl_ran_discrete_preproc((size_t)w->cfg.clients, share);
			free(share);
		}
	}
	if (w->cfg.burst_rate > 0) { /* candidates at the larger rate, thinned */
		w->base_rate = w->cfg.rate;
		w->cfg.rate = fmax(w->cfg.rate, w->cfg.burst_rate);
	}
	w->gap = 1.0 / w->cfg.rate;
	if (w->cfg.timeout > 0)
		node_timeouts_init(n, &w->timeouts, w->cfg.timeout, HTTP_CLIENT_CLOSED);
}

static void workload_start(struct node *n)
{
	struct workload *w = (struct workload *)n;
	struct sim *sim = &n->net->sim;
	if (w->cfg.replay.n > 0) {
		sim_at(sim, w->cfg.replay.t[0], ev_replay, w, NULL);
		return;
	}
	if (w->cfg.burst_rate > 0) /* it starts in a gap */
		sim_after(sim, dist_sample(&w->cfg.burst_gap, &w->rng_bursts), ev_burst, w, NULL);
	if (w->cfg.users == 0) {
		sim_after(sim, gsl_ran_exponential(w->rng_arrivals.r, w->gap), ev_open_arrival, w, NULL);
		return;
	}
	for (long i = 0; i < w->cfg.users; i++)
		sim_after(sim, dist_sample(&w->cfg.think, &w->rng_arrivals), ev_think_done, w, NULL);
}

/*
 * The end of an attempt: a real answer (is_real), or the breaker's own
 * fast failure.  Retries what may be retried, else records the outcome.
 */
static void answer(struct workload *w, struct request *r, int is_real)
{
	struct node *n = &w->base;
	double latency = n->net->sim.now - r->t_created;
	int ok = r->status >= 200 && r->status < 300;
	if (is_real)
		breaker_record(w, r, ok);
	if (!ok && is_real && may_retry(w, r)) {
		double cap = w->cfg.backoff * pow(2, r->attempt - 1);
		if (cap > w->cfg.backoff_max)
			cap = w->cfg.backoff_max;
		r->attempt++;
		w->retries++;
		sim_after(&n->net->sim, cap * gsl_rng_uniform(w->rng_retry.r), ev_retry, w, r);
		return;
	}
	struct net *net = n->net;
	if (net->access && net->sim.now >= net->t_warm &&
	    (net->access_sample >= 1 || rng_uniform(&net->rng_access) < net->access_sample)) {
		struct access_entry e = {.r = r, .t = net->sim.now, .workload = n->id, .rep = net->rep};
		net->access(net->access_ctx, net, &e);
	}
	if (r->cls > 0)
		net_class_answer(net, r, latency);
	if (ok)
		node_done(n, r, latency, latency);
	else {
		node_count_status(n, r);
		net_charge_failures(n->net);
	}
	request_free(n->net, r);
	if (w->cfg.users > 0)
		sim_after(&n->net->sim, dist_sample(&w->cfg.think, &w->rng_arrivals), ev_think_done, w, NULL);
}

static void workload_reply(struct node *n, struct request *r)
{
	answer((struct workload *)n, r, 1);
}

static void workload_reset(struct node *n)
{
	struct workload *w = (struct workload *)n;
	w->attempts = w->retries = w->fast_failed = 0;
}

static void workload_report(const struct node *n, struct report *rep)
{
	const struct workload *w = (const struct workload *)n;
	report_add(rep, n->name, "attempts_per_request",
		   n->st.arrivals ? (double)w->attempts / (double)n->st.arrivals : 0);
	report_add(rep, n->name, "retries", (double)w->retries);
	report_add(rep, n->name, "breaker_fast_failures", (double)w->fast_failed);
}

static void workload_release(struct node *n)
{
	struct workload *w = (struct workload *)n;
	rng_release(&w->rng_arrivals);
	rng_release(&w->rng_retry);
	rng_release(&w->rng_mix);
	rng_release(&w->rng_bursts);
	if (w->cfg.clients > 1)
		rng_release(&w->rng_clients);
	if (w->client_pick)
		gsl_ran_discrete_free(w->client_pick);
	if (w->cfg.timeout > 0)
		tmo_release(&w->timeouts);
}

const struct node_kind workload_kind = {
	.metrics = workload_metrics,
	.name = "workload",
	.summary = "clients: open (Poisson rate) or closed (users with think time)",
	.size = sizeof(struct workload),
	.cfg_size = sizeof(struct workload_cfg),
	.params = workload_params,
	.flags = KIND_WORKLOAD,
	.check = workload_check,
	.offered = workload_offered,
	.clients = workload_clients,
	.check_refs = workload_check_refs,
	.class_share = workload_class_share,
	.lint = workload_lint,
	.init = workload_init,
	.start = workload_start,
	.reply = workload_reply,
	.report = workload_report,
	.reset = workload_reset,
	.release = workload_release,
};
