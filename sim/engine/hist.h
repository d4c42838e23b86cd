/*
 * hist.h - log-bucketed histogram of durations, mergeable across runs.
 *
 * Bucket edges grow by a factor of 1.01 from 1 us to about 1,200 s (2,100
 * buckets, ~16 KiB of counts in a gsl_histogram).  A quantile interpolates
 * within its bucket, so its relative error is below 1% (the bucket width)
 * for values inside the range.  Values below 1 us count as underflow and
 * values above the top as overflow: both are kept, never dropped (GSL's own
 * increment drops out-of-range values silently).
 *
 * hist_add is O(1): the bucket index comes from a logarithm, not a search.
 */
#ifndef SIM_HIST_H
#define SIM_HIST_H

#include <stdint.h>

#include <gsl/gsl_histogram.h>

#define HIST_MIN   1e-6
#define HIST_RATIO 1.01
#define HIST_NBINS 2100

struct hist {
	gsl_histogram *h; /* owned; shared bucket edges by construction */
	uint64_t n;       /* all values, including under- and overflow */
	uint64_t under, over;
	double max; /* largest value added */
};

void hist_init(struct hist *h);
void hist_release(struct hist *h);
void hist_reset(struct hist *h);

/* Adds a value in seconds (negative values count as 0). */
void hist_add(struct hist *h, double x);

/* Adds b's counts into a. */
void hist_merge(struct hist *a, const struct hist *b);

/*
 * The q-quantile (0 <= q <= 1) in seconds; 0 when empty.  A quantile that
 * falls in the underflow is reported as HIST_MIN, in the overflow as max.
 */
double hist_quantile(const struct hist *h, double q);

#endif
