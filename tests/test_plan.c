/*
 * test_plan.c - `chokepoint plan` finds the optimum a planner works out by
 * hand: from Erlang C for one M/M/c tier scaled up, from the utilization
 * law for two tiers; its frontier holds exactly the designs that are no
 * bigger copy of a cheaper one; its bounds spare the simulations they
 * promise; and a plan no design can meet ends with exit 1.
 */
#include "../cli/plan.h"
#include "testutil.h"

/* Runs the plan of the file at path quietly; its exit code, the outcome in *o. */
static int plan_file(const char *path, const char *load, struct plan_outcome *o)
{
	struct diags d;
	struct scenario *sc = NULL;
	diags_init(&d, path);
	if (scenario_load(path, &sc, &d) != SCENARIO_OK) {
		diags_print(&d, stderr);
		fail_msg("scenario did not load");
	}
	diags_release(&d);
	struct plan_args a = {.path = path,
			      .load = load,
			      .seed = -1,
			      .reps = -1,
			      .screen_reps = 3,
			      .max_runs = 100,
			      .runners_up = 3,
			      .jobs = 2,
			      .quiet = 1};
	int rc = plan_run(&a, sc, NULL, o);
	scenario_free(sc);
	return rc;
}

static int plan_of(const char *yaml, const char *load, struct plan_outcome *o)
{
	char path[512];
	write_temp(path, sizeof path, "plan.yaml", yaml);
	int rc = plan_file(path, load, o);
	unlink(path);
	return rc;
}

/* Erlang's C formula: the probability that an arrival waits at M/M/c
 * offered a erlangs (a < c). */
static double erlang_c(int c, double a)
{
	double term = 1, sum = 0; /* a^k / k!, summed for k < c */
	for (int k = 0; k < c; k++) {
		sum += term;
		term *= a / (k + 1);
	}
	double top = term * c / (c - a);
	return top / (sum + top);
}

/* The catalog of the M/M/c case: cores, speed, price per hour. */
static const struct {
	const char *name;
	int cores;
	double speed, price;
} sizes[] = {
	{"c8", 8, 1, 0.08},         {"c9", 9, 1, 0.09},         {"c10", 10, 1, 0.10}, {"c11", 11, 1, 0.11},
	{"c12", 12, 1, 0.12},       {"c13", 13, 1, 0.13},       {"c14", 14, 1, 0.14}, {"fast8", 8, 1.2, 0.092},
	{"fast10", 10, 1.2, 0.115}, {"fast11", 11, 1.2, 0.125},
};
#define N_SIZES (sizeof sizes / sizeof sizes[0])
#define LAMBDA  900.0  /* requests/s */
#define MU      100.0  /* per core at speed 1: exp(10ms) */
#define R_MAX   0.0115 /* latency_mean < 11.5ms */
#define PW_MAX  0.35   /* app.p_wait < 35% */

static const char mmc_yaml[] =
	"simulation: {duration: 3m, warmup: 20s, replications: 5, seed: 3}\n"
	"catalog:\n"
	"  - {name: c8, cores: 8, price: $0.08/h}\n"
	"  - {name: c9, cores: 9, price: $0.09/h}\n"
	"  - {name: c10, cores: 10, price: $0.10/h}\n"
	"  - {name: c11, cores: 11, price: $0.11/h}\n"
	"  - {name: c12, cores: 12, price: $0.12/h}\n"
	"  - {name: c13, cores: 13, price: $0.13/h}\n"
	"  - {name: c14, cores: 14, price: $0.14/h}\n"
	"  - {name: fast8, cores: 8, speed: 1.2, price: $0.092/h}\n"
	"  - {name: fast10, cores: 10, speed: 1.2, price: $0.115/h}\n"
	"  - {name: fast11, cores: 11, speed: 1.2, price: $0.125/h}\n"
	"workloads:\n  - {name: users, target: app, rate: 900/s}\n"
	"nodes:\n"
	"  - {name: app, kind: server, size: c14, workers: 10000, queue: unlimited, service: exp(10ms)}\n"
	"plan:\n  app: {size: [c8, c9, c10, c11, c12, c13, c14, fast8, fast10, fast11]}\n"
	"slo:\n  - \"latency_mean < 11.5ms\"\n  - \"app.p_wait < 35%\"\n";

/* One instance of c cores at speed s, Poisson 900/s, exp(10ms) of work:
 * M/M/c.  By hand, the cheapest size whose mean response 1/mu + C/(c mu -
 * lambda) and waiting probability C are under the limits is fast10
 * ($0.115/h: 9.36 ms, 31%), not c12 ($0.12/h: 10.9 ms, 27%), and c11
 * ($0.11/h: 12.2 ms, 43%) misses; c8 and c9 cannot carry 900/s at all. */
static void test_erlang_c_optimum(void **state)
{
	(void)state;
	int best = -1, saturated = 0;
	for (size_t i = 0; i < N_SIZES; i++) {
		double mu = MU * sizes[i].speed, a = LAMBDA / mu;
		if (a >= sizes[i].cores) {
			saturated++;
			continue;
		}
		double pw = erlang_c(sizes[i].cores, a);
		double r = 1 / mu + pw / (sizes[i].cores * mu - LAMBDA);
		if (r < R_MAX && pw < PW_MAX && (best < 0 || sizes[i].price < sizes[best].price))
			best = (int)i;
	}
	assert_string_equal(sizes[best].name, "fast10"); /* the hand calculation above */
	assert_int_equal(saturated, 2);

	struct plan_outcome o;
	assert_int_equal(plan_of(mmc_yaml, NULL, &o), 0);
	assert_true(o.found);
	assert_string_equal(o.winner.size[0], sizes[best].name);
	assert_int_equal(o.winner.instances[0], 1);
	assert_near(o.winner.cost, sizes[best].price, 1e-9); /* the only priced node */
	/* c8 and c9 never run: the utilization law rules them out. */
	assert_int_equal(o.ruled_out_by_bounds, saturated);
	assert_true(o.simulations < (long)N_SIZES);
	/* The frontier: c12 is no stronger copy of fast10 (more cores, slower
	 * ones); fast11, c13 and c14 are stronger copies of one of the two. */
	assert_int_equal(o.runners_up, 1);
}

/* The same case at 1,200/s by --load: a = 12 erlangs at speed 1, so by
 * hand the answer moves up (fast11: a = 10 at speed 1.2, C = 0.68 misses
 * the p_wait limit; c13 and c14 too: no size meets both). */
static void test_load_option_moves_the_optimum(void **state)
{
	(void)state;
	int best = -1;
	for (size_t i = 0; i < N_SIZES; i++) {
		double mu = MU * sizes[i].speed, a = 1200 / mu;
		if (a >= sizes[i].cores)
			continue;
		double pw = erlang_c(sizes[i].cores, a);
		double r = 1 / mu + pw / (sizes[i].cores * mu - 1200);
		if (r < R_MAX && pw < PW_MAX && (best < 0 || sizes[i].price < sizes[best].price))
			best = (int)i;
	}
	struct plan_outcome o;
	int rc = plan_of(mmc_yaml, "1200/s", &o);
	if (best < 0) {
		assert_int_equal(rc, 1);
		assert_false(o.found);
	} else {
		assert_int_equal(rc, 0);
		assert_string_equal(o.winner.size[0], sizes[best].name);
	}
}

/* Two tiers, the requirements utilization limits: by hand, 1000/s x 4 ms
 * = 4 busy cores over 2-core web instances under 60% needs 4 of them
 * (50%), and 1000/s x 1 ms = 1 busy core needs the 2-core database (50%).
 * Every design that breaks a limit is ruled out by the bounds alone. */
static void test_utilization_law_two_tiers(void **state)
{
	(void)state;
	static const char yaml[] =
		"simulation: {duration: 2m, warmup: 10s, replications: 4, seed: 5}\n"
		"catalog:\n"
		"  - {name: d1, cores: 1, price: $0.20/h}\n"
		"  - {name: d2, cores: 2, price: $0.40/h}\n"
		"  - {name: d4, cores: 4, price: $0.80/h}\n"
		"workloads:\n  - {name: users, target: web, rate: 1000/s}\n"
		"nodes:\n"
		"  - {name: web, kind: server, instances: 3, cores: 2, queue: unlimited, service: exp(4ms), calls: "
		"[db], price: $0.10/h}\n"
		"  - {name: db, kind: database, size: d4, queue: unlimited, service: exp(1ms)}\n"
		"plan:\n  web: {instances: 1..12}\n  db: {size: [d1, d2, d4]}\n"
		"slo:\n  - \"web.utilization < 60%\"\n  - \"db.utilization < 60%\"\n";
	struct plan_outcome o;
	assert_int_equal(plan_of(yaml, NULL, &o), 0);
	assert_true(o.found);
	assert_string_equal(o.winner.size[0], "");
	assert_int_equal(o.winner.instances[0], 4);
	assert_string_equal(o.winner.size[1], "d2");
	assert_near(o.winner.cost, 4 * 0.10 + 0.40, 1e-9);
	/* web 1 to 3 (75% and more) and d1 (100%) never run: of 36 designs,
	 * 9 x 2 = 18 are left. */
	assert_near(o.designs, 36, 0);
	assert_int_equal(o.ruled_out_by_bounds, 18);
}

/* No size serves a request in under 5 ms at its node: the bound R >= D
 * rules out every design, and nothing is simulated. */
static void test_bounds_alone_prove_it_impossible(void **state)
{
	(void)state;
	char yaml[sizeof mmc_yaml + 64];
	snprintf(yaml, sizeof yaml, "%s", mmc_yaml);
	char *at = strstr(yaml, "app.p_wait < 35%");
	memcpy(at, "app.response_mean < 5ms", strlen("app.response_mean < 5ms"));
	memcpy(at + strlen("app.response_mean < 5ms"), "\"\n", 3);
	struct plan_outcome o;
	assert_int_equal(plan_of(yaml, NULL, &o), 1);
	assert_false(o.found);
	assert_int_equal(o.simulations, 0);
}

/* A p99 under 12 ms with 10 ms of exponential work: its 99th percentile
 * is 46 ms on an idle core, so no design meets it.  Here no design is the
 * strongest (fast11 has faster cores, c14 more of them), but every design
 * is weaker than one of those two: both missing proves it in two runs. */
static void test_no_design_meets_an_impossible_check(void **state)
{
	(void)state;
	char yaml[sizeof mmc_yaml + 64];
	snprintf(yaml, sizeof yaml, "%s", mmc_yaml);
	char *at = strstr(yaml, "latency_mean < 11.5ms");
	memcpy(at, "latency_p99  < 12.0ms", strlen("latency_p99  < 12.0ms"));
	struct plan_outcome o;
	assert_int_equal(plan_of(yaml, NULL, &o), 1);
	assert_false(o.found);
	assert_int_equal(o.simulations, 2);
}

/* When one design is the strongest (instances and totally ordered sizes),
 * its miss proves that every design misses: one screening run. */
static void test_strongest_design_missing_ends_the_search(void **state)
{
	(void)state;
	static const char yaml[] =
		"simulation: {duration: 1m, warmup: 10s, replications: 4, seed: 5}\n"
		"catalog:\n  - {name: d1, cores: 1, price: $0.20/h}\n  - {name: d2, cores: 2, price: $0.40/h}\n"
		"workloads:\n  - {name: users, target: web, rate: 500/s}\n"
		"nodes:\n"
		"  - {name: web, kind: server, instances: 2, cores: 2, queue: unlimited, service: exp(4ms), calls: "
		"[db], price: $0.10/h}\n"
		"  - {name: db, kind: database, size: d2, queue: unlimited, service: exp(1ms)}\n"
		"plan:\n  web: {instances: 2..8}\n  db: {size: [d1, d2]}\n"
		"slo:\n  - \"latency_p99 < 5ms\"\n";
	struct plan_outcome o;
	assert_int_equal(plan_of(yaml, NULL, &o), 1);
	assert_false(o.found);
	assert_int_equal(o.simulations, 1);
	assert_int_equal(o.replications, 3);
}

#define TEACHING "scenarios/plan-three-tier.yaml"

/* The header of plan-three-tier.yaml: the winner, what the bounds rule
 * out, the first runner-up, and a search of about a dozen designs. */
static void test_plan_three_tier_header(void **state)
{
	(void)state;
	struct plan_outcome o;
	assert_int_equal(plan_file(TEACHING, NULL, &o), 0);
	assert_true(o.found);
	assert_string_equal(o.winner.size[0], "c5.large");
	assert_int_equal(o.winner.instances[0], 5);
	assert_string_equal(o.winner.size[1], "db.m5.xlarge");
	assert_near(o.winner.cost, 1.48, 0.005);
	/* 99 designs: db.m5.large (33 of them), then web options over 100%
	 * busy (2 and 3 c5.large, 2 to 4 m5.large, 2 m5.xlarge) with the two
	 * other databases (12) */
	assert_near(o.designs, 99, 0);
	assert_int_equal(o.ruled_out_by_bounds, 33 + 12);
	assert_true(o.runners_up >= 1);
	assert_string_equal(o.runner[0].size[0], "m5.large");
	assert_int_equal(o.runner[0].instances[0], 6);
	assert_string_equal(o.runner[0].size[1], "db.m5.xlarge");
	assert_near(o.runner[0].cost, 1.63, 0.005);
	assert_true(o.simulations <= 20);
}

/* Runs the teaching scenario with n sets over it. */
static void run_teaching(const struct scenario_set *sets, int n, struct results *res)
{
	struct diags d;
	struct scenario *sc = NULL;
	diags_init(&d, TEACHING);
	if (scenario_load_sets(TEACHING, sets, n, &sc, &d) != SCENARIO_OK) {
		diags_print(&d, stderr);
		fail_msg("scenario did not load");
	}
	diags_release(&d);
	run_all(sc, res);
	scenario_free(sc);
}

/* Its N+1 claim: 4 x c5.large carries 2,000/s at about 84% busy with
 * every instance up, its p99 under the limit, but not with one down. */
static void test_plan_three_tier_needs_n_plus_one(void **state)
{
	(void)state;
	struct results res;
	struct scenario_set four = {"web.instances", "4", 0, 0};
	run_teaching(&four, 1, &res);
	double p99 = mean_of(&res, "e2e", "latency_p99");
	assert_true(p99 > 1.5 && p99 < 2.5);
	results_release(&res);
	/* the crash moved past the end of the run (3m30s) */
	struct scenario_set no_crash[] = {four, {"failures.web-1-crash.at", "1h", 0, 0}};
	run_teaching(no_crash, 2, &res);
	assert_true(mean_of(&res, "e2e", "latency_p99") < 0.040);
	assert_near(mean_of(&res, "web", "utilization"), 0.84, 0.01);
	results_release(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_erlang_c_optimum),
		cmocka_unit_test(test_load_option_moves_the_optimum),
		cmocka_unit_test(test_utilization_law_two_tiers),
		cmocka_unit_test(test_bounds_alone_prove_it_impossible),
		cmocka_unit_test(test_no_design_meets_an_impossible_check),
		cmocka_unit_test(test_strongest_design_missing_ends_the_search),
		cmocka_unit_test(test_plan_three_tier_header),
		cmocka_unit_test(test_plan_three_tier_needs_n_plus_one),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
