/*
 * metrics.h - the program's side of the metric tables (models/metric.h):
 * which declaration a reported (scope, key) is, how its value is written
 * for people, and the generated metric reference.
 */
#ifndef CLI_METRICS_H
#define CLI_METRICS_H

#include <stdio.h>

#include "../models/model.h"
#include "../sim/engine/stats.h"

/* Caches the last node looked up, so resolving a report's metrics in
 * order is linear in their number. */
struct metric_resolver {
	const struct net_spec *spec;
	int last; /* node index of the last look-up, or -1 */
};

/*
 * The declaration of metric key in scope ("e2e", "class:NAME", a node's
 * name, "NODE/INSTANCE", "CALLER->CALLEE", "failures", "run"), or NULL if
 * no table declares it.  *node is set to the node the scope belongs to
 * (the caller for a pool), or -1.
 */
const struct metric_def *metric_resolve(struct metric_resolver *mr, const char *scope, const char *key, int *node);

/* v in def's unit, for people: "11.1ms", "82.5%", "825.0/s". */
void metric_format(char *buf, size_t n, enum metric_unit u, double v);
/* The same with the interval's half-width: "11.1ms ±69.6us"; "±0" when the
 * half-width is zero to the precision printed. */
void metric_format_ci(char *buf, size_t n, enum metric_unit u, const struct ci *c);

/* The unit whose metric_unit_name is s ("1/s", "fraction"), or -1. */
int metric_unit_parse(const char *s);

/* The reference of every metric table, as Markdown (docs/results.md) or as
 * aligned plain text (`chokepoint metrics`). */
void metrics_print_reference(FILE *out, int markdown);

#endif
