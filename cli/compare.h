/*
 * compare.h - `chokepoint compare`: is a candidate measurably better or
 * worse than a base, metric by metric, beyond noise?
 *
 * Each side is a set of per-replication values, from a results directory
 * (summary.json, summary.csv, replications.csv) or from a run.  When both
 * sides hold the same replication numbers of the same seed, their random
 * numbers are common (every stream is named by seed, replication and
 * purpose), and each metric is compared by a paired t-test on the
 * differences; otherwise by Welch's t-test.  The p-values of the metrics
 * that have a direction (models/metric.h) are corrected for their number
 * with Holm's step-down method, so that the chance of any false alarm in
 * a comparison stays at most alpha.  A change is a regression when it is
 * significant after the correction, in the worse direction, and larger
 * than the tolerance (relative to the base's mean).
 */
#ifndef CLI_COMPARE_H
#define CLI_COMPARE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "runner.h"
#include "slo.h"

/* One side: its identity and its values, metric-major. */
struct cmp_side {
	char label[4200]; /* the directory or scenario it came from */
	char version[32];
	uint64_t hash, seed;
	long n;     /* replications */
	long *reps; /* owned: their numbers */
	size_t m;   /* metrics */
	char (*scope)[140], (*key)[48];
	unsigned char *unit, *better; /* enum metric_unit, enum metric_better */
	double *v;                    /* owned: m x n, v[i * n + r] */
	struct slo_tolerance tol[32]; /* the tolerance: section of its scenario */
	int n_tol;
};

/* From a run's results (the results are not kept). */
void cmp_side_from_results(const struct results *res, const char *label, struct cmp_side *s);
/* From a results directory; 0, or -1 with a message in err. */
int cmp_side_from_dir(const char *dir, struct cmp_side *s, char *err, size_t n);
void cmp_side_release(struct cmp_side *s);

enum cmp_format { CMP_TEXT, CMP_MARKDOWN, CMP_JSON, CMP_HTML };

#define cmp_tolerance slo_tolerance

struct cmp_opts {
	double alpha;                 /* family-wise error rate, e.g. 0.05 */
	struct slo_tolerance tol[64]; /* [0] the default; then per metric, the later winning */
	int n_tol;
	enum cmp_format format;
	int all; /* list unchanged metrics too */
};

enum cmp_verdict { CMP_SAME, CMP_BETTER, CMP_WORSE };

/* The comparison of one metric present on both sides. */
struct cmp_row {
	size_t ib, ic;         /* its index on each side */
	double mb, hb, mc, hc; /* means and half-widths */
	double change;         /* (candidate - base) / |base|; NAN when the base is 0 and they differ */
	double p;              /* before the correction; 1 when not tested */
	int paired, tested, significant;
	enum cmp_verdict verdict;
};

struct cmp_report {
	struct cmp_row *rows; /* owned */
	size_t n_rows, n_tested, n_better, n_worse;
	int paired;                  /* the comparison was paired (common random numbers) */
	char note[512];              /* why it is not paired, when it is not */
	size_t only_base, only_cand; /* metrics on one side only */
};

/* Compares; 0, or -1 with a message in err when they cannot be compared. */
int cmp_compute(const struct cmp_side *b, const struct cmp_side *c, const struct cmp_opts *o, struct cmp_report *r,
		char *err, size_t n);
void cmp_print(FILE *out, const struct cmp_side *b, const struct cmp_side *c, const struct cmp_opts *o,
	       const struct cmp_report *r);
void cmp_report_release(struct cmp_report *r);

#endif
