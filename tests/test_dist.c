/* test_dist.c - units and distributions: parsing, errors, sample moments. */
#include "testutil.h"

#include "../sim/engine/dist.h"
#include "../sim/engine/units.h"

static void test_units_parse_every_unit(void **state)
{
	(void)state;
	double v;
	long c;
	const char *err;
	assert_int_equal(units_duration("4ms", &v, &err), 0);
	assert_near(v, 0.004, 1e-15);
	assert_int_equal(units_duration(" 1.5 m ", &v, &err), 0);
	assert_near(v, 90, 0);
	assert_int_equal(units_duration("250us", &v, &err), 0);
	assert_near(v, 250e-6, 1e-18);
	assert_int_equal(units_duration("2h", &v, &err), 0);
	assert_near(v, 7200, 0);
	assert_int_equal(units_rate("800/s", &v, &err), 0);
	assert_near(v, 800, 0);
	assert_int_equal(units_rate("60/m", &v, &err), 0);
	assert_near(v, 1, 1e-12);
	assert_int_equal(units_size("10KB", &v, &err), 0);
	assert_near(v, 1e4, 0);
	assert_int_equal(units_size("1MiB", &v, &err), 0);
	assert_near(v, 1048576, 0);
	assert_int_equal(units_bandwidth("1Gbps", &v, &err), 0);
	assert_near(v, 1e9, 0);
	assert_int_equal(units_money("$0.096/h", &v, &err), 0);
	assert_near(v, 0.096, 1e-15);
	assert_int_equal(units_money("$73/month", &v, &err), 0);
	assert_near(v, 0.1, 1e-12);
	assert_int_equal(units_fraction("25%", &v, &err), 0);
	assert_near(v, 0.25, 1e-15);
	assert_int_equal(units_count("unlimited", 1, &c, &err), 0);
	assert_int_equal(units_count(" 64 ", 0, &c, &err), 0);
	assert_int_equal(c, 64);
}

static void test_units_refuse_missing_or_wrong_units(void **state)
{
	(void)state;
	double v;
	long c;
	const char *err = NULL;
	assert_int_equal(units_duration("10", &v, &err), -1);
	assert_string_equal(err, "a duration with a unit (ns, us, ms, s, m, h, d), e.g. '4ms'");
	assert_int_equal(units_duration("10 parsecs", &v, &err), -1);
	assert_int_equal(units_duration("nan s", &v, &err), -1);
	assert_int_equal(units_duration("infs", &v, &err), -1);
	assert_int_equal(units_duration("1e999s", &v, &err), -1);
	assert_int_equal(units_rate("800", &v, &err), -1);
	assert_string_equal(err, "a rate with a unit (/s, /m, /h), e.g. '800/s'");
	assert_int_equal(units_rate("800/ms", &v, &err), -1);
	assert_int_equal(units_money("0.096/h", &v, &err), -1);
	assert_int_equal(units_count("unlimited", 0, &c, &err), -1);
	assert_int_equal(units_count("2.5", 0, &c, &err), -1);
	assert_int_equal(units_count("99999999999999999999999", 0, &c, &err), -1);
}

/* Checks the sample mean of n draws against dist_mean within 4.5 standard errors. */
static void check_mean(const char *text, double expected_mean)
{
	struct dist d;
	char err[256];
	struct rng r;
	if (dist_parse(&d, text, err, sizeof err) != 0)
		fail_msg("%s: %s", text, err);
	assert_near(dist_mean(&d), expected_mean, 1e-12 * expected_mean);
	rng_init(&r, 11, 0, text);
	int n = 200000;
	struct tally t = {0};
	for (int i = 0; i < n; i++) {
		double x = dist_sample(&d, &r);
		assert_true(x >= 0);
		tally_add(&t, x);
	}
	double se = sqrt(dist_scv(&d)) * expected_mean / sqrt(n);
	assert_near(t.mean, expected_mean, 4.5 * se + 1e-15);
	/* The sample's squared coefficient of variation agrees too. */
	if (dist_scv(&d) > 0)
		assert_near(tally_var(&t) / (t.mean * t.mean), dist_scv(&d), 0.1 * dist_scv(&d));
	rng_release(&r);
}

static void test_dist_sample_means_match(void **state)
{
	(void)state;
	check_mean("const(4ms)", 0.004);
	check_mean("4ms", 0.004);
	check_mean("exp(4ms)", 0.004);
	check_mean("uniform(1ms, 3ms)", 0.002);
	/* Truncation at 5 sd still shifts the mean by sd * phi(5) / Phi(5). */
	check_mean("normal(10ms, 2ms)", 0.010 + 0.002 * 1.4867195147342977e-06 / (1 - 2.866515718791939e-07));
	check_mean("lognormal(5ms, 10ms)", 0.005);
	check_mean("gamma(4ms, 0.5)", 0.004);
	check_mean("weibull(2ms, 1.5)", 0.002 * 0.902745292950934);
	check_mean("pareto(1ms, 3.5)", 0.001 * 3.5 / 2.5);
	check_mean("hyperexp(0.9, 1ms, 10ms)", 0.9 * 0.001 + 0.1 * 0.010);
}

static void test_dist_truncated_normal_mean_is_shifted(void **state)
{
	(void)state;
	/* normal(1ms, 1ms) redraws negatives: its mean is mu + sd*phi(1)/Phi(1). */
	check_mean("normal(1ms, 1ms)", 0.001 + 0.001 * 0.24197072451914337 / 0.8413447460685429);
}

static void expect_error(const char *text, const char *message)
{
	struct dist d;
	char err[256];
	assert_int_equal(dist_parse(&d, text, err, sizeof err), -1);
	assert_string_equal(err, message);
}

static void test_dist_parse_errors_say_what_is_expected(void **state)
{
	(void)state;
	expect_error("exp(4)", "argument 1 of exp(mean) must be a duration with a unit, e.g. '4ms', not '4'");
	expect_error("exp(0s)", "exp(mean) needs a mean > 0");
	expect_error("exp(-4ms)", "exp(mean) takes no negative arguments");
	expect_error("gamma(4ms, -1)", "gamma(mean, cv) takes no negative arguments");
	expect_error("gamma(4ms)", "expected gamma(mean, cv)");
	expect_error("uniform(3ms, 1ms)", "uniform(min, max) needs min <= max");
	expect_error("pareto(1ms, 1)", "pareto(min, alpha) needs min > 0 and alpha > 1 (else the mean is infinite)");
	expect_error("expo(4ms)", "unknown distribution 'expo' (known: const, exp, uniform, normal, lognormal, gamma, "
				  "weibull, pareto, hyperexp, empirical)");
	expect_error("exp(4ms", "missing ')' in distribution 'exp(4ms'");
	expect_error("fast", "expected a distribution such as 'exp(4ms)' or a duration such as '4ms', not 'fast'");
}

static void test_dist_format_round_trips(void **state)
{
	(void)state;
	static const char *const texts[] = {"const(4ms)",        "exp(250us)",           "uniform(1ms, 3s)",
					    "normal(10ms, 2ms)", "lognormal(5ms, 10ms)", "gamma(4ms, 0.5)",
					    "weibull(2ms, 1.5)", "pareto(1ms, 3.5)",     "hyperexp(0.9, 1ms, 10ms)"};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		struct dist a, b;
		char err[256], buf[256];
		assert_int_equal(dist_parse(&a, texts[i], err, sizeof err), 0);
		dist_format(&a, buf, sizeof buf);
		assert_int_equal(dist_parse(&b, buf, err, sizeof err), 0);
		assert_near(dist_mean(&b), dist_mean(&a), 1e-12 * dist_mean(&a));
		assert_near(dist_scv(&b), dist_scv(&a), 1e-9 * (dist_scv(&a) + 1));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_units_parse_every_unit),
		cmocka_unit_test(test_units_refuse_missing_or_wrong_units),
		cmocka_unit_test(test_dist_sample_means_match),
		cmocka_unit_test(test_dist_truncated_normal_mean_is_shifted),
		cmocka_unit_test(test_dist_parse_errors_say_what_is_expected),
		cmocka_unit_test(test_dist_format_round_trips),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
