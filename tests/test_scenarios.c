/*
 * test_scenarios.c - every scenario in scenarios/ does what its header
 * comment says it shows.
 *
 * Each is run with 4 replications (fewer than it asks for, to keep the
 * suite quick) and its expected outcome is asserted with margins wide
 * enough for that.  A scenario file without an entry here fails the suite:
 * a teaching scenario must state an outcome a test can check.
 */
#include "testutil.h"

#include <dirent.h>

static void check_mm1(const struct results *r)
{
	assert_near(mean_of(r, "e2e", "latency_mean"), 0.005, 0.00025);
	assert_near(mean_of(r, "server", "mean_waiting"), 3.2, 0.3);
	assert_int_equal(report_bottleneck(r, NULL), 1); /* w, server */
}

static void check_three_tier(const struct results *r)
{
	/* The database is the bottleneck at about 82%, the web tier near 41%. */
	assert_near(mean_of(r, "db", "utilization"), 0.825, 0.01);
	assert_near(mean_of(r, "web", "utilization"), 0.4125, 0.01);
	struct verdict v;
	assert_true(report_verdict(r, &v) == 4); /* shoppers, staff, lb, web, db */
	assert_int_equal(v.next_node, 3);        /* web */
	assert_int_equal(v.tie_node, -1);
	assert_near(mean_of(r, "e2e", "success_ratio"), 1, 0);
	assert_near(mean_of(r, "e2e", "latency_mean"), 0.011, 0.001);

	/* A second database core: level with the web tier, a tie of the two. */
	struct scenario *sc = load_file_edited("scenarios/three-tier.yaml", "    cores: 1\n    workers: 100",
					       "    cores: 2\n    workers: 100");
	sc->spec.replications = 4;
	struct results d;
	run_all(sc, &d);
	assert_near(mean_of(&d, "db", "utilization"), 0.4125, 0.01);
	int b = report_verdict(&d, &v);
	assert_true((b == 3 && v.tie_node == 4) || (b == 4 && v.tie_node == 3));
	assert_true(mean_of(&d, "e2e", "latency_mean") < 0.007);
	results_release(&d);
	scenario_free(sc);
}

static void check_spof_database(const struct results *r)
{
	assert_near(mean_of(r, "e2e", "status_500"), 825 * 120, 825 * 120 * 0.03);
	assert_near(mean_of(r, "e2e", "time_availability"), 0.8, 0.001);
	assert_near(mean_of(r, "e2e", "success_ratio"), 0.8, 0.01);
	const char *spofs[8];
	assert_int_equal(report_spofs(r, spofs, 8), 2);
	assert_string_equal(spofs[0], "lb");
	assert_string_equal(spofs[1], "db");
}

static void check_upstream_dies_502(const struct results *r)
{
	double s502 = mean_of(r, "e2e", "status_502");
	assert_true(s502 > 6000 * 0.9 && s502 < 12000 * 1.1);
	assert_true(mean_of(r, "failures", "mean_time_to_detect") >= 30 &&
		    mean_of(r, "failures", "mean_time_to_detect") <= 60);
	assert_near(mean_of(r, "e2e", "status_503") + mean_of(r, "e2e", "status_504"), 0, 0);
	/* No error after the detection: the periods from 4 minutes on (the
	 * failure at 3m, detected within 60 s) have no 502 at the balancer. */
	for (int p = 0; p < r->n_periods; p++)
		if (p * r->sc->spec.period >= 240)
			assert_near(r->ts[((size_t)p * r->n_nodes + 1) * TS_NCOLS + TS_ELB_502], 0, 0);
}

static void check_no_healthy_target_503(const struct results *r)
{
	double s502 = mean_of(r, "e2e", "status_502"), s503 = mean_of(r, "e2e", "status_503");
	assert_true(s502 + s503 > 36000 * 0.95 && s502 + s503 < 42000 * 1.05);
	assert_true(s503 > 2 * s502);
}

static void check_slow_upstream_504(const struct results *r)
{
	double s504 = mean_of(r, "e2e", "status_504");
	assert_true(s504 > 100 * 35 * 0.9 && s504 < 100 * 65 * 1.1);
	assert_near(mean_of(r, "e2e", "status_502") + mean_of(r, "e2e", "status_503"), 0, 0);
	assert_near(mean_of(r, "lb", "response_p99"), 10, 0.2); /* the idle timeout */
}

static void check_surge_queue_spillover(const struct results *r)
{
	assert_true(report_bottleneck(r, NULL) == 1); /* lb */
	assert_true(mean_of(r, "lb", "utilization") > 0.99);
	double share = mean_of(r, "e2e", "status_503") / mean_of(r, "e2e", "requests");
	assert_near(share, 0.06, 0.015);
	assert_near(mean_of(r, "lb", "spillover"), mean_of(r, "e2e", "status_503"), 0);
	assert_true(mean_of(r, "lb", "mean_waiting") > 80);
	assert_near(mean_of(r, "web", "utilization"), 0.40, 0.02);
}

static void check_database_failover(const struct results *r)
{
	assert_near(mean_of(r, "e2e", "status_500"), 825 * 30, 825 * 30 * 0.05);
	assert_near(mean_of(r, "e2e", "time_availability"), 0.95, 0.001);
	const char *spofs[8];
	assert_int_equal(report_spofs(r, spofs, 8), 1);
	assert_string_equal(spofs[0], "lb");
}

static void check_zone_one(const struct results *r)
{
	assert_near(mean_of(r, "e2e", "time_availability"), 1 - 210.0 / 600, 0.001);
	assert_near(mean_of(r, "e2e", "success_ratio"), 0.65, 0.02);
}

static void check_zone_two(const struct results *r)
{
	assert_near(mean_of(r, "e2e", "time_availability"), 0.95, 0.001);
	assert_true(mean_of(r, "e2e", "success_ratio") > 0.9);
	assert_near(mean_of(r, "failures", "count"), 3, 0);
	double s502 = mean_of(r, "e2e", "status_502");
	assert_true(s502 > 200 * 30 * 0.8 && s502 < 200 * 60 * 1.2);
}

static void check_lb_pair(const struct results *r)
{
	assert_near(mean_of(r, "e2e", "status_502"), 200 * 30, 200 * 30 * 0.06);
	assert_near(mean_of(r, "e2e", "time_availability"), 1, 0);
	const char *spofs[8];
	assert_int_equal(report_spofs(r, spofs, 8), 0);
}

static void check_thread_pool(const struct results *r)
{
	assert_true(mean_of(r, "web", "worker_utilization") > 0.95);
	assert_near(mean_of(r, "web", "utilization"), 0.19, 0.01);
	assert_true(mean_of(r, "e2e", "latency_p99") > 0.9); /* about a second */
	assert_true(mean_of(r, "e2e", "status_502") > 0);
	size_t bi = 0;
	assert_int_equal(report_bottleneck(r, &bi), 2); /* shoppers, lb, web */
	assert_string_equal(r->metrics[bi].key, "worker_utilization");
}

static void check_flash_crowd(const struct results *r)
{
	double s502 = mean_of(r, "e2e", "status_502");
	assert_true(s502 > 50000 && s502 < 60000);
	/* db minute by minute: saturated in the spike (240-360 s), half busy outside. */
	for (int p = 0; p < r->n_periods; p++) {
		const double *row = &r->ts[((size_t)p * r->n_nodes + 3) * TS_NCOLS]; /* shoppers, lb, web, db */
		double t = p * r->sc->spec.period;
		if (t >= 240 && t < 360)
			assert_true(row[TS_UTIL] > 0.99);
		else if (t < 240 || t >= 420)
			assert_near(row[TS_UTIL], 0.5, 0.03);
		if (t < 240 || t >= 420)
			assert_near(row[TS_ELB_502], 0, 0);
	}
}

static void check_cache_offload(const struct results *r)
{
	assert_near(mean_of(r, "cache", "hit_ratio"), 0.74, 0.02);
	assert_true(mean_of(r, "db", "utilization") < 0.25);
	assert_true(report_bottleneck(r, NULL) == 3); /* shoppers, staff, lb, web */
	assert_near(mean_of(r, "web", "utilization"), 0.41, 0.01);
	assert_true(mean_of(r, "e2e", "latency_mean") < 0.011);
}

static void check_queue_burst(const struct results *r)
{
	assert_near(mean_of(r, "e2e", "requests") - mean_of(r, "e2e", "status_2xx"), 0, 0);
	assert_true(mean_of(r, "q", "max_waiting") > 10000);
	assert_true(mean_of(r, "q", "message_wait_mean") > 1);
	assert_near(mean_of(r, "q", "oldest_message_age"), 0, 0);
	assert_near(mean_of(r, "e2e", "latency_mean"), 0.001, 1e-9);
	assert_near(mean_of(r, "e2e", "status_202"), mean_of(r, "e2e", "status_2xx"), 0); /* all accepted, none done */
}

static void check_retry_storm(const struct results *r)
{
	assert_near(mean_of(r, "clients", "attempts_per_request"), 3.4, 0.3);
	assert_true(mean_of(r, "e2e", "success_ratio") < 0.3);
	/* Still failing in the last period, 3.5 minutes after the slowdown. */
	const double *last = &r->ts[((size_t)(r->n_periods - 1) * r->n_nodes + 1) * TS_NCOLS];
	assert_true(last[TS_TARGET_2XX] < 0.5 * last[TS_REQUESTS]);
}

static void check_request_classes(const struct results *r)
{
	assert_true(mean_of(r, "class:checkout", "latency_mean") > 3 * mean_of(r, "class:browse", "latency_mean"));
	assert_near(mean_of(r, "db", "throughput"), 1.2 * 400, 10);
	assert_near(mean_of(r, "payment", "throughput"), 40, 2);
	assert_near(mean_of(r, "class:checkout", "served_throughput"), 40, 2);
}

static void check_fan_out(const struct results *r)
{
	double web = mean_of(r, "web", "response_mean");
	double sum = mean_of(r, "price", "response_mean") + mean_of(r, "stock", "response_mean") +
		     mean_of(r, "reviews", "response_mean");
	assert_true(web < 0.9 * sum);
	assert_true(web > mean_of(r, "reviews", "response_mean"));
	assert_near(mean_of(r, "web", "fanouts"), mean_of(r, "e2e", "requests"), 0.01 * mean_of(r, "e2e", "requests"));
}

static void check_pool_starvation(const struct results *r)
{
	size_t bi;
	assert_int_equal(report_bottleneck(r, &bi), 2); /* shoppers, lb, web */
	assert_string_equal(r->metrics[bi].scope, "web->db");
	assert_string_equal(r->metrics[bi].key, "pool_utilization");
	assert_true(r->ci[bi].mean > 0.9);
	assert_true(mean_of(r, "db", "utilization") < 0.25);
	assert_true(mean_of(r, "web", "pool_wait_mean") > 2 * mean_of(r, "db", "response_mean"));
	assert_true(mean_of(r, "web", "pool_waiting_mean") > 10);

	struct scenario *sc = load_file_edited("scenarios/connection-pool-starvation.yaml", "pool: 4", "pool: 8");
	sc->spec.replications = 4;
	struct results d;
	run_all(sc, &d);
	assert_true(mean_of(&d, "web", "pool_wait_mean") < 0.01 * mean_of(&d, "db", "response_mean"));
	results_release(&d);
	scenario_free(sc);
}

static void check_read_replicas(const struct results *r)
{
	assert_near(mean_of(r, "db/primary", "utilization"), 0.24, 0.02);
	assert_near(mean_of(r, "db/r1", "utilization"), 0.72, 0.03);
	assert_near(mean_of(r, "db/r2", "utilization"), 0.72, 0.03);
	assert_near(mean_of(r, "db", "replica_applies"), 2 * 80 * 300, 2 * 80 * 300 * 0.03);
}

static void check_hot_shard(const struct results *r)
{
	assert_true(mean_of(r, "db", "hottest_instance_utilization") > 0.8);
	assert_near(mean_of(r, "db", "utilization"), 0.6, 0.02);
	size_t bi;
	assert_int_equal(report_bottleneck(r, &bi), 1); /* app, db */
	assert_string_equal(r->metrics[bi].key, "hottest_instance_utilization");

	/* Uniform keys: the four shards even out near the average. */
	struct scenario *sc = load_file_edited("scenarios/hot-shard.yaml", "skew: 1.1x", "skew: 0x");
	sc->spec.replications = 4;
	struct results d;
	run_all(sc, &d);
	for (int i = 0; i < 4; i++) {
		char scope[16];
		snprintf(scope, sizeof scope, "db/s%d", i);
		assert_near(mean_of(&d, scope, "utilization"), 0.6, 0.03);
	}
	results_release(&d);
	scenario_free(sc);
}

static void check_static_dynamic(const struct results *r)
{
	assert_near(mean_of(r, "class:assets", "success_ratio"), 1, 0);
	assert_near(mean_of(r, "class:pages", "success_ratio"), 0.8, 0.02);
	assert_near(mean_of(r, "class:pages", "status_502"), 200 * 60, 200 * 60 * 0.05);
	assert_near(mean_of(r, "app", "arrivals") / 300, 200, 6); /* pages only, answered or refused */
	assert_near(mean_of(r, "app", "throughput"), 160, 6);     /* the pages it answered */
}

static void check_api_gateway(const struct results *r)
{
	assert_true(mean_of(r, "via-gateway", "latency_mean") < 0.8 * mean_of(r, "via-monolith", "latency_mean"));
	assert_true(mean_of(r, "via-gateway", "latency_p90") < 0.5 * mean_of(r, "via-monolith", "latency_p90"));
	assert_true(mean_of(r, "via-gateway", "latency_p50") > mean_of(r, "via-monolith", "latency_p50"));
	assert_near(mean_of(r, "catalog", "throughput"), 320, 8);
}

static void check_cdn(const struct results *r)
{
	assert_near(mean_of(r, "cdn", "origin_offload"), 0.665, 0.01);
	assert_true(mean_of(r, "cdn", "origin_bytes_per_s") < 0.15 * mean_of(r, "cdn", "edge_bytes_per_s"));
	assert_near(mean_of(r, "nginx", "throughput"), 335, 8);
	assert_true(mean_of(r, "e2e", "latency_mean") > 0.015);
}

static void check_replay(const struct results *r)
{
	assert_near(mean_of(r, "e2e", "offered_throughput") * 270, 14309, 1);
	double s502 = mean_of(r, "e2e", "status_502");
	assert_true(s502 > 1000 && s502 < 1600);
	double p99_before = 0, p99_spike = 0;
	for (int p = 0; p < r->n_periods; p++) {
		const double *row = &r->ts[((size_t)p * r->n_nodes + 1) * TS_NCOLS]; /* log, web */
		if (p < 18)
			assert_near(row[TS_ELB_502], 0, 0);
		if (p == 17)
			p99_before = row[TS_TRT_P99];
		if (p == 18)
			p99_spike = row[TS_TRT_P99];
	}
	assert_true(p99_spike > 10 * p99_before);
}

static void check_bursts(const struct results *r)
{
	double u = mean_of(r, "web", "utilization");
	assert_true(u > 0.38 && u < 0.52);
	assert_true(mean_of(r, "e2e", "latency_p99") > 0.5);
	assert_true(mean_of(r, "web", "max_waiting") > 200);
	assert_near(mean_of(r, "e2e", "success_ratio"), 1, 0);
}

static void check_saturated_link(const struct results *r)
{
	struct verdict v;
	assert_int_equal(report_verdict(r, &v), 3); /* reports, web, db, web-db */
	assert_int_equal(v.next_node, 2);           /* the database is next */
	assert_near(mean_of(r, "web-db", "utilization"), 0.853, 0.02);
	assert_true(mean_of(r, "web", "utilization") < 0.3 && mean_of(r, "db", "utilization") < 0.3);
	assert_true(mean_of(r, "e2e", "latency_mean") > 3 * 0.0041);

	/* The header's second claim: doubled, the link is half as busy and the
	 * latency falls by more than two thirds; the database is next. */
	struct scenario *sc =
		load_file_edited("scenarios/saturated-link.yaml", "bandwidth: 150Mbps", "bandwidth: 300Mbps");
	sc->spec.replications = 4;
	struct results d;
	run_all(sc, &d);
	assert_near(mean_of(&d, "web-db", "utilization"), 0.427, 0.015);
	assert_true(mean_of(&d, "e2e", "latency_mean") < mean_of(r, "e2e", "latency_mean") / 3);
	assert_int_equal(report_verdict(&d, &v), 3);
	assert_int_equal(v.next_node, 2);
	assert_near(mean_of(&d, "db", "utilization"), 0.2, 0.01);
	results_release(&d);
	scenario_free(sc);
}

/*
 * How the stability check's flows (sc->flow: the open workloads' rates
 * routed as the models route them) compare with the simulated arrival
 * rate of every node on requests' paths.
 */
enum flows {
	FLOWS_EXACT, /* within 3%: open workloads at constant rates, nothing lost on the way */
	FLOWS_LOWER, /* a lower bound: closed workloads, retries, a cache's least misses, a replay's spread */
	FLOWS_FREE,  /* no relation to assert: a profile's peak, bursts, failures and refusals upstream */
};

static void check_flows(const struct scenario *sc, const struct results *r, enum flows how)
{
	for (int v = 0; v < sc->spec.n_nodes; v++) {
		const struct node_spec *ns = &sc->spec.nodes[v];
		if (ns->kind->flags & KIND_OFF_PATH || how == FLOWS_FREE)
			continue;
		double sim = mean_of(r, ns->name, "arrivals") / sc->spec.duration, flow = sc->flow[v];
		if (how == FLOWS_EXACT && !(fabs(flow - sim) <= 0.03 * sim + 0.5))
			fail_msg("%s: the stability check sees %.6g/s, the run %.6g/s", ns->name, flow, sim);
		if (how == FLOWS_LOWER && !(flow <= 1.03 * sim + 0.5))
			fail_msg("%s: the stability check sees %.6g/s, more than the run's %.6g/s", ns->name, flow,
				 sim);
	}
}

static void check_external_api(const struct results *r)
{
	assert_near(mean_of(r, "e2e", "latency_mean"), 0.122, 0.004);
	assert_near(mean_of(r, "web", "own_response_mean"), 0.002, 0.0002);
	assert_near(mean_of(r, "payments", "mean_in_service"), 200 * 0.120, 1.5); /* Little's law */
	assert_near(mean_of(r, "e2e", "error_rate"), 0.01, 0.002);
	assert_near(mean_of(r, "e2e", "status_500"), 600, 60);
	assert_true(mean_of(r, "web", "utilization") < 0.1);
}

/* The run of the file's own configuration; the study's claims (the lines
 * crossing between 500/s and 600/s) are checked in tests/cli.sh. */
static void check_scale_up_vs_out(const struct results *r)
{
	assert_near(mean_of(r, "web", "utilization"), 0.5 * (1 - 10.0 / 300), 0.02);
	assert_near(mean_of(r, "e2e", "time_availability"), 1 - 10.0 / 300, 1e-9);
	assert_near(mean_of(r, "e2e", "cost_per_hour"), 0.10, 1e-12);
	assert_near(mean_of(r, "e2e", "cost_per_month"), 73, 1e-9);
}

/* The run of the plan's winner, the file's own design; the plan's claims
 * are checked in tests/test_plan.c. */
static void check_plan_three_tier(const struct results *r)
{
	assert_near(mean_of(r, "web", "utilization"), 0.671, 0.01);
	assert_near(mean_of(r, "db", "utilization"), 0.503, 0.01);
	assert_true(mean_of(r, "e2e", "latency_p99") < 0.040);
	assert_true(mean_of(r, "e2e", "availability") > 0.99);
	assert_near(mean_of(r, "e2e", "cost_per_hour"), 1.48, 0.005);
}

/* The runs of the files' own values; their sweeps' claims are in tests/cli.sh. */
static void check_over_provisioning(const struct results *r)
{
	assert_true(mean_of(r, "web", "utilization") < 0.10);
	assert_near(mean_of(r, "web", "cost_per_hour"), 12 * 0.096, 1e-9);
	double share = mean_of(r, "web", "cost_per_hour") / mean_of(r, "e2e", "cost_per_hour");
	assert_true(share > 0.6 && share < 0.75); /* about two thirds */
	assert_true(mean_of(r, "e2e", "latency_p99") < 0.050);
}

static void check_hockey_stick(const struct results *r)
{
	assert_true(mean_of(r, "db", "utilization") > 0.5);
	assert_true(mean_of(r, "web", "utilization") < 0.15);
	assert_true(mean_of(r, "shoppers", "latency_p99") < 0.070);
}

/* The limit per client: the big customer refused 7 times in 8, the tenants never. */
static void check_noisy_neighbour(const struct results *r)
{
	assert_near(mean_of(r, "big-customer", "error_rate"), 0.875, 0.01);
	assert_near(mean_of(r, "tenants", "error_rate"), 0, 1e-12);
	assert_near(mean_of(r, "gw", "clients_throttled"), 1, 1e-12);
}

static void check_daily_curve(const struct results *r)
{
	double mean = mean_of(r, "fleet", "instances_mean"), peak = mean_of(r, "fleet", "instances_max");
	assert_true(mean > 3.5 && mean < 5 && peak >= 6 && peak <= 8);
	double saved = mean_of(r, "fleet", "savings_per_hour") / mean_of(r, "fleet", "fixed_fleet_cost_per_hour");
	assert_true(saved > 0.3 && saved < 0.5);
	assert_near(mean_of(r, "fleet", "under_provisioned_time"), 0, 0);
	assert_true(mean_of(r, "e2e", "success_ratio") > 0.9999);
	/* The fleet follows the curve: the minimum at dawn, 6 or more at noon
	 * (10-minute periods; visitors, lb, web, fleet). */
	assert_near(r->ts[((size_t)33 * r->n_nodes + 3) * TS_NCOLS + TS_IN_SERVICE], 2, 0); /* 5h30 */
	assert_true(r->ts[((size_t)72 * r->n_nodes + 3) * TS_NCOLS + TS_IN_SERVICE] >= 6);  /* 12h */
}

static void check_flash_crowd_autoscaling(const struct results *r)
{
	double s502 = mean_of(r, "e2e", "status_502");
	assert_true(s502 > 15000 && s502 < 25000);
	assert_true(mean_of(r, "fleet", "under_provisioned_time") > 300);
	assert_true(mean_of(r, "fleet", "instances_max") >= 15);
	/* Refused only in the crowd's first minutes, while the fleet catches up. */
	for (int p = 0; p < r->n_periods; p++) {
		double t = p * r->sc->spec.period,
		       refused = r->ts[((size_t)p * r->n_nodes + 1) * TS_NCOLS + TS_ELB_502];
		if (t < 600 || t >= 960)
			assert_near(refused, 0, 0);
	}
}

struct entry {
	const char *file;
	void (*check)(const struct results *r);
	enum flows flows;
};

static const struct entry entries[] = {
	{"mm1.yaml", check_mm1, FLOWS_EXACT},
	{"three-tier.yaml", check_three_tier, FLOWS_LOWER},
	{"spof-database.yaml", check_spof_database, FLOWS_LOWER},
	{"upstream-dies-502.yaml", check_upstream_dies_502, FLOWS_EXACT},
	{"no-healthy-target-503.yaml", check_no_healthy_target_503, FLOWS_FREE},
	{"slow-upstream-504.yaml", check_slow_upstream_504, FLOWS_EXACT},
	{"surge-queue-spillover.yaml", check_surge_queue_spillover, FLOWS_FREE},
	{"retry-storm.yaml", check_retry_storm, FLOWS_LOWER},
	{"database-failover.yaml", check_database_failover, FLOWS_LOWER},
	{"zone-failure-one-zone.yaml", check_zone_one, FLOWS_FREE},
	{"zone-failure-two-zones.yaml", check_zone_two, FLOWS_FREE},
	{"load-balancer-pair.yaml", check_lb_pair, FLOWS_FREE},
	{"thread-pool-exhaustion.yaml", check_thread_pool, FLOWS_EXACT},
	{"flash-crowd.yaml", check_flash_crowd, FLOWS_FREE},
	{"cache-offload.yaml", check_cache_offload, FLOWS_LOWER},
	{"queue-absorbs-burst.yaml", check_queue_burst, FLOWS_FREE},
	{"request-classes.yaml", check_request_classes, FLOWS_EXACT},
	{"fan-out.yaml", check_fan_out, FLOWS_EXACT},
	{"connection-pool-starvation.yaml", check_pool_starvation, FLOWS_EXACT},
	{"read-replicas.yaml", check_read_replicas, FLOWS_EXACT},
	{"hot-shard.yaml", check_hot_shard, FLOWS_EXACT},
	{"static-dynamic-proxy.yaml", check_static_dynamic, FLOWS_EXACT},
	{"api-gateway.yaml", check_api_gateway, FLOWS_EXACT},
	{"cdn-offload.yaml", check_cdn, FLOWS_EXACT},
	{"replay-access-log.yaml", check_replay, FLOWS_LOWER},
	{"bursty-traffic.yaml", check_bursts, FLOWS_FREE},
	{"saturated-link.yaml", check_saturated_link, FLOWS_EXACT},
	{"external-api.yaml", check_external_api, FLOWS_EXACT},
	{"scale-up-vs-scale-out.yaml", check_scale_up_vs_out, FLOWS_FREE},
	{"over-provisioning.yaml", check_over_provisioning, FLOWS_LOWER},
	{"load-sweep-hockey-stick.yaml", check_hockey_stick, FLOWS_EXACT},
	{"noisy-neighbour.yaml", check_noisy_neighbour, FLOWS_FREE},
	{"autoscaling-daily-curve.yaml", check_daily_curve, FLOWS_FREE},
	{"flash-crowd-autoscaling.yaml", check_flash_crowd_autoscaling, FLOWS_FREE},
	{"plan-three-tier.yaml", check_plan_three_tier, FLOWS_LOWER},
};

static void test_scenarios_show_what_they_say(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++) {
		char path[256];
		snprintf(path, sizeof path, "scenarios/%s", entries[i].file);
		struct diags d;
		struct scenario *sc = NULL;
		diags_init(&d, path);
		if (scenario_load(path, &sc, &d) != SCENARIO_OK) {
			diags_print(&d, stderr);
			fail_msg("%s does not load", path);
		}
		diags_release(&d);
		sc->spec.replications = 4;
		struct results res;
		run_all(sc, &res);
		print_message("%s\n", path);
		entries[i].check(&res);
		check_flows(sc, &res, entries[i].flows);
		results_release(&res);
		scenario_free(sc);
	}
}

static void test_scenarios_each_has_a_checked_outcome(void **state)
{
	(void)state;
	DIR *dir = opendir("scenarios");
	assert_non_null(dir);
	struct dirent *e;
	while ((e = readdir(dir))) {
		size_t len = strlen(e->d_name);
		if (len < 6 || strcmp(e->d_name + len - 5, ".yaml") != 0)
			continue;
		int found = 0;
		for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++)
			found |= strcmp(entries[i].file, e->d_name) == 0;
		if (!found)
			fail_msg("scenarios/%s has no expected outcome in tests/test_scenarios.c", e->d_name);
	}
	closedir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scenarios_each_has_a_checked_outcome),
		cmocka_unit_test(test_scenarios_show_what_they_say),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
