/* theory.c - see theory.h. */
#include "theory.h"

#include <math.h>

double erlang_c(long c, double a)
{
	double term = 1, sum = 0; /* a^k / k!, summed for k < c */
	for (long k = 0; k < c; k++) {
		sum += term;
		term *= a / (double)(k + 1);
	}
	double top = term * (double)c / ((double)c - a);
	return top / (sum + top);
}

/* P(T > t): T is the wait (0 with probability 1 - C, else exponential of
 * rate theta = c mu - lambda) plus an exponential service of rate mu. */
static double tail(double t, double C, double theta, double mu)
{
	double both = fabs(theta - mu) < 1e-12 * mu ? (1 + mu * t) * exp(-mu * t)
						    : (theta * exp(-mu * t) - mu * exp(-theta * t)) / (theta - mu);
	return (1 - C) * exp(-mu * t) + C * both;
}

int mmc_response(long c, double lambda, double mu, double q, double *mean, double *quantile)
{
	double theta = (double)c * mu - lambda;
	if (!(theta > 0) || !(mu > 0))
		return -1;
	double C = erlang_c(c, lambda / mu);
	*mean = 1 / mu + C / theta;
	double lo = 0, hi = 1 / mu + 1 / theta; /* the tail falls: bisect where it is 1 - q */
	while (tail(hi, C, theta, mu) > 1 - q)
		hi *= 2;
	for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
		double mid = (lo + hi) / 2;
		if (tail(mid, C, theta, mu) > 1 - q)
			lo = mid;
		else
			hi = mid;
	}
	*quantile = (lo + hi) / 2;
	return 0;
}
