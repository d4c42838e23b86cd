/*
 * sim.h - the simulation clock, the pending-event list and the run loop.
 *
 * A struct sim owns one event list.  Events are ordered by (time, insertion
 * sequence): two events at the same time run in the order they were
 * scheduled, so runs are deterministic.  The list is an implicit 4-ary heap
 * of events stored by value: push and pop are O(log4 n) with no allocation
 * except when the array doubles (amortised, never once the run is warm).
 *
 * Events scheduled for the current time (zero-delay hops, half of all
 * events in a typical model) skip the heap: they go to a FIFO ring, O(1)
 * both ways.  Every event in the ring has t == now and a sequence number
 * larger than any event already pending, so merging ring and heap by
 * (t, seq) gives exactly the order a single heap would.
 *
 * The engine knows nothing about what an event means: a handler and two
 * opaque pointers.  Models give meaning to them.
 */
#ifndef SIM_SIM_H
#define SIM_SIM_H

#include <stddef.h>
#include <stdint.h>

struct sim;

/* An event handler.  obj and arg are whatever was given to sim_at. */
typedef void sim_event_fn(struct sim *sim, void *obj, void *arg);

/* Called by sim_run about every 2^16 events, for progress reports. */
typedef void sim_progress_fn(struct sim *sim, void *ctx);

struct event {
	double t;     /* when, seconds of simulated time */
	uint64_t seq; /* insertion sequence, breaks ties FIFO */
	sim_event_fn *fn;
	void *obj;
	void *arg;
};

struct sim {
	double now;         /* seconds */
	uint64_t seq;       /* next insertion sequence */
	uint64_t n_events;  /* events executed so far */
	struct event *heap; /* owned */
	size_t n, cap;
	struct event *ring;        /* owned: events at t == now, FIFO */
	size_t r_head, r_n, r_cap; /* r_cap is a power of two */
	int is_stopped;
	uint64_t max_events; /* sim_run stops past this many events (0: no cap) */
	sim_progress_fn *progress;
	void *progress_ctx;
};

/* Initialises an empty simulation at time 0; sim_release frees it. */
void sim_init(struct sim *sim);
void sim_release(struct sim *sim);

static inline double sim_now(const struct sim *sim)
{
	return sim->now;
}

/* Schedules fn(sim, obj, arg) at absolute time t >= now (asserted). */
void sim_at(struct sim *sim, double t, sim_event_fn *fn, void *obj, void *arg);

/* The ring's slow path (it is full): grows it and pushes. */
void sim__ring_push_slow(struct sim *sim, sim_event_fn *fn, void *obj, void *arg);

/* Schedules fn after delay >= 0 seconds.  A zero delay, the commonest
 * (every hop without a link), goes to the ring without a call. */
static inline void sim_after(struct sim *sim, double delay, sim_event_fn *fn, void *obj, void *arg)
{
	if (delay == 0 && sim->r_n < sim->r_cap) {
		sim->ring[(sim->r_head + sim->r_n++) & (sim->r_cap - 1)] =
			(struct event){.t = sim->now, .seq = sim->seq++, .fn = fn, .obj = obj, .arg = arg};
		return;
	}
	if (delay == 0)
		sim__ring_push_slow(sim, fn, obj, arg);
	else
		sim_at(sim, sim->now + delay, fn, obj, arg);
}

/*
 * Runs events in order until the list is empty, sim_stop is called, or the
 * next event lies beyond until (seconds).  The clock is then set to until
 * unless the run was stopped.  Returns the number of events executed.
 */
uint64_t sim_run(struct sim *sim, double until);

/* Makes sim_run return after the current event. */
void sim_stop(struct sim *sim);

/* Number of pending events. */
static inline size_t sim_pending(const struct sim *sim)
{
	return sim->n + sim->r_n;
}

#endif
