/*
 * ref_mm1.c - the reference loop: the cheapest reasonable discrete-event
 * simulation of the benchmark queues, with the same RNG as chokepoint (GSL
 * mt19937 through gsl_ran_exponential).  A binary heap of (time, kind)
 * events and counters, no requests, no statistics beyond a busy-time sum.
 * It is the practical lower bound on the cost of an event: chokepoint's
 * throughput is reported as a ratio to it.
 *
 * usage: ref_mm1 mm1 CUSTOMERS   (B1: M/M/1 at utilization 0.9)
 *        ref_mm1 tandem CUSTOMERS (B2: LB 1x0.5 -> web 4x4.0 -> DB 1x1.0, rate 0.8)
 * Prints: customers events seconds
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

struct ev {
	double t;
	int kind; /* 0: arrival; 1 + k: departure from station k */
};

static struct ev *heap;
static size_t n_heap;

static void push(double t, int kind)
{
	size_t i = n_heap++;
	while (i > 0 && heap[(i - 1) / 2].t > t) {
		heap[i] = heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	heap[i] = (struct ev){t, kind};
}

static struct ev pop(void)
{
	struct ev top = heap[0], last = heap[--n_heap];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n_heap)
			break;
		if (c + 1 < n_heap && heap[c + 1].t < heap[c].t)
			c++;
		if (heap[c].t >= last.t)
			break;
		heap[i] = heap[c];
		i = c;
	}
	heap[i] = last;
	return top;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: ref_mm1 mm1|tandem CUSTOMERS\n");
		return 2;
	}
	int tandem = strcmp(argv[1], "tandem") == 0;
	long customers = atol(argv[2]);
	int n_st = tandem ? 3 : 1;
	double mean[3] = {0.5, 4.0, 1.0}, rate = 0.8;
	int servers[3] = {1, 4, 1};
	if (!tandem) {
		mean[0] = 0.9; /* service 0.9, arrivals 1.0: utilization 0.9 */
		rate = 1.0;
	}
	long busy[3] = {0}, queued[3] = {0}, done = 0, events = 0;
	heap = malloc(1024 * sizeof(*heap));
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(r, 12345);

	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	push(gsl_ran_exponential(r, 1 / rate), 0);
	long arrived = 0;
	while (done < customers) {
		struct ev e = pop();
		events++;
		int st;
		if (e.kind == 0) {
			arrived++;
			push(e.t + gsl_ran_exponential(r, 1 / rate), 0);
			st = 0;
		} else {
			int k = e.kind - 1;
			if (queued[k] > 0) {
				queued[k]--;
				push(e.t + gsl_ran_exponential(r, mean[k]), e.kind);
			} else {
				busy[k]--;
			}
			st = k + 1;
			if (st == n_st) {
				done++;
				continue;
			}
		}
		if (busy[st] < servers[st]) {
			busy[st]++;
			push(e.t + gsl_ran_exponential(r, mean[st]), st + 1);
		} else {
			queued[st]++;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
	printf("%ld %ld %.6f\n", done, events, secs);
	gsl_rng_free(r);
	free(heap);
	return 0;
}
