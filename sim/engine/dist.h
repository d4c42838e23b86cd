/*
 * dist.h - service-time and think-time distributions.
 *
 * Written in scenarios as name(arguments); every time argument takes a unit,
 * and every "mean" is the mean (exp(4ms) has mean 4 ms, rate 250/s):
 *
 *   const(x)             always x; a bare duration '4ms' means const(4ms)
 *   exp(mean)            exponential
 *   uniform(a, b)        uniform on [a, b]
 *   normal(mean, sd)     normal, truncated at 0 by redrawing negative values
 *   lognormal(mean, sd)  lognormal with that mean and standard deviation
 *   gamma(mean, cv)      gamma with that mean and coefficient of variation
 *   weibull(scale, k)    Weibull with scale (a duration) and shape k
 *   pareto(min, alpha)   Pareto (type I) with minimum min and shape alpha
 *   hyperexp(p, m1, m2)  exp(m1) with probability p, else exp(m2)
 *   empirical(file.csv)  resampled uniformly from measured values
 *
 * Sampling draws from GSL and never allocates.
 */
#ifndef SIM_DIST_H
#define SIM_DIST_H

#include <stddef.h>

#include <gsl/gsl_randist.h>

#include "rng.h"

enum dist_type {
	DIST_CONST,
	DIST_EXP,
	DIST_UNIFORM,
	DIST_NORMAL,
	DIST_LOGNORMAL,
	DIST_GAMMA,
	DIST_WEIBULL,
	DIST_PARETO,
	DIST_HYPEREXP,
	DIST_EMPIRICAL,
};

struct dist {
	enum dist_type type;
	double a, b, c;       /* parameters, meaning by type (see dist.c) */
	const double *values; /* empirical samples, seconds; not owned */
	size_t n_values;
	char path[256]; /* empirical: the file as written */
};

/*
 * Parses a distribution.  On error returns -1 and writes a message into
 * err (size errsize).  For empirical(...) only the path is recorded: the
 * caller loads the values and calls dist_set_values.
 */
int dist_parse(struct dist *d, const char *s, char *err, size_t errsize);

/* Gives an empirical distribution its samples (not copied, must outlive d). */
void dist_set_values(struct dist *d, const double *values, size_t n);

/* Draws one value, in seconds, >= 0.  The exponential, the commonest, is
 * drawn inline. */
double dist__sample_any(const struct dist *d, struct rng *rng);
static inline double dist_sample(const struct dist *d, struct rng *rng)
{
	if (d->type == DIST_EXP)
		return gsl_ran_exponential(rng->r, d->a); /* GSL takes the mean */
	return dist__sample_any(d, rng);
}

/* The mean and the squared coefficient of variation (variance/mean^2). */
double dist_mean(const struct dist *d);
double dist_scv(const struct dist *d);

/* Writes the canonical text, e.g. "exp(4ms)", for resolved scenarios. */
void dist_format(const struct dist *d, char *buf, size_t size);

#endif
