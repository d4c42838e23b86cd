/* hist.c - see hist.h. */
#include "hist.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* The bucket edges, the same for every histogram: one read-only copy
 * (half of a histogram's memory otherwise), made once by whichever thread
 * needs it first. */
static double edges[HIST_NBINS + 1];
static pthread_once_t edges_once = PTHREAD_ONCE_INIT;

static void make_edges(void)
{
	/* Edge i is the double whose exponent and top mantissa bits read i
	 * (hist_add's mapping backwards): 2^e (1 + sub / 2^HIST_SUB_BITS). */
	for (uint64_t i = 0; i <= HIST_NBINS; i++) {
		uint64_t bits = (i + ((uint64_t)(1023 + HIST_MIN_EXP) << HIST_SUB_BITS)) << (52 - HIST_SUB_BITS);
		memcpy(&edges[i], &bits, sizeof bits);
	}
}

void hist_init(struct hist *h)
{
	memset(h, 0, sizeof(*h));
	pthread_once(&edges_once, make_edges);
	/* A gsl_histogram of our own making: its own counts, the shared edges
	 * (GSL only reads them; gsl_histogram_add compares them). */
	h->h = xmalloc(sizeof(*h->h));
	h->h->n = HIST_NBINS;
	h->h->range = edges;
	h->h->bin = xcalloc(HIST_NBINS, sizeof(double));
	h->bin = h->h->bin;
}

void hist_release(struct hist *h)
{
	if (h->h) {
		free(h->h->bin); /* not gsl_histogram_free: the edges are shared */
		free(h->h);
	}
	h->h = NULL;
	h->bin = NULL;
}

void hist_reset(struct hist *h)
{
	if (h->h)
		gsl_histogram_reset(h->h);
	h->n = h->under = h->over = 0;
	h->max = 0;
}

void hist_merge(struct hist *a, const struct hist *b)
{
	if (!b->h)
		return; /* never allocated: empty */
	if (!a->h)
		hist_init(a);
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
