/*
 * theory.h - the closed forms a picture draws beside the simulation: the
 * M/M/c queue (Erlang's C formula), for a sweep of one such station.
 */
#ifndef CLI_THEORY_H
#define CLI_THEORY_H

/* The probability that an arrival waits, c servers offered a = lambda/mu
 * erlangs (a < c). */
double erlang_c(long c, double a);

/*
 * M/M/c with arrival rate lambda and service rate mu per server: the mean
 * response time (wait and service) and its q-quantile (0 < q < 1), in
 * seconds.  0, or -1 when lambda >= c mu (no steady state).
 */
int mmc_response(long c, double lambda, double mu, double q, double *mean, double *quantile);

#endif
