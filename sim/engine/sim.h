/*
 * sim.h - the simulation clock, the pending-event list and the run loop.
 *
 * A struct sim owns one event list.  Events are ordered by (time, insertion
 * sequence): two events at the same time run in the order they were
 * scheduled, so runs are deterministic.
 *
 * While few events are pending (up to 2,048: a handful in most models) the
 * list is an implicit 4-ary heap of events stored by value, the cheapest
 * structure at that size.  Past that it becomes a radix heap on the bits of
 * the time, and goes back to the heap below 512.  Simulated time never goes
 * back, and the bits of a non-negative double order the same way as its
 * value, so an event can be filed by the highest hexadecimal digit in which
 * its time differs from the time of the latest event taken out: one of
 * 16 x 16 buckets, found with one xor and one count of leading zeros.
 * Taking the next event empties the lowest non-empty bucket: its earliest
 * time becomes the new reference and every other event in it moves to a
 * strictly lower digit, so an event moves at most 16 times (4 times on
 * average at 10^4 pending events with exponential delays, 6 at 10^6).
 * Both ways are O(1) in the number of pending events, and the work is
 * sequential passes over buckets, so the cost per event stays flat when
 * the events no longer fit in the caches (the heap's log n random accesses
 * do not: bench/README.md, B4).  Buckets are chains of fixed-size chunks
 * from a shared spare list, so the memory is the peak number of pending
 * events plus one chunk per bucket.  Nothing is allocated once a run is
 * warm.
 *
 * Events scheduled for the current time (zero-delay hops between nodes,
 * many of the events of a model with tiers) skip the buckets: they go to a
 * FIFO ring, O(1) both ways.  Every event in the ring has t == now and was scheduled after
 * any event that the heap or the buckets hold for the same time (those were
 * scheduled before the clock reached it), so serving those first and then
 * the ring in its order gives exactly the order of a single list sorted by
 * (t, seq).  A ring entry therefore carries neither time nor sequence.
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

/* An event in the ring: its time is the current time, and its place in
 * the ring is its order, so it needs neither. */
struct sim_call {
	sim_event_fn *fn;
	void *obj;
	void *arg;
};

#define SIM_DIGIT_BITS 4
#define SIM_DIGITS     (1 << SIM_DIGIT_BITS) /* buckets per level */
#define SIM_LEVELS     (64 / SIM_DIGIT_BITS) /* one level per digit of a time's bits */
#define SIM_CHUNK      32                    /* events per chunk of a bucket */

struct sim_chunk {
	struct sim_chunk *next;
	size_t n;
	struct event ev[SIM_CHUNK];
};

struct sim_bucket {
	struct sim_chunk *head, *tail; /* NULL when empty */
};

struct sim {
	double now;        /* seconds */
	uint64_t seq;      /* next insertion sequence */
	uint64_t n_events; /* events executed so far */
	size_t n;          /* events pending, but for the ring's */
	int in_buckets;    /* 0: they are in the heap; 1: in the buckets and cur */
	int is_stopped;
	struct event *heap; /* owned: 4-ary min-heap on (t, seq) */
	size_t h_cap;
	struct sim_call *ring;     /* owned: events at t == now, FIFO */
	size_t r_head, r_n, r_cap; /* r_cap is a power of two */
	uint64_t max_events;       /* sim_run stops past this many events (0: no cap) */
	sim_progress_fn *progress;
	void *progress_ctx;
	/* The radix heap, used while in_buckets: */
	struct event *cur; /* owned: events at t == last, by seq */
	size_t c_head, c_n, c_cap;
	uint64_t last;               /* bits of the time of the latest event the buckets gave */
	uint32_t levels;             /* bit p: some bucket of level p is not empty */
	uint16_t digits[SIM_LEVELS]; /* bit d: bucket[p][d] is not empty */
	struct sim_chunk *spare;     /* owned: free chunks */
	struct sim_bucket bucket[SIM_LEVELS][SIM_DIGITS];
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
		sim->ring[(sim->r_head + sim->r_n++) & (sim->r_cap - 1)] = (struct sim_call){fn, obj, arg};
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
