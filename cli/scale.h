/*
 * scale.h - `chokepoint scale`: one tier scaled up (bigger sizes of the
 * catalog) against scaled out (more instances) over a range of offered
 * loads, with what each costs and where the cheaper strategy changes.
 */
#ifndef CLI_SCALE_H
#define CLI_SCALE_H

#include <signal.h>

#include "scenario.h"

struct scale_args {
	const char *path, *node;
	const char *up;      /* sizes: "m5.large,m5.xlarge" */
	const char *out;     /* instance counts: "1..16" or "1,2,4,8" */
	const char *load;    /* offered loads: "100/s..2000/s:20" */
	const char *csv;     /* a file for every run's row, or NULL */
	const char *out_dir; /* -o: a results directory for the study (scale.csv, scale.txt, pictures, report.html) */
	unsigned plot_formats;
	int plot;
	long seed, reps; /* -1: the scenario's */
	int jobs, quiet, progress, slo_point;
};

/* The open workloads of a scenario (those offering a rate) and each one's
 * share of their total: a load is offered in the file's proportions. */
struct load_split {
	int n;
	const char *wl[64];
	double share[64], total;
	char path[64][200], rate[64][64]; /* the sets' texts */
};

/* Fills ls from spec; the number of open workloads. */
int load_split_init(struct load_split *ls, const struct net_spec *spec);
/* Writes into sets the rates that offer load requests/s in all; ls->n of them. */
int load_split_sets(struct load_split *ls, double load, struct scenario_set *sets);

struct results;

/*
 * The scenario at path with n values set, run: seed (-1: its own) and reps
 * (0: its own) over the file's.  0 with *sc and *res for the caller to
 * judge and free; else an exit code, after saying what went wrong of the
 * variant called what ("scale-up web.size=big2 at 100/s"), with nothing
 * left to free.
 */
int variant_run(const char *path, const struct scenario_set *sets, int n, long seed, long reps, int jobs,
		volatile sig_atomic_t *stop, const char *what, struct scenario **sc, struct results *res);

struct outdir;

/* Runs the study on sc (loaded from a->path) and prints it (and writes it
 * into od, claimed by the caller, when a->out_dir); an exit code. */
int scale_run(const struct scale_args *a, const struct scenario *sc, const struct outdir *od,
	      volatile sig_atomic_t *stop);

#endif
