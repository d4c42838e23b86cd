/* hist.c - see hist.h. */
#include "hist.h"

#include <math.h>
#include <string.h>

#include "util.h"

void hist_init(struct hist *h)
{
	memset(h, 0, sizeof(*h));
	h->h = gsl_histogram_alloc(HIST_NBINS);
	if (!h->h)
		BUG("gsl_histogram_alloc failed");
	h->bin = h->h->bin;
	for (size_t i = 0; i <= HIST_NBINS; i++) {
		int e = HIST_MIN_EXP + (int)(i >> HIST_SUB_BITS);
		double sub = (double)(i & ((1u << HIST_SUB_BITS) - 1));
		h->h->range[i] = ldexp(1.0 + sub / (1u << HIST_SUB_BITS), e);
	}
	gsl_histogram_reset(h->h);
}

void hist_release(struct hist *h)
{
	if (h->h)
		gsl_histogram_free(h->h);
	h->h = NULL;
	h->bin = NULL;
}

void hist_reset(struct hist *h)
{
	gsl_histogram_reset(h->h);
	h->n = h->under = h->over = 0;
	h->max = 0;
}

void hist_merge(struct hist *a, const struct hist *b)
{
	gsl_histogram_add(a->h, b->h);
	a->n += b->n;
	a->under += b->under;
	a->over += b->over;
	if (b->max > a->max)
		a->max = b->max;
}

double hist_quantile(const struct hist *h, double q)
{
	if (h->n == 0)
		return 0;
	if (q < 0)
		q = 0;
	if (q > 1)
		q = 1;
	double target = q * (double)h->n;
	double cum = (double)h->under;
	if (target <= cum && h->under > 0)
		return HIST_MIN;
	for (size_t i = 0; i < HIST_NBINS; i++) {
		double c = h->h->bin[i];
		if (c > 0 && cum + c >= target) {
			double lo = h->h->range[i], hi = h->h->range[i + 1];
			double f = (target - cum) / c;
			double x = lo + f * (hi - lo);
			return x < h->max ? x : h->max;
		}
		cum += c;
	}
	return h->max;
}
