/* rng.c - see rng.h. */
#include "rng.h"

#include "util.h"

uint64_t rng_mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

uint32_t rng_seed(uint64_t master, uint64_t rep, const char *name)
{
	uint64_t x = rng_mix64(master);
	x = rng_mix64(x ^ rep);
	x = rng_mix64(x ^ fnv1a(name));
	uint32_t s = (uint32_t)(x ^ (x >> 32));
	return s ? s : 0x6a09e667u;
}

void rng_init(struct rng *rng, uint64_t master, uint64_t rep, const char *name)
{
	rng->r = gsl_rng_alloc(gsl_rng_mt19937);
	if (!rng->r)
		BUG("gsl_rng_alloc failed");
	gsl_rng_set(rng->r, rng_seed(master, rep, name));
}

void rng_release(struct rng *rng)
{
	gsl_rng_free(rng->r);
	rng->r = NULL;
}
