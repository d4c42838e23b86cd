/*
 * check.h - `chokepoint check`: run scenarios and judge their SLO checks,
 * for CI: a line per check, JUnit XML, JSON, and an exit code.
 */
#ifndef CLI_CHECK_H
#define CLI_CHECK_H

#include <signal.h>

struct check_opts {
	int jobs;
	long reps;         /* 0: the scenarios' own */
	long seed;         /* -1: the scenarios' own */
	int point;         /* --slo-mode=point */
	int json;          /* --format json on stdout */
	const char *junit; /* a JUnit XML file to write, or NULL */
	const volatile sig_atomic_t *stop;
};

/*
 * Runs each scenario of paths and judges its checks.  Returns the exit
 * code: 0 when every check passed, 1 when one failed or was inconclusive,
 * 3 when a scenario is invalid, 4 on an I/O error, 128 + signal when
 * interrupted.
 */
int check_run(const char *const *paths, int n, const struct check_opts *o);

#endif
