/*
 * limiter.h - a rate limit as a token bucket: `burst` tokens, refilled at
 * `rate` a second; a request that finds less than one token is refused
 * (429).  One bucket for everyone, or one per client (request.client: a
 * noisy client empties its own bucket and no one else's).  Used by the
 * fronts (front.c) and the load balancer.  No allocation after init.
 */
#ifndef MODELS_LIMITER_H
#define MODELS_LIMITER_H

#include <stdint.h>

#include "model.h"

enum limit_by { LIMIT_GLOBAL, LIMIT_PER_CLIENT };

struct limiter {
	double rate, burst;         /* requests per second (0: no limit), the bucket's size */
	int by;                     /* enum limit_by */
	double *tokens, *t;         /* owned: per bucket, its tokens at time t */
	uint8_t *refused;           /* owned, per client: refused at least once since the warm-up */
	uint32_t n;                 /* buckets */
	uint64_t throttled;         /* refused since the warm-up */
	uint64_t clients_throttled; /* clients refused at least once since the warm-up */
};

/* The keys of a rate limit, at these offsets of a kind's configuration
 * (rate_limit a double, burst a long, rate_limit_by an int). */
/* clang-format off */
#define LIMITER_PARAMS(rate_off, burst_off, by_off) \
	{"rate_limit", PT_RATE, rate_off, NULL, 1e-9, 1e9, NULL, P_OPTIONAL, \
	 "requests per second let through; beyond: 429 (none if absent)"}, \
	{"burst", PT_COUNT, burst_off, NULL, 1, 1e9, NULL, P_OPTIONAL, \
	 "rate_limit: requests let through at once above the rate (default: one second's worth)"}, \
	{"rate_limit_by", PT_ENUM, by_off, "global", 0, 0, "global|client", 0, \
	 "rate_limit: one bucket for all (global) or one per client of the workloads (client)"}

/* What a node with a rate limit reports (limiter_report), in its metric table. */
#define LIMITER_METRICS \
	{"throttled", MS_NODE, MU_COUNT, MR_COUNT, MB_LOWER, NULL, "requests refused by the rate limit (429)"}, \
	{"rate_limit_utilization", MS_NODE, MU_FRACTION, MR_UTILIZATION, MB_LOWER, "rate limit", \
	 "requests let through over rate_limit x time (a global limit)"}, \
	{"clients_throttled", MS_NODE, MU_COUNT, MR_COUNT, MB_LOWER, NULL, \
	 "clients refused at least once by a limit per client"}
/* clang-format on */

/* 'burst', or 'rate_limit_by: client', without 'rate_limit' (params: the
 * kind's table, by: the parsed rate_limit_by); NULL if none. */
const char *limiter_check(const struct param *params, unsigned long present, int by, const char **key);

/* rate 0: no limit.  burst 0: one second's worth (at least 1). */
void limiter_init(struct limiter *l, const struct net *net, double rate, double burst, int by);
/* Whether r may come in now (a token taken), or is refused (counted). */
int limiter_admit(struct limiter *l, const struct request *r, double now);
/* The warm-up ends: the counts restart (the buckets keep their tokens). */
void limiter_reset(struct limiter *l);
/* Its metrics for node n (none without a limit): throttled, and
 * rate_limit_utilization (global) or clients_throttled (per client). */
void limiter_report(const struct limiter *l, const struct node *n, struct report *rep);
void limiter_release(struct limiter *l);

#endif
