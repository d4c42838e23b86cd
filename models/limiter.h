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
