/*
 * test_metrics.c - the metric table (models/metric.h) and what reads it:
 * units, formatting, the bottleneck verdict, and the failure accounting
 * the summary reports.
 */
#include "testutil.h"

#include "../models/metric.h"
#include "../cli/metrics.h"
#include "../sim/engine/units.h"

static void run_text(const char *text, struct results *res, struct scenario **sc)
{
	*sc = load_text(text);
	run_all(*sc, res);
}

/* Every table entry is complete, and a name is declared once per scope
 * in each table. */
/* The text report, as a user reads it (free it). */
static char *report_text(const struct results *res)
{
	char *text = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&text, &n);
	assert_non_null(f);
	report_print(f, res);
	assert_int_equal(fclose(f), 0);
	return text;
}

static void test_tables_are_complete(void **state)
{
	(void)state;
	const struct metric_def *tables[64];
	size_t n = 0;
	tables[n++] = metric_outcomes;
	tables[n++] = metric_node_base;
	tables[n++] = metric_failures;
	tables[n++] = metric_run;
	for (size_t i = 0; node_kinds[i]; i++) {
		if (node_kinds[i]->metrics)
			tables[n++] = node_kinds[i]->metrics;
		if (node_kinds[i]->engine_metrics)
			tables[n++] = node_kinds[i]->engine_metrics;
	}
	for (size_t t = 0; t < n; t++) {
		for (const struct metric_def *d = tables[t]; d->name; d++) {
			assert_non_null(d->meaning);
			assert_true(d->scopes != 0);
			assert_true(d->unit < MU_N);
			assert_true((d->role == MR_UTILIZATION) == (d->resource != NULL));
			for (const struct metric_def *e = d + 1; e->name; e++)
				if (strcmp(d->name, e->name) == 0)
					assert_true((d->scopes & e->scopes) == 0);
		}
	}
}

/* The units the issue found wrong, and the ones they were guessed from. */
static void test_units_come_from_the_table(void **state)
{
	(void)state;
	const struct node_kind *cache = node_kind_find("cache"), *cdn = node_kind_find("cdn");
	assert_int_equal(metric_find(cache, MS_NODE, "backend_offload")->unit, MU_FRACTION);
	assert_int_equal(metric_find(cdn, MS_NODE, "origin_bytes_per_s")->unit, MU_BYTES_S);
	assert_string_equal(metric_unit_name(MU_BYTES_S), "bytes/s");
	assert_int_equal(metric_find(NULL, MS_E2E, "latency_p99")->unit, MU_SECONDS);
	assert_int_equal(metric_find(NULL, MS_E2E, "latency_overflow")->unit, MU_COUNT);
	assert_int_equal(metric_find(NULL, MS_E2E, "latency_p99")->better, MB_LOWER);
	assert_int_equal(metric_find(NULL, MS_E2E, "served_throughput")->better, MB_HIGHER);
	/* A kind's own declaration comes first: a link's utilization is its bandwidth. */
	assert_string_equal(metric_find(node_kind_find("link"), MS_LINK, "utilization")->resource, "bandwidth");
	assert_string_equal(metric_find(node_kind_find("database"), MS_NODE, "utilization")->resource, "CPU cores");
	assert_null(metric_find(NULL, MS_E2E, "no_such_metric"));
	assert_null(metric_find(NULL, MS_CLASS, "time_availability")); /* not a class's */
}

static void test_durations_print_with_three_digits(void **state)
{
	(void)state;
	static const struct {
		double v;
		const char *s;
	} cases[] = {
		{999.95e-6, "1.00ms"}, {1e-3, "1.00ms"}, {11.1e-3, "11.1ms"}, {69.6e-6, "69.6us"}, {0, "0s"},
		{0.5, "500ms"},        {42, "42.0s"},    {999.96, "16.7min"}, {7200, "2.00h"},     {3599.9, "1.00h"},
		{1e5, "27.8h"},        {5e6, "1389h"},   {-2e-3, "-2.00ms"},  {3e-10, "0.30ns"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char buf[32];
		units_format_duration(cases[i].v, buf, sizeof buf);
		if (strcmp(buf, cases[i].s) != 0)
			fail_msg("%.17g printed '%s', expected '%s'", cases[i].v, buf, cases[i].s);
	}
}

static void test_zero_half_width_prints_as_zero(void **state)
{
	(void)state;
	char buf[96];
	struct ci c = {.n = 10, .mean = 1e-3, .half = 2.45e-17};
	metric_format_ci(buf, sizeof buf, MU_SECONDS, &c);
	assert_string_equal(buf, "1.00ms ±0");
	c = (struct ci){.n = 10, .mean = 1, .half = 1e-5};
	metric_format_ci(buf, sizeof buf, MU_FRACTION, &c);
	assert_string_equal(buf, "100.0% ±0");
	c = (struct ci){.n = 10, .mean = 11.1e-3, .half = 69.6e-6};
	metric_format_ci(buf, sizeof buf, MU_SECONDS, &c);
	assert_string_equal(buf, "11.1ms ±69.6us");
	c = (struct ci){.n = 10, .mean = 0.5, .half = 0.25};
	metric_format_ci(buf, sizeof buf, MU_DOLLARS_HOUR, &c);
	assert_string_equal(buf, "$0.500/h ±$0.250/h");
}

/* Two identical tiers in series are equally busy: the verdict is a tie
 * that names both, and the next bottleneck is on another node. */
static void test_equal_resources_are_a_tie(void **state)
{
	(void)state;
	struct scenario *sc;
	struct results res;
	run_text("simulation: {duration: 200s, warmup: 10s, replications: 5, seed: 3}\n"
		 "workloads:\n"
		 "  - {name: w, target: a, rate: 70/s}\n"
		 "nodes:\n"
		 "  - {name: a, kind: server, service: exp(10ms), workers: 1000, calls: [b]}\n"
		 "  - {name: b, kind: server, service: exp(10ms), workers: 1000}\n",
		 &res, &sc);
	struct verdict v;
	int b = report_verdict(&res, &v);
	assert_true(b == 1 || b == 2);
	assert_true(v.tie_node >= 1 && v.tie_node != b);
	assert_string_equal(res.metrics[v.metric].key, "utilization");
	assert_string_equal(res.metrics[v.tie].key, "utilization");
	assert_true(v.next_node >= 0 && v.next_node != b);
	char *text = report_text(&res);
	assert_non_null(strstr(text, "a tie: "));
	free(text);
	results_release(&res);
	scenario_free(sc);
}

/* Two failures overlap on a single database: every error answer is lost
 * once, to the first failure, so the losses add up to the errors. */
static void test_overlapping_failures_lose_a_request_once(void **state)
{
	(void)state;
	struct scenario *sc;
	struct results res;
	run_text("simulation: {duration: 100s, warmup: 0s, replications: 3, seed: 5}\n"
		 "workloads:\n"
		 "  - {name: w, target: web, rate: 100/s}\n"
		 "nodes:\n"
		 "  - {name: web, kind: server, instances: 2, service: exp(1ms), calls: [db]}\n"
		 "  - {name: db, kind: database, service: exp(1ms)}\n"
		 "failures:\n"
		 "  - {name: first, node: db, at: 20s, for: 40s}\n"
		 "  - {name: second, node: web, instance: 1, at: 30s, for: 40s}\n",
		 &res, &sc);
	double errors = mean_of(&res, "e2e", "requests") - mean_of(&res, "e2e", "status_2xx");
	assert_true(errors > 100 * 40 * 0.9);
	assert_near(mean_of(&res, "failures", "requests_lost"), errors, 1e-6);
	/* The second began inside the first: it is charged only what came after. */
	for (long r = 0; r < res.n_reps; r++) {
		assert_int_equal(res.n_logs[r], 2);
		assert_true(res.logs[r][0].lost > res.logs[r][1].lost);
	}
	results_release(&res);
	scenario_free(sc);
}

/* A slowdown from 60 s to 80 s is repaired at 80 s, after 20 s. */
static void test_a_slowdown_record_has_its_repair(void **state)
{
	(void)state;
	struct scenario *sc;
	struct results res;
	run_text("simulation: {duration: 100s, warmup: 0s, replications: 2, seed: 5}\n"
		 "workloads:\n"
		 "  - {name: w, target: web, rate: 50/s}\n"
		 "nodes:\n"
		 "  - {name: web, kind: server, service: exp(1ms)}\n"
		 "failures:\n"
		 "  - {node: web, mode: slow, slow: 5, at: 60s, for: 20s}\n",
		 &res, &sc);
	for (long r = 0; r < res.n_reps; r++) {
		assert_int_equal(res.n_logs[r], 1);
		assert_near(res.logs[r][0].t_fail, 60, 0);
		assert_near(res.logs[r][0].t_recover, 80, 1e-9);
	}
	assert_near(mean_of(&res, "failures", "mean_time_to_repair"), 20, 1e-9);
	assert_near(mean_of(&res, "failures", "repaired"), 1, 0);
	results_release(&res);
	scenario_free(sc);
}

/* A failure never repaired: the summary says so instead of "0s". */
static void test_an_unrepaired_failure_is_reported_as_such(void **state)
{
	(void)state;
	struct scenario *sc;
	struct results res;
	run_text("simulation: {duration: 60s, warmup: 0s, replications: 2, seed: 5}\n"
		 "workloads:\n"
		 "  - {name: w, target: web, rate: 50/s}\n"
		 "nodes:\n"
		 "  - {name: web, kind: server, instances: 2, service: exp(1ms)}\n"
		 "failures:\n"
		 "  - {node: web, instance: 1, at: 30s}\n",
		 &res, &sc);
	assert_near(mean_of(&res, "failures", "repaired"), 0, 0);
	char *text = report_text(&res);
	assert_non_null(strstr(text, "none repaired before the run ended"));
	assert_null(strstr(text, "mean time to repair             0s"));
	free(text);
	results_release(&res);
	scenario_free(sc);
}

/* 80% availability against 99.9%: the budget is exhausted 200x over, said
 * so, not as "20000%". */
static void test_an_exhausted_error_budget_says_how_far(void **state)
{
	(void)state;
	struct scenario *sc;
	struct results res;
	run_text("simulation: {duration: 100s, warmup: 0s, replications: 2, seed: 5, slo: 99.9%}\n"
		 "workloads:\n"
		 "  - {name: w, target: web, rate: 100/s}\n"
		 "nodes:\n"
		 "  - {name: web, kind: server, service: exp(1ms)}\n"
		 "failures:\n"
		 "  - {node: web, at: 40s, for: 20s}\n",
		 &res, &sc);
	assert_near(mean_of(&res, "e2e", "error_budget_used"), 200, 10);
	char *text = report_text(&res);
	assert_non_null(strstr(text, "error budget (SLO 99.9%)       exhausted 19"));
	assert_non_null(strstr(text, "x over"));
	assert_null(strstr(text, "0000%"));
	free(text);
	results_release(&res);
	scenario_free(sc);
}

/* Clients that time out behind a balancer: the balancer counts 460 as
 * its own 4XX (HTTPCode_ELB_4XX_Count), as an ALB does. */
static void test_client_timeouts_are_460_at_the_balancer(void **state)
{
	(void)state;
	struct scenario *sc;
	struct results res;
	run_text("simulation: {duration: 100s, warmup: 10s, replications: 3, seed: 9}\n"
		 "workloads:\n"
		 "  - {name: w, target: lb, rate: 90/s, timeout: 50ms}\n"
		 "nodes:\n"
		 "  - {name: lb, kind: load_balancer, targets: web}\n"
		 "  - {name: web, kind: server, service: exp(10ms), workers: 10000, queue: unlimited}\n",
		 &res, &sc);
	assert_true(mean_of(&res, "e2e", "status_460") > 100);
	/* Over the whole run (the periods include the warm-up): the client's
	 * own 460s against the balancer's. */
	double client = 0, lb4xx = 0;
	for (int p = 0; p < res.n_periods; p++) {
		client += res.ts[((size_t)p * res.n_nodes + 0) * TS_NCOLS + TS_ELB_4XX];
		lb4xx += res.ts[((size_t)p * res.n_nodes + 1) * TS_NCOLS + TS_ELB_4XX];
	}
	/* Each late answer reaches the balancer after its client gave up;
	 * the few still in service when the run ends are not counted. */
	assert_true(lb4xx > 0.95 * client && lb4xx <= client + 1e-9);
	results_release(&res);
	scenario_free(sc);
}

/* Long runs need no arithmetic: without a period the loader picks one
 * that keeps the time series to at most NET_AUTO_PERIODS periods; an
 * explicit period is obeyed. */
static void test_the_default_period_grows_with_the_run(void **state)
{
	(void)state;
	static const struct {
		const char *sim;
		double period;
		int is_auto;
	} cases[] = {
		{"{duration: 10m, warmup: 1m}", 60, 1},
		{"{duration: 24h, warmup: 0s}", 60, 1},
		{"{duration: 2220000s, warmup: 0s}", 3600, 1},      /* an M/M/1 of 2 million customers */
		{"{duration: 50000h, warmup: 0s}", 604800, 1},      /* an availability study */
		{"{duration: 250000h, warmup: 0s}", 4 * 604800, 1}, /* past weeks: 4 weeks at a time */
		{"{duration: 24h, warmup: 0s, period: 10s}", 10, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char text[512];
		snprintf(text, sizeof text,
			 "simulation: %s\nworkloads:\n  - {name: w, target: s, rate: 1/s}\n"
			 "nodes:\n  - {name: s, kind: server, service: exp(1ms)}\n",
			 cases[i].sim);
		struct scenario *sc = load_text(text);
		assert_near(sc->spec.period, cases[i].period, 0);
		assert_int_equal(sc->spec.period_auto, cases[i].is_auto);
		assert_true(net_spec_periods(&sc->spec) <= (cases[i].is_auto ? NET_AUTO_PERIODS : NET_MAX_PERIODS));
		scenario_free(sc);
	}
}

/* Half of 150/s calls a database that serves 100/s, with no bound on its
 * queue: 75% busy, stable.  The stability check splits the workload by its
 * mix as the model does, and lets it run (it once saw 150/s and refused). */
static void test_the_stability_check_follows_the_mix(void **state)
{
	(void)state;
	struct scenario *sc;
	struct results res;
	run_text("simulation: {duration: 300s, warmup: 20s, replications: 4, seed: 2}\n"
		 "workloads:\n"
		 "  - name: w\n"
		 "    target: web\n"
		 "    rate: 150/s\n"
		 "    mix: [{class: read, weight: 0.5}, {class: write, weight: 0.5}]\n"
		 "nodes:\n"
		 "  - name: web\n"
		 "    kind: server\n"
		 "    service: exp(1ms)\n"
		 "    workers: 1000\n"
		 "    classes: [{class: write, calls: [db]}]\n"
		 "  - {name: db, kind: database, service: exp(10ms), queue: unlimited}\n",
		 &res, &sc);
	assert_near(sc->flow[2], 75, 1e-9);
	assert_near(mean_of(&res, "db", "utilization"), 0.75, 0.03);
	results_release(&res);
	scenario_free(sc);

	/* And it still refuses what is unstable: all of it calling the database. */
	struct diags d;
	char path[512];
	write_temp(path, sizeof path, "unstable.yaml",
		   "workloads:\n  - {name: w, target: web, rate: 150/s}\n"
		   "nodes:\n  - {name: web, kind: server, service: exp(1ms), workers: 1000, calls: [db]}\n"
		   "  - {name: db, kind: database, service: exp(10ms), queue: unlimited}\n");
	diags_init(&d, path);
	assert_int_equal(scenario_load(path, &sc, &d), SCENARIO_INVALID);
	assert_true(d.n == 1 && strstr(d.v[0].msg, "node 'db' is unstable"));
	diags_release(&d);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables_are_complete),
		cmocka_unit_test(test_units_come_from_the_table),
		cmocka_unit_test(test_durations_print_with_three_digits),
		cmocka_unit_test(test_zero_half_width_prints_as_zero),
		cmocka_unit_test(test_equal_resources_are_a_tie),
		cmocka_unit_test(test_overlapping_failures_lose_a_request_once),
		cmocka_unit_test(test_a_slowdown_record_has_its_repair),
		cmocka_unit_test(test_an_unrepaired_failure_is_reported_as_such),
		cmocka_unit_test(test_an_exhausted_error_budget_says_how_far),
		cmocka_unit_test(test_client_timeouts_are_460_at_the_balancer),
		cmocka_unit_test(test_the_default_period_grows_with_the_run),
		cmocka_unit_test(test_the_stability_check_follows_the_mix),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
