/* stats.c - see stats.h. */
#include "stats.h"

#include <math.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

void tally_merge(struct tally *a, const struct tally *b)
{
	if (b->n == 0)
		return;
	uint64_t n = a->n + b->n;
	double d = b->mean - a->mean;
	a->mean += d * (double)b->n / (double)n;
	a->m2 += b->m2 + d * d * (double)a->n * (double)b->n / (double)n;
	a->n = n;
}

double tavg_mean(const struct tavg *a, double t)
{
	double span = t - a->t0;
	if (span <= 0)
		return a->value;
	return tavg_integral(a, t) / span;
}

struct ci ci_compute(const double *x, size_t n, double level)
{
	struct ci c = {.n = n};
	if (n == 0)
		return c;
	c.mean = gsl_stats_mean(x, 1, n);
	if (n < 2)
		return c;
	c.sd = gsl_stats_sd_m(x, 1, n, c.mean);
	double t = gsl_cdf_tdist_Pinv(1 - (1 - level) / 2, (double)(n - 1));
	c.half = t * c.sd / sqrt((double)n);
	return c;
}
