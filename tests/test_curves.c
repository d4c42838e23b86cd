/*
 * test_curves.c - the closed forms the pictures draw beside the
 * simulation (cli/theory.c), against independent computations: M/M/1's
 * mean and quantiles in closed form, Erlang's C by Erlang B's recursion,
 * and an M/M/c quantile by integrating the wait's and the service's
 * densities numerically.
 */
#include "../cli/theory.h"
#include "testutil.h"

static void test_mm1_closed_forms(void **state)
{
	(void)state;
	double mean, p99, p50;
	assert_int_equal(mmc_response(1, 800, 1000, 0.99, &mean, &p99), 0);
	assert_near(mean, 1 / 200.0, 1e-12);
	assert_near(p99, log(100) / 200, 1e-9); /* M/M/1's response is exponential of rate mu - lambda */
	assert_int_equal(mmc_response(1, 800, 1000, 0.5, &mean, &p50), 0);
	assert_near(p50, log(2) / 200, 1e-9);
	assert_int_equal(mmc_response(1, 1000, 1000, 0.99, &mean, &p99), -1); /* no steady state */
}

/* Erlang B by its recursion, then C from B. */
static double erlang_c_from_b(long c, double a)
{
	double b = 1;
	for (long k = 1; k <= c; k++)
		b = a * b / ((double)k + a * b);
	return (double)c * b / ((double)c - a * (1 - b));
}

static void test_erlang_c(void **state)
{
	(void)state;
	for (long c = 1; c <= 40; c += 3)
		for (double load = 0.1; load < 0.99; load += 0.11) {
			double a = load * (double)c;
			assert_near(erlang_c(c, a), erlang_c_from_b(c, a), 1e-12);
		}
	assert_near(erlang_c(10, 9), 0.6687, 1e-4); /* a textbook value */
}

/* P(T > t) for M/M/c by numbers: the wait is 0 with probability 1 - C,
 * else exponential of rate theta; the service exponential of rate mu. */
static double tail_numeric(double t, double C, double theta, double mu)
{
	double within = 0; /* a wait w in (0, t), then a service past t - w */
	int n = 200000;
	double h = t / n;
	for (int i = 0; i < n; i++) {
		double w = (i + 0.5) * h;
		within += theta * exp(-theta * w) * exp(-mu * (t - w)) * h;
	}
	return (1 - C) * exp(-mu * t) + C * (exp(-theta * t) + within);
}

static void test_mmc_quantile(void **state)
{
	(void)state;
	long c = 4;
	double lambda = 340, mu = 100, mean, q99;
	assert_int_equal(mmc_response(c, lambda, mu, 0.99, &mean, &q99), 0);
	double C = erlang_c_from_b(c, lambda / mu), theta = (double)c * mu - lambda;
	assert_near(mean, 1 / mu + C / theta, 1e-12);
	assert_near(tail_numeric(q99, C, theta, mu), 0.01, 1e-6);
}

/* A run's latency distribution: the replications' mean quantile at each
 * level, rising, the median the summary's p50, the 99.9% its p99.9, and
 * for M/M/1 (mean 5 ms) each quantile near -ln(1 - p) x 5 ms. */
static void test_run_latency_distribution(void **state)
{
	(void)state;
	struct scenario *sc =
		load_text("simulation: {duration: 5m, warmup: 30s, replications: 4, seed: 3}\n"
			  "workloads: [{name: w, target: s, rate: 800/s}]\n"
			  "nodes: [{name: s, kind: server, cores: 1, queue: unlimited, service: exp(1ms)}]\n");
	struct results res;
	run_all(sc, &res);
	assert_near(net_cdf_level[NET_CDF_LEVELS - 1], 0.9999, 0);
	for (int q = 1; q < NET_CDF_LEVELS; q++) {
		assert_true(net_cdf_level[q] > net_cdf_level[q - 1]);
		assert_true(res.cdf_mean[q] >= res.cdf_mean[q - 1]);
	}
	for (int q = 0; q < NET_CDF_LEVELS; q++)
		if (net_cdf_level[q] == 0.5)
			assert_near(res.cdf_mean[q], mean_of(&res, "e2e", "latency_p50"), 1e-12);
		else if (net_cdf_level[q] == 0.999)
			assert_near(res.cdf_mean[q], mean_of(&res, "e2e", "latency_p99.9"), 1e-12);
		else if (net_cdf_level[q] >= 0.1 &&
			 net_cdf_level[q] <= 0.99) { /* the histogram's resolution and noise */
			double theory = -log(1 - net_cdf_level[q]) * 0.005;
			assert_true(fabs(res.cdf_mean[q] - theory) < 0.05 * theory + 3 * res.cdf_half[q]);
		}
	results_release(&res);
	scenario_free(sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mm1_closed_forms),
		cmocka_unit_test(test_erlang_c),
		cmocka_unit_test(test_mmc_quantile),
		cmocka_unit_test(test_run_latency_distribution),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
