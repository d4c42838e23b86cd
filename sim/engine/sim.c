/*
 * sim.c - 4-ary min-heap on (t, seq) and the run loop.
 *
 * A 4-ary heap halves the depth of a binary heap and keeps the four children
 * of a node in one or two cache lines, which is what dominates at 10^5 and
 * more pending events.
 */
#include "sim.h"

#include <math.h>
#include <stdlib.h>

#include "util.h"

void sim_init(struct sim *sim)
{
	*sim = (struct sim){0};
	sim->cap = 256;
	sim->heap = xmalloc(sim->cap * sizeof(*sim->heap));
	sim->r_cap = 256;
	sim->ring = xmalloc(sim->r_cap * sizeof(*sim->ring));
}

void sim_release(struct sim *sim)
{
	free(sim->heap);
	free(sim->ring);
	sim->heap = sim->ring = NULL;
	sim->n = sim->cap = 0;
	sim->r_head = sim->r_n = sim->r_cap = 0;
}

static inline int before(const struct event *a, const struct event *b)
{
	return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

/* Doubles the ring, unrolling it so that it starts at index 0. */
static void grow_ring(struct sim *sim)
{
	struct event *r = xmalloc(2 * sim->r_cap * sizeof(*r));
	for (size_t i = 0; i < sim->r_n; i++)
		r[i] = sim->ring[(sim->r_head + i) & (sim->r_cap - 1)];
	free(sim->ring);
	sim->ring = r;
	sim->r_head = 0;
	sim->r_cap *= 2;
}

void sim__ring_push_slow(struct sim *sim, sim_event_fn *fn, void *obj, void *arg)
{
	grow_ring(sim);
	sim->ring[(sim->r_head + sim->r_n++) & (sim->r_cap - 1)] =
		(struct event){.t = sim->now, .seq = sim->seq++, .fn = fn, .obj = obj, .arg = arg};
}

void sim_at(struct sim *sim, double t, sim_event_fn *fn, void *obj, void *arg)
{
	SIM_ASSERT(t >= sim->now && !isnan(t));
	if (t == sim->now) {
		if (sim->r_n == sim->r_cap)
			grow_ring(sim);
		sim->ring[(sim->r_head + sim->r_n++) & (sim->r_cap - 1)] =
			(struct event){.t = t, .seq = sim->seq++, .fn = fn, .obj = obj, .arg = arg};
		return;
	}
	if (sim->n == sim->cap) {
		sim->cap *= 2;
		sim->heap = xrealloc(sim->heap, sim->cap * sizeof(*sim->heap));
	}
	struct event e = {.t = t, .seq = sim->seq++, .fn = fn, .obj = obj, .arg = arg};
	struct event *h = sim->heap;
	size_t i = sim->n++;
	while (i > 0) {
		size_t parent = (i - 1) / 4;
		if (!before(&e, &h[parent]))
			break;
		h[i] = h[parent];
		i = parent;
	}
	h[i] = e;
}

/* Removes the root; the caller has copied it.  Sift the last event down. */
static void pop_root(struct sim *sim)
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

uint64_t sim_run(struct sim *sim, double until)
{
	uint64_t start = sim->n_events;
	sim->is_stopped = 0;
	while (!sim->is_stopped) {
		struct event e;
		if (sim->r_n > 0 && (sim->n == 0 || before(&sim->ring[sim->r_head], &sim->heap[0]))) {
			e = sim->ring[sim->r_head];
			if (e.t > until)
				break;
			sim->r_head = (sim->r_head + 1) & (sim->r_cap - 1);
			sim->r_n--;
		} else if (sim->n > 0) {
			e = sim->heap[0];
			if (e.t > until)
				break;
			pop_root(sim);
		} else {
			break;
		}
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
