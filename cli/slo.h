/*
 * slo.h - service-level objectives: the checks of a scenario's `slo:`
 * section, judged on a run's results with their confidence intervals.
 *
 * A check is one line, in the style of k6 thresholds:
 *
 *     [SCOPE.]METRIC OP VALUE        latency_p99 < 250ms
 *                                    class:checkout.latency_p99 < 1s
 *                                    web.utilization < 70%
 *                                    status_503 == 0
 *
 * METRIC is any metric of the metric table (models/metric.h) reported in
 * SCOPE (end to end when there is none: a node, `class:NAME`,
 * `CALLER->CALLEE`, `failures`), OP one of < <= > >= == !=, and VALUE a
 * number in the metric's unit (250ms for a time, 70% for a fraction,
 * 1000/s for a rate, a plain number for a count).
 *
 * Verdicts: in interval mode (the default) a check passes only when the
 * whole confidence interval of the metric is on the right side of the
 * limit, fails when it is wholly on the wrong side, and is inconclusive
 * when it straddles the limit (or the run has a single replication);
 * point mode judges the mean alone.  An inconclusive check fails unless
 * the caller decides otherwise.
 */
#ifndef CLI_SLO_H
#define CLI_SLO_H

#include <stddef.h>
#include <stdio.h>

#include "../models/model.h"
#include "runner.h"

#define SLO_MAX 256 /* checks in one scenario */

enum slo_op { SLO_LT, SLO_LE, SLO_GT, SLO_GE, SLO_EQ, SLO_NE };

struct slo_check {
	char text[256];  /* as written (trimmed) */
	char scope[140]; /* "e2e", "class:NAME", a node, ... */
	char metric[48];
	enum slo_op op;
	double limit; /* in the metric's base unit (seconds, fraction, per second, ...) */
	const struct metric_def *def;
	int line, col; /* where it was written */
};

/*
 * Parses one check for spec.  0, or -1 with a message in err: a metric
 * that does not exist (with the nearest name), a scope that does not, a
 * value in the wrong unit (with an example of the right one).
 */
int slo_parse(const char *text, const struct net_spec *spec, struct slo_check *out, char *err, size_t errsize);

/* A tolerance of `compare`: changes within share of the base are not
 * flagged; metric "" is every metric's. */
struct slo_tolerance {
	char metric[48];
	double share;
};

/* "5%" or "METRIC=10%" (METRIC a name of the metric table); 0, or -1 with
 * a message in err. */
int slo_parse_tolerance(const char *text, struct slo_tolerance *t, char *err, size_t errsize);

enum slo_verdict { SLO_PASS, SLO_FAIL, SLO_INCONCLUSIVE, SLO_MISSING };

struct slo_result {
	enum slo_verdict verdict;
	struct ci ci;     /* the metric's, when it was reported */
	long reps_needed; /* inconclusive: replications that would likely settle it (0: none would) */
};

/* Judges c on res (point_mode: the mean alone). */
void slo_evaluate(const struct slo_check *c, const struct results *res, int point_mode, struct slo_result *r);

/* "latency_p99 < 250ms": the limit written in the metric's unit. */
void slo_format_limit(const struct slo_check *c, char *buf, size_t n);

/* One line of the verdict for people, without a newline ("✓ latency_p99 < 250ms   34.5ms ±566us"). */
void slo_format(const struct slo_check *c, const struct slo_result *r, char *buf, size_t n);

/* The block of checks a run prints (out NULL: none), and its closing line
 * "N passed, N failed[, N inconclusive]"; the number that did not pass. */
int slo_print(FILE *out, const struct slo_check *checks, size_t n, const struct results *res, int point_mode);

#endif
