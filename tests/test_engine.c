/* test_engine.c - the event list, the run loop and random-stream seeding. */
#include "testutil.h"

#include "../sim/engine/rng.h"
#include "../sim/engine/sim.h"
#include "../sim/engine/tmo.h"
#include "../sim/engine/util.h"

struct trace {
	double t[4096];
	long tag[4096];
	int n;
};

static void record(struct sim *sim, void *obj, void *arg)
{
	struct trace *tr = obj;
	tr->t[tr->n] = sim->now;
	tr->tag[tr->n] = (long)(intptr_t)arg;
	tr->n++;
}

static void test_evq_equal_times_are_fifo(void **state)
{
	(void)state;
	struct sim sim;
	struct trace tr = {.n = 0};
	sim_init(&sim);
	for (long i = 0; i < 1000; i++)
		sim_at(&sim, (double)(i % 3), record, &tr, (void *)(intptr_t)i);
	sim_run(&sim, INFINITY);
	assert_int_equal(tr.n, 1000);
	for (int i = 1; i < tr.n; i++) {
		assert_true(tr.t[i - 1] <= tr.t[i]);
		if (tr.t[i - 1] == tr.t[i])
			assert_true(tr.tag[i - 1] < tr.tag[i]); /* scheduling order */
	}
	sim_release(&sim);
}

static void test_evq_random_times_come_out_sorted(void **state)
{
	(void)state;
	struct sim sim;
	struct trace tr = {.n = 0};
	struct rng rng;
	sim_init(&sim);
	rng_init(&rng, 1, 0, "test");
	for (long i = 0; i < 4000; i++)
		sim_at(&sim, floor(rng_uniform(&rng) * 100), record, &tr, (void *)(intptr_t)i);
	assert_int_equal(sim_pending(&sim), 4000);
	sim_run(&sim, INFINITY);
	assert_int_equal(tr.n, 4000);
	for (int i = 1; i < tr.n; i++)
		assert_true(tr.t[i - 1] < tr.t[i] || (tr.t[i - 1] == tr.t[i] && tr.tag[i - 1] < tr.tag[i]));
	rng_release(&rng);
	sim_release(&sim);
}

/*
 * Churn: every event schedules 0, 1 or 2 more, steering the number pending
 * towards a target, with delays that mix zero (the ring), ties on whole
 * seconds (many events at one time), the next representable times and
 * exponential ones.  The targets take the list from a few events through
 * the switch to buckets and back, twice.
 */
struct churn {
	struct rng rng;
	long next_id; /* ids in scheduling order */
	double last_t;
	long last_id, executed, out_of_order;
	size_t target;
	int saw_buckets, saw_heap_again;
};

static void churn_event(struct sim *sim, void *obj, void *arg);

static void churn_schedule(struct sim *sim, struct churn *c)
{
	double u = rng_uniform(&c->rng), t;
	if (u < 0.1)
		t = sim->now;
	else if (u < 0.3)
		t = ceil(sim->now) + floor(rng_uniform(&c->rng) * 3);
	else if (u < 0.4)
		t = nextafter(sim->now, INFINITY);
	else
		t = sim->now + rng_uniform(&c->rng) * 20;
	sim_at(sim, t, churn_event, c, (void *)(intptr_t)c->next_id++);
}

static void churn_event(struct sim *sim, void *obj, void *arg)
{
	struct churn *c = obj;
	long id = (long)(intptr_t)arg;
	if (sim->now < c->last_t || (sim->now == c->last_t && id < c->last_id))
		c->out_of_order++;
	c->last_t = sim->now;
	c->last_id = id;
	c->executed++;
	c->saw_buckets |= sim->in_buckets;
	c->saw_heap_again |= c->saw_buckets && !sim->in_buckets;
	size_t pending = sim_pending(sim);
	int kids = pending < c->target ? 2 : pending > c->target ? 0 : 1;
	if (rng_uniform(&c->rng) < 0.2)
		kids = 1;
	if (c->target == 0)
		kids = 0; /* drain */
	for (int k = 0; k < kids; k++)
		churn_schedule(sim, c);
}

static void test_evq_order_holds_through_growth_and_shrinking(void **state)
{
	(void)state;
	struct sim sim;
	struct churn c = {.last_t = 0, .last_id = -1};
	sim_init(&sim);
	rng_init(&c.rng, 7, 0, "churn");
	for (int i = 0; i < 10; i++)
		churn_schedule(&sim, &c);
	const size_t targets[] = {5, 6000, 100, 40000, 300, 3000};
	double until = 0;
	for (size_t k = 0; k < sizeof(targets) / sizeof(targets[0]); k++) {
		c.target = targets[k];
		until += 100;
		sim_run(&sim, until);
		assert_true(c.last_t <= until);
		assert_true(sim_now(&sim) == until);
		/* Scheduled from outside a handler, between two runs. */
		churn_schedule(&sim, &c);
	}
	c.target = 0;
	sim_run(&sim, INFINITY);
	assert_int_equal(c.out_of_order, 0);
	assert_int_equal(c.executed, c.next_id);
	assert_int_equal(sim_pending(&sim), 0);
	assert_true(c.saw_buckets);
	assert_true(c.saw_heap_again);
	rng_release(&c.rng);
	sim_release(&sim);
}

/* A hundred thousand events at one far time come out in scheduling order. */
static void test_evq_many_ties_in_the_buckets_are_fifo(void **state)
{
	(void)state;
	struct sim sim;
	struct churn c = {.last_t = 0, .last_id = -1, .target = 0};
	sim_init(&sim);
	rng_init(&c.rng, 1, 0, "ties");
	for (long i = 0; i < 100000; i++)
		sim_at(&sim, i % 2 ? 1e6 : 1e6 + 1, churn_event, &c, (void *)(intptr_t)c.next_id++);
	sim_run(&sim, INFINITY);
	assert_int_equal(c.executed, 100000);
	assert_int_equal(c.out_of_order, 0);
	assert_true(c.saw_buckets);
	rng_release(&c.rng);
	sim_release(&sim);
}

static void reschedule(struct sim *sim, void *obj, void *arg)
{
	struct trace *tr = obj;
	record(sim, obj, arg);
	if (tr->n < 10)
		sim_after(sim, 1.0, reschedule, obj, arg);
}

static void test_sim_run_stops_at_until(void **state)
{
	(void)state;
	struct sim sim;
	struct trace tr = {.n = 0};
	sim_init(&sim);
	sim_at(&sim, 0.5, reschedule, &tr, NULL);
	assert_int_equal(sim_run(&sim, 3.0), 3); /* 0.5, 1.5, 2.5 */
	assert_near(sim_now(&sim), 3.0, 0);
	assert_int_equal(sim_pending(&sim), 1);
	sim_run(&sim, INFINITY);
	assert_int_equal(tr.n, 10);
	assert_near(tr.t[9], 9.5, 1e-12);
	sim_release(&sim);
}

/* The same with thousands pending (the buckets): runs stop between two
 * events, and events scheduled between runs keep their places. */
static void test_sim_run_stops_at_until_with_many_pending(void **state)
{
	(void)state;
	struct sim sim;
	struct churn c = {.last_t = 0, .last_id = -1, .target = 0};
	sim_init(&sim);
	rng_init(&c.rng, 1, 0, "until");
	for (long i = 1; i <= 3000; i++)
		sim_at(&sim, (double)i, churn_event, &c, (void *)(intptr_t)c.next_id++);
	assert_true(sim.in_buckets);
	for (double until = 1000.5; until < 3000; until += 0.25) {
		sim_run(&sim, until);
		assert_true(c.last_t <= until);
		assert_true(sim_now(&sim) == until);
		assert_int_equal(sim_pending(&sim), 3000 - (long)floor(until));
		if (until == 2000.5)
			sim_at(&sim, 2000.75, churn_event, &c, (void *)(intptr_t)c.next_id++);
	}
	sim_run(&sim, INFINITY);
	assert_int_equal(c.executed, 3001);
	assert_int_equal(c.out_of_order, 0);
	rng_release(&c.rng);
	sim_release(&sim);
}

static void stopper(struct sim *sim, void *obj, void *arg)
{
	record(sim, obj, arg);
	sim_stop(sim);
}

static void test_sim_stop_ends_the_run_after_the_event(void **state)
{
	(void)state;
	struct sim sim;
	struct trace tr = {.n = 0};
	sim_init(&sim);
	sim_at(&sim, 1, record, &tr, NULL);
	sim_at(&sim, 2, stopper, &tr, NULL);
	sim_at(&sim, 3, record, &tr, NULL);
	sim_run(&sim, 10);
	assert_int_equal(tr.n, 2);
	assert_near(sim_now(&sim), 2, 0);
	sim_release(&sim);
}

static void test_ring_grow_keeps_the_order(void **state)
{
	(void)state;
	/* Every head and count of an 8-slot ring: the elements come out first
	 * to last from index 0 of a 16-slot buffer. */
	for (size_t head = 0; head < 8; head++) {
		for (size_t n = 0; n <= 8; n++) {
			int *r = xmalloc(8 * sizeof(*r));
			for (size_t i = 0; i < n; i++)
				r[(head + i) & 7] = (int)(100 + i);
			r = ring_grow(r, sizeof(*r), head, n, 8);
			for (size_t i = 0; i < n; i++)
				assert_int_equal(r[i], 100 + (int)i);
			r[15] = 0; /* the new buffer has room for 16 */
			free(r);
		}
	}
}

static void test_rng_seeds_differ_by_name_and_replication(void **state)
{
	(void)state;
	uint32_t a = rng_seed(42, 0, "web/service"), b = rng_seed(42, 0, "db/service");
	uint32_t c = rng_seed(42, 1, "web/service"), d = rng_seed(43, 0, "web/service");
	assert_true(a != b && a != c && a != d && b != c);
	assert_int_equal(a, rng_seed(42, 0, "web/service")); /* a pure function */
	/* Never 0, which GSL would replace by its default seed. */
	for (uint64_t s = 0; s < 20000; s++)
		assert_true(rng_seed(s, s % 7, "x") != 0);
}

static void test_rng_streams_are_reproducible(void **state)
{
	(void)state;
	struct rng x, y;
	rng_init(&x, 9, 3, "lb/route");
	rng_init(&y, 9, 3, "lb/route");
	for (int i = 0; i < 1000; i++)
		assert_true(rng_uniform(&x) == rng_uniform(&y));
	rng_release(&x);
	rng_release(&y);
}

/* Timeouts whose calls were answered long ago take no memory: with a
 * liveness test the ring drops them before growing, and the live ones
 * still fire, in order, at their deadlines. */
struct tmo_case {
	long fired[2000], n_fired, n_added;
	double at[2000];
	char dead[200000]; /* answered: the entry no longer matters */
};

static void tmo_fire(struct sim *sim, void *obj, void *item, uint64_t a, uint64_t b)
{
	(void)item;
	(void)b;
	struct tmo_case *c = obj;
	if (c->dead[a])
		return;
	c->at[c->n_fired] = sim->now;
	c->fired[c->n_fired++] = (long)a;
}

static int tmo_is_live(void *obj, void *item, uint64_t a, uint64_t b)
{
	(void)item;
	(void)b;
	return !((struct tmo_case *)obj)->dead[a];
}

static void add_one(struct sim *sim, void *obj, void *arg)
{
	(void)sim;
	struct tmo *t = obj;
	struct tmo_case *c = t->obj;
	long i = (long)(intptr_t)arg;
	tmo_add(t, NULL, (uint64_t)i, 0);
	c->dead[i] = i % 100 != 0; /* 99 of 100 are answered at once */
	c->n_added++;
}

static void test_tmo_memory_follows_what_is_outstanding(void **state)
{
	(void)state;
	struct sim sim;
	struct tmo t;
	static struct tmo_case c;
	memset(&c, 0, sizeof c);
	sim_init(&sim);
	tmo_init(&t, &sim, 1000, tmo_fire, &c); /* a timeout far longer than the run of adds */
	t.live = tmo_is_live;
	for (long i = 0; i < 200000; i++) /* one every ms: 200 s of calls, 2,000 outstanding */
		sim_at(&sim, (double)i * 1e-3, add_one, &t, (void *)(intptr_t)i);
	sim_run(&sim, INFINITY);
	assert_int_equal(c.n_added, 200000);
	assert_true(t.cap <= 4 * 2048); /* without compaction: 262,144 */
	assert_int_equal(c.n_fired, 2000);
	for (long k = 0; k < c.n_fired; k++) {
		assert_int_equal(c.fired[k], 100 * k);
		assert_true(c.at[k] >= (double)c.fired[k] * 1e-3 + 1000 - 1e-9);
		assert_true(c.at[k] <= (double)c.fired[k] * 1e-3 + 1000 + 1000.0 / 1024 + 1e-9);
	}
	tmo_release(&t);
	sim_release(&sim);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_evq_equal_times_are_fifo),
		cmocka_unit_test(test_tmo_memory_follows_what_is_outstanding),
		cmocka_unit_test(test_evq_random_times_come_out_sorted),
		cmocka_unit_test(test_evq_order_holds_through_growth_and_shrinking),
		cmocka_unit_test(test_evq_many_ties_in_the_buckets_are_fifo),
		cmocka_unit_test(test_sim_run_stops_at_until),
		cmocka_unit_test(test_sim_run_stops_at_until_with_many_pending),
		cmocka_unit_test(test_sim_stop_ends_the_run_after_the_event),
		cmocka_unit_test(test_ring_grow_keeps_the_order),
		cmocka_unit_test(test_rng_seeds_differ_by_name_and_replication),
		cmocka_unit_test(test_rng_streams_are_reproducible),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
