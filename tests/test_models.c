/*
 * test_models.c - behaviour of the component kinds and of the runner that
 * theory does not pin down: each test would fail if its mechanism were
 * missing or wrong.
 */
#include "testutil.h"

#include "../models/limiter.h"

static struct scenario *run_jobs(const char *yaml, int jobs, struct results *res)
{
	struct scenario *sc = load_text(yaml);
	struct run_opts o = {.jobs = jobs, .progress = 0};
	assert_int_equal(runner_run(sc, &o, res), 0);
	return sc;
}

static void assert_same_values(const struct results *a, const struct results *b)
{
	assert_int_equal(a->n_metrics, b->n_metrics);
	assert_int_equal(a->n_reps, b->n_reps);
	assert_memory_equal(a->values, b->values, a->n_metrics * a->n_reps * sizeof(double));
	size_t nts = (size_t)a->n_periods * a->n_nodes * TS_NCOLS;
	assert_memory_equal(a->ts, b->ts, nts * sizeof(double));
}

static const char three_tier[] =
	"simulation: {duration: 30s, warmup: 5s, replications: 4, seed: 42}\n"
	"workloads:\n"
	"  - {name: shoppers, target: lb, rate: 800/s}\n"
	"  - {name: staff, target: lb, users: 50, think: exp(2s)}\n"
	"nodes:\n"
	"  - {name: lb, kind: load_balancer, targets: web}\n"
	"  - {name: web, kind: server, instances: 4, cores: 2, service: exp(4ms), calls: [db]}\n"
	"  - {name: db, kind: database, service: exp(1ms)}\n"
	"  - {name: web-db, kind: link, between: [web, db], latency: 0.5ms}\n";

static void test_runner_results_do_not_depend_on_jobs(void **state)
{
	(void)state;
	struct results a, b, c;
	struct scenario *s1 = run_jobs(three_tier, 1, &a);
	struct scenario *s2 = run_jobs(three_tier, 2, &b);
	struct scenario *s3 = run_jobs(three_tier, 3, &c);
	assert_same_values(&a, &b);
	assert_same_values(&a, &c);
	assert_int_equal(a.stopped_rep, -1);
	results_release(&a);
	results_release(&b);
	results_release(&c);
	scenario_free(s1);
	scenario_free(s2);
	scenario_free(s3);
}

static void test_runner_seed_changes_results(void **state)
{
	(void)state;
	struct results a, b;
	struct scenario *s1 = run_jobs(three_tier, 2, &a);
	struct scenario *s2 = load_text(three_tier);
	s2->spec.seed = 43;
	run_all(s2, &b);
	assert_true(mean_of(&a, "e2e", "latency_mean") != mean_of(&b, "e2e", "latency_mean"));
	results_release(&a);
	results_release(&b);
	scenario_free(s1);
	scenario_free(s2);
}

static void test_streams_adding_a_node_keeps_other_numbers(void **state)
{
	(void)state;
	/* Common random numbers: a second, unrelated workload and server must
	 * not change a single number drawn for the first pair. */
	const char *one = "simulation: {duration: 20s, warmup: 1s, replications: 3, seed: 5}\n"
			  "workloads:\n  - {name: a, target: s, rate: 300/s}\n"
			  "nodes:\n  - {name: s, kind: server, service: exp(2ms)}\n";
	const char *two = "simulation: {duration: 20s, warmup: 1s, replications: 3, seed: 5}\n"
			  "workloads:\n  - {name: b, target: t, rate: 100/s}\n  - {name: a, target: s, rate: 300/s}\n"
			  "nodes:\n  - {name: t, kind: server, service: exp(3ms)}\n  - {name: s, kind: server, "
			  "service: exp(2ms)}\n";
	struct results r1, r2;
	struct scenario *s1 = run_jobs(one, 2, &r1), *s2 = run_jobs(two, 2, &r2);
	static const char *const keys[] = {"arrivals", "response_mean", "response_p99", "utilization"};
	for (size_t k = 0; k < 4; k++) {
		size_t i1 = metric_index(&r1, "s", keys[k]), i2 = metric_index(&r2, "s", keys[k]);
		for (long r = 0; r < 3; r++)
			assert_true(results_value(&r1, r, i1) == results_value(&r2, r, i2));
	}
	results_release(&r1);
	results_release(&r2);
	scenario_free(s1);
	scenario_free(s2);
}

static void test_lb_full_surge_queue_answers_503_and_counts_spillover(void **state)
{
	(void)state;
	/* The balancer itself is the bottleneck (2 ms per request at 800/s). */
	const char *yaml =
		"simulation: {duration: 20s, warmup: 0s, replications: 2, seed: 1}\n"
		"workloads:\n  - {name: w, target: lb, rate: 800/s}\n"
		"nodes:\n  - {name: lb, kind: load_balancer, targets: web, service: exp(2ms), surge_queue: 10}\n"
		"  - {name: web, kind: server, cores: 8, service: exp(1ms)}\n";
	struct results res;
	struct scenario *sc = run_jobs(yaml, 2, &res);
	double s503 = mean_of(&res, "e2e", "status_503");
	assert_true(s503 > 1000);
	assert_near(mean_of(&res, "lb", "spillover"), s503, 0);
	assert_near(mean_of(&res, "e2e", "status_502"), 0, 0);
	assert_true(mean_of(&res, "lb", "max_waiting") <= 10);
	/* SpilloverCount and HTTPCode_ELB_503_Count in the time series add up. */
	double spill = 0, elb503 = 0;
	for (int p = 0; p < res.n_periods; p++) {
		const double *row = &res.ts[((size_t)p * res.n_nodes + 1) * TS_NCOLS];
		spill += row[TS_SPILLOVER];
		elb503 += row[TS_ELB_503];
	}
	assert_near(spill, s503, 1e-6);
	assert_near(elb503, s503, 1e-6);
	results_release(&res);
	scenario_free(sc);
}

static void test_refused_connection_is_the_balancers_502(void **state)
{
	(void)state;
	/* web holds 2 requests and queues 2 more; the rest are refused, which
	 * the balancer reports as its own 502 (HTTPCode_ELB_502_Count). */
	const char *yaml = "simulation: {duration: 20s, warmup: 0s, replications: 2, seed: 2}\n"
			   "workloads:\n  - {name: w, target: lb, rate: 900/s}\n"
			   "nodes:\n  - {name: lb, kind: load_balancer, targets: web}\n"
			   "  - {name: web, kind: server, cores: 2, workers: 2, queue: 2, service: exp(2.5ms)}\n";
	struct results res;
	struct scenario *sc = run_jobs(yaml, 2, &res);
	double s502 = mean_of(&res, "e2e", "status_502");
	assert_true(s502 > 100);
	assert_near(mean_of(&res, "web", "rejections"), s502, 0);
	double elb502 = 0, target5xx = 0;
	for (int p = 0; p < res.n_periods; p++) {
		const double *row = &res.ts[((size_t)p * res.n_nodes + 1) * TS_NCOLS];
		elb502 += row[TS_ELB_502];
		target5xx += row[TS_TARGET_5XX];
	}
	assert_near(elb502, s502, 1e-6);
	assert_near(target5xx, 0, 0);
	results_release(&res);
	scenario_free(sc);
}

static void test_link_adds_latency_and_transfer_time(void **state)
{
	(void)state;
	/* 1 ms of service, 10 ms each way, 1 KB up and 10 KB down at 8 Mbps
	 * (1 ms and 10 ms): every answer takes 1 + 10 + 1 + 10 + 10 = 32 ms. */
	const char *yaml =
		"simulation: {duration: 100s, warmup: 1s, replications: 2, seed: 3}\n"
		"workloads:\n  - {name: w, target: s, rate: 2/s}\n"
		"nodes:\n  - {name: s, kind: server, cores: 100, service: const(1ms)}\n"
		"  - {name: wire, kind: link, between: [w, s], latency: 10ms, bandwidth: 8Mbps, sharing: none}\n";
	struct results res;
	struct scenario *sc = run_jobs(yaml, 2, &res);
	assert_near(mean_of(&res, "e2e", "latency_mean"), 0.032, 1e-9);
	assert_near(mean_of(&res, "s", "response_mean"), 0.001, 1e-12);
	/* Utilization of the busier direction: 2/s x 80,000 bits / 8 Mbps = 2%. */
	assert_near(mean_of(&res, "wire", "utilization"), 0.02, 0.003);
	results_release(&res);
	scenario_free(sc);
}

static void test_warmup_is_deleted(void **state)
{
	(void)state;
	/* 100 s measured after 50 s of warm-up at 100/s: about 10,000 requests
	 * are counted, not 15,000. */
	const char *yaml = "simulation: {duration: 100s, warmup: 50s, replications: 3, seed: 4}\n"
			   "workloads:\n  - {name: w, target: s, rate: 100/s}\n"
			   "nodes:\n  - {name: s, kind: server, service: exp(1ms)}\n";
	struct results res;
	struct scenario *sc = run_jobs(yaml, 2, &res);
	assert_near(mean_of(&res, "s", "arrivals"), 10000, 400);
	assert_near(mean_of(&res, "e2e", "offered_throughput"), 100, 4);
	results_release(&res);
	scenario_free(sc);
}

static void test_sync_thread_pool_exhausts_where_async_does_not(void **state)
{
	(void)state;
	/* A slow database (20 ms) behind a web tier with 4 threads: sync
	 * requests queue for a thread while async ones do not, though the web
	 * CPU does exactly the same work in both. */
	const char *fmt = "simulation: {duration: 60s, warmup: 5s, replications: 4, seed: 6}\n"
			  "workloads:\n  - {name: w, target: web, rate: 170/s}\n"
			  "nodes:\n  - {name: web, kind: server, cores: 2, workers: 4, queue: unlimited, mode: %s,"
			  " service: exp(1ms), calls: [db]}\n"
			  "  - {name: db, kind: database, cores: 100, workers: 1000, service: exp(20ms)}\n";
	char yaml[1024];
	struct results rs, ra;
	snprintf(yaml, sizeof yaml, fmt, "sync");
	struct scenario *s1 = run_jobs(yaml, 2, &rs);
	snprintf(yaml, sizeof yaml, fmt, "async");
	struct scenario *s2 = run_jobs(yaml, 2, &ra);
	double sync_lat = mean_of(&rs, "e2e", "latency_mean"), async_lat = mean_of(&ra, "e2e", "latency_mean");
	assert_true(sync_lat > 1.5 * async_lat);
	assert_true(mean_of(&rs, "web", "mean_waiting") > 1);
	assert_near(mean_of(&rs, "web", "utilization"), mean_of(&ra, "web", "utilization"), 0.01);
	assert_near(mean_of(&rs, "web", "utilization"), 170 * 0.001 / 2, 0.01);
	results_release(&rs);
	results_release(&ra);
	scenario_free(s1);
	scenario_free(s2);
}

static double policy_latency(const char *policy)
{
	char yaml[1024];
	snprintf(yaml, sizeof yaml,
		 "simulation: {duration: 60s, warmup: 5s, replications: 4, seed: 7}\n"
		 "workloads:\n  - {name: w, target: lb, rate: 1600/s}\n"
		 "nodes:\n  - {name: lb, kind: load_balancer, targets: web, policy: %s, service: const(0s)}\n"
		 "  - {name: web, kind: server, instances: 4, queue: unlimited, service: exp(2ms)}\n",
		 policy);
	struct results res;
	struct scenario *sc = run_jobs(yaml, 2, &res);
	double lat = mean_of(&res, "e2e", "latency_mean");
	results_release(&res);
	scenario_free(sc);
	return lat;
}

static void test_lb_policies_order_as_theory_says(void **state)
{
	(void)state;
	/* Four M/M/1 instances at 80%: random routing gives each an M/M/1
	 * (10 ms); round robin smooths arrivals; joining the shortest queue
	 * (least connections) is best, and two random choices come close. */
	double rnd = policy_latency("random"), rr = policy_latency("round_robin");
	double lc = policy_latency("least_connections"), p2 = policy_latency("power_of_two");
	assert_near(rnd, 0.010, 0.001);
	assert_true(rr < 0.8 * rnd);
	assert_true(lc < rr);
	assert_true(p2 < rnd && lc <= p2);
}

static void test_timeseries_adds_up_to_the_run(void **state)
{
	(void)state;
	const char *yaml = "simulation: {duration: 150s, warmup: 0s, replications: 2, seed: 8, period: 60s}\n"
			   "workloads:\n  - {name: w, target: s, rate: 50/s}\n"
			   "nodes:\n  - {name: s, kind: server, service: exp(5ms)}\n";
	struct results res;
	struct scenario *sc = run_jobs(yaml, 2, &res);
	assert_int_equal(res.n_periods, 3); /* 60 + 60 + a partial 30 */
	double sum = 0, util = 0;
	for (int p = 0; p < 3; p++) {
		const double *row = &res.ts[((size_t)p * res.n_nodes + 1) * TS_NCOLS];
		sum += row[TS_REQUESTS];
		util += row[TS_UTIL] * (p < 2 ? 60 : 30) / 150;
		assert_near(row[TS_HEALTHY], 1, 0);
	}
	assert_near(sum, mean_of(&res, "s", "arrivals"), 1e-6);
	assert_near(util, mean_of(&res, "s", "utilization"), 1e-9);
	results_release(&res);
	scenario_free(sc);
}

static void test_resolved_scenario_round_trips(void **state)
{
	(void)state;
	struct results a, b;
	struct scenario *s1 = run_jobs(three_tier, 2, &a);
	size_t len;
	char *text = scenario_resolved_yaml(s1, &len);
	assert_non_null(text);
	assert_non_null(strstr(text, "surge_queue: 1024"));
	assert_non_null(strstr(text, "policy: round_robin"));
	struct scenario *s2 = run_jobs(text, 2, &b);
	assert_same_values(&a, &b);
	free(text);
	results_release(&a);
	results_release(&b);
	scenario_free(s1);
	scenario_free(s2);
}

static void test_empirical_service_resamples_the_file(void **state)
{
	(void)state;
	/* Three measured values (header, a unit, plain seconds): at a low load
	 * on many cores the mean response is their mean, 2 ms, and nothing else. */
	char csv[512], yaml[1024];
	write_temp(csv, sizeof csv, "svc.csv", "latency\n1ms\n2ms\n0.003\n");
	const char *base = strrchr(csv, '/') + 1;
	snprintf(yaml, sizeof yaml,
		 "simulation: {duration: 200s, warmup: 1s, replications: 3, seed: 9}\n"
		 "workloads:\n  - {name: w, target: s, rate: 50/s}\n"
		 "nodes:\n  - {name: s, kind: server, cores: 64, service: 'empirical(%s)'}\n",
		 base);
	struct results res;
	struct scenario *sc = run_jobs(yaml, 2, &res);
	assert_near(mean_of(&res, "s", "response_mean"), 0.002, 0.00005);
	assert_near(mean_of(&res, "s", "response_p99"), 0.003, 0.00005);
	results_release(&res);
	scenario_free(sc);
	unlink(csv);
}

/* A scenario without max_in_flight gets one that fits the machine: 8 jobs
 * within 1 GiB hold at most 1 GiB / 8 / sizeof(struct request) each. */
static void test_the_default_in_flight_limit_fits_the_memory(void **state)
{
	(void)state;
	double gib = 1024.0 * 1024 * 1024;
	uint64_t fit = runner_in_flight_fit(1000000, gib, 8);
	assert_true(fit < 1000000);
	assert_true((double)fit * 8 * sizeof(struct request) <= gib);
	assert_true((double)(fit + 1) * 8 * sizeof(struct request) > gib);
	assert_int_equal(runner_in_flight_fit(1000000, 64 * gib, 2), 1000000); /* ample memory: the default */
	assert_int_equal(runner_in_flight_fit(1000000, 1e6, 1024), 1000);      /* a floor, not zero */

	/* The scenario's own limit is obeyed; without one, the loader says so. */
	struct scenario *sc = load_text("workloads:\n  - {name: w, target: s, rate: 1/s}\n"
					"nodes:\n  - {name: s, kind: server, service: exp(1ms)}\n");
	assert_true(sc->spec.max_in_flight_auto);
	scenario_free(sc);
	sc = load_text("simulation: {max_in_flight: 5000}\nworkloads:\n  - {name: w, target: s, rate: 1/s}\n"
		       "nodes:\n  - {name: s, kind: server, service: exp(1ms)}\n");
	assert_false(sc->spec.max_in_flight_auto);
	assert_int_equal(sc->spec.in_flight_limit, 5000);
	scenario_free(sc);
}

static void test_limit_in_flight_stops_an_overloaded_run(void **state)
{
	(void)state;
	/* Two threads held for 20 ms each serve at most 100/s of the 200/s
	 * offered: the queue grows until max_in_flight stops the replication. */
	const char *yaml = "simulation: {duration: 600s, warmup: 1s, replications: 2, seed: 1, max_in_flight: 5000}\n"
			   "workloads:\n  - {name: w, target: web, rate: 200/s}\n"
			   "nodes:\n  - {name: web, kind: server, cores: 4, workers: 2, queue: unlimited,"
			   " service: exp(1ms), calls: [db]}\n"
			   "  - {name: db, kind: database, cores: 100, workers: 1000, service: exp(20ms)}\n";
	struct results res;
	struct scenario *sc = run_jobs(yaml, 2, &res);
	assert_int_equal(res.stopped_rep, 0);
	assert_non_null(strstr(res.stopped, "5000 requests were in flight"));
	assert_non_null(strstr(res.stopped, "simulation.max_in_flight"));
	results_release(&res);
	scenario_free(sc);
}

static void test_limit_events_stops_a_long_run(void **state)
{
	(void)state;
	const char *yaml = "simulation: {duration: 1h, warmup: 0s, replications: 2, seed: 1, max_events: 100000}\n"
			   "workloads:\n  - {name: w, target: s, rate: 100/s}\n"
			   "nodes:\n  - {name: s, kind: server, service: exp(1ms)}\n";
	struct results res;
	struct scenario *sc = run_jobs(yaml, 2, &res);
	assert_int_equal(res.stopped_rep, 0);
	assert_non_null(strstr(res.stopped, "simulation.max_events"));
	/* Checked every 65,536 events: stopped at the first check past the cap. */
	assert_true(res.events <= 2 * 131072);
	results_release(&res);
	scenario_free(sc);
}

static void test_rate_profile_arrivals_follow_the_integral(void **state)
{
	(void)state;
	/* A non-homogeneous Poisson process: the expected arrivals are the
	 * integral of the rate.  A ramp 0 -> 1000/s over 100 s brings 50,000,
	 * the 1 ms between the last two points 0.6 (the rate falls from 1000/s
	 * to 200/s), and 200/s for the last 99.999 s 19,999.8: 70,000.4.  The
	 * count's sd is sqrt(70,000) = 265 per replication. */
	const char *yaml = "simulation: {duration: 200s, warmup: 0s, replications: 8, seed: 14}\n"
			   "workloads:\n  - {name: w, target: s, profile: '0s:0/s, 100s:1000/s, 100.001s:200/s'}\n"
			   "nodes:\n  - {name: s, kind: server, cores: 64, service: exp(1ms)}\n";
	struct results res;
	struct scenario *sc = run_jobs(yaml, 2, &res);
	assert_theory(&res, "s", "arrivals", 50000 + 0.001 * (1000 + 200) / 2 + 200 * 99.999);
	results_release(&res);
	scenario_free(sc);
}

/* Che's approximation of an LRU cache's hit ratio under independent
 * requests: T solves sum_k (1 - exp(-p_k T)) = C, h = sum_k p_k (1 - exp(-p_k T)). */
static double che_hit_ratio(long keys, long capacity, double s)
{
	double *p = malloc(keys * sizeof(double)), sum = 0;
	for (long k = 0; k < keys; k++)
		sum += p[k] = pow((double)(k + 1), -s);
	for (long k = 0; k < keys; k++)
		p[k] /= sum;
	double lo = 0, hi = 1e12;
	for (int i = 0; i < 200; i++) {
		double T = (lo + hi) / 2, filled = 0;
		for (long k = 0; k < keys; k++)
			filled += 1 - exp(-p[k] * T);
		if (filled < capacity)
			lo = T;
		else
			hi = T;
	}
	double h = 0;
	for (long k = 0; k < keys; k++)
		h += p[k] * (1 - exp(-p[k] * lo));
	free(p);
	return h;
}

static void test_cache_lru_hit_ratio_matches_che(void **state)
{
	(void)state;
	/* 10,000 keys with Zipf(0.9) popularity, room for 1,000: the measured
	 * hit ratio of the LRU, once warm, agrees with Che's approximation
	 * (known to be within a fraction of a percent at this size). */
	const char *yaml = "simulation: {duration: 200s, warmup: 20s, replications: 4, seed: 16}\n"
			   "workloads:\n  - {name: w, target: c, rate: 2000/s}\n"
			   "nodes:\n  - {name: c, kind: cache, backend: db, keys: 10000, capacity: 1000, zipf: 0.9}\n"
			   "  - {name: db, kind: database, cores: 8, service: exp(1ms)}\n";
	struct results res;
	struct scenario *sc = run_jobs(yaml, 2, &res);
	double h = che_hit_ratio(10000, 1000, 0.9);
	assert_near(mean_of(&res, "c", "hit_ratio"), h, 0.01);
	/* The database sees exactly the misses. */
	assert_near(mean_of(&res, "db", "arrivals"), mean_of(&res, "c", "backend_requests"), 1e-9);
	results_release(&res);
	scenario_free(sc);
}

/* Runs yaml with two jobs; the caller frees both. */
static struct scenario *run2(const char *yaml, struct results *res)
{
	return run_jobs(yaml, 2, res);
}

static void test_smaller_pool_means_longer_waits(void **state)
{
	(void)state;
	char yaml[1024];
	double wait[2];
	long sizes[2] = {8, 3};
	for (int i = 0; i < 2; i++) {
		snprintf(yaml, sizeof yaml,
			 "simulation: {duration: 60s, warmup: 5s, replications: 3, seed: 7}\n"
			 "workloads:\n  - {name: w, target: web, rate: 200/s}\n"
			 "nodes:\n"
			 "  - {name: web, kind: server, cores: 8, service: exp(1ms), calls: [db], pool: %ld}\n"
			 "  - {name: db, kind: database, cores: 8, service: exp(10ms)}\n",
			 sizes[i]);
		struct results res;
		struct scenario *sc = run2(yaml, &res);
		wait[i] = mean_of(&res, "web", "pool_wait_mean");
		results_release(&res);
		scenario_free(sc);
	}
	assert_true(wait[0] < 0.001); /* 8 connections for an offered load of 2 */
	assert_true(wait[1] > 5 * wait[0] && wait[1] > 0.001);
}

static void test_pool_timeout_answers_500(void **state)
{
	(void)state;
	/* One connection for an offered load of 2: calls pile up and time out. */
	const char *yaml = "simulation: {duration: 20s, warmup: 2s, replications: 2, seed: 7}\n"
			   "workloads:\n  - {name: w, target: web, rate: 200/s}\n"
			   "nodes:\n"
			   "  - {name: web, kind: server, cores: 8, service: exp(1ms), calls: [db], pool: 1,\n"
			   "     pool_timeout: 50ms}\n"
			   "  - {name: db, kind: database, cores: 8, service: exp(10ms)}\n";
	struct results res;
	struct scenario *sc = run2(yaml, &res);
	double timeouts = mean_of(&res, "web", "pool_timeouts");
	assert_true(timeouts > 100);
	assert_near(mean_of(&res, "e2e", "status_500"), timeouts, 0.5);
	assert_true(mean_of(&res, "web", "response_p99") < 0.150); /* 50ms wait at most, then the query */
	results_release(&res);
	scenario_free(sc);
}

static void test_fan_out_fails_when_one_branch_fails(void **state)
{
	(void)state;
	/* stock is down for the whole run: every request's 'price+stock' fails,
	 * and the web tier answers 500, after price has still been asked. */
	const char *yaml = "simulation: {duration: 20s, warmup: 2s, replications: 2, seed: 7}\n"
			   "workloads:\n  - {name: w, target: web, rate: 100/s}\n"
			   "nodes:\n"
			   "  - {name: web, kind: server, cores: 4, service: exp(1ms), calls: [price+stock, db]}\n"
			   "  - {name: price, kind: server, service: exp(1ms)}\n"
			   "  - {name: stock, kind: server, service: exp(1ms)}\n"
			   "  - {name: db, kind: database, service: exp(1ms)}\n"
			   "failures:\n  - {node: stock, at: 0s}\n";
	struct results res;
	struct scenario *sc = run2(yaml, &res);
	assert_true(mean_of(&res, "e2e", "status_500") > 1000);
	assert_near(mean_of(&res, "e2e", "status_2xx"), 0, 0);
	assert_true(mean_of(&res, "price", "throughput") > 90);
	assert_near(mean_of(&res, "db", "throughput"), 0, 0); /* the step after the fan-out never runs */
	results_release(&res);
	scenario_free(sc);
}

static void test_class_calls_change_the_path(void **state)
{
	(void)state;
	/* Static requests are served by the proxy itself; only dynamic ones
	 * reach the application tier, and each class is reported apart. */
	const char *yaml = "simulation: {duration: 30s, warmup: 2s, replications: 2, seed: 7}\n"
			   "workloads:\n  - name: w\n    target: front\n    rate: 400/s\n"
			   "    mix: [{class: static, weight: 75%}, {class: dynamic, weight: 25%}]\n"
			   "nodes:\n"
			   "  - {name: front, kind: server, cores: 4, service: exp(0.2ms), calls: [app],\n"
			   "     classes: [{class: static, calls: []}]}\n"
			   "  - {name: app, kind: server, cores: 4, service: exp(5ms)}\n";
	struct results res;
	struct scenario *sc = run2(yaml, &res);
	double app = mean_of(&res, "app", "throughput");
	assert_true(app > 90 && app < 110);
	assert_true(mean_of(&res, "class:static", "latency_mean") < 0.001);
	assert_true(mean_of(&res, "class:dynamic", "latency_mean") > 0.005);
	results_release(&res);
	scenario_free(sc);
}

static void test_hot_shard_is_the_bottleneck(void **state)
{
	(void)state;
	/* Uniform keys spread 4 shards evenly; Zipf keys load one shard far
	 * more than the others, and the verdict names the database for it. */
	const char *fmt = "simulation: {duration: 30s, warmup: 2s, replications: 2, seed: 7}\n"
			  "workloads:\n  - {name: w, target: web, rate: 1000/s}\n"
			  "nodes:\n"
			  "  - {name: web, kind: server, cores: 8, instances: 2, service: exp(2ms), calls: [db]}\n"
			  "  - {name: db, kind: database, shards: 4, keys: 1000, skew: %s, service: exp(2ms)}\n";
	char yaml[1024];
	double hottest[2];
	const char *skews[2] = {"0x", "1.2x"};
	for (int i = 0; i < 2; i++) {
		snprintf(yaml, sizeof yaml, fmt, skews[i]);
		struct results res;
		struct scenario *sc = run2(yaml, &res);
		hottest[i] = mean_of(&res, "db", "hottest_instance_utilization");
		if (i == 1)
			assert_int_equal(report_bottleneck(&res, NULL), 2); /* db */
		results_release(&res);
		scenario_free(sc);
	}
	assert_true(hottest[0] < 0.6);
	assert_true(hottest[1] > 0.75);
}

static void test_crashes_with_fan_out_pools_and_replicas(void **state)
{
	(void)state;
	/* Instances holding children, pooled connections and replication work
	 * crash and come back; the run must stay consistent (asan and the
	 * in-flight count catch leaks) and answer most requests. */
	const char *yaml = "simulation: {duration: 60s, warmup: 2s, replications: 2, seed: 7}\n"
			   "workloads:\n  - {name: w, target: lb, rate: 300/s}\n"
			   "nodes:\n"
			   "  - {name: lb, kind: load_balancer, targets: web}\n"
			   "  - {name: web, kind: server, instances: 3, cores: 4, service: exp(2ms),\n"
			   "     calls: [a+b, db], pool: 6, pool_timeout: 200ms}\n"
			   "  - {name: a, kind: server, instances: 2, cores: 2, service: exp(2ms)}\n"
			   "  - {name: b, kind: server, instances: 2, cores: 2, service: exp(2ms)}\n"
			   "  - {name: db, kind: database, replicas: 2, writes: 30%, cores: 2, service: exp(2ms)}\n"
			   "failures:\n"
			   "  - {node: web, mtbf: 10s, mttr: 2s}\n"
			   "  - {node: a, mtbf: 10s, mttr: 1s}\n"
			   "  - {node: db, mtbf: 15s, mttr: 2s}\n";
	struct results res;
	struct scenario *sc = run2(yaml, &res);
	assert_true(mean_of(&res, "e2e", "success_ratio") > 0.5);
	assert_true(mean_of(&res, "db", "replica_applies") > 1000);
	assert_true(mean_of(&res, "run", "in_flight_at_end") < 200);
	results_release(&res);
	scenario_free(sc);
}

static void test_replay_sends_the_file_s_arrivals(void **state)
{
	(void)state;
	/* 400 arrivals, one every 0.25 s from 0.25 s; 10 s of warm-up: the
	 * measured window holds exactly those from 10 s to 100 s, in every
	 * replication alike. */
	char csv[8192] = "time\n", path[512], yaml[512];
	for (int i = 1; i <= 400; i++)
		snprintf(csv + strlen(csv), sizeof csv - strlen(csv), "%gs\n", 0.25 * i);
	write_temp(path, sizeof path, "arrivals.csv", csv);
	snprintf(yaml, sizeof yaml,
		 "simulation: {duration: 90s, warmup: 10s, replications: 3, seed: 7}\n"
		 "workloads:\n  - {name: w, target: web, replay: %s}\n"
		 "nodes:\n  - {name: web, kind: server, service: const(1ms)}\n",
		 strrchr(path, '/') + 1);
	struct results res;
	struct scenario *sc = run2(yaml, &res);
	size_t i = metric_index(&res, "e2e", "requests");
	assert_near(res.ci[i].mean, 360, 1); /* 10.25 s .. 100 s; the one at 10 s falls in the warm-up or not */
	assert_near(res.ci[i].half, 0, 0);
	assert_near(mean_of(&res, "e2e", "latency_mean"), 0.001, 1e-9); /* never two at once */
	results_release(&res);
	scenario_free(sc);
	unlink(path);
}

static void test_bursts_raise_the_tail(void **state)
{
	(void)state;
	/* The same mean rate (180/s), steady or in bursts: bursts queue. */
	const char *fmt = "simulation: {duration: 600s, warmup: 10s, replications: 3, seed: 7}\n"
			  "workloads:\n  - {name: w, target: web, %s}\n"
			  "nodes:\n  - {name: web, kind: server, cores: 2, queue: unlimited, service: exp(5ms)}\n";
	const char *shapes[2] = {"rate: 180/s", "rate: 100/s, burst_rate: 500/s, burst_length: 5s, burst_gap: 20s"};
	double p99[2];
	for (int i = 0; i < 2; i++) {
		char yaml[1024];
		snprintf(yaml, sizeof yaml, fmt, shapes[i]);
		struct results res;
		struct scenario *sc = run2(yaml, &res);
		p99[i] = mean_of(&res, "e2e", "latency_p99");
		results_release(&res);
		scenario_free(sc);
	}
	assert_true(p99[1] > 3 * p99[0]);
}

static void test_on_off_traffic(void **state)
{
	(void)state;
	/* Nothing between bursts: 300/s a third of the time is 100/s on average. */
	const char *yaml = "simulation: {duration: 3000s, warmup: 10s, replications: 4, seed: 7}\n"
			   "workloads:\n  - {name: w, target: web, rate: 0/s, burst_rate: 300/s, burst_length: 10s,\n"
			   "     burst_gap: 20s}\n"
			   "nodes:\n  - {name: web, kind: server, cores: 4, service: exp(5ms)}\n";
	struct results res;
	struct scenario *sc = run2(yaml, &res);
	assert_near(mean_of(&res, "e2e", "offered_throughput"), 100, 10);
	results_release(&res);
	scenario_free(sc);
}

static void test_refused_at_once_reaches_the_client_once(void **state)
{
	(void)state;
	/*
	 * The client's requests and their answers cross the hop by a plain
	 * call, so a refusal reaches the client inside its own send.  Every
	 * attempt must still be answered exactly once, retried as configured,
	 * and no client timeout may fire for an answer that came at once.
	 */
	const char *yaml = "simulation: {duration: 60s, warmup: 0s, replications: 2, seed: 5}\n"
			   "workloads:\n"
			   "  - {name: w, target: web, rate: 400/s, timeout: 1s, retries: 2, backoff: 1ms}\n"
			   "  - {name: u, target: web, users: 20, think: exp(20ms), timeout: 1s}\n"
			   "nodes:\n  - {name: web, kind: server, workers: 1, queue: 0, service: exp(2ms)}\n";
	struct results res;
	struct scenario *sc = run2(yaml, &res);
	double refused = mean_of(&res, "web", "rejections");
	assert_true(refused > 10000);
	double answered = 0, arrivals = 0;
	for (int k = 0; k < 2; k++) {
		const char *w = k ? "u" : "w";
		double n = mean_of(&res, w, "requests");
		assert_near(mean_of(&res, w, "status_2xx") + mean_of(&res, w, "status_502"), n, 1e-9);
		assert_near(mean_of(&res, w, "status_460"), 0, 0);
		answered += n;
	}
	/* Each attempt reached web once: first tries plus retries, but for the
	 * one in service and a retry not yet sent when the run ends. */
	arrivals = mean_of(&res, "web", "arrivals");
	assert_near(arrivals, answered + mean_of(&res, "w", "retries"), 2);
	assert_true(mean_of(&res, "w", "retries") > 1000);
	results_release(&res);
	scenario_free(sc);
}

static void test_mm1_costs_two_events_a_customer(void **state)
{
	(void)state;
	/* The event count is the engine's work: an M/M/1 customer is its
	 * arrival and its end of service, as in a bare hand-written loop; the
	 * workload's hops are calls (bench/README.md, B1). */
	const char *yaml = "simulation: {duration: 100s, warmup: 0s, replications: 1, seed: 3}\n"
			   "workloads:\n  - {name: w, target: q, rate: 900/s}\n"
			   "nodes:\n  - {name: q, kind: server, workers: 1, queue: unlimited, service: exp(1ms)}\n";
	struct results res;
	struct scenario *sc = run_jobs(yaml, 1, &res);
	double customers = mean_of(&res, "e2e", "requests");
	assert_true(customers > 80000);
	/* + the next arrival, the customers still in the system, the periods */
	assert_true((double)res.events >= 2 * customers);
	assert_true((double)res.events <= 2 * customers + 200);
	results_release(&res);
	scenario_free(sc);
}

/* A token bucket lets in exactly burst + rate x t over an interval (t ends
 * between two refills, so rounding cannot move the count); per client,
 * each client has its own bucket, and a global limit shares one. */
static void test_token_bucket_admits_rate_times_t_plus_burst(void **state)
{
	(void)state;
	struct net net = {.n_clients = 3};
	for (int by = LIMIT_GLOBAL; by <= LIMIT_PER_CLIENT; by++) {
		struct limiter l;
		limiter_init(&l, &net, 10, 5, by);
		long in[3] = {0};
		for (long k = 0; k <= 20100; k++) { /* clients 0 and 2 alternate, every 0.5 ms, to t = 10.05 s */
			struct request r = {.client = k % 2 ? 2 : 0};
			in[r.client] += limiter_admit(&l, &r, (double)k * 0.0005);
		}
		if (by == LIMIT_PER_CLIENT) {
			assert_int_equal(in[0], 105); /* 5 + 10/s x 10.05 s, each */
			assert_int_equal(in[2], 105);
			assert_int_equal(l.clients_throttled, 2);
		} else {
			assert_int_equal(in[0] + in[2], 105); /* one bucket for both */
		}
		assert_int_equal(l.throttled, 20101 - in[0] - in[2]);
		limiter_release(&l);
	}
}

/* A noisy client of a per-client limit gets 429 and the others do not; a
 * workload's clients spread its requests (Zipf makes client 1 the top). */
static void test_rate_limit_per_client_stops_only_the_noisy_one(void **state)
{
	(void)state;
	struct results res;
	struct scenario *sc =
		run2("simulation: {duration: 60s, warmup: 5s, replications: 2, seed: 3}\n"
		     "workloads:\n"
		     "  - {name: noisy, target: gw, rate: 300/s}\n"
		     "  - {name: others, target: gw, rate: 300/s, clients: 100}\n"
		     "nodes:\n"
		     "  - {name: gw, kind: gateway, default: app, rate_limit: 20/s, rate_limit_by: client}\n"
		     "  - {name: app, kind: server, cores: 8, service: exp(1ms)}\n",
		     &res);
	assert_true(mean_of(&res, "noisy", "status_429") > 0.9 * 280 * 60);
	assert_true(mean_of(&res, "others", "status_429") < 0.001 * 300 * 60);
	assert_true(mean_of(&res, "gw", "clients_throttled") >= 1);
	results_release(&res);
	scenario_free(sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runner_results_do_not_depend_on_jobs),
		cmocka_unit_test(test_smaller_pool_means_longer_waits),
		cmocka_unit_test(test_pool_timeout_answers_500),
		cmocka_unit_test(test_fan_out_fails_when_one_branch_fails),
		cmocka_unit_test(test_class_calls_change_the_path),
		cmocka_unit_test(test_hot_shard_is_the_bottleneck),
		cmocka_unit_test(test_crashes_with_fan_out_pools_and_replicas),
		cmocka_unit_test(test_replay_sends_the_file_s_arrivals),
		cmocka_unit_test(test_bursts_raise_the_tail),
		cmocka_unit_test(test_on_off_traffic),
		cmocka_unit_test(test_refused_at_once_reaches_the_client_once),
		cmocka_unit_test(test_mm1_costs_two_events_a_customer),
		cmocka_unit_test(test_runner_seed_changes_results),
		cmocka_unit_test(test_streams_adding_a_node_keeps_other_numbers),
		cmocka_unit_test(test_lb_full_surge_queue_answers_503_and_counts_spillover),
		cmocka_unit_test(test_refused_connection_is_the_balancers_502),
		cmocka_unit_test(test_link_adds_latency_and_transfer_time),
		cmocka_unit_test(test_warmup_is_deleted),
		cmocka_unit_test(test_sync_thread_pool_exhausts_where_async_does_not),
		cmocka_unit_test(test_lb_policies_order_as_theory_says),
		cmocka_unit_test(test_timeseries_adds_up_to_the_run),
		cmocka_unit_test(test_resolved_scenario_round_trips),
		cmocka_unit_test(test_empirical_service_resamples_the_file),
		cmocka_unit_test(test_the_default_in_flight_limit_fits_the_memory),
		cmocka_unit_test(test_limit_in_flight_stops_an_overloaded_run),
		cmocka_unit_test(test_limit_events_stops_a_long_run),
		cmocka_unit_test(test_rate_profile_arrivals_follow_the_integral),
		cmocka_unit_test(test_cache_lru_hit_ratio_matches_che),
		cmocka_unit_test(test_token_bucket_admits_rate_times_t_plus_burst),
		cmocka_unit_test(test_rate_limit_per_client_stops_only_the_noisy_one),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
