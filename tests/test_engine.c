/* test_engine.c - the event list, the run loop and random-stream seeding. */
#include "testutil.h"

#include "../sim/engine/rng.h"
#include "../sim/engine/sim.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_evq_equal_times_are_fifo),
		cmocka_unit_test(test_evq_random_times_come_out_sorted),
		cmocka_unit_test(test_sim_run_stops_at_until),
		cmocka_unit_test(test_sim_stop_ends_the_run_after_the_event),
		cmocka_unit_test(test_rng_seeds_differ_by_name_and_replication),
		cmocka_unit_test(test_rng_streams_are_reproducible),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
