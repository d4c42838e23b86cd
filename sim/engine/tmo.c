/* tmo.c - see tmo.h. */
#include "tmo.h"

#include <stdlib.h>

#include "util.h"

void tmo_init(struct tmo *t, struct sim *sim, double duration, tmo_fn *fn, void *obj)
{
	SIM_ASSERT(duration > 0);
	*t = (struct tmo){.sim = sim, .duration = duration, .granularity = duration / 1024, .fn = fn, .obj = obj};
	t->cap = 64;
	t->ring = xmalloc(t->cap * sizeof(*t->ring));
}

void tmo_release(struct tmo *t)
{
	free(t->ring);
	t->ring = NULL;
}

static void ev_expire(struct sim *sim, void *obj, void *arg);

static void arm(struct tmo *t)
{
	double at = t->ring[t->head].deadline;
	double soonest = t->sim->now + t->granularity;
	sim_at(t->sim, at > soonest ? at : soonest, ev_expire, t, NULL);
	t->is_armed = 1;
}

static void ev_expire(struct sim *sim, void *obj, void *arg)
{
	(void)arg;
	struct tmo *t = obj;
	t->is_armed = 0;
	while (t->n > 0 && t->ring[t->head].deadline <= sim->now) {
		struct tmo_entry e = t->ring[t->head];
		t->head = (t->head + 1) & (t->cap - 1);
		t->n--;
		t->fn(sim, t->obj, e.item, e.a, e.b);
	}
	if (t->n > 0 && !t->is_armed)
		arm(t);
}

/* Drops the entries that no longer matter, keeping the others in order. */
static void compact(struct tmo *t)
{
	size_t kept = 0, mask = t->cap - 1;
	for (size_t i = 0; i < t->n; i++) {
		struct tmo_entry e = t->ring[(t->head + i) & mask];
		if (t->live(t->obj, e.item, e.a, e.b))
			t->ring[(t->head + kept++) & mask] = e;
	}
	t->n = kept;
}

void tmo_add(struct tmo *t, void *item, uint64_t a, uint64_t b)
{
	if (t->n == t->cap) {
		if (t->live)
			compact(t);      /* the armed event stays: it finds nothing due, and re-arms */
		if (t->n > t->cap / 2) { /* still over half full: grow, so that compacting stays rare */
			t->ring = ring_grow(t->ring, sizeof(*t->ring), t->head, t->n, t->cap);
			t->head = 0;
			t->cap *= 2;
		}
	}
	t->ring[(t->head + t->n++) & (t->cap - 1)] =
		(struct tmo_entry){.deadline = t->sim->now + t->duration, .item = item, .a = a, .b = b};
	if (!t->is_armed)
		arm(t);
}
