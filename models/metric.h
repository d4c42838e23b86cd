/*
 * metric.h - what a metric is: its name, unit, scope, role and direction.
 *
 * Every number a replication reports (report_add) is declared once in a
 * metric table: the end-to-end, node, failure and run tables in metric.c,
 * and each kind's own beside its parameter table (node_kind.metrics).  The
 * program layer reads the declaration to format a value, to write its unit
 * into the files, to find the bottleneck among the metrics whose role is a
 * resource's utilization, and to generate the metric reference of
 * docs/results.md (`chokepoint metrics --markdown`).  A metric reported but
 * declared nowhere is a bug, caught when results are reduced.
 */
#ifndef MODELS_METRIC_H
#define MODELS_METRIC_H

enum metric_unit {
	MU_COUNT,         /* events in a replication's measured time */
	MU_RATE,          /* per second */
	MU_SECONDS,       /* a duration */
	MU_FRACTION,      /* 0..1, printed as a percentage */
	MU_NUMBER,        /* a time-average or maximum number of things (requests waiting) */
	MU_RATIO,         /* a dimensionless multiple (attempts per request) */
	MU_DOLLARS_HOUR,  /* dollars per hour */
	MU_BYTES_S,       /* bytes per second */
	MU_GBITS_S,       /* gigabits per second */
	MU_MINUTES_MONTH, /* minutes per 730-hour month */
	MU_DOLLARS_MONTH, /* dollars per 730-hour month */
	MU_DOLLARS,       /* dollars */
	MU_N
};

/* Where a metric is reported: a bit each, a metric may have several. */
enum metric_scope {
	MS_E2E = 1,        /* "e2e": every workload's requests together */
	MS_WORKLOAD = 2,   /* a workload's name */
	MS_CLASS = 4,      /* "class:NAME": a request class, over every workload */
	MS_NODE = 8,       /* a node on requests' paths */
	MS_INSTANCE = 16,  /* "NODE/LABEL": one instance of a tier */
	MS_LINK = 32,      /* a link */
	MS_POOL = 64,      /* "CALLER->CALLEE": a caller's connection pool to a callee */
	MS_FAILURES = 128, /* "failures": the failure log */
	MS_RUN = 256,      /* "run": the run itself (events) */
};

enum metric_role {
	MR_UTILIZATION, /* a finite resource's busy share: takes part in the bottleneck verdict */
	MR_TIME,
	MR_RATE,
	MR_COUNT,
	MR_FRACTION,
	MR_LEVEL, /* a number of things present (time average or maximum) */
	MR_COST,
	MR_OTHER,
};

/* Which way is better: what `compare` calls a regression. */
enum metric_better { MB_NEITHER, MB_LOWER, MB_HIGHER };

struct metric_def {
	const char *name;
	unsigned scopes;      /* enum metric_scope bits */
	unsigned char unit;   /* enum metric_unit */
	unsigned char role;   /* enum metric_role */
	unsigned char better; /* enum metric_better */
	const char *resource; /* MR_UTILIZATION: the resource, for the verdict ("CPU cores"); else NULL */
	const char *meaning;  /* one line for the reference */
};

/* The tables of what every node, workload and run reports (metric.c);
 * each ends with an entry whose name is NULL. */
extern const struct metric_def metric_outcomes[]; /* e2e, workloads and classes */
extern const struct metric_def metric_node_base[];
extern const struct metric_def metric_failures[];
extern const struct metric_def metric_run[];

struct node_kind;

/*
 * The declaration of metric name reported in scope (one enum metric_scope
 * bit) by a node of kind (NULL for e2e, class, failures and run): the
 * kind's own table first, then the common ones.  NULL if none declares it.
 */
const struct metric_def *metric_find(const struct node_kind *kind, unsigned scope, const char *name);

/* "count", "1/s", "s", ...: the unit as written in the files. */
const char *metric_unit_name(enum metric_unit u);
const char *metric_role_name(enum metric_role r);
const char *metric_better_name(enum metric_better b);
/* "e2e, workload, class": the scopes of a declaration, for the reference. */
void metric_scopes_text(unsigned scopes, char *buf, unsigned long n);

#endif
