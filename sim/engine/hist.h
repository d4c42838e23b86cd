/*
 * hist.h - log-bucketed histogram of durations, mergeable across runs.
 *
 * Each power of two from 2^-20 s (0.95 us) to 2^11 s (2048 s) is cut into
 * 128 equal buckets (HDR-histogram style): 31 x 128 = 3,968 buckets, whose
 * counts live in a gsl_histogram with those exact edges.  A bucket is at
 * most 1/128 (0.78%) of its lower edge wide, and a quantile interpolates
 * within its bucket, so its relative error is below 0.78% for values
 * inside the range.  Values below the range count as underflow and values
 * above as overflow: both are kept, never dropped (GSL's own increment
 * drops out-of-range values silently).
 *
 * hist_add is O(1) and takes no logarithm: the bucket is read off the
 * double's exponent and top 7 mantissa bits.
 */
#ifndef SIM_HIST_H
#define SIM_HIST_H

#include <stdint.h>
#include <string.h>

#include <gsl/gsl_histogram.h>

#define HIST_MIN_EXP  -20 /* smallest bucket edge: 2^-20 s */
#define HIST_MAX_EXP  11  /* top edge: 2^11 s */
#define HIST_SUB_BITS 7   /* 2^7 buckets per power of two */
#define HIST_NBINS    ((HIST_MAX_EXP - HIST_MIN_EXP) << HIST_SUB_BITS)
#define HIST_MIN      0x1p-20 /* seconds */

struct hist {
	gsl_histogram *h; /* owned, or NULL until hist_init (an empty histogram); its edges are shared */
	double *bin;      /* h->bin */
	uint64_t n;       /* all values, including under- and overflow */
	uint64_t under, over;
	double max; /* largest value added */
};

void hist_init(struct hist *h);
void hist_release(struct hist *h);
void hist_reset(struct hist *h);

/* Adds a value in seconds (negative values count as 0).  Inline: it is
 * on every request's path, several times. */
static inline void hist_add(struct hist *h, double x)
{
	h->n++;
	if (x > h->max)
		h->max = x;
	/* A positive double's biased exponent and the top HIST_SUB_BITS bits
	 * of its mantissa are adjacent: together, offset by 2^-20's, they are
	 * its bucket.  Anything else (below the range, negative, NaN, above
	 * it) falls outside [0, HIST_NBINS) as an unsigned number. */
	uint64_t bits;
	memcpy(&bits, &x, sizeof bits);
	uint64_t i = (bits >> (52 - HIST_SUB_BITS)) - ((uint64_t)(1023 + HIST_MIN_EXP) << HIST_SUB_BITS);
	if (i < HIST_NBINS)
		h->bin[i] += 1;
	else if (x >= 0x1p11)
		h->over++;
	else
		h->under++;
}

/* Adds b's counts into a. */
void hist_merge(struct hist *a, const struct hist *b);

/*
 * The q-quantile (0 <= q <= 1) in seconds; 0 when empty.  A quantile that
 * falls in the underflow is reported as HIST_MIN, in the overflow as max.
 */
double hist_quantile(const struct hist *h, double q);

#endif
