/*
 * rng.h - independent random streams derived from one master seed.
 *
 * Every purpose (a workload's arrivals, a node's service times, its routing
 * choices, ...) draws from its own stream, seeded from (master seed,
 * replication, stream name) by rng_seed.  Adding a node therefore never
 * changes the numbers another node draws, which is what makes common random
 * numbers work when two designs are compared.
 *
 * A stream wraps one GSL generator (mt19937).
 */
#ifndef SIM_RNG_H
#define SIM_RNG_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

struct rng {
	gsl_rng *r; /* owned */
};

/*
 * The seed of a stream: splitmix64 applied in turn to the master seed, the
 * replication number and the FNV-1a hash of the name, folded to 32 bits
 * (what GSL's mt19937 uses) and never 0 (GSL maps 0 to its default seed).
 */
uint32_t rng_seed(uint64_t master, uint64_t rep, const char *name);

/* Initialises a stream for (master, rep, name); rng_release frees it. */
void rng_init(struct rng *rng, uint64_t master, uint64_t rep, const char *name);
void rng_release(struct rng *rng);

/* A uniform double in [0, 1). */
static inline double rng_uniform(struct rng *rng)
{
	return gsl_rng_uniform(rng->r);
}

/* splitmix64's finaliser: a bijective mix of 64 bits. */
uint64_t rng_mix64(uint64_t x);

#endif
