/*
 * bench.c - runs one scenario through chokepoint's library on one thread
 * and prints what it cost: customers, events, seconds, peak RSS.
 *
 * usage: bench SCENARIO.yaml [DIVISOR]  -> "customers events seconds peak_rss_kib"
 * The scenario's own replications run one after another (jobs = 1); a
 * DIVISOR shortens the simulated duration (quick runs in CI).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "../cli/runner.h"
#include "../cli/scenario.h"

int main(int argc, char **argv)
{
	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: bench SCENARIO.yaml [DIVISOR]\n");
		return 2;
	}
	struct diags d;
	struct scenario *sc;
	diags_init(&d, argv[1]);
	if (scenario_load(argv[1], &sc, &d) != SCENARIO_OK) {
		diags_print(&d, stderr);
		return 3;
	}
	diags_release(&d);
	if (argc == 3 && atof(argv[2]) >= 1)
		sc->spec.duration /= atof(argv[2]);
	struct run_opts o = {.jobs = 1, .progress = 0};
	struct results res;
	if (runner_run(sc, &o, &res) != 0)
		return 5;
	/* Customers: answers the workloads received, warm-up included. */
	double customers = 0;
	for (size_t i = 0; i < res.n_metrics; i++)
		if (strcmp(res.metrics[i].scope, "e2e") == 0 && strcmp(res.metrics[i].key, "requests") == 0)
			for (long r = 0; r < res.n_reps; r++)
				customers += results_value(&res, r, i);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("%.0f %llu %.6f %ld\n", customers, (unsigned long long)res.events, res.wall_seconds, ru.ru_maxrss);
	results_release(&res);
	scenario_free(sc);
	return 0;
}
