/*
 * test_theory.c - simulated results against closed-form queueing theory.
 *
 * Each check runs a scenario for 10 independent replications and asserts
 * that the theoretical value lies inside the run's own 99.9% Student-t
 * interval (testutil.h explains the level), and that the interval is
 * narrow (under 5% of the value), so a check cannot pass by being vague.
 * Warm-ups are long against the relaxation time of each system, so the
 * initial empty state does not bias the means.
 */
#include "testutil.h"

#include "../sim/engine/rng.h"

/* Erlang C: probability that an arrival waits in M/M/c with offered load a = lambda*S. */
static double erlang_c(int c, double a)
{
	double term = 1, sum = 1; /* k = 0 */
	for (int k = 1; k < c; k++) {
		term *= a / k;
		sum += term;
	}
	double last = term * a / c / (1 - a / c);
	return last / (sum + last);
}

/* Mean response time of M/M/c. */
static double mmc_response(int c, double lambda, double S)
{
	double a = lambda * S;
	return S + erlang_c(c, a) * S / (c - a);
}

static struct results run_text(const char *yaml, struct scenario **sc)
{
	struct results res;
	*sc = load_text(yaml);
	run_all(*sc, &res);
	return res;
}

static void done(struct results *res, struct scenario *sc)
{
	results_release(res);
	scenario_free(sc);
}

static void check_mm1(double rho)
{
	char yaml[1024];
	double S = 0.001, lambda = rho / S;
	/* Relaxation time grows like 1/(1-sqrt(rho))^2: scale the run with it. */
	double relax = S / ((1 - sqrt(rho)) * (1 - sqrt(rho)));
	snprintf(yaml, sizeof yaml,
		 "simulation: {duration: %.0fs, warmup: %.0fs, replications: 10, seed: 3}\n"
		 "workloads:\n  - {name: w, target: q, rate: %g/s}\n"
		 "nodes:\n  - {name: q, kind: server, cores: 1, workers: 1, queue: unlimited, service: exp(1ms)}\n",
		 fmax(200, ceil(4000 * relax)), ceil(200 * relax), lambda);
	struct scenario *sc;
	struct results res = run_text(yaml, &sc);
	assert_theory(&res, "e2e", "latency_mean", S / (1 - rho));
	assert_theory(&res, "q", "response_mean", S / (1 - rho));
	assert_theory(&res, "q", "utilization", rho);
	assert_theory(&res, "q", "mean_waiting", rho * rho / (1 - rho));
	assert_theory(&res, "e2e", "served_throughput", lambda);
	/* The median of M/M/1's exponential response time: ln 2 * R. */
	assert_theory(&res, "e2e", "latency_p50", log(2) * S / (1 - rho));
	done(&res, sc);
}

static void test_theory_mm1_light_load(void **state)
{
	(void)state;
	check_mm1(0.3);
}

static void test_theory_mm1_medium_load(void **state)
{
	(void)state;
	check_mm1(0.7);
}

static void test_theory_mm1_heavy_load(void **state)
{
	(void)state;
	check_mm1(0.9);
}

static void test_theory_mmc_erlang_c(void **state)
{
	(void)state;
	/* 4 cores, 4 ms each, 850/s: a = 3.4, rho = 0.85. */
	const char *yaml =
		"simulation: {duration: 300s, warmup: 20s, replications: 10, seed: 4}\n"
		"workloads:\n  - {name: w, target: web, rate: 850/s}\n"
		"nodes:\n  - {name: web, kind: server, cores: 4, workers: 4, queue: unlimited, service: exp(4ms)}\n";
	struct scenario *sc;
	struct results res = run_text(yaml, &sc);
	double R = mmc_response(4, 850, 0.004);
	assert_theory(&res, "e2e", "latency_mean", R);
	assert_theory(&res, "web", "utilization", 0.85);
	assert_theory(&res, "web", "mean_waiting", 850 * (R - 0.004));
	/* The wait before service: P(wait) is Erlang C's C, the mean wait
	 * C S/(c - a), and the wait beyond it exponential at c mu - lambda,
	 * so the 90th percentile is ln(C / 0.1) / (c mu - lambda) (the 99th
	 * would need a longer run for an interval within 5%). */
	double C = erlang_c(4, 3.4), gap = 4 / 0.004 - 850;
	assert_theory(&res, "web", "p_wait", C);
	assert_theory(&res, "web", "wait_mean", C * 0.004 / (4 - 3.4));
	assert_theory(&res, "web", "wait_p90", log(C / 0.1) / gap);
	assert_theory(&res, "web", "own_response_mean", R); /* it calls nothing */
	done(&res, sc);
}

static void test_theory_mmck_blocking(void **state)
{
	(void)state;
	/* M/M/2/5: 2 workers, 3 waiting places, lambda = 600/s, S = 4 ms (a = 2.4). */
	const char *yaml = "simulation: {duration: 200s, warmup: 10s, replications: 10, seed: 5}\n"
			   "workloads:\n  - {name: w, target: s, rate: 600/s}\n"
			   "nodes:\n  - {name: s, kind: server, cores: 2, workers: 2, queue: 3, service: exp(4ms)}\n";
	int c = 2, K = 5;
	double lambda = 600, S = 0.004, a = lambda * S, p[6], sum = 0, L = 0;
	for (int n = 0; n <= K; n++) {
		p[n] = n <= c ? pow(a, n) / tgamma(n + 1) : pow(a, c) / tgamma(c + 1) * pow(a / c, n - c);
		sum += p[n];
	}
	for (int n = 0; n <= K; n++) {
		p[n] /= sum;
		L += n * p[n];
	}
	struct scenario *sc;
	struct results res = run_text(yaml, &sc);
	assert_theory(&res, "s", "rejection_ratio", p[K]);
	assert_theory(&res, "e2e", "latency_mean", L / (lambda * (1 - p[K])));
	assert_theory(&res, "e2e", "served_throughput", lambda * (1 - p[K]));
	/* Refused connections come back as 502s, and nothing else fails. */
	struct ci s502 = metric_ci(&res, "e2e", "status_502", 0.99);
	struct ci all = metric_ci(&res, "e2e", "requests", 0.99);
	struct ci ok = metric_ci(&res, "e2e", "status_2xx", 0.99);
	assert_near(s502.mean + ok.mean, all.mean, 1e-6);
	done(&res, sc);
}

static void test_theory_md1_pollaczek_khinchine(void **state)
{
	(void)state;
	/* M/G/1 with constant service: R = S + rho S / (2 (1 - rho)). */
	const char *yaml = "simulation: {duration: 200s, warmup: 10s, replications: 10, seed: 6}\n"
			   "workloads:\n  - {name: w, target: s, rate: 800/s}\n"
			   "nodes:\n  - {name: s, kind: server, service: const(1ms), queue: unlimited}\n";
	struct scenario *sc;
	struct results res = run_text(yaml, &sc);
	assert_theory(&res, "e2e", "latency_mean", 0.001 + 0.8 * 0.001 / (2 * 0.2));
	done(&res, sc);
}

static void test_theory_mg1_high_variance(void **state)
{
	(void)state;
	/* M/G/1 with gamma(1ms, cv 2): R = S + rho S (1 + cv^2) / (2 (1 - rho)). */
	const char *yaml = "simulation: {duration: 1500s, warmup: 50s, replications: 10, seed: 8}\n"
			   "workloads:\n  - {name: w, target: s, rate: 600/s}\n"
			   "nodes:\n  - {name: s, kind: server, service: 'gamma(1ms, 2)', queue: unlimited}\n";
	struct scenario *sc;
	struct results res = run_text(yaml, &sc);
	assert_theory(&res, "e2e", "latency_mean", 0.001 + 0.6 * 0.001 * 5 / (2 * 0.4));
	done(&res, sc);
}

static void test_theory_jackson_tandem(void **state)
{
	(void)state;
	/* Open tandem LB (1 server, 0.5 ms) -> web (4 cores, 4 ms) -> DB (1 server, 1 ms)
	 * at 800/s: a Jackson network, so the mean response time is the sum of the
	 * stations' M/M/c response times. */
	const char *yaml =
		"simulation: {duration: 300s, warmup: 20s, replications: 10, seed: 9}\n"
		"workloads:\n  - {name: w, target: lb, rate: 800/s}\n"
		"nodes:\n"
		"  - {name: lb, kind: load_balancer, targets: web, service: exp(0.5ms), surge_queue: unlimited}\n"
		"  - {name: web, kind: server, cores: 4, workers: 10000, queue: unlimited, service: exp(4ms), calls: "
		"[db]}\n"
		"  - {name: db, kind: database, workers: 10000, queue: unlimited, service: exp(1ms)}\n";
	struct scenario *sc;
	struct results res = run_text(yaml, &sc);
	double r_lb = 0.0005 / (1 - 0.4), r_web = mmc_response(4, 800, 0.004), r_db = 0.001 / (1 - 0.8);
	assert_theory(&res, "e2e", "latency_mean", r_lb + r_web + r_db);
	assert_theory(&res, "db", "response_mean", r_db);
	/* Each tier's own share, apart from its callees: the M/M/c of web
	 * alone, and the balancer's M/M/1. */
	assert_theory(&res, "web", "own_response_mean", r_web);
	assert_theory(&res, "lb", "own_response_mean", r_lb);
	assert_theory(&res, "db", "p_wait", 0.8);
	assert_theory(&res, "lb", "utilization", 0.4);
	assert_theory(&res, "web", "utilization", 0.8);
	assert_theory(&res, "db", "utilization", 0.8);
	done(&res, sc);
}

static void test_theory_random_balancing_splits_poisson(void **state)
{
	(void)state;
	/* Random routing over 3 instances of 2 cores: each instance is an M/M/2
	 * at a third of the rate (a split Poisson stream is Poisson). */
	const char *yaml =
		"simulation: {duration: 300s, warmup: 20s, replications: 10, seed: 10}\n"
		"workloads:\n  - {name: w, target: lb, rate: 1200/s}\n"
		"nodes:\n"
		"  - {name: lb, kind: load_balancer, targets: web, policy: random, service: const(0s)}\n"
		"  - {name: web, kind: server, instances: 3, cores: 2, queue: unlimited, service: exp(4ms)}\n";
	struct scenario *sc;
	struct results res = run_text(yaml, &sc);
	assert_theory(&res, "e2e", "latency_mean", mmc_response(2, 400, 0.004));
	assert_theory(&res, "web", "utilization", 0.8);
	done(&res, sc);
}

static void test_theory_closed_network_mva(void **state)
{
	(void)state;
	/* 8 users thinking exp(100ms) against web CPU (20 ms) and a DB (15 ms):
	 * a closed product-form network, solved exactly by mean value analysis.
	 * Unsaturated on purpose (web near 80%): with 30 users the web CPU is
	 * saturated and X only measures the sample mean of the service times. */
	const char *yaml = "simulation: {duration: 600s, warmup: 30s, replications: 10, seed: 11}\n"
			   "workloads:\n  - {name: users, target: web, users: 8, think: exp(100ms)}\n"
			   "nodes:\n"
			   "  - {name: web, kind: server, workers: 1000, service: exp(20ms), calls: [db]}\n"
			   "  - {name: db, kind: database, workers: 1000, service: exp(15ms)}\n";
	double D[2] = {0.020, 0.015}, Q[2] = {0, 0}, Z = 0.100, X = 0, R = 0;
	for (int n = 1; n <= 8; n++) {
		double r[2];
		R = 0;
		for (int k = 0; k < 2; k++) {
			r[k] = D[k] * (1 + Q[k]);
			R += r[k];
		}
		X = n / (Z + R);
		for (int k = 0; k < 2; k++)
			Q[k] = X * r[k];
	}
	struct scenario *sc;
	struct results res = run_text(yaml, &sc);
	assert_theory(&res, "e2e", "served_throughput", X);
	assert_theory(&res, "e2e", "latency_mean", R);
	assert_theory(&res, "web", "utilization", X * D[0]);
	done(&res, sc);
}

static void test_theory_sync_worker_pool_is_an_mmc_on_workers(void **state)
{
	(void)state;
	/* A sync server with 4 workers whose requests each hold a worker for a
	 * DB call of exp(8ms) on an ample DB: with negligible CPU the worker
	 * pool is itself an M/M/4 whose service is the DB time. */
	const char *yaml = "simulation: {duration: 300s, warmup: 20s, replications: 10, seed: 12}\n"
			   "workloads:\n  - {name: w, target: web, rate: 400/s}\n"
			   "nodes:\n"
			   "  - {name: web, kind: server, cores: 4, workers: 4, queue: unlimited, service: const(0s), "
			   "calls: [db]}\n"
			   "  - {name: db, kind: database, cores: 1000, workers: 1000, service: exp(8ms)}\n";
	struct scenario *sc;
	struct results res = run_text(yaml, &sc);
	assert_theory(&res, "e2e", "latency_mean", mmc_response(4, 400, 0.008));
	done(&res, sc);
}

static void test_theory_cache_hits_split_the_stream(void **state)
{
	(void)state;
	/* A cache that hits 70% of lookups (1 core, exp(0.2ms)) in front of a
	 * database (exp(2ms)): misses form a Poisson stream of 30% of the rate,
	 * a Jackson network with probabilistic routing, so the mean response is
	 * W_cache + 0.3 W_db with both M/M/1. */
	const char *yaml =
		"simulation: {duration: 300s, warmup: 20s, replications: 10, seed: 15}\n"
		"workloads:\n  - {name: w, target: c, rate: 1000/s}\n"
		"nodes:\n  - {name: c, kind: cache, backend: db, hit_ratio: 70%, service: exp(200us), cores: 1}\n"
		"  - {name: db, kind: database, workers: 1000, queue: unlimited, service: exp(2ms)}\n";
	struct scenario *sc;
	struct results res = run_text(yaml, &sc);
	double w_cache = 0.0002 / (1 - 0.2), w_db = 0.002 / (1 - 0.6);
	assert_theory(&res, "e2e", "latency_mean", w_cache + 0.3 * w_db);
	assert_theory(&res, "db", "response_mean", w_db);
	assert_theory(&res, "db", "throughput", 300);
	assert_theory(&res, "c", "hit_ratio", 0.7);
	done(&res, sc);
}

static void test_theory_link_shares_its_bandwidth(void **state)
{
	(void)state;
	/* Answers of 100 KB cross a 10 Mbps link: 80 ms each alone.  At 7.5/s
	 * the link is 60% busy, and transfers sharing its bandwidth fairly form
	 * an M/D/1 processor-sharing queue, whose mean time is insensitive to
	 * the size distribution: 80 ms / (1 - 0.6) = 200 ms.  The server takes
	 * no time and the requests (0 bytes) cross at once; the answer adds its
	 * 1 ms of latency. */
	const char *yaml = "simulation: {duration: 3000s, warmup: 100s, replications: 10, seed: 17}\n"
			   "workloads:\n  - {name: w, target: s, rate: 7.5/s, request_size: 0B, response_size: 100KB}\n"
			   "nodes:\n  - {name: s, kind: server, cores: 1000, workers: 1000, service: const(0s)}\n"
			   "  - {name: wire, kind: link, between: [w, s], latency: 1ms, bandwidth: 10Mbps}\n";
	struct scenario *sc;
	struct results res = run_text(yaml, &sc);
	assert_theory(&res, "e2e", "latency_mean", 0.001 + 0.080 / (1 - 0.6) + 0.001);
	assert_theory(&res, "wire", "utilization", 0.6);
	done(&res, sc);
}

static void test_theory_repeated_and_probabilistic_calls(void **state)
{
	(void)state;
	/* web calls db three times in a row and search one time in five:
	 * db sees 3 x 100/s, search 0.2 x 100/s, both Poisson (Jackson), and
	 * the mean response is web's + 3 db's + 0.2 search's. */
	const char *yaml =
		"simulation: {duration: 400s, warmup: 20s, replications: 10, seed: 18}\n"
		"workloads:\n  - {name: w, target: web, rate: 100/s}\n"
		"nodes:\n  - {name: web, kind: server, cores: 1, workers: 1000, queue: unlimited, service: exp(2ms),"
		" calls: [db*3, search?0.2]}\n"
		"  - {name: db, kind: database, workers: 1000, queue: unlimited, service: exp(2ms)}\n"
		"  - {name: search, kind: server, workers: 1000, queue: unlimited, service: exp(10ms)}\n";
	struct scenario *sc;
	struct results res = run_text(yaml, &sc);
	double w_web = 0.002 / (1 - 0.2), w_db = 0.002 / (1 - 0.6), w_search = 0.010 / (1 - 0.2);
	assert_theory(&res, "db", "throughput", 300);
	assert_theory(&res, "search", "throughput", 20);
	assert_theory(&res, "db", "response_mean", w_db);
	assert_theory(&res, "e2e", "latency_mean", w_web + 3 * w_db + 0.2 * w_search);
	done(&res, sc);
}

static void test_theory_message_queue_is_an_mmc(void **state)
{
	(void)state;
	/* Producers at 80/s, 4 consumers working exp(40ms) each: the messages
	 * wait as in an M/M/4 (Erlang C, a = 3.2), while producers get their
	 * 202 after the 1 ms accept, whatever the consumers do. */
	const char *yaml =
		"simulation: {duration: 6000s, warmup: 30s, replications: 10, seed: 19}\n"
		"workloads:\n  - {name: w, target: q, rate: 80/s}\n"
		"nodes:\n  - {name: q, kind: queue, consumers: 4, process: exp(40ms), capacity: unlimited}\n";
	struct scenario *sc;
	struct results res = run_text(yaml, &sc);
	double a = 80 * 0.040;
	assert_theory(&res, "q", "message_wait_mean", erlang_c(4, a) * 0.040 / (4 - a));
	assert_theory(&res, "q", "utilization", 0.8);
	/* A constant accept: exact, not a statistical check. */
	assert_near(res.ci[metric_index(&res, "e2e", "latency_mean")].mean, 0.001, 1e-12);
	assert_theory(&res, "q", "messages_done", 80 * 6000);
	done(&res, sc);
}

static void test_theory_classes_share_an_mg1(void **state)
{
	(void)state;
	/* Two classes at one FCFS server: 70% browse exp(4ms), 30% buy exp(20ms).
	 * The mixture is an M/G/1; every class waits the same Pollaczek-Khinchine
	 * Wq and then takes its own service. */
	const char *yaml = "simulation: {duration: 1500s, warmup: 60s, replications: 10, seed: 21}\n"
			   "workloads:\n  - name: w\n    target: q\n    rate: 60/s\n"
			   "    mix: [{class: browse, weight: 70%}, {class: buy, weight: 30%}]\n"
			   "nodes:\n  - {name: q, kind: server, workers: 1, queue: unlimited, service: exp(4ms),\n"
			   "     classes: [{class: buy, service: exp(20ms)}]}\n";
	struct scenario *sc;
	struct results res = run_text(yaml, &sc);
	double lambda = 60, es = 0.7 * 0.004 + 0.3 * 0.020, es2 = 0.7 * 2 * 16e-6 + 0.3 * 2 * 400e-6;
	double rho = lambda * es, wq = lambda * es2 / (2 * (1 - rho));
	assert_theory(&res, "q", "utilization", rho);
	assert_theory(&res, "class:browse", "latency_mean", wq + 0.004);
	assert_theory(&res, "class:buy", "latency_mean", wq + 0.020);
	assert_theory(&res, "class:buy", "served_throughput", 0.3 * lambda);
	done(&res, sc);
}

static void test_theory_fork_join_of_two_mm1(void **state)
{
	(void)state;
	/* 'a+b' calls two M/M/1 servers at once and waits for both.  For two
	 * identical M/M/1 the fork-join mean is exact (Flatto and Hahn; Nelson
	 * and Tantawi): (12 - rho)/8 times one server's 1/(mu - lambda). */
	const char *yaml =
		"simulation: {duration: 300s, warmup: 30s, replications: 10, seed: 22}\n"
		"workloads:\n  - {name: w, target: web, rate: 50/s}\n"
		"nodes:\n"
		"  - {name: web, kind: server, cores: 1000, workers: 100000, service: const(0s), calls: [a+b]}\n"
		"  - {name: a, kind: server, workers: 1, queue: unlimited, service: exp(10ms)}\n"
		"  - {name: b, kind: server, workers: 1, queue: unlimited, service: exp(10ms)}\n";
	struct scenario *sc;
	struct results res = run_text(yaml, &sc);
	double r1 = 1 / (100.0 - 50.0);
	assert_theory(&res, "a", "response_mean", r1);
	assert_theory(&res, "b", "throughput", 50);
	assert_theory(&res, "web", "response_mean", (12 - 0.5) / 8 * r1);
	done(&res, sc);
}

static void test_theory_read_replicas_split_poisson(void **state)
{
	(void)state;
	/* 300 queries/s, 20% writes, 2 read replicas, all exp(2ms): the primary
	 * is an M/M/1 at 60/s; each replica takes half the reads (a split
	 * Poisson stream, 120/s) plus every write (the primary's departures,
	 * Poisson by Burke's theorem, 60/s): an M/M/1 at 180/s. */
	const char *yaml =
		"simulation: {duration: 300s, warmup: 20s, replications: 10, seed: 23}\n"
		"workloads:\n  - {name: w, target: db, rate: 300/s}\n"
		"nodes:\n"
		"  - {name: db, kind: database, replicas: 2, writes: 20%, queue: unlimited, service: exp(2ms)}\n";
	struct scenario *sc;
	struct results res = run_text(yaml, &sc);
	double r_primary = 0.002 / (1 - 0.12), r_replica = 0.002 / (1 - 0.36);
	assert_theory(&res, "db/primary", "utilization", 0.12);
	assert_theory(&res, "db/r1", "utilization", 0.36);
	assert_theory(&res, "db/r2", "throughput", 120);
	assert_theory(&res, "db", "response_mean", 0.2 * r_primary + 0.8 * r_replica);
	done(&res, sc);
}

static void test_theory_shards_follow_key_popularity(void **state)
{
	(void)state;
	/* Keys 1..1000 with Zipf popularity 1/k, each on shard hash(k) mod 4:
	 * each shard receives the total popularity of its keys. */
	const char *yaml = "simulation: {duration: 200s, warmup: 10s, replications: 10, seed: 24}\n"
			   "workloads:\n  - {name: w, target: db, rate: 400/s}\n"
			   "nodes:\n"
			   "  - {name: db, kind: database, shards: 4, keys: 1000, skew: 1x, service: exp(1ms)}\n";
	struct scenario *sc;
	struct results res = run_text(yaml, &sc);
	double w[4] = {0}, total = 0;
	for (int k = 1; k <= 1000; k++) {
		w[rng_mix64((uint64_t)k) % 4] += 1.0 / k;
		total += 1.0 / k;
	}
	for (int s = 0; s < 4; s++) {
		char scope[16];
		snprintf(scope, sizeof scope, "db/s%d", s);
		assert_theory(&res, scope, "throughput", 400 * w[s] / total);
		assert_theory(&res, scope, "utilization", 0.4 * w[s] / total);
	}
	done(&res, sc);
}

static void test_theory_connection_pool_is_an_erlang_c(void **state)
{
	(void)state;
	/* A pool of 4 connections in front of a node that serves every call at
	 * once in exp(10ms): the connections are the servers of an M/M/4, and
	 * a call waits for one as an Erlang C queue says (offered load 3). */
	const char *yaml =
		"simulation: {duration: 800s, warmup: 20s, replications: 10, seed: 25}\n"
		"workloads:\n  - {name: w, target: web, rate: 300/s}\n"
		"nodes:\n"
		"  - {name: web, kind: server, cores: 1000, workers: 100000, service: const(0s), calls: [ext],\n"
		"     pool: 4, pool_timeout: 1h}\n"
		"  - {name: ext, kind: server, cores: 1000, workers: 100000, service: exp(10ms)}\n";
	struct scenario *sc;
	struct results res = run_text(yaml, &sc);
	double wq = erlang_c(4, 3) * 0.010 / (4 - 3);
	assert_theory(&res, "web", "pool_wait_mean", wq);
	assert_theory(&res, "web", "response_mean", wq + 0.010);
	done(&res, sc);
}

static void test_theory_cpu_before_and_after_calls(void **state)
{
	(void)state;
	/* service and service_after, both exp(5ms), on one core with a call of
	 * no duration between: two visits per request to the same FCFS
	 * exponential station, a product-form network (BCMP) equal to an M/M/1
	 * at twice the rate, visited twice. */
	const char *yaml = "simulation: {duration: 300s, warmup: 20s, replications: 10, seed: 26}\n"
			   "workloads:\n  - {name: w, target: web, rate: 40/s}\n"
			   "nodes:\n"
			   "  - {name: web, kind: server, workers: 100000, queue: unlimited, service: exp(5ms),\n"
			   "     service_after: exp(5ms), calls: [noop]}\n"
			   "  - {name: noop, kind: server, cores: 1000, workers: 100000, service: const(0s)}\n";
	struct scenario *sc;
	struct results res = run_text(yaml, &sc);
	assert_theory(&res, "web", "utilization", 0.4);
	assert_theory(&res, "web", "response_mean", 2 / (200.0 - 80.0));
	done(&res, sc);
}

static void test_theory_bursts_average_to_the_mmpp_rate(void **state)
{
	(void)state;
	/* Gaps of mean 20 s at 100/s, bursts of mean 5 s at 500/s, both
	 * exponential: a two-state MMPP whose long-run rate weighs each rate by
	 * the share of time spent in its state, (100*20 + 500*5)/25 = 180/s. */
	const char *yaml = "simulation: {duration: 4000s, warmup: 10s, replications: 10, seed: 27}\n"
			   "workloads:\n  - {name: w, target: web, rate: 100/s, burst_rate: 500/s, burst_length: 5s,\n"
			   "     burst_gap: 20s}\n"
			   "nodes:\n  - {name: web, kind: server, cores: 8, service: exp(1ms)}\n";
	struct scenario *sc;
	struct results res = run_text(yaml, &sc);
	assert_theory(&res, "e2e", "offered_throughput", 180);
	assert_theory(&res, "web", "utilization", 180 * 0.001 / 8);
	done(&res, sc);
}

static void check_cpu_pool(const char *mode)
{
	char yaml[1024];
	/* 4 cores at 800/s of exp(4ms), then a call to a node that serves
	 * every call at once in exp(10ms).  Async, or sync with threads to
	 * spare: only the CPU queues, an M/M/4, and the call adds its mean. */
	snprintf(yaml, sizeof yaml,
		 "simulation: {duration: 300s, warmup: 20s, replications: 10, seed: 28}\n"
		 "workloads:\n  - {name: w, target: web, rate: 800/s}\n"
		 "nodes:\n"
		 "  - {name: web, kind: server, cores: 4, %s, queue: unlimited, service: exp(4ms), calls: [ext]}\n"
		 "  - {name: ext, kind: server, cores: 1000, workers: 100000, service: exp(10ms)}\n",
		 mode);
	struct scenario *sc;
	struct results res = run_text(yaml, &sc);
	assert_theory(&res, "web", "utilization", 0.8);
	assert_theory(&res, "web", "response_mean", mmc_response(4, 800, 0.004) + 0.010);
	done(&res, sc);
}

static void test_theory_async_server_is_an_mmc_on_cpu(void **state)
{
	(void)state;
	check_cpu_pool("mode: async");
}

/* A delay is M/G/inf: whatever the distribution, its response is the mean
 * delay and, by Little's law, the number inside is lambda times it. */
static void test_theory_delay_is_an_m_g_infinity(void **state)
{
	(void)state;
	const char *yaml = "simulation: {duration: 300s, warmup: 10s, replications: 10, seed: 31}\n"
			   "workloads:\n  - {name: w, target: d, rate: 500/s}\n"
			   "nodes:\n  - {name: d, kind: delay, delay: \"lognormal(40ms, 60ms)\"}\n";
	struct scenario *sc;
	struct results res = run_text(yaml, &sc);
	assert_theory(&res, "d", "response_mean", 0.040);
	assert_theory(&res, "d", "mean_in_service", 500 * 0.040);
	assert_theory(&res, "e2e", "latency_mean", 0.040);
	done(&res, sc);
}

static void test_theory_sync_with_ample_workers_equals_async(void **state)
{
	(void)state;
	check_cpu_pool("mode: sync, workers: 100000");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_theory_mm1_light_load),
		cmocka_unit_test(test_theory_mm1_medium_load),
		cmocka_unit_test(test_theory_mm1_heavy_load),
		cmocka_unit_test(test_theory_mmc_erlang_c),
		cmocka_unit_test(test_theory_mmck_blocking),
		cmocka_unit_test(test_theory_md1_pollaczek_khinchine),
		cmocka_unit_test(test_theory_mg1_high_variance),
		cmocka_unit_test(test_theory_jackson_tandem),
		cmocka_unit_test(test_theory_random_balancing_splits_poisson),
		cmocka_unit_test(test_theory_closed_network_mva),
		cmocka_unit_test(test_theory_sync_worker_pool_is_an_mmc_on_workers),
		cmocka_unit_test(test_theory_cache_hits_split_the_stream),
		cmocka_unit_test(test_theory_link_shares_its_bandwidth),
		cmocka_unit_test(test_theory_repeated_and_probabilistic_calls),
		cmocka_unit_test(test_theory_message_queue_is_an_mmc),
		cmocka_unit_test(test_theory_classes_share_an_mg1),
		cmocka_unit_test(test_theory_fork_join_of_two_mm1),
		cmocka_unit_test(test_theory_read_replicas_split_poisson),
		cmocka_unit_test(test_theory_shards_follow_key_popularity),
		cmocka_unit_test(test_theory_connection_pool_is_an_erlang_c),
		cmocka_unit_test(test_theory_cpu_before_and_after_calls),
		cmocka_unit_test(test_theory_bursts_average_to_the_mmpp_rate),
		cmocka_unit_test(test_theory_async_server_is_an_mmc_on_cpu),
		cmocka_unit_test(test_theory_delay_is_an_m_g_infinity),
		cmocka_unit_test(test_theory_sync_with_ample_workers_equals_async),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
