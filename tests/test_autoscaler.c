/*
 * test_autoscaler.c - the autoscaler follows its documented rules under
 * scripted load steps: boot and warm-up delays, no scale-in during warm-up
 * or cooldown, min and max, draining, and the cost of instance-hours.
 * One replication each, read period by period from the time series
 * (10-second periods; the autoscaler evaluates every 60 s, so a change
 * shows in the period that ends at or just after it).
 */
#include "testutil.h"

static struct scenario *run1(const char *yaml, struct results *res)
{
	struct scenario *sc = load_text(yaml);
	struct run_opts o = {.jobs = 1, .progress = 0};
	assert_int_equal(runner_run(sc, &o, res), 0);
	return sc;
}

/* Column col of node's row in period p (averaged over replications). */
static double at(const struct results *res, int node, int p, int col)
{
	return res->ts[((size_t)p * res->n_nodes + (size_t)node) * TS_NCOLS + col];
}

/* The end (seconds) of the first 10-second period whose col of node is
 * above `above`, or -1. */
static double first_above(const struct results *res, int node, int col, double above)
{
	for (int p = 0; p < res->n_periods; p++)
		if (at(res, node, p, col) > above)
			return (p + 1) * 10.0;
	return -1;
}

/* Nodes are numbered as written: workload 0, then lb 1, web 2, asg 3. */
enum { LB = 1, ASG = 3 };

#define HEAD(dur) "simulation: {duration: " dur ", warmup: 0s, replications: 1, seed: 7, period: 10s}\n"
#define TIER(inst, extra)                                                                                              \
	"nodes:\n  - {name: lb, kind: load_balancer, targets: web, health_interval: 10s}\n"                            \
	"  - {name: web, kind: server, instances: " inst ", cores: 1, service: exp(50ms), price: $0.10/h" extra "}\n"

/* 12/s is 30% of two instances; from 600 s, 60/s needs six at 50%. */
static void test_scale_out_waits_three_periods_then_the_boot(void **state)
{
	(void)state;
	const char *yaml = HEAD("1200s") "workloads:\n  - {name: w, target: lb, profile: \"0s:12/s, 600s:12/s, "
					 "601s:60/s, 1200s:60/s\"}\n" TIER(
						 "2", "") "  - {name: asg, kind: autoscaler, group: web, target_cpu: "
							  "50%, min: 2, max: 8, boot_time: 60s, "
							  "warmup: 120s}\n";
	struct results res;
	struct scenario *sc = run1(yaml, &res);
	for (int p = 0; p < 77; p++) { /* to 770 s: two instances, nothing pending */
		assert_near(at(&res, ASG, p, TS_DESIRED), 2, 0);
		assert_near(at(&res, ASG, p, TS_PENDING), 0, 0);
	}
	/* Above the target at 660, 720 and 780: launched at the third. */
	double launched = first_above(&res, ASG, TS_PENDING, 0);
	assert_true(launched >= 780 && launched <= 790);
	/* In service one boot time later, and the balancer's after a check. */
	double served = first_above(&res, ASG, TS_IN_SERVICE, 2);
	assert_near(served - launched, 60, 10);
	double healthy = first_above(&res, LB, TS_HEALTHY, 2);
	assert_true(healthy >= served && healthy <= served + 20);
	assert_true(mean_of(&res, "asg", "under_provisioned_time") >= 180); /* saturated until then */
	assert_true(mean_of(&res, "asg", "instances_max") <= 8);
	results_release(&res);
	scenario_free(sc);
}

/* Six instances from 60 s (booting 30 s) at a low load: scale-in waits
 * until the new ones' warm-up is over, then goes at the next evaluation. */
static struct scenario *warm_run(const char *warmup, struct results *res)
{
	char yaml[2048];
	snprintf(yaml, sizeof yaml,
		 HEAD("900s") "workloads:\n  - {name: w, target: lb, rate: 4/s}\n" TIER(
			 "2", "") "  - {name: asg, kind: autoscaler, group: web, target_cpu: 50%%, min: 1, max: 6, "
				  "boot_time: 30s, "
				  "warmup: %s, scale_in_periods: 1, scale_in_cooldown: 0s, schedule: [{at: 60s, "
				  "desired: 6}]}\n",
		 warmup);
	return run1(yaml, res);
}

static void test_no_scale_in_during_warm_up(void **state)
{
	(void)state;
	struct results res;
	struct scenario *sc = warm_run("300s", &res);
	for (int p = 7; p < 41; p++) /* 70 s to 410 s: warming until 390, the next evaluation is at 420 */
		assert_near(at(&res, ASG, p, TS_DESIRED), 6, 0);
	assert_true(at(&res, ASG, 42, TS_DESIRED) < 6); /* the period ending at 430 */
	results_release(&res);
	scenario_free(sc);
	sc = warm_run("0s", &res); /* the same without a warm-up: the first evaluation after the boot */
	assert_true(at(&res, ASG, 12, TS_DESIRED) < 6); /* by 130 s */
	results_release(&res);
	scenario_free(sc);
}

/* Six instances' load, then three's at 600 s, then one's at 660 s: the
 * second scale-in waits for the cooldown after the first (at 660 s). */
static struct scenario *cooldown_run(const char *cooldown, struct results *res)
{
	char yaml[2048];
	snprintf(yaml, sizeof yaml,
		 HEAD("1200s") "workloads:\n  - {name: w, target: lb, profile: \"0s:55/s, 599s:55/s, 600s:25/s, "
			       "659s:25/s, 660s:5/s, 1200s:5/s\"}\n" TIER(
				       "6", "") "  - {name: asg, kind: autoscaler, group: web, target_cpu: 50%%, min: "
						"1, max: 8, boot_time: 0s, "
						"warmup: 0s, scale_in_periods: 1, scale_in_cooldown: %s}\n",
		 cooldown);
	return run1(yaml, res);
}

static void test_no_scale_in_during_cooldown(void **state)
{
	(void)state;
	struct results res;
	struct scenario *sc = cooldown_run("300s", &res);
	for (int p = 67; p < 95; p++) /* 680 s to 950 s: three, the cooldown holds the next scale-in */
		assert_near(at(&res, ASG, p, TS_DESIRED), 3, 0);
	for (int p = 97; p < res.n_periods; p++) /* from 970 s: one */
		assert_near(at(&res, ASG, p, TS_DESIRED), 1, 0);
	results_release(&res);
	scenario_free(sc);
	sc = cooldown_run("0s", &res);
	assert_near(at(&res, ASG, 73, TS_DESIRED), 1, 0); /* by 740 s */
	results_release(&res);
	scenario_free(sc);
}

static void test_min_and_max_bound_the_group(void **state)
{
	(void)state;
	struct results res; /* 200/s needs 20 instances at 50%: max 4 */
	struct scenario *sc = run1(HEAD("600s") "workloads:\n  - {name: w, target: lb, rate: 200/s}\n" TIER(
					   "2", ", queue: 100") "  - {name: asg, kind: autoscaler, group: web, "
								"target_cpu: 50%, min: 2, max: 4}\n",
				   &res);
	for (int p = 0; p < res.n_periods; p++) {
		assert_true(at(&res, ASG, p, TS_DESIRED) <= 4);
		assert_true(at(&res, ASG, p, TS_IN_SERVICE) + at(&res, ASG, p, TS_PENDING) <= 4);
	}
	assert_near(at(&res, ASG, res.n_periods - 1, TS_IN_SERVICE), 4, 0);
	results_release(&res);
	scenario_free(sc);
	/* 1/s needs one: min 3 */
	sc = run1(HEAD("1800s") "workloads:\n  - {name: w, target: lb, rate: 1/s}\n" TIER(
			  "5", "") "  - {name: asg, kind: autoscaler, group: web, target_cpu: 50%, min: 3, max: 6, "
				   "warmup: 0s, "
				   "scale_in_cooldown: 0s, scale_in_periods: 2}\n",
		  &res);
	for (int p = 0; p < res.n_periods; p++)
		assert_true(at(&res, ASG, p, TS_DESIRED) >= 3 && at(&res, ASG, p, TS_IN_SERVICE) >= 3);
	assert_near(at(&res, ASG, res.n_periods - 1, TS_DESIRED), 3, 0);
	results_release(&res);
	scenario_free(sc);
}

/* Twenty-second requests; at 100 s one of two instances is scaled in. */
static struct scenario *drain_run(const char *delay, struct results *res)
{
	char yaml[2048];
	snprintf(yaml, sizeof yaml,
		 HEAD("300s") "workloads:\n  - {name: w, target: lb, rate: 1/s}\n"
			      "nodes:\n  - {name: lb, kind: load_balancer, targets: web, health_interval: 10s}\n"
			      "  - {name: web, kind: server, instances: 2, cores: 100, service: const(20s)}\n"
			      "  - {name: asg, kind: autoscaler, group: web, target_cpu: 90%%, min: 1, max: 2, "
			      "scale_in: false, deregistration_delay: %s, schedule: [{at: 100s, desired: 1}]}\n",
		 delay);
	return run1(yaml, res);
}

static void test_a_drained_instance_finishes_its_requests(void **state)
{
	(void)state;
	struct results res;
	struct scenario *sc = drain_run("300s", &res);
	assert_near(mean_of(&res, "e2e", "status_502"), 0, 0); /* every request it held was answered */
	assert_near(mean_of(&res, "asg", "terminations"), 1, 0);
	for (int p = 0; p < res.n_periods; p++) /* stopped once empty: within the 20 s of its last request */
		if (at(&res, ASG, p, TS_TERMINATING) > 0)
			assert_true((p + 1) * 10 <= 120);
	assert_near(at(&res, ASG, 12, TS_IN_SERVICE), 1, 0); /* by 130 s */
	results_release(&res);
	scenario_free(sc);
	sc = drain_run("5s", &res); /* stopped 5 s after: what it still held is lost */
	double lost = mean_of(&res, "e2e", "status_502");
	assert_true(lost >= 3 && lost <= 20); /* about 15 s of its 0.5/s */
	results_release(&res);
	scenario_free(sc);
}

/* Two instances, six from 30 min to 45 min, two after: 3 on average. */
static void test_cost_integrates_instance_hours(void **state)
{
	(void)state;
	struct results res;
	struct scenario *sc = run1(HEAD("3600s") "workloads:\n  - {name: w, target: lb, rate: 2/s}\n" TIER(
					   "2", "") "  - {name: asg, kind: autoscaler, group: web, target_cpu: 100%, "
						    "min: 1, max: 8, scale_in: false, "
						    "boot_time: 0s, deregistration_delay: 0s, schedule: [{at: 30m, "
						    "desired: 6}, {at: 45m, desired: 2}]}\n",
				   &res);
	assert_near(mean_of(&res, "asg", "instances_mean"), 3, 1e-9);
	assert_near(mean_of(&res, "asg", "instance_hours"), 3, 1e-9);
	assert_near(mean_of(&res, "web", "cost_per_hour"), 0.30, 1e-9);
	assert_near(mean_of(&res, "asg", "fixed_fleet_cost_per_hour"), 0.60, 1e-9);
	assert_near(mean_of(&res, "asg", "savings_per_hour"), 0.30, 1e-9);
	assert_near(mean_of(&res, "asg", "launches"), 4, 0);
	assert_near(mean_of(&res, "asg", "terminations"), 4, 0);
	/* utilization is over the capacity in service: 2/s x 50 ms over 3 cores on average */
	assert_near(mean_of(&res, "web", "utilization"), 0.1 / 3, 0.01);
	results_release(&res);
	scenario_free(sc);
}

/* flash-crowd-autoscaling.yaml's variant: tracking requests per target
 * (not capped as CPU is) sizes the fleet in one step. */
static void test_request_tracking_sizes_the_fleet_in_one_step(void **state)
{
	(void)state;
	struct scenario *sc = load_file_edited("scenarios/flash-crowd-autoscaling.yaml", "\n    target_cpu: 50%",
					       "\n    target_requests: 600");
	sc->spec.replications = 2;
	struct results res;
	struct run_opts o = {.jobs = 2, .progress = 0};
	assert_int_equal(runner_run(sc, &o, &res), 0);
	int fleet = 3, steps = 0; /* crowd, lb, web, fleet; one-minute periods */
	for (int p = 1; p < res.n_periods; p++) {
		double before = at(&res, fleet, p - 1, TS_DESIRED), now = at(&res, fleet, p, TS_DESIRED);
		if (now > before + 0.5 && steps++ == 0)
			assert_true(before == 4 && now >= 15);
	}
	assert_true(steps >= 1);
	double s502 = mean_of(&res, "e2e", "status_502");
	assert_true(s502 > 15000 && s502 < 25000); /* the first minutes are lost all the same */
	results_release(&res);
	scenario_free(sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scale_out_waits_three_periods_then_the_boot),
		cmocka_unit_test(test_no_scale_in_during_warm_up),
		cmocka_unit_test(test_no_scale_in_during_cooldown),
		cmocka_unit_test(test_min_and_max_bound_the_group),
		cmocka_unit_test(test_a_drained_instance_finishes_its_requests),
		cmocka_unit_test(test_cost_integrates_instance_hours),
		cmocka_unit_test(test_request_tracking_sizes_the_fleet_in_one_step),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
