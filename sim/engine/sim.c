/*
 * sim.c - the event list (a 4-ary heap while few events are pending, a
 * radix heap on the bits of the time when many are: see sim.h) and the run
 * loop.
 */
#include "sim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* The heap hands over to the buckets when it would pass SIM_BUCKETS_FROM
 * events (a power of two) and takes them back below SIM_HEAP_BELOW: on B4 (bench/) the two
 * cost the same at about a thousand pending events, and the gap between
 * the thresholds makes each switch, O(n), rare. */
#define SIM_BUCKETS_FROM 2048
#define SIM_HEAP_BELOW   512

void sim_init(struct sim *sim)
{
	*sim = (struct sim){0};
	sim->h_cap = 256;
	sim->heap = xmalloc(sim->h_cap * sizeof(*sim->heap));
	sim->r_cap = 256;
	sim->ring = xmalloc(sim->r_cap * sizeof(*sim->ring));
	sim->c_cap = 16;
	sim->cur = xmalloc(sim->c_cap * sizeof(*sim->cur));
}

static void free_chain(struct sim_chunk *c)
{
	while (c) {
		struct sim_chunk *next = c->next;
		free(c);
		c = next;
	}
}

void sim_release(struct sim *sim)
{
	for (int p = 0; p < SIM_LEVELS; p++)
		for (int d = 0; d < SIM_DIGITS; d++)
			free_chain(sim->bucket[p][d].head);
	free_chain(sim->spare);
	free(sim->heap);
	free(sim->cur);
	free(sim->ring);
	*sim = (struct sim){0};
}

static inline int before(const struct event *a, const struct event *b)
{
	return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

/* Pushes e; the caller has made sure that there is room. */
static inline void heap_push(struct sim *sim, const struct event *e)
{
	struct event *h = sim->heap;
	size_t i = sim->n++;
	while (i > 0) {
		size_t parent = (i - 1) / 4;
		if (!before(e, &h[parent]))
			break;
		h[i] = h[parent];
		i = parent;
	}
	h[i] = *e;
}

/* Removes the root; the caller has copied it.  Sifts the last event down. */
static void heap_pop(struct sim *sim)
{
	struct event *h = sim->heap;
	size_t n = --sim->n;
	if (n == 0)
		return;
	struct event last = h[n];
	size_t i = 0;
	for (;;) {
		size_t c = 4 * i + 1;
		if (c >= n)
			break;
		size_t best = c, end = c + 4 < n ? c + 4 : n;
		for (size_t k = c + 1; k < end; k++)
			if (before(&h[k], &h[best]))
				best = k;
		if (!before(&h[best], &last))
			break;
		h[i] = h[best];
		i = best;
	}
	h[i] = last;
}

static inline uint64_t time_bits(double t)
{
	uint64_t k;
	memcpy(&k, &t, sizeof(k));
	return k;
}

/* Files e by the highest digit in which its time differs from sim->last
 * (the caller makes sure it does differ, and is later). */
static inline void file(struct sim *sim, const struct event *e)
{
	uint64_t k = time_bits(e->t);
	unsigned p = (63u - (unsigned)__builtin_clzll(k ^ sim->last)) / SIM_DIGIT_BITS;
	unsigned d = (unsigned)(k >> (p * SIM_DIGIT_BITS)) & (SIM_DIGITS - 1);
	struct sim_bucket *b = &sim->bucket[p][d];
	struct sim_chunk *c = b->tail;
	if (!c || c->n == SIM_CHUNK) {
		if (sim->spare) {
			c = sim->spare;
			sim->spare = c->next;
		} else {
			c = xmalloc(sizeof(*c));
		}
		c->next = NULL;
		c->n = 0;
		if (b->tail)
			b->tail->next = c;
		else
			b->head = c;
		b->tail = c;
	}
	c->ev[c->n++] = *e;
	sim->levels |= 1u << p;
	sim->digits[p] |= (uint16_t)(1u << d);
}

void sim__ring_push_slow(struct sim *sim, sim_event_fn *fn, void *obj, void *arg)
{
	sim->ring = ring_grow(sim->ring, sizeof(*sim->ring), sim->r_head, sim->r_n, sim->r_cap);
	sim->r_head = 0;
	sim->r_cap *= 2;
	sim->ring[(sim->r_head + sim->r_n++) & (sim->r_cap - 1)] = (struct sim_call){fn, obj, arg};
}

static void cur_push(struct sim *sim, const struct event *e)
{
	if (sim->c_n == sim->c_cap) {
		sim->c_cap *= 2;
		sim->cur = xrealloc(sim->cur, sim->c_cap * sizeof(*sim->cur));
	}
	sim->cur[sim->c_n++] = *e;
}

static int by_seq(const void *a, const void *b)
{
	uint64_t x = ((const struct event *)a)->seq, y = ((const struct event *)b)->seq;
	return (x > y) - (x < y);
}

static void sort_cur(struct sim *sim)
{
	if (sim->c_n > 1)
		qsort(sim->cur, sim->c_n, sizeof(*sim->cur), by_seq);
}

/*
 * Moves the heap into the buckets, against the current time.  Events at
 * the current time go to cur: they were scheduled before the clock reached
 * it, so they precede whatever the ring holds.
 */
static void to_buckets(struct sim *sim)
{
	sim->last = time_bits(sim->now);
	sim->c_head = sim->c_n = 0;
	for (size_t i = 0; i < sim->n; i++) {
		if (sim->heap[i].t == sim->now)
			cur_push(sim, &sim->heap[i]);
		else
			file(sim, &sim->heap[i]);
	}
	sort_cur(sim);
	sim->in_buckets = 1;
}

/* Moves cur and the buckets back into the heap, which had room for
 * SIM_BUCKETS_FROM events. */
static void to_heap(struct sim *sim)
{
	size_t n = sim->n;
	SIM_ASSERT(n <= sim->h_cap);
	sim->n = 0;
	for (size_t i = sim->c_head; i < sim->c_n; i++)
		heap_push(sim, &sim->cur[i]);
	sim->c_head = sim->c_n = 0;
	for (unsigned p = 0; p < SIM_LEVELS; p++) {
		for (unsigned d = 0; d < SIM_DIGITS; d++) {
			struct sim_bucket *b = &sim->bucket[p][d];
			if (!b->head)
				continue;
			for (struct sim_chunk *c = b->head; c; c = c->next)
				for (size_t i = 0; i < c->n; i++)
					heap_push(sim, &c->ev[i]);
			b->tail->next = sim->spare;
			sim->spare = b->head;
			*b = (struct sim_bucket){0};
		}
		sim->digits[p] = 0;
	}
	sim->levels = 0;
	SIM_ASSERT(sim->n == n);
	sim->in_buckets = 0;
}

/* The heap is full: it doubles, or hands over to the buckets if it is
 * large enough. */
static void heap_full(struct sim *sim, const struct event *e)
{
	if (sim->h_cap >= SIM_BUCKETS_FROM) {
		to_buckets(sim);
		file(sim, e);
		sim->n++;
		return;
	}
	sim->h_cap *= 2;
	sim->heap = xrealloc(sim->heap, sim->h_cap * sizeof(*sim->heap));
	heap_push(sim, e);
}

/* sim_at but for a later time into a heap with room: the ring, the
 * buckets, a full heap, and bad times.  Apart, so that the common case
 * needs no registers saved. */
__attribute__((noinline)) static void at_slow(struct sim *sim, double t, sim_event_fn *fn, void *obj, void *arg)
{
	SIM_ASSERT(t >= sim->now && !isnan(t));
	if (t == sim->now) {
		sim_after(sim, 0, fn, obj, arg); /* the ring */
		return;
	}
	struct event e = {.t = t, .seq = sim->seq++, .fn = fn, .obj = obj, .arg = arg};
	if (sim->in_buckets) {
		/* t > now >= the time of sim->last, so t is positive and differs. */
		file(sim, &e);
		sim->n++;
	} else {
		heap_full(sim, &e);
	}
}

void sim_at(struct sim *sim, double t, sim_event_fn *fn, void *obj, void *arg)
{
	if (!(t > sim->now) || sim->in_buckets || sim->n == sim->h_cap) {
		at_slow(sim, t, fn, obj, arg);
		return;
	}
	struct event e = {.t = t, .seq = sim->seq++, .fn = fn, .obj = obj, .arg = arg};
	heap_push(sim, &e);
}

/* Splits bucket b, whose earliest time is m: the events at m go to *e and
 * cur, by sequence; the others are filed again against m. */
static void take_bucket(struct sim *sim, struct sim_bucket b, double m, struct event *e)
{
	sim->last = time_bits(m);
	sim->c_head = sim->c_n = 0;
	for (struct sim_chunk *c = b.head, *next; c; c = next) {
		for (size_t i = 0; i < c->n; i++) {
			if (c->ev[i].t != m)
				file(sim, &c->ev[i]);
			else
				cur_push(sim, &c->ev[i]);
		}
		/* Spare at once: a bucket of a million events needs no second million. */
		next = c->next;
		c->next = sim->spare;
		sim->spare = c;
	}
	sort_cur(sim);
	*e = sim->cur[sim->c_head++];
}

/*
 * Takes the earliest event from the buckets into *e.  It lies in the lowest
 * non-empty bucket, which is emptied: the events at its earliest time go to
 * e and cur (by sequence), the others are filed again against that time.
 * Returns 0, changing nothing, if that time lies beyond until: the
 * reference time only moves to an event about to run, so every event
 * scheduled later is at or after it.
 */
static int take(struct sim *sim, double until, struct event *e)
{
	unsigned p = (unsigned)__builtin_ctz(sim->levels);
	unsigned d = (unsigned)__builtin_ctz(sim->digits[p]);
	struct sim_bucket b = sim->bucket[p][d];
	struct sim_chunk *c = b.head;
	if (c->n == 1 && !c->next) {
		if (c->ev[0].t > until)
			return 0;
		*e = c->ev[0];
		sim->last = time_bits(e->t);
		c->next = sim->spare;
		sim->spare = c;
	} else {
		double m = INFINITY;
		for (; c; c = c->next)
			for (size_t i = 0; i < c->n; i++)
				if (c->ev[i].t < m)
					m = c->ev[i].t;
		if (m > until)
			return 0;
		take_bucket(sim, b, m, e);
	}
	sim->bucket[p][d] = (struct sim_bucket){0};
	sim->digits[p] &= (uint16_t) ~(1u << d);
	if (!sim->digits[p])
		sim->levels &= ~(1u << p);
	if (--sim->n < SIM_HEAP_BELOW)
		to_heap(sim);
	return 1;
}

/* The ring's first event into *e if now is at or before until, or 0. */
static inline int ring_pop(struct sim *sim, double until, struct event *e)
{
	if (sim->now > until)
		return 0;
	const struct sim_call *c = &sim->ring[sim->r_head];
	e->t = sim->now;
	e->fn = c->fn;
	e->obj = c->obj;
	e->arg = c->arg;
	sim->r_head = (sim->r_head + 1) & (sim->r_cap - 1);
	sim->r_n--;
	return 1;
}

/* The next event at or before until into *e, or 0. */
static inline int next_event(struct sim *sim, double until, struct event *e)
{
	if (!sim->in_buckets) {
		/* The heap's events at now come before the ring's (see sim.h). */
		if (sim->r_n > 0 && (sim->n == 0 || sim->heap[0].t > sim->now))
			return ring_pop(sim, until, e);
		if (sim->n == 0)
			return 0;
		*e = sim->heap[0];
		if (e->t > until)
			return 0;
		heap_pop(sim);
		return 1;
	}
	/*
	 * Events at the current time come first, those the buckets held (cur)
	 * before those scheduled at it since (the ring); the buckets hold
	 * only later times.
	 */
	if (sim->c_head < sim->c_n) {
		*e = sim->cur[sim->c_head];
		if (e->t > until)
			return 0;
		sim->c_head++;
		sim->n--;
		return 1;
	}
	if (sim->r_n > 0)
		return ring_pop(sim, until, e);
	return sim->n > 0 && take(sim, until, e);
}

uint64_t sim_run(struct sim *sim, double until)
{
	uint64_t start = sim->n_events;
	sim->is_stopped = 0;
	while (!sim->is_stopped) {
		struct event e;
		if (!next_event(sim, until, &e))
			break;
		sim->now = e.t;
		e.fn(sim, e.obj, e.arg);
		if ((++sim->n_events & 0xffff) == 0) {
			/* Every 65,536 events: the cap and progress cost nothing per event. */
			if (sim->max_events && sim->n_events >= sim->max_events)
				sim->is_stopped = 1;
			if (sim->progress)
				sim->progress(sim, sim->progress_ctx);
		}
	}
	if (!sim->is_stopped && until > sim->now && !isinf(until))
		sim->now = until;
	return sim->n_events - start;
}

void sim_stop(struct sim *sim)
{
	sim->is_stopped = 1;
}
