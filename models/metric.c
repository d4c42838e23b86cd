/* metric.c - see metric.h: the common metric tables and the look-up. */
#include "metric.h"

#include <stdio.h>
#include <string.h>

#include "model.h"

#define OUTCOME (MS_E2E | MS_WORKLOAD | MS_CLASS)
#define AVAIL   (MS_E2E | MS_WORKLOAD)

/* clang-format off */
const struct metric_def metric_outcomes[] = {
	{"offered_throughput", OUTCOME, MU_RATE, MR_RATE, MB_NEITHER, NULL,
	 "requests the clients sent per second (first attempts)"},
	{"served_throughput", OUTCOME, MU_RATE, MR_RATE, MB_HIGHER, NULL,
	 "2xx answers the clients received per second"},
	{"latency_mean", OUTCOME, MU_SECONDS, MR_TIME, MB_LOWER, NULL,
	 "mean time from the client's send to its receipt of a successful (2xx) answer"},
	{"latency_p50", OUTCOME, MU_SECONDS, MR_TIME, MB_LOWER, NULL, "median of the same"},
	{"latency_p90", OUTCOME, MU_SECONDS, MR_TIME, MB_LOWER, NULL, "90th percentile of the same"},
	{"latency_p95", OUTCOME, MU_SECONDS, MR_TIME, MB_LOWER, NULL, "95th percentile of the same"},
	{"latency_p99", OUTCOME, MU_SECONDS, MR_TIME, MB_LOWER, NULL, "99th percentile of the same"},
	{"latency_p99.9", OUTCOME, MU_SECONDS, MR_TIME, MB_LOWER, NULL, "99.9th percentile of the same"},
	{"requests", OUTCOME, MU_COUNT, MR_COUNT, MB_NEITHER, NULL, "final answers the clients received"},
	{"status_2xx", OUTCOME, MU_COUNT, MR_COUNT, MB_HIGHER, NULL, "of them, successful (200, 202)"},
	{"status_202", OUTCOME, MU_COUNT, MR_COUNT, MB_NEITHER, NULL,
	 "of the 2xx, 202 Accepted: taken by a message queue, processed later"},
	{"status_429", OUTCOME, MU_COUNT, MR_COUNT, MB_LOWER, NULL, "of them, 429 Too Many Requests (a rate limit)"},
	{"status_460", OUTCOME, MU_COUNT, MR_COUNT, MB_LOWER, NULL,
	 "of them, given up by the client (its timeout, or its circuit breaker open)"},
	{"status_500", OUTCOME, MU_COUNT, MR_COUNT, MB_LOWER, NULL,
	 "of them, 500 from a target (a failed call, a pool timeout, any other 5xx)"},
	{"status_502", OUTCOME, MU_COUNT, MR_COUNT, MB_LOWER, NULL, "of them, 502 Bad Gateway"},
	{"status_503", OUTCOME, MU_COUNT, MR_COUNT, MB_LOWER, NULL, "of them, 503 Service Unavailable"},
	{"status_504", OUTCOME, MU_COUNT, MR_COUNT, MB_LOWER, NULL, "of them, 504 Gateway Timeout"},
	{"success_ratio", OUTCOME, MU_FRACTION, MR_FRACTION, MB_HIGHER, NULL,
	 "2xx answers over all answers (request availability)"},
	{"availability", OUTCOME, MU_FRACTION, MR_FRACTION, MB_HIGHER, NULL,
	 "request availability, as SLOs name it: 2xx answers over all answers (1 when none were answered)"},
	{"error_rate", OUTCOME, MU_FRACTION, MR_FRACTION, MB_LOWER, NULL,
	 "answers that were not 2xx over all answers: 1 - availability"},
	{"time_availability", AVAIL, MU_FRACTION, MR_FRACTION, MB_HIGHER, NULL,
	 "share of the measured time during which every tier on requests' paths had an instance up"},
	{"downtime_minutes_per_month", AVAIL, MU_MINUTES_MONTH, MR_TIME, MB_LOWER, NULL,
	 "(1 - time_availability) over a 730-hour month"},
	{"error_budget_used", AVAIL, MU_RATIO, MR_OTHER, MB_LOWER, NULL,
	 "failed requests over those simulation.slo allows (1: the budget is spent exactly)"},
	{"latency_overflow", AVAIL, MU_COUNT, MR_COUNT, MB_LOWER, NULL,
	 "latencies above the histogram's 2,048 s range (percentiles above them are lower bounds)"},
	{"cost_per_hour", MS_E2E, MU_DOLLARS_HOUR, MR_COST, MB_LOWER, NULL,
	 "what the system costs to run: every node's cost_per_hour added up"},
	{"cost_per_month", MS_E2E, MU_DOLLARS_MONTH, MR_COST, MB_LOWER, NULL, "cost_per_hour over a 730-hour month"},
	{"cost_per_million_requests", MS_E2E, MU_DOLLARS, MR_COST, MB_LOWER, NULL,
	 "cost_per_hour over the successful (2xx) answers of an hour, per million"},
	{0},
};

const struct metric_def metric_node_base[] = {
	{"arrivals", MS_NODE | MS_LINK, MU_COUNT, MR_COUNT, MB_NEITHER, NULL, "requests that reached the node"},
	{"throughput", MS_NODE | MS_LINK, MU_RATE, MR_RATE, MB_NEITHER, NULL,
	 "requests served (answered after service) per second"},
	{"utilization", MS_NODE, MU_FRACTION, MR_UTILIZATION, MB_LOWER, "servers",
	 "busy servers over servers, time average"},
	{"mean_waiting", MS_NODE | MS_LINK, MU_NUMBER, MR_LEVEL, MB_LOWER, NULL,
	 "requests waiting for a server or a worker, time average"},
	{"mean_in_service", MS_NODE | MS_LINK, MU_NUMBER, MR_LEVEL, MB_NEITHER, NULL,
	 "requests in service (busy servers), time average"},
	{"mean_in_node", MS_NODE | MS_LINK, MU_NUMBER, MR_LEVEL, MB_NEITHER, NULL,
	 "requests inside the node, waiting, served or waiting for calls, time average"},
	{"max_waiting", MS_NODE | MS_LINK, MU_NUMBER, MR_LEVEL, MB_LOWER, NULL, "most requests waiting at once"},
	{"response_mean", MS_NODE | MS_LINK, MU_SECONDS, MR_TIME, MB_LOWER, NULL,
	 "mean time from arrival to answer at the node, its downstream calls included"},
	{"response_p50", MS_NODE | MS_LINK, MU_SECONDS, MR_TIME, MB_LOWER, NULL, "median of the same"},
	{"response_p90", MS_NODE | MS_LINK, MU_SECONDS, MR_TIME, MB_LOWER, NULL, "90th percentile of the same"},
	{"response_p95", MS_NODE | MS_LINK, MU_SECONDS, MR_TIME, MB_LOWER, NULL, "95th percentile of the same"},
	{"response_p99", MS_NODE | MS_LINK, MU_SECONDS, MR_TIME, MB_LOWER, NULL, "99th percentile of the same"},
	{"own_response_mean", MS_NODE, MU_SECONDS, MR_TIME, MB_LOWER, NULL,
	 "response_mean less the time its requests spent in calls downstream: the node's own share"},
	{"wait_mean", MS_NODE, MU_SECONDS, MR_TIME, MB_LOWER, NULL,
	 "mean wait before service (queueing delay), over the requests that began service"},
	{"wait_p50", MS_NODE, MU_SECONDS, MR_TIME, MB_LOWER, NULL, "median of the same"},
	{"wait_p90", MS_NODE, MU_SECONDS, MR_TIME, MB_LOWER, NULL, "90th percentile of the same"},
	{"wait_p99", MS_NODE, MU_SECONDS, MR_TIME, MB_LOWER, NULL, "99th percentile of the same"},
	{"p_wait", MS_NODE, MU_FRACTION, MR_FRACTION, MB_LOWER, NULL,
	 "share of the requests that waited at all before service (Erlang C's C for M/M/c)"},
	{"rejections", MS_NODE | MS_LINK, MU_COUNT, MR_COUNT, MB_LOWER, NULL, "requests refused without service"},
	{"rejection_ratio", MS_NODE | MS_LINK, MU_FRACTION, MR_FRACTION, MB_LOWER, NULL,
	 "refused over answered"},
	{"spillover", MS_NODE | MS_LINK, MU_COUNT, MR_COUNT, MB_LOWER, NULL,
	 "refused because a bounded queue was full (SpilloverCount)"},
	{"up_fraction", MS_NODE | MS_LINK, MU_FRACTION, MR_FRACTION, MB_HIGHER, NULL,
	 "mean share of its instances up"},
	{"availability", MS_NODE | MS_LINK, MU_FRACTION, MR_FRACTION, MB_HIGHER, NULL,
	 "share of the time it could serve: an instance up (and, active-passive, promoted)"},
	{"outages", MS_NODE | MS_LINK, MU_COUNT, MR_COUNT, MB_LOWER, NULL,
	 "times it stopped serving: every instance down at once, or failing over"},
	{"outage_mean", MS_NODE | MS_LINK, MU_SECONDS, MR_TIME, MB_LOWER, NULL,
	 "mean length of an outage (one still open at the end counts to the end)"},
	{"up_at_least_K", MS_NODE | MS_LINK, MU_FRACTION, MR_FRACTION, MB_HIGHER, NULL,
	 "k of n: share of the time at least K of its instances were up (tiers of 2 to 16, K from 2 to n)"},
	{0},
};

const struct metric_def metric_failures[] = {
	{"count", MS_FAILURES, MU_COUNT, MR_COUNT, MB_LOWER, NULL, "failures that began in the run"},
	{"detected", MS_FAILURES, MU_COUNT, MR_COUNT, MB_NEITHER, NULL,
	 "of them, taken out of rotation by a balancer's health checks"},
	{"repaired", MS_FAILURES, MU_COUNT, MR_COUNT, MB_NEITHER, NULL,
	 "of them, repaired before the run ended (the others have no time to repair)"},
	{"mean_time_to_detect", MS_FAILURES, MU_SECONDS, MR_TIME, MB_LOWER, NULL,
	 "mean time from a failure to its detection, over those detected"},
	{"mean_time_to_repair", MS_FAILURES, MU_SECONDS, MR_TIME, MB_LOWER, NULL,
	 "mean time from a failure to its repair, over those repaired"},
	{"requests_lost", MS_FAILURES, MU_COUNT, MR_COUNT, MB_LOWER, NULL,
	 "error answers the clients received while a failure was open, each charged once, to the first"},
	{0},
};

const struct metric_def metric_run[] = {
	{"events", MS_RUN, MU_COUNT, MR_COUNT, MB_NEITHER, NULL, "events the engine ran (warm-up included)"},
	{"in_flight_at_end", MS_RUN, MU_NUMBER, MR_LEVEL, MB_NEITHER, NULL, "requests alive when the run ended"},
	{0},
};
/* clang-format on */

/* Whether name is def's: the same, or for a name ending in "_K" (a
 * family such as up_at_least_K), the same prefix and then digits. */
static int names_match(const char *def, const char *name)
{
	size_t n = strlen(def);
	if (n > 2 && strcmp(def + n - 2, "_K") == 0 && strncmp(def, name, n - 1) == 0) {
		const char *d = name + n - 1;
		if (!*d)
			return 0;
		for (; *d; d++)
			if (*d < '0' || *d > '9')
				return 0;
		return 1;
	}
	return strcmp(def, name) == 0;
}

static const struct metric_def *find_in(const struct metric_def *t, unsigned scope, const char *name)
{
	for (; t && t->name; t++)
		if ((t->scopes & scope) && names_match(t->name, name))
			return t;
	return NULL;
}

const struct metric_def *metric_find(const struct node_kind *kind, unsigned scope, const char *name)
{
	const struct metric_def *d = kind ? find_in(kind->metrics, scope, name) : NULL;
	if (!d && kind)
		d = find_in(kind->engine_metrics, scope, name);
	if (!d)
		d = find_in(metric_outcomes, scope, name);
	if (!d)
		d = find_in(metric_node_base, scope, name);
	if (!d)
		d = find_in(metric_failures, scope, name);
	if (!d)
		d = find_in(metric_run, scope, name);
	return d;
}

const char *metric_unit_name(enum metric_unit u)
{
	static const char *const names[MU_N] = {"count", "1/s",     "s",      "fraction",  "number",  "ratio",
						"$/h",   "bytes/s", "Gbit/s", "min/month", "$/month", "$"};
	return (unsigned)u < MU_N ? names[u] : "?";
}

const char *metric_role_name(enum metric_role r)
{
	static const char *const names[] = {"utilization", "time",  "rate", "count",
					    "fraction",    "level", "cost", "other"};
	return (unsigned)r < sizeof names / sizeof *names ? names[r] : "?";
}

const char *metric_better_name(enum metric_better b)
{
	return b == MB_LOWER ? "lower" : b == MB_HIGHER ? "higher" : "neither";
}

void metric_scopes_text(unsigned scopes, char *buf, unsigned long n)
{
	static const char *const names[] = {"e2e",  "workload", "class",    "node", "instance",
					    "link", "pool",     "failures", "run"};
	size_t len = 0;
	buf[0] = '\0';
	for (unsigned i = 0; i < sizeof names / sizeof *names; i++)
		if (scopes & (1u << i))
			len += (size_t)snprintf(buf + len, len < n ? n - len : 0, "%s%s", len ? ", " : "", names[i]);
}
