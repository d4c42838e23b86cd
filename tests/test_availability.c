/*
 * test_availability.c - failures, health checks and availability against
 * closed forms and against the status codes each situation must produce.
 *
 * Availability runs need no traffic to speak of (a trickle of requests):
 * they simulate 10^6 s and more of failures and repairs, cheaply.
 */
#include "testutil.h"

#include <gsl/gsl_sf_gamma.h>

static struct scenario *run(const char *yaml, struct results *res)
{
	struct scenario *sc = load_text(yaml);
	run_all(sc, res);
	return sc;
}

static void done(struct results *res, struct scenario *sc)
{
	results_release(res);
	scenario_free(sc);
}

/* A tier of n instances failing at random (exponential MTBF 100 s, MTTR
 * 10 s), with a given repair crew, and nothing else that can fail. */
static struct scenario *run_tier(int n, const char *crew, struct results *res)
{
	char yaml[1024];
	snprintf(yaml, sizeof yaml,
		 "simulation: {duration: 1000000s, warmup: 1000s, replications: 10, seed: 21}\n"
		 "workloads:\n  - {name: w, target: s, rate: 0.01/s}\n"
		 "nodes:\n  - {name: s, kind: server, instances: %d, service: exp(1ms)}\n"
		 "failures:\n  - {node: s, mtbf: 100s, mttr: 10s%s%s}\n",
		 n, crew ? ", crew: " : "", crew ? crew : "");
	return run(yaml, res);
}

static void test_availability_one_instance(void **state)
{
	(void)state;
	struct results res;
	struct scenario *sc = run_tier(1, NULL, &res);
	double A = 100.0 / 110.0;
	assert_theory(&res, "s", "up_fraction", A);
	assert_theory(&res, "e2e", "time_availability", A);
	/* Mean time to repair as observed: the MTTR. */
	assert_theory(&res, "failures", "mean_time_to_repair", 10);
	/* One instance: an outage is a repair, 10 s, at the rate of failures
	 * while up (1 per 110 s of the cycle). */
	assert_theory(&res, "s", "outage_mean", 10);
	assert_theory(&res, "s", "outages", 1000000.0 / 110);
	assert_theory(&res, "s", "availability", A);
	done(&res, sc);
}

static void test_availability_redundant_instances_in_parallel(void **state)
{
	(void)state;
	double A = 100.0 / 110.0;
	for (int n = 2; n <= 3; n++) {
		struct results res;
		struct scenario *sc = run_tier(n, NULL, &res);
		assert_theory(&res, "s", "up_fraction", A);
		assert_theory(&res, "e2e", "time_availability", 1 - pow(1 - A, n));
		/* The tier's own availability, and k of n: with independent
		 * instances, at least k up is a binomial tail. */
		assert_theory(&res, "s", "availability", 1 - pow(1 - A, n));
		for (int k = 2; k <= n; k++) {
			double tail = 0;
			for (int j = k; j <= n; j++)
				tail += gsl_sf_choose((unsigned)n, (unsigned)j) * pow(A, j) * pow(1 - A, n - j);
			char key[32];
			snprintf(key, sizeof key, "up_at_least_%d", k);
			assert_theory(&res, "s", key, tail);
		}
		/* Outages: all n down at once, a state left at rate n mu (each
		 * repair ends it), so they last 1/(n mu) on average (with three,
		 * too rare in this run for an interval within 5%). */
		if (n == 2)
			assert_theory(&res, "s", "outage_mean", 10.0 / n);
		done(&res, sc);
	}
}

static void test_availability_shared_repair_crew(void **state)
{
	(void)state;
	/* Two instances, one crew: failed count k is a birth-death chain with
	 * up rates 2l, l and down rate m: pi1 = (2l/m) pi0, pi2 = (l/m) pi1. */
	double l = 1.0 / 100, m = 1.0 / 10;
	double p0 = 1, p1 = 2 * l / m, p2 = p1 * l / m, sum = p0 + p1 + p2;
	struct results res;
	struct scenario *sc = run_tier(2, "1", &res);
	assert_theory(&res, "e2e", "time_availability", 1 - p2 / sum);
	/* It is worse than independent repair, 1 - (1 - A)^2. */
	assert_true(mean_of(&res, "e2e", "time_availability") < 1 - pow(10.0 / 110, 2));
	done(&res, sc);
}

static void test_availability_series_system(void **state)
{
	(void)state;
	/* LB x web x DB, each a single instance failing independently: the
	 * service is up when all three are, A = A_lb A_web A_db. */
	const char *yaml = "simulation: {duration: 1000000s, warmup: 1000s, replications: 10, seed: 22}\n"
			   "workloads:\n  - {name: w, target: lb, rate: 0.01/s}\n"
			   "nodes:\n"
			   "  - {name: lb, kind: load_balancer, targets: web}\n"
			   "  - {name: web, kind: server, service: exp(1ms), calls: [db]}\n"
			   "  - {name: db, kind: database, service: exp(1ms)}\n"
			   "failures:\n"
			   "  - {node: lb, mtbf: 500s, mttr: 5s}\n"
			   "  - {node: web, mtbf: 100s, mttr: 10s}\n"
			   "  - {node: db, mtbf: 200s, mttr: 20s}\n";
	struct results res;
	struct scenario *sc = run(yaml, &res);
	double A = (500.0 / 505) * (100.0 / 110) * (200.0 / 220);
	assert_theory(&res, "e2e", "time_availability", A);
	assert_theory(&res, "lb", "up_fraction", 500.0 / 505);
	done(&res, sc);
}

static void test_health_check_detection_time(void **state)
{
	(void)state;
	/* Checks every 10 s, 3 failures in a row: a crash is detected between
	 * 20 and 30 s later (the first failed check comes within one interval),
	 * in every replication. */
	const char *yaml =
		"simulation: {duration: 300s, warmup: 0s, replications: 10, seed: 23}\n"
		"workloads:\n  - {name: w, target: lb, rate: 100/s}\n"
		"nodes:\n"
		"  - {name: lb, kind: load_balancer, targets: web, health_interval: 10s, unhealthy_threshold: 3}\n"
		"  - {name: web, kind: server, instances: 2, cores: 4, service: exp(2ms)}\n"
		"failures:\n  - {node: web, instance: 1, at: 100s, for: 100s}\n";
	struct results res;
	struct scenario *sc = run(yaml, &res);
	for (long r = 0; r < res.n_reps; r++) {
		assert_int_equal(res.n_logs[r], 1);
		const struct failure_record *f = &res.logs[r][0];
		assert_true(f->t_detect - f->t_fail >= 20 && f->t_detect - f->t_fail <= 30);
		assert_near(f->t_recover, 200, 0);
		/* Back in rotation after 5 good checks (ALB default): 40 to 50 s. */
		assert_true(f->t_healthy - f->t_recover >= 40 && f->t_healthy - f->t_recover <= 50);
	}
	/* Until detection, the dead instance's share of traffic fails with 502:
	 * about half of 100/s for 20 to 30 s, never 503 (another instance is up). */
	double s502 = mean_of(&res, "e2e", "status_502");
	assert_true(s502 > 0.5 * 100 * 20 * 0.8 && s502 < 0.5 * 100 * 30 * 1.2);
	assert_near(mean_of(&res, "e2e", "status_503"), 0, 0);
	assert_near(mean_of(&res, "e2e", "status_500"), 0, 0);
	done(&res, sc);
}

static void test_no_healthy_target_is_503_or_fail_open(void **state)
{
	(void)state;
	/* Both instances crash for 100 s: 502 until the checks notice, then 503
	 * (no healthy target) until they are back in rotation, which takes 5
	 * good checks (40 to 50 s) after the repair: users see 140 to 150 s of
	 * outage.  With fail_open the balancer keeps trying them, so the outage
	 * is exactly the 100 s of the crash, all 502, never 503. */
	const char *fmt = "simulation: {duration: 300s, warmup: 0s, replications: 5, seed: 24}\n"
			  "workloads:\n  - {name: w, target: lb, rate: 100/s}\n"
			  "nodes:\n"
			  "  - {name: lb, kind: load_balancer, targets: web, health_interval: 10s, fail_open: %s}\n"
			  "  - {name: web, kind: server, instances: 2, cores: 4, service: exp(2ms)}\n"
			  "failures:\n  - {node: web, at: 100s, for: 100s}\n";
	char yaml[1024];
	struct results a, b;
	snprintf(yaml, sizeof yaml, fmt, "false");
	struct scenario *s1 = run(yaml, &a);
	snprintf(yaml, sizeof yaml, fmt, "true");
	struct scenario *s2 = run(yaml, &b);
	double a502 = mean_of(&a, "e2e", "status_502"), a503 = mean_of(&a, "e2e", "status_503");
	assert_true(a502 > 100 * 10 * 0.8 && a502 < 100 * 20 * 1.2); /* detected in 10 to 20 s */
	assert_true(a502 + a503 > 100 * 140 * 0.95 && a502 + a503 < 100 * 150 * 1.05);
	assert_near(mean_of(&b, "e2e", "status_503"), 0, 0);
	assert_near(mean_of(&b, "e2e", "status_502"), 100 * 100, 100 * 100 * 0.05);
	assert_near(mean_of(&a, "e2e", "status_500"), 0, 0);
	done(&a, s1);
	done(&b, s2);
}

static void test_database_down_is_a_target_5xx(void **state)
{
	(void)state;
	/* The database is down for 50 s: web answers 500 (a target's 5xx,
	 * passed through the balancer), and nothing else fails. */
	const char *yaml = "simulation: {duration: 200s, warmup: 0s, replications: 5, seed: 25}\n"
			   "workloads:\n  - {name: w, target: lb, rate: 100/s}\n"
			   "nodes:\n"
			   "  - {name: lb, kind: load_balancer, targets: web}\n"
			   "  - {name: web, kind: server, instances: 2, cores: 4, service: exp(2ms), calls: [db]}\n"
			   "  - {name: db, kind: database, cores: 2, service: exp(1ms)}\n"
			   "failures:\n  - {node: db, at: 50s, for: 50s}\n";
	struct results res;
	struct scenario *sc = run(yaml, &res);
	assert_near(mean_of(&res, "e2e", "status_500"), 100 * 50, 100 * 50 * 0.05);
	assert_near(mean_of(&res, "e2e", "status_502"), 0, 0);
	assert_near(mean_of(&res, "e2e", "status_503"), 0, 0);
	double t5xx = 0, e5xx = 0;
	for (int p = 0; p < res.n_periods; p++) {
		const double *row = &res.ts[((size_t)p * res.n_nodes + 1) * TS_NCOLS]; /* lb */
		t5xx += row[TS_TARGET_5XX];
		e5xx += row[TS_ELB_5XX];
	}
	assert_near(t5xx, mean_of(&res, "e2e", "status_500"), 1e-6);
	assert_near(e5xx, 0, 0);
	/* Each failure's lost requests are its outage's errors. */
	assert_near(mean_of(&res, "failures", "requests_lost"), mean_of(&res, "e2e", "status_500"), 1e-6);
	done(&res, sc);
}

static void test_slowdown_multiplies_service_times(void **state)
{
	(void)state;
	/* A 10x slowdown for the whole run of an M/M/1 at 5%: response 10 ms
	 * becomes the M/M/1 with a 10 ms service, 10 / (1 - 0.5) = 20 ms. */
	const char *yaml = "simulation: {duration: 2000s, warmup: 10s, replications: 10, seed: 26}\n"
			   "workloads:\n  - {name: w, target: s, rate: 50/s}\n"
			   "nodes:\n  - {name: s, kind: server, queue: unlimited, service: exp(1ms)}\n"
			   "failures:\n  - {node: s, at: 0s, mode: slow, slow: 10x}\n";
	struct results res;
	struct scenario *sc = run(yaml, &res);
	assert_theory(&res, "e2e", "latency_mean", 0.010 / (1 - 0.5));
	assert_near(mean_of(&res, "e2e", "success_ratio"), 1, 0);
	done(&res, sc);
}

static void test_hung_target_is_a_504_after_the_idle_timeout(void **state)
{
	(void)state;
	/* One of two instances hangs from 100 s to 200 s.  Requests sent to it
	 * get a 504 from the balancer after its 2 s idle timeout, until the
	 * checks (every 10 s, probes time out after 5 s, 2 failures) take it out
	 * of rotation 15 to 25 s after the hang began.  When the hang ends, the
	 * requests it held are reset, but their callers gave up long ago: no
	 * client sees a 502. */
	const char *yaml = "simulation: {duration: 300s, warmup: 0s, replications: 8, seed: 27}\n"
			   "workloads:\n  - {name: w, target: lb, rate: 100/s}\n"
			   "nodes:\n"
			   "  - {name: lb, kind: load_balancer, targets: web, idle_timeout: 2s, health_interval: 10s}\n"
			   "  - {name: web, kind: server, instances: 2, cores: 4, workers: 10000, queue: unlimited, "
			   "service: exp(2ms)}\n"
			   "failures:\n  - {node: web, instance: 1, at: 100s, for: 100s, mode: hang}\n";
	struct results res;
	struct scenario *sc = run(yaml, &res);
	double s504 = mean_of(&res, "e2e", "status_504");
	assert_true(s504 > 0.5 * 100 * 15 * 0.8 && s504 < 0.5 * 100 * 25 * 1.2);
	assert_near(mean_of(&res, "e2e", "status_502"), 0, 0);
	assert_near(mean_of(&res, "e2e", "status_503"), 0, 0);
	/* The balancer made the 504s (HTTPCode_ELB_504_Count). */
	double elb504 = 0;
	for (int p = 0; p < res.n_periods; p++)
		elb504 += res.ts[((size_t)p * res.n_nodes + 1) * TS_NCOLS + TS_ELB_504];
	assert_near(elb504, s504, 1e-6);
	/* Every request answered or dropped: none left behind by the hang. */
	assert_true(mean_of(&res, "run", "in_flight_at_end") < 20);
	for (long r = 0; r < res.n_reps; r++) {
		const struct failure_record *f = &res.logs[r][0];
		assert_true(f->t_detect - f->t_fail >= 15 && f->t_detect - f->t_fail <= 25);
	}
	done(&res, sc);
}

static void test_client_timeout_is_a_460(void **state)
{
	(void)state;
	/* A 100x slowdown for 30 s swamps the server: its queue grows and the
	 * clients, who wait 1 s at most, give up (460).  Nothing else fails. */
	const char *yaml = "simulation: {duration: 200s, warmup: 0s, replications: 5, seed: 28}\n"
			   "workloads:\n  - {name: w, target: s, rate: 100/s, timeout: 1s}\n"
			   "nodes:\n  - {name: s, kind: server, workers: 100000, queue: unlimited, service: exp(2ms)}\n"
			   "failures:\n  - {node: s, at: 50s, for: 30s, mode: slow, slow: 100x}\n";
	struct results res;
	struct scenario *sc = run(yaml, &res);
	assert_true(mean_of(&res, "e2e", "status_460") > 1000);
	assert_near(mean_of(&res, "e2e", "status_502") + mean_of(&res, "e2e", "status_503") +
			    mean_of(&res, "e2e", "status_504") + mean_of(&res, "e2e", "status_500"),
		    0, 0);
	/* Successful answers all came within the client's patience. */
	assert_true(mean_of(&res, "e2e", "latency_p99.9") <= 1.0);
	done(&res, sc);
}

static void test_server_call_timeout_is_a_500(void **state)
{
	(void)state;
	/* The database hangs for 50 s; web gives up on each query after 100 ms
	 * and answers 500, which the balancer passes on as a target 5xx. */
	const char *yaml = "simulation: {duration: 200s, warmup: 0s, replications: 5, seed: 29}\n"
			   "workloads:\n  - {name: w, target: lb, rate: 100/s}\n"
			   "nodes:\n"
			   "  - {name: lb, kind: load_balancer, targets: web}\n"
			   "  - {name: web, kind: server, instances: 2, cores: 4, workers: 1000, service: exp(2ms),"
			   " calls: [db], call_timeout: 100ms}\n"
			   "  - {name: db, kind: database, workers: 10000, queue: unlimited, service: exp(1ms)}\n"
			   "failures:\n  - {node: db, at: 50s, for: 50s, mode: hang}\n";
	struct results res;
	struct scenario *sc = run(yaml, &res);
	assert_near(mean_of(&res, "e2e", "status_500"), 100 * 50, 100 * 50 * 0.05);
	assert_near(mean_of(&res, "e2e", "status_504"), 0, 0);
	assert_near(mean_of(&res, "e2e", "status_502"), 0, 0);
	done(&res, sc);
}

static void test_database_failover_costs_the_promotion_delay(void **state)
{
	(void)state;
	/* The primary of an active-passive pair dies at 5 min for good: queries
	 * fail (web answers 500) for the 30 s promotion, then the standby
	 * serves.  Without failover, web's queries keep going to both
	 * instances, and half of them fail for as long as it is dead: there is
	 * no health check between a server and its database. */
	const char *fmt =
		"simulation: {duration: 600s, warmup: 60s, replications: 4, seed: 31}\n"
		"workloads:\n  - {name: w, target: web, rate: 200/s}\n"
		"nodes:\n  - {name: web, kind: server, instances: 2, cores: 2, service: exp(4ms), calls: [db]}\n"
		"  - {name: db, kind: database, instances: 2, failover: %s, promotion: 30s, service: exp(1ms)}\n"
		"failures:\n  - {node: db, instance: 1, at: 5m}\n";
	char yaml[1024];
	struct results a, b;
	snprintf(yaml, sizeof yaml, fmt, "active_passive");
	struct scenario *s1 = run(yaml, &a);
	snprintf(yaml, sizeof yaml, fmt, "none");
	struct scenario *s2 = run(yaml, &b);
	assert_near(mean_of(&a, "e2e", "status_500"), 200 * 30, 200 * 30 * 0.05);
	assert_near(mean_of(&a, "e2e", "time_availability"), 1 - 30.0 / 600, 1e-9);
	assert_near(mean_of(&b, "e2e", "status_500"), 200 * 360 / 2.0, 200 * 360 / 2.0 * 0.05);
	assert_near(mean_of(&b, "e2e", "time_availability"), 1, 0); /* one instance was always up... */
	assert_true(mean_of(&b, "e2e", "success_ratio") < 0.75);    /* ...yet a quarter of requests failed */
	done(&a, s1);
	done(&b, s2);
}

static void test_partition_loses_messages_until_timeouts(void **state)
{
	(void)state;
	/* The web-db link is partitioned for 30 s: queries and answers are
	 * lost, web gives up after its 200 ms call timeout and answers 500.
	 * Nothing is left hanging once the partition heals. */
	const char *yaml =
		"simulation: {duration: 200s, warmup: 0s, replications: 4, seed: 32}\n"
		"workloads:\n  - {name: w, target: web, rate: 100/s}\n"
		"nodes:\n  - {name: web, kind: server, cores: 4, workers: 1000, service: exp(2ms), calls: [db],"
		" call_timeout: 200ms}\n"
		"  - {name: db, kind: database, service: exp(1ms)}\n"
		"  - {name: net, kind: link, between: [web, db], latency: 1ms}\n"
		"failures:\n  - {node: net, at: 50s, for: 30s}\n";
	struct results res;
	struct scenario *sc = run(yaml, &res);
	assert_near(mean_of(&res, "e2e", "status_500"), 100 * 30, 100 * 30 * 0.05);
	assert_near(mean_of(&res, "e2e", "status_502") + mean_of(&res, "e2e", "status_504"), 0, 0);
	assert_true(mean_of(&res, "net", "rejections") > 100 * 30 * 0.9); /* messages lost */
	assert_true(mean_of(&res, "run", "in_flight_at_end") < 10);
	done(&res, sc);
}

static void test_balancer_retries_a_refused_connection_elsewhere(void **state)
{
	(void)state;
	/* One of three instances is dead and not yet detected (checks every 60 s
	 * need 2 failures).  Without retries a third of the requests get 502;
	 * with one retry on another instance, none do. */
	const char *fmt =
		"simulation: {duration: 100s, warmup: 0s, replications: 4, seed: 33}\n"
		"workloads:\n  - {name: w, target: lb, rate: 100/s}\n"
		"nodes:\n  - {name: lb, kind: load_balancer, targets: web, health_interval: 60s, retries: %d}\n"
		"  - {name: web, kind: server, instances: 3, cores: 2, service: exp(2ms)}\n"
		"failures:\n  - {node: web, instance: 2, at: 10s, for: 20s}\n";
	char yaml[1024];
	struct results a, b;
	snprintf(yaml, sizeof yaml, fmt, 0);
	struct scenario *s1 = run(yaml, &a);
	snprintf(yaml, sizeof yaml, fmt, 1);
	struct scenario *s2 = run(yaml, &b);
	assert_true(mean_of(&a, "e2e", "status_502") > 100 * 20 / 3.0 * 0.5);
	assert_near(mean_of(&b, "e2e", "status_502"), 0, 0);
	assert_near(mean_of(&b, "e2e", "success_ratio"), 1, 0);
	done(&a, s1);
	done(&b, s2);
}

static void test_balancer_pair_fails_over(void **state)
{
	(void)state;
	/* One balancer of a pair dies for good.  Active-passive: nothing
	 * answers for the 30 s failover (all 502).  Active-active: half the
	 * clients keep reaching the dead one for those 30 s.  A single
	 * balancer: the rest of the run is lost. */
	const char *fmt = "simulation: {duration: 600s, warmup: 60s, replications: 4, seed: 34}\n"
			  "workloads:\n  - {name: w, target: lb, rate: 400/s}\n"
			  "nodes:\n  - {name: lb, kind: load_balancer, targets: web, %s}\n"
			  "  - {name: web, kind: server, instances: 2, cores: 2, service: exp(4ms)}\n"
			  "failures:\n  - {node: lb, %sat: 5m}\n";
	char yaml[1024];
	struct results ap, aa, one;
	snprintf(yaml, sizeof yaml, fmt, "instances: 2, failover: active_passive, failover_time: 30s", "instance: 1, ");
	struct scenario *s1 = run(yaml, &ap);
	snprintf(yaml, sizeof yaml, fmt, "instances: 2, failover: active_active, failover_time: 30s", "instance: 1, ");
	struct scenario *s2 = run(yaml, &aa);
	snprintf(yaml, sizeof yaml, fmt, "instances: 1", "");
	struct scenario *s3 = run(yaml, &one);
	assert_near(mean_of(&ap, "e2e", "status_502"), 400 * 30, 400 * 30 * 0.05);
	assert_near(mean_of(&ap, "e2e", "time_availability"), 1 - 30.0 / 600, 1e-9);
	assert_near(mean_of(&aa, "e2e", "status_502"), 400 * 30 / 2.0, 400 * 30 / 2.0 * 0.05);
	assert_near(mean_of(&aa, "e2e", "time_availability"), 1, 0);
	assert_near(mean_of(&one, "e2e", "time_availability"), 1 - 360.0 / 600, 1e-9);
	const char *spofs[4];
	assert_int_equal(report_spofs(&aa, spofs, 4), 0);
	assert_int_equal(report_spofs(&one, spofs, 4), 1);
	done(&ap, s1);
	done(&aa, s2);
	done(&one, s3);
}

static void test_connect_timeout_is_a_faster_504(void **state)
{
	(void)state;
	/* The link between the balancer and web is partitioned for 20 s: the
	 * connections cannot be made, and the 2 s connect timeout answers 504
	 * long before the 60 s idle timeout would. */
	const char *yaml = "simulation: {duration: 100s, warmup: 0s, replications: 4, seed: 35}\n"
			   "workloads:\n  - {name: w, target: lb, rate: 100/s}\n"
			   "nodes:\n  - {name: lb, kind: load_balancer, targets: web, connect_timeout: 2s}\n"
			   "  - {name: web, kind: server, cores: 4, service: exp(2ms)}\n"
			   "  - {name: wire, kind: link, between: [lb, web], latency: 1ms}\n"
			   "failures:\n  - {node: wire, at: 40s, for: 20s}\n";
	struct results res;
	struct scenario *sc = run(yaml, &res);
	assert_near(mean_of(&res, "e2e", "status_504"), 100 * 20, 100 * 20 * 0.05);
	assert_near(mean_of(&res, "lb", "response_p99"), 2, 0.05);
	assert_true(mean_of(&res, "run", "in_flight_at_end") < 10);
	done(&res, sc);
}

/* The retry-storm system: a server at 70% load slowed 5x for 20 s; clients
 * give up after 500 ms and retry as `client` says. */
static struct scenario *run_storm(const char *client, struct results *res)
{
	char yaml[1024];
	snprintf(yaml, sizeof yaml,
		 "simulation: {duration: 300s, warmup: 0s, replications: 4, seed: 30, period: 10s}\n"
		 "workloads:\n  - {name: clients, target: web, rate: 280/s, timeout: 500ms%s}\n"
		 "nodes:\n  - {name: web, kind: server, cores: 4, workers: 4, queue: 2000, service: exp(10ms)}\n"
		 "failures:\n  - {node: web, at: 60s, for: 20s, mode: slow, slow: 5x}\n",
		 client);
	return run(yaml, res);
}

/* The share of web's answers that succeeded from t0 on (time series). */
static double success_after(const struct results *res, double t0)
{
	double ok = 0, all = 0;
	for (int p = 0; p < res->n_periods; p++) {
		if (p * res->sc->spec.period < t0)
			continue;
		const double *row = &res->ts[((size_t)p * res->n_nodes + 1) * TS_NCOLS];
		ok += row[TS_TARGET_2XX];
		all += row[TS_REQUESTS];
	}
	return all > 0 ? ok / all : 1;
}

static void test_retry_storm_outlasts_the_outage_and_a_breaker_stops_it(void **state)
{
	(void)state;
	struct results plain, storm, budget, breaker;
	struct scenario *s0 = run_storm("", &plain);
	struct scenario *s1 = run_storm(", retries: 3, backoff: 50ms", &storm);
	struct scenario *s2 = run_storm(", retries: 3, backoff: 50ms, retry_budget: 10%", &budget);
	struct scenario *s3 =
		run_storm(", retries: 3, backoff: 50ms, breaker_failures: 20, breaker_delay: 2s", &breaker);
	/* Without retries the system is healthy again 20 s after the slowdown. */
	assert_true(success_after(&plain, 100) > 0.99);
	/* Retries amplify the load threefold and keep it failing long after. */
	assert_true(mean_of(&storm, "clients", "attempts_per_request") > 2.5);
	assert_true(success_after(&storm, 100) < 0.5);
	assert_true(success_after(&storm, 250) < 0.5);
	/* A retry budget bounds the amplification; a breaker sheds load. */
	assert_true(mean_of(&budget, "clients", "attempts_per_request") < 1.1);
	assert_true(success_after(&budget, 100) > 0.99);
	assert_true(mean_of(&breaker, "clients", "attempts_per_request") < 1.0);
	assert_true(mean_of(&breaker, "clients", "breaker_fast_failures") > 0);
	assert_true(success_after(&breaker, 100) > 0.99);
	assert_true(mean_of(&breaker, "e2e", "success_ratio") > mean_of(&plain, "e2e", "success_ratio"));
	done(&plain, s0);
	done(&storm, s1);
	done(&budget, s2);
	done(&breaker, s3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_availability_one_instance),
		cmocka_unit_test(test_availability_redundant_instances_in_parallel),
		cmocka_unit_test(test_availability_shared_repair_crew),
		cmocka_unit_test(test_availability_series_system),
		cmocka_unit_test(test_health_check_detection_time),
		cmocka_unit_test(test_no_healthy_target_is_503_or_fail_open),
		cmocka_unit_test(test_database_down_is_a_target_5xx),
		cmocka_unit_test(test_slowdown_multiplies_service_times),
		cmocka_unit_test(test_hung_target_is_a_504_after_the_idle_timeout),
		cmocka_unit_test(test_client_timeout_is_a_460),
		cmocka_unit_test(test_server_call_timeout_is_a_500),
		cmocka_unit_test(test_retry_storm_outlasts_the_outage_and_a_breaker_stops_it),
		cmocka_unit_test(test_database_failover_costs_the_promotion_delay),
		cmocka_unit_test(test_partition_loses_messages_until_timeouts),
		cmocka_unit_test(test_balancer_retries_a_refused_connection_elsewhere),
		cmocka_unit_test(test_balancer_pair_fails_over),
		cmocka_unit_test(test_connect_timeout_is_a_faster_504),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
