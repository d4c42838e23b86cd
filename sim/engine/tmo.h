/*
 * tmo.h - timeouts that all have the same duration, in O(1).
 *
 * A caller that gives every call the same timeout (a balancer's idle
 * timeout, a client's timeout) sees deadlines in the order the calls were
 * made, so a FIFO ring holds them and only its head needs an event.  The
 * event fires at the head's deadline, expires every entry due, and arms
 * itself for the next one, no sooner than a granularity of duration/1024
 * later: a timeout takes effect at most 0.1% late, and a busy caller costs
 * one event per granularity, not one per call.
 *
 * Entries are never cancelled: the callback gets (item, a, b) and decides
 * whether the call it was for is still outstanding.  With a `live`
 * predicate (the callback's own test, without acting), a ring that would
 * grow first drops the entries no longer outstanding, in place and in
 * order, so memory follows what is in flight, not the duration: at most
 * about four 32-byte entries per outstanding call.  Without one: an entry
 * per call made within the last `duration`.
 */
#ifndef SIM_TMO_H
#define SIM_TMO_H

#include <stddef.h>
#include <stdint.h>

#include "sim.h"

typedef void tmo_fn(struct sim *sim, void *obj, void *item, uint64_t a, uint64_t b);
typedef int tmo_live_fn(void *obj, void *item, uint64_t a, uint64_t b);

struct tmo_entry {
	double deadline; /* seconds */
	void *item;
	uint64_t a, b;
};

struct tmo {
	struct sim *sim;
	double duration;    /* seconds */
	double granularity; /* seconds */
	tmo_fn *fn;
	tmo_live_fn *live; /* optional: whether an entry still matters (see above) */
	void *obj;
	struct tmo_entry *ring; /* owned */
	size_t head, n, cap;    /* cap is a power of two */
	int is_armed;
};

/* A queue of timeouts of duration seconds (> 0) calling fn(sim, obj, ...). */
void tmo_init(struct tmo *t, struct sim *sim, double duration, tmo_fn *fn, void *obj);
void tmo_release(struct tmo *t);

/* Starts a timeout now for item, with two words for the callback. */
void tmo_add(struct tmo *t, void *item, uint64_t a, uint64_t b);

#endif
