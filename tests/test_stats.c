/* test_stats.c - tallies, time averages, confidence intervals, histograms. */
#include "testutil.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#include "../sim/engine/hist.h"
#include "../sim/engine/rng.h"

static void test_tally_matches_gsl_mean_and_variance(void **state)
{
	(void)state;
	double x[1000];
	struct tally t = {0}, a = {0}, b = {0};
	struct rng r;
	rng_init(&r, 5, 0, "tally");
	for (int i = 0; i < 1000; i++) {
		x[i] = 1e3 + rng_uniform(&r); /* an offset that breaks naive sums of squares */
		tally_add(&t, x[i]);
		tally_add(i < 300 ? &a : &b, x[i]);
	}
	assert_near(t.mean, gsl_stats_mean(x, 1, 1000), 1e-9);
	assert_near(tally_var(&t), gsl_stats_variance(x, 1, 1000), 1e-9);
	tally_merge(&a, &b);
	assert_int_equal(a.n, 1000);
	assert_near(a.mean, t.mean, 1e-9);
	assert_near(tally_var(&a), tally_var(&t), 1e-9);
	rng_release(&r);
}

static void test_tavg_is_the_time_weighted_mean(void **state)
{
	(void)state;
	struct tavg a = {0};
	tavg_reset(&a, 0);
	tavg_set(&a, 0, 2); /* 2 on [0, 1) */
	tavg_set(&a, 1, 4); /* 4 on [1, 4) */
	tavg_set(&a, 4, 0); /* 0 on [4, 5] */
	assert_near(tavg_mean(&a, 5), (2 * 1 + 4 * 3 + 0) / 5.0, 1e-12);
	assert_near(a.max, 4, 0);
	tavg_reset(&a, 5); /* warm-up deletion keeps the current value */
	tavg_set(&a, 6, 1);
	assert_near(tavg_mean(&a, 8), (0 * 1 + 1 * 2) / 3.0, 1e-12);
}

static void test_ci_uses_student_t(void **state)
{
	(void)state;
	double x[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
	struct ci c = ci_compute(x, 10, 0.95);
	double sd = gsl_stats_sd(x, 1, 10);
	assert_near(c.mean, 5.5, 1e-12);
	assert_near(c.sd, sd, 1e-12);
	/* t(0.975, 9) = 2.262157... */
	assert_near(c.half, 2.2621571627409915 * sd / sqrt(10), 1e-9);
	struct ci one = ci_compute(x, 1, 0.95);
	assert_near(one.half, 0, 0);
}

static void test_hist_quantile_error_is_within_the_bound(void **state)
{
	(void)state;
	/* Exact quantiles of exponential(1 ms): the histogram of 100,000 points
	 * placed at the i/n quantiles must reproduce them within the stated
	 * bound, 1/128 of the value. */
	struct hist h;
	hist_init(&h);
	int n = 100000;
	for (int i = 0; i < n; i++)
		hist_add(&h, -1e-3 * log(1 - (i + 0.5) / n));
	static const double qs[] = {0.01, 0.1, 0.5, 0.9, 0.99, 0.999};
	for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++) {
		double exact = -1e-3 * log(1 - qs[k]);
		assert_near(hist_quantile(&h, qs[k]), exact, exact / 128);
	}
	hist_release(&h);
}

static void test_hist_counts_underflow_and_overflow(void **state)
{
	(void)state;
	struct hist a, b;
	hist_init(&a);
	hist_init(&b);
	hist_add(&a, 1e-9); /* below 1 us */
	hist_add(&a, 5e3);  /* above the top */
	hist_add(&a, 0.01);
	for (int i = 0; i < 7; i++)
		hist_add(&b, 0.02);
	hist_merge(&a, &b);
	assert_int_equal(a.n, 10);
	assert_int_equal(a.under, 1);
	assert_int_equal(a.over, 1);
	/* The range's very ends, and what has no bucket: zero, negatives and
	 * NaN count as below it, infinity above. */
	struct hist c;
	hist_init(&c);
	hist_add(&c, HIST_MIN);
	hist_add(&c, nextafter(0x1p11, 0));
	assert_true(c.h->bin[0] == 1 && c.h->bin[HIST_NBINS - 1] == 1);
	hist_add(&c, nextafter(HIST_MIN, 0));
	hist_add(&c, 0.0);
	hist_add(&c, -0.0);
	hist_add(&c, -1.0);
	hist_add(&c, NAN);
	hist_add(&c, 0x1p11);
	hist_add(&c, INFINITY);
	assert_int_equal(c.under, 5);
	assert_int_equal(c.over, 2);
	assert_int_equal(c.n, 9);
	hist_release(&c);
	assert_near(hist_quantile(&a, 0.05), HIST_MIN, 0);
	assert_near(hist_quantile(&a, 1.0), 5e3, 0);
	assert_near(hist_quantile(&a, 0.5), 0.02, 0.02 / 128);
	hist_reset(&a);
	assert_int_equal(a.n, 0);
	assert_near(hist_quantile(&a, 0.5), 0, 0);
	hist_release(&a);
	hist_release(&b);
}

static void test_hist_bucket_edges_are_exact(void **state)
{
	(void)state;
	/* Values right at, below and above bucket edges land in the bucket
	 * whose range holds them (the logarithm alone can be one off). */
	struct hist h;
	hist_init(&h);
	for (size_t i = 1; i < HIST_NBINS; i += 97) {
		double e = h.h->range[i];
		hist_add(&h, e);
		assert_true(h.h->bin[i] == 1);
		hist_add(&h, nextafter(e, 0));
		assert_true(h.h->bin[i - 1] >= 1);
		hist_reset(&h);
	}
	hist_release(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tally_matches_gsl_mean_and_variance),
		cmocka_unit_test(test_tavg_is_the_time_weighted_mean),
		cmocka_unit_test(test_ci_uses_student_t),
		cmocka_unit_test(test_hist_quantile_error_is_within_the_bound),
		cmocka_unit_test(test_hist_counts_underflow_and_overflow),
		cmocka_unit_test(test_hist_bucket_edges_are_exact),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
