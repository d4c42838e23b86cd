/*
 * stats.h - running statistics embedded by value in the things they measure.
 *
 * tally: observations (response times): count, mean, variance (Welford).
 * tavg:  a piecewise-constant quantity over time (queue length, busy cores):
 *        its time average and maximum since the last reset.
 * ci:    a Student-t confidence interval over replication values.
 *
 * All O(1) per update, no allocation.
 */
#ifndef SIM_STATS_H
#define SIM_STATS_H

#include <stddef.h>
#include <stdint.h>

struct tally {
	uint64_t n;
	double mean; /* running mean */
	double m2;   /* sum of squared deviations */
};

static inline void tally_reset(struct tally *t)
{
	*t = (struct tally){0};
}

static inline void tally_add(struct tally *t, double x)
{
	t->n++;
	double d = x - t->mean;
	t->mean += d / (double)t->n;
	t->m2 += d * (x - t->mean);
}

/* Sample variance, 0 for fewer than two observations. */
static inline double tally_var(const struct tally *t)
{
	return t->n > 1 ? t->m2 / (double)(t->n - 1) : 0;
}

/* Combines b into a (Chan et al.'s parallel update). */
void tally_merge(struct tally *a, const struct tally *b);

struct tavg {
	double t0;     /* start of the measured window, seconds */
	double t_last; /* time of the last change */
	double value;  /* current value */
	double area;   /* integral of value over [t0, t_last] */
	double max;    /* largest value since reset */
};

/* Starts a window at time t with the current value kept. */
static inline void tavg_reset(struct tavg *a, double t)
{
	a->t0 = a->t_last = t;
	a->area = 0;
	a->max = a->value;
}

/* The value changes to v at time t (t never decreases). */
static inline void tavg_set(struct tavg *a, double t, double v)
{
	a->area += a->value * (t - a->t_last);
	a->t_last = t;
	a->value = v;
	if (v > a->max)
		a->max = v;
}

static inline void tavg_add(struct tavg *a, double t, double dv)
{
	tavg_set(a, t, a->value + dv);
}

/* The integral of the value over [t0, t]. */
static inline double tavg_integral(const struct tavg *a, double t)
{
	return a->area + a->value * (t - a->t_last);
}

/* Time average over [t0, t]; the current value if the window is empty. */
double tavg_mean(const struct tavg *a, double t);

struct ci {
	size_t n;
	double mean;
	double sd;   /* sample standard deviation across values */
	double half; /* half-width; 0 when n < 2 */
};

/* Mean and two-sided Student-t interval at confidence level (e.g. 0.95). */
struct ci ci_compute(const double *x, size_t n, double level);

#endif
