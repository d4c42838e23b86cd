/*
 * test_contract.c - every kind of the registry keeps the contract of
 * models/model.h: its hooks (node_kind_contract), a parameter table that
 * documents every key, metrics declared in the tables, and in a small
 * scenario with its defaults it initialises, runs, answers every request
 * exactly once, and frees everything (the sanitizer build checks that).
 * A kind with no scenario here fails the test: a new kind adds one.
 */
#include "testutil.h"

/* A scenario that puts each kind on requests' paths, with its defaults. */
static const struct {
	const char *kind, *nodes, *failures;
} cases[] = {
	{"workload", "  - {name: s, kind: server, service: exp(1ms)}\n", NULL},
	{"load_balancer",
	 "  - {name: t, kind: load_balancer, targets: s}\n  - {name: s, kind: server, service: exp(1ms)}\n", NULL},
	{"server", "  - {name: t, kind: server, service: exp(1ms)}\n", NULL},
	{"database", "  - {name: t, kind: database, service: exp(1ms)}\n", NULL},
	{"link",
	 "  - {name: t, kind: server, service: exp(1ms), calls: [d]}\n  - {name: d, kind: database, service: "
	 "exp(1ms)}\n"
	 "  - {name: l, kind: link, between: [t, d]}\n",
	 NULL},
	{"cache",
	 "  - {name: t, kind: cache, backend: d, hit_ratio: 50%}\n  - {name: d, kind: database, service: exp(1ms)}\n",
	 NULL},
	{"queue", "  - {name: t, kind: queue, process: exp(1ms)}\n", NULL},
	{"proxy", "  - {name: t, kind: proxy, upstream: s}\n  - {name: s, kind: server, service: exp(1ms)}\n", NULL},
	{"gateway", "  - {name: t, kind: gateway, default: s}\n  - {name: s, kind: server, service: exp(1ms)}\n", NULL},
	{"cdn", "  - {name: t, kind: cdn, origin: s, hit_ratio: 50%}\n  - {name: s, kind: server, service: exp(1ms)}\n",
	 NULL},
	{"delay",
	 "  - {name: t, kind: delay, delay: exp(5ms), calls: [s]}\n  - {name: s, kind: server, service: exp(1ms)}\n",
	 NULL},
	{"failure", "  - {name: t, kind: server, instances: 2, service: exp(1ms)}\n",
	 "  - {node: t, instance: 1, at: 5s, for: 5s}\n"},
	/* scales in (and drains) and back out within the run */
	{"autoscaler",
	 "  - {name: t, kind: load_balancer, targets: s, health_interval: 1s}\n"
	 "  - {name: s, kind: server, instances: 3, service: exp(1ms)}\n"
	 "  - {name: a, kind: autoscaler, group: s, target_cpu: 50%, min: 1, max: 4, period: 1s, boot_time: 1s,"
	 " warmup: 1s, scale_in_periods: 2, scale_in_cooldown: 2s, deregistration_delay: 1s,"
	 " schedule: [{at: 12s, desired: 4}]}\n",
	 NULL},
};

static int find_case(const char *kind)
{
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		if (strcmp(cases[i].kind, kind) == 0)
			return (int)i;
	return -1;
}

static void test_every_kind_keeps_the_hook_contract(void **state)
{
	(void)state;
	for (size_t i = 0; node_kinds[i]; i++) {
		const char *why = node_kind_contract(node_kinds[i]);
		if (why)
			fail_msg("kind %s: %s", node_kinds[i]->name, why);
	}
}

/* Every key has a type, a meaning and, where it has a range, a sane one:
 * what `chokepoint kinds` and docs/kinds.md print. */
static void test_every_parameter_is_documented(void **state)
{
	(void)state;
	for (size_t i = 0; node_kinds[i]; i++) {
		for (const struct param *p = node_kinds[i]->params; p->key; p++) {
			if (!p->help || strlen(p->help) < 8)
				fail_msg("kind %s: key '%s' has no meaning", node_kinds[i]->name, p->key);
			if (p->min > p->max)
				fail_msg("kind %s: key '%s' has its range backwards", node_kinds[i]->name, p->key);
		}
	}
}

/* With its defaults, in a small scenario: it loads, runs, answers every
 * request exactly once (created = answered + still in flight), and frees. */
static void test_every_kind_runs_and_answers_once(void **state)
{
	(void)state;
	for (size_t i = 0; node_kinds[i]; i++) {
		int c = find_case(node_kinds[i]->name);
		if (c < 0)
			fail_msg("kind %s has no scenario in tests/test_contract.c: add one", node_kinds[i]->name);
		char text[2048];
		snprintf(text, sizeof text,
			 "simulation: {duration: 20s, warmup: 0s, replications: 2, seed: 3}\n"
			 "workloads:\n  - {name: w, target: %s, rate: 50/s}\n"
			 "nodes:\n%s%s%s",
			 strcmp(cases[c].kind, "workload") == 0 ? "s" : "t", cases[c].nodes,
			 cases[c].failures ? "failures:\n" : "", cases[c].failures ? cases[c].failures : "");
		struct scenario *sc = load_text(text);
		struct results res;
		run_all(sc, &res);
		for (long r = 0; r < res.n_reps; r++) {
			double created = results_value(&res, r, metric_index(&res, "e2e", "offered_throughput")) * 20;
			double answered = results_value(&res, r, metric_index(&res, "e2e", "requests"));
			double alive = results_value(&res, r, metric_index(&res, "run", "in_flight_at_end"));
			if (!(fabs(created - (answered + alive)) < 0.5) || answered < 500)
				fail_msg("kind %s: %g requests made, %g answered, %g in flight at the end",
					 node_kinds[i]->name, created, answered, alive);
		}
		results_release(&res);
		scenario_free(sc);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_kind_keeps_the_hook_contract),
		cmocka_unit_test(test_every_parameter_is_documented),
		cmocka_unit_test(test_every_kind_runs_and_answers_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
