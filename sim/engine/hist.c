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
	for (size_t i = 0; i <= HIST_NBINS; i++)
		h->h->range[i] = HIST_MIN * pow(HIST_RATIO, (double)i);
	gsl_histogram_reset(h->h);
}

void hist_release(struct hist *h)
{
	if (h->h)
		gsl_histogram_free(h->h);
	h->h = NULL;
}

void hist_reset(struct hist *h)
{
	gsl_histogram_reset(h->h);
	h->n = h->under = h->over = 0;
	h->max = 0;
}

void hist_add(struct hist *h, double x)
{
	static const double inv_log_ratio = 100.49916879768; /* 1 / ln(1.01) */
	const double *range = h->h->range;

	h->n++;
	if (x > h->max)
		h->max = x;
	if (!(x >= HIST_MIN)) {
		h->under++;
		return;
	}
	if (x >= range[HIST_NBINS]) {
		h->over++;
		return;
	}
	long i = (long)(log(x / HIST_MIN) * inv_log_ratio);
	/* The logarithm may land one bucket off at an edge: settle on the edges. */
	if (i >= HIST_NBINS)
		i = HIST_NBINS - 1;
	if (i > 0 && x < range[i])
		i--;
	else if (i + 1 < HIST_NBINS && x >= range[i + 1])
		i++;
	h->h->bin[i] += 1;
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
