/*
 * queue.c - a message queue: accept now, work later.
 *
 * A request is enqueued as a message and answered at once with 202
 * Accepted (after `accept`, the time to enqueue).  A pool of `consumers`
 * takes the messages in order; each works `process` on one and makes its
 * `calls` downstream in turn (a consumer is held until they answer), then
 * takes the next.  Producers see a fast, steady answer whatever the
 * consumers' pace: the queue absorbs bursts that a synchronous backend
 * would have refused.  When `capacity` messages wait, new requests are
 * refused (503).
 *
 * Keys: consumers (4), process (required), calls ([]), accept
 * (const(1ms)), capacity (100000, or unlimited).
 * Metrics: the common ones (mean_waiting and max_waiting are the queue's
 * depth, utilization the consumers' busy share), messages_done,
 * message_wait_mean (time from enqueue to a consumer: the consumer lag),
 * oldest_message_age (at the end of the run), failed_messages.
 * Status codes: 202, 503.  Complexity: O(1) per message.
 */
#include <limits.h>
#include <math.h>

#include "model.h"

struct queue_cfg {
	long consumers;
	struct dist process;
	struct node_list calls;
	struct dist accept;
	long capacity;
};

struct mqueue {
	struct node base;
	struct queue_cfg cfg;
	struct rng rng_process, rng_accept;
	struct req_fifo messages;
	long busy;
	struct tally wait; /* seconds from enqueue to a consumer */
	uint64_t done, failed;
};

#define OFF(f) offsetof(struct queue_cfg, f)
/* clang-format off */
static const struct metric_def queue_metrics[] = {
	{"utilization", MS_NODE, MU_FRACTION, MR_UTILIZATION, MB_LOWER, "consumers",
	 "busy consumers over consumers, time average"},
	{"messages_done", MS_NODE, MU_COUNT, MR_COUNT, MB_NEITHER, NULL, "messages processed"},
	{"failed_messages", MS_NODE, MU_COUNT, MR_COUNT, MB_LOWER, NULL, "messages whose processing failed"},
	{"message_wait_mean", MS_NODE, MU_SECONDS, MR_TIME, MB_LOWER, NULL,
	 "mean time a message waited in the queue for a consumer"},
	{"oldest_message_age", MS_NODE, MU_SECONDS, MR_TIME, MB_LOWER, NULL,
	 "age of the oldest message still queued at the end"},
	{0},
};
/* clang-format on */

static const struct param queue_params[] = {
	{"consumers", PT_COUNT, OFF(consumers), "4", 1, 100000, NULL, 0, "messages worked on at once"},
	{"process", PT_DIST, OFF(process), NULL, 0, 0, NULL, P_REQUIRED, "a consumer's own work per message"},
	{"calls", PT_NODES, OFF(calls), "[]", 0, 0, NULL, 0, "what a consumer calls, in order, after its work"},
	{"accept", PT_DIST, OFF(accept), "const(1ms)", 0, 0, NULL, 0, "time to enqueue a message and answer 202"},
	{"capacity", PT_COUNT, OFF(capacity), "100000", 1, 1e9, NULL, P_UNLIMITED,
	 "messages that may wait; beyond: refused (503)"},
	{0},
};
#undef OFF

static void queue_init(struct node *n, const void *cfg)
{
	struct mqueue *q = (struct mqueue *)n;
	q->cfg = *(const struct queue_cfg *)cfg;
	n->capacity = (double)q->cfg.consumers;
	node_rng_init(n, &q->rng_process, "process");
	node_rng_init(n, &q->rng_accept, "accept");
}

static void ev_processed(struct sim *sim, void *obj, void *arg);

/* Gives waiting messages to idle consumers. */
static void dispatch(struct mqueue *q)
{
	struct node *n = &q->base;
	while (q->busy < q->cfg.consumers && q->messages.n > 0) {
		struct request *m = fifo_pop(&q->messages);
		double now = n->net->sim.now;
		node_waiting(n, -1);
		q->busy++;
		node_busy(n, 1);
		tally_add(&q->wait, now - m->t_created);
		node_started(n, now - m->t_created);
		sim_after(&n->net->sim, dist_sample(&q->cfg.process, &q->rng_process), ev_processed, q, m);
	}
}

/* A consumer is done with a message (or its calls failed). */
static void consumed(struct mqueue *q, struct request *m)
{
	if (m->status < 200 || m->status >= 300)
		q->failed++;
	q->done++;
	q->busy--;
	node_busy(&q->base, -1);
	request_free(q->base.net, m);
	dispatch(q);
}

static void next_call(struct mqueue *q, struct request *m)
{
	/* maker_state: the calls of its list the message has made */
	if (m->maker_state < q->cfg.calls.n && m->status >= 200 && m->status < 300)
		node_call(&q->base, -1, m, q->cfg.calls.idx[m->maker_state++], -1);
	else
		consumed(q, m);
}

static void ev_processed(struct sim *sim, void *obj, void *arg)
{
	(void)sim;
	next_call(obj, arg);
}

static void ev_accepted(struct sim *sim, void *obj, void *arg)
{
	struct mqueue *q = obj;
	struct node *n = &q->base;
	struct request *r = arg;
	struct frame *f = request_frame(r);
	struct request *m = q->messages.n < q->cfg.capacity ? request_new(n->net, n) : NULL;
	if (!m) {
		node_reject(n, r, HTTP_UNAVAILABLE, 1); /* full (or the run is stopping) */
		return;
	}
	m->req_bytes = r->req_bytes;
	m->resp_bytes = r->resp_bytes;
	m->client = r->client;
	fifo_push(&q->messages, m);
	node_waiting(n, 1);
	r->status = 202;
	node_done(n, r, sim->now - f->t_arrive, sim->now - f->t_arrive);
	node_reply(n, r);
	dispatch(q);
}

static void queue_arrive(struct node *n, struct request *r)
{
	struct mqueue *q = (struct mqueue *)n;
	node_arrival(n);
	request_frame(r)->t_arrive = n->net->sim.now;
	sim_after(&n->net->sim, dist_sample(&q->cfg.accept, &q->rng_accept), ev_accepted, q, r);
}

static void queue_reply(struct node *n, struct request *m)
{
	next_call((struct mqueue *)n, m); /* a consumer's call answered */
}

static double queue_capacity(const void *cfgp, int *unbounded)
{
	const struct queue_cfg *cfg = cfgp;
	double mean = dist_mean(&cfg->process);
	*unbounded = cfg->capacity == LONG_MAX;
	return mean > 0 ? (double)cfg->consumers / mean : HUGE_VAL;
}

static void queue_reset(struct node *n)
{
	struct mqueue *q = (struct mqueue *)n;
	tally_reset(&q->wait);
	q->done = q->failed = 0;
}

static void queue_report(const struct node *n, struct report *rep)
{
	const struct mqueue *q = (const struct mqueue *)n;
	double now = n->net->sim.now;
	report_add(rep, n->name, "messages_done", (double)q->done);
	report_add(rep, n->name, "failed_messages", (double)q->failed);
	report_add(rep, n->name, "message_wait_mean", q->wait.mean);
	report_add(rep, n->name, "oldest_message_age", q->messages.head ? now - q->messages.head->t_created : 0);
}

static void queue_release(struct node *n)
{
	struct mqueue *q = (struct mqueue *)n;
	rng_release(&q->rng_process);
	rng_release(&q->rng_accept);
}

const struct node_kind queue_kind = {
	.metrics = queue_metrics,
	.name = "queue",
	.summary = "a message queue: answers 202 at once, a pool of consumers works the messages later",
	.size = sizeof(struct mqueue),
	.cfg_size = sizeof(struct queue_cfg),
	.params = queue_params,
	.init = queue_init,
	.arrive = queue_arrive,
	.reply = queue_reply,
	.capacity = queue_capacity,
	.reset = queue_reset,
	.report = queue_report,
	.release = queue_release,
};
