/*
 * main.c - the chokepoint command: subcommands, options, exit codes.
 */
#include <errno.h>
#include <getopt.h>
#include <gsl/gsl_errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../sim/engine/units.h"
#include "../sim/engine/util.h"
#include "accesslog.h"
#include "check.h"
#include "compare.h"
#include "metrics.h"
#include "outdir.h"
#include "partial.h"
#include "plot.h"
#include "report.h"
#include "runner.h"
#include "scenario.h"
#include "slo.h"
#include "export.h"
#include "html.h"
#include "plan.h"
#include "scale.h"
#include "spof.h"
#include "sweep.h"
#include "version.h"

enum exit_code {
	EXIT_OK = 0,
	EXIT_CHECKS = 1, /* checks failed (SLO or regression; later issues) */
	EXIT_USAGE = 2,
	EXIT_INVALID = 3,  /* the scenario is invalid */
	EXIT_IO = 4,       /* a file could not be read or written */
	EXIT_INTERNAL = 5, /* a bug in chokepoint */
	EXIT_STOPPED = 6,  /* a replication hit max_events or max_in_flight */
			   /* Interrupted by a signal: 128 + its number (130 SIGINT, 143 SIGTERM). */
};

/*
 * The one mutable global: a signal handler gets no context.  Set to the
 * signal's number by SIGINT or SIGTERM; the runner and the writers poll it.
 */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
	signal(sig, SIG_DFL); /* a second Ctrl-C kills at once */
}

static void catch_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static const char exit_codes_help[] = "Exit codes:\n"
				      "  0  success\n"
				      "  1  checks failed (SLO or regression checks)\n"
				      "  2  usage error (unknown command or option)\n"
				      "  3  invalid scenario (every error is printed as file:line:col)\n"
				      "  4  I/O error (a file could not be read or written)\n"
				      "  5  internal error (a bug: please report it; assertion failures abort)\n"
				      "  6  run stopped by a limit (simulation.max_events or max_in_flight)\n"
				      "  130, 143  interrupted by SIGINT (Ctrl-C) or SIGTERM\n";

static const char main_help[] =
	"usage: chokepoint <command> [options]\n"
	"\n"
	"Simulate a web backend described in a YAML scenario and show where it breaks.\n"
	"\n"
	"Commands:\n"
	"  run SCENARIO.yaml       run the replications, print a summary, write results\n"
	"  check SCENARIO.yaml...  run scenarios and judge their SLO checks (CI: JUnit, exit 1)\n"
	"  validate SCENARIO.yaml  check scenario files without running them\n"
	"  kinds [KIND]            list component kinds and their keys\n"
	"  metrics                 list every metric: scope, unit, role, meaning\n"
	"  plot DIR                draw the time series of a results directory (gnuplot)\n"
	"  spof SCENARIO.yaml      N-1 analysis: fail each component in turn, rank them\n"
	"  scale SCENARIO.yaml     scale-up against scale-out of one tier, with costs\n"
	"  plan SCENARIO.yaml      the cheapest sizes and counts that meet every SLO at a load\n"
	"  export DIR FILE.sqlite  a results directory (a run's or a sweep's) as one SQLite database\n"
	"  runs SCENARIO.yaml      list the runs that --shard and --runs select\n"
	"  merge DIR... -o OUT     combine partial results into a single run's results\n"
	"  help [COMMAND]          show help for a command\n"
	"\n"
	"Options:\n"
	"  -h, --help              show this help\n"
	"  -V, --version           show the version\n"
	"\n";

static const char run_help[] = "usage: chokepoint run SCENARIO.yaml [options]\n"
			       "\n"
			       "Runs independent replications, deletes the warm-up from each, prints the\n"
			       "end-to-end and per-node figures with 95% confidence intervals, names the\n"
			       "bottleneck, and writes results files into the output directory.\n"
			       "\n"
			       "Options:\n"
			       "  -o, --output DIR   results directory (default: results/<scenario name>)\n"
			       "      --seed N       master seed (default: the scenario's, else 1)\n"
			       "      --reps N       replications (default: the scenario's, else 10)\n"
			       "  -j, --jobs N       replications run in parallel (default: CPUs online);\n"
			       "                     results are identical for every N\n"
			       "  -q, --quiet        no summary and no progress line\n"
			       "      --plot[=F]     also draw the pictures with gnuplot (F: png, svg, png,svg,\n"
			       "                     the default, or none for their scripts alone); see\n"
			       "                     'chokepoint help plot'\n"
			       "      --force        replace an existing results directory\n"
			       "      --keep-partial on Ctrl-C or SIGTERM, write the replications completed so far\n"
			       "      --shard I/N    run only shard I of N (I from 1 to N: runs I-1, I-1+N, ...)\n"
			       "                     and write DIR/partial.json, to be combined by 'chokepoint merge'\n"
			       "      --runs A..B    run only runs A to B (inclusive) and write DIR/partial.json\n"
			       "      --access-log   also write access.csv, one ALB-style line per request\n"
			       "      --access-log-sample F  log only this fraction of the requests (e.g. 0.01)\n"
			       "      --no-write     write no files\n"
			       "      --chart        draw the key curve in the summary, in text (gnuplot's dumb\n"
			       "                     terminal): requests and 5xx per second over time; a\n"
			       "                     sweep's p99 against its points\n"
			       "      --sqlite FILE  also write every result into the SQLite database FILE\n"
			       "                     (the schema of docs/sql.md; a sweep's points too)\n"
			       "      --format F     text (the default) or json: the summary as summary.json's\n"
			       "                     JSON on stdout, for scripts\n"
			       "      --progress     report progress even when stderr is not a terminal: a line\n"
			       "                     per finished replication (for logs and scripts)\n"
			       "      --slo-mode M   interval (default): an SLO check passes when its whole\n"
			       "                     confidence interval is on the right side, and is\n"
			       "                     inconclusive (and fails) when it straddles the limit;\n"
			       "                     point: the mean alone decides.  A failed check exits 1.\n"
			       "      --set P=V      set key P (web.instances, workloads.shoppers.rate,\n"
			       "                     simulation.duration) to V over the file's value; several\n"
			       "                     values (1,2,4,8 or a range 100/s..2000/s:20) make a sweep,\n"
			       "                     as does a sweep: section: one run per point, with common\n"
			       "                     random numbers, written to sweep.csv and sweep.json\n"
			       "                     (default DIR results/<scenario name>-sweep).  Repeated\n"
			       "                     --set options are crossed; P=V;Q=W on one --set pairs\n"
			       "                     their values off (zip).  A sweep exits 0 whatever its\n"
			       "                     SLO verdicts: finding where they fail is its purpose.\n";

static const char scale_help[] =
	"usage: chokepoint scale SCENARIO.yaml --node NODE --up SIZES --out COUNTS --load LOADS [options]\n"
	"\n"
	"Scales one tier up (each size of the catalog in SIZES, its instances as in the\n"
	"file) and out (each instance count in COUNTS, its size as in the file), runs\n"
	"each configuration at each offered load of LOADS (the open workloads' rates,\n"
	"in their own proportions), and reports the highest load each meets with every\n"
	"SLO check of the scenario, its cost, availability and bottleneck; then, load\n"
	"by load, the cheapest configuration of each strategy and where the cheaper\n"
	"strategy changes (the lines cross).  A configuration that misses a load is not\n"
	"run at higher ones.  Every run has the scenario's seed (common random numbers).\n"
	"\n"
	"  --node NODE     the tier to scale (a server or database)\n"
	"  --up SIZES      sizes, e.g. m5.large,m5.xlarge,m5.2xlarge\n"
	"  --out COUNTS    instance counts, e.g. 1..16 or 1,2,4,8\n"
	"  --load LOADS    offered loads, e.g. 100/s..2000/s:20\n"
	"  --csv FILE      also write one row per run (strategy, configuration, load, ...)\n"
	"  -o DIR          also write the study into DIR: scale.csv, scale-frontier.csv\n"
	"                  (each configuration at the highest load it meets, and its cost),\n"
	"                  scale.txt (this output) and report.html\n"
	"  --plot[=F]      with -o: draw scale-cost (cost against throughput, both\n"
	"                  strategies on one chart: the frontier), as for run\n"
	"  --force         as for run\n"
	"  --seed N, --reps N, -j N, -q, --progress, --slo-mode M   as for run\n";

static const char plan_help[] =
	"usage: chokepoint plan SCENARIO.yaml [--load RATE] [options]\n"
	"\n"
	"Finds the cheapest design that meets every SLO check of the scenario at the\n"
	"offered load RATE (the open workloads' rates, in their own proportions;\n"
	"default: the file's), availability under the scenario's failures included.\n"
	"A design gives each tier of the plan: block one of its sizes and instance\n"
	"counts, e.g.\n"
	"    plan: {web: {size: [c5.large, m5.large], instances: 2..16}, db: {size: [db.m5.large, db.m5.xlarge]}}\n"
	"Bounds rule out designs before any simulation (a tier over 100% busy by the\n"
	"utilization law, or over its own utilization or response SLO), and a design\n"
	"that fails rules out every weaker one.  The rest are screened with a few\n"
	"replications and confirmed with the scenario's; a design meets the SLOs when\n"
	"every check passes with its whole confidence interval.  Prints the winner,\n"
	"what each SLO has to spare, the runners-up (the cost frontier) and the nearest\n"
	"cheaper designs that miss.  Exit 0 with a winner, 1 without one.\n"
	"\n"
	"  --load RATE         offered load, e.g. 2000/s\n"
	"  --screen-reps N     replications of a screening run (default 3)\n"
	"  --max-runs N        simulations the search may spend (default 100)\n"
	"  --runners-up N      designs of the cost frontier after the winner (default 3)\n"
	"  --csv FILE          also write one row per simulation (design, stage, verdict, ...)\n"
	"  --seed N, --reps N, -j N, -q, --progress, --slo-mode M   as for run\n";

static const char validate_help[] = "usage: chokepoint validate SCENARIO.yaml...\n"
				    "\n"
				    "Checks each scenario (syntax, keys, units, references, call cycles) and\n"
				    "prints every error as file:line:col: error: message.  Runs nothing.\n";

static const char kinds_help[] = "usage: chokepoint kinds [--markdown] [KIND]\n"
				 "\n"
				 "Lists the component kinds, or the keys of one kind with their defaults,\n"
				 "ranges and meaning.  --markdown prints the reference tables of docs/kinds.md.\n";

static void gsl_handler(const char *reason, const char *file, int line, int gsl_errno)
{
	fprintf(stderr, "chokepoint: internal error: GSL: %s (%s:%d, error %d)\n", reason, file, line, gsl_errno);
	exit(EXIT_INTERNAL);
}

static int usage_error(const char *fmt, const char *arg, const char *cmd)
{
	fprintf(stderr, "chokepoint: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'chokepoint help%s%s'.\n", cmd ? " " : "", cmd ? cmd : "");
	return EXIT_USAGE;
}

#define SEED_MAX 9000000000000000000L /* the scenario's `seed` range too */

static int parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/*
 * -j, --reps and --seed, which run, check, compare, spof and scale share:
 * 1 when c is one of them (its value checked and stored, or *rc set to the
 * usage error's exit code), 0 when it is not.  min_reps: 2 where a
 * comparison needs an interval.  NULL: the command has no such option.
 */
static int number_option(int c, const char *arg, const char *cmd, long min_reps, long *jobs, long *reps, long *seed,
			 int *rc)
{
	char msg[160];
	if (c == 'j' && jobs) {
		if (parse_long(arg, 1, 1024, jobs) < 0)
			*rc = usage_error("invalid value '%s' for --jobs (expected 1 to 1024)", arg, cmd);
		return 1;
	}
	if (c == 'r' && reps) {
		snprintf(msg, sizeof msg, "invalid value '%%s' for --reps (expected %ld to 100000)", min_reps);
		if (parse_long(arg, min_reps, 100000, reps) < 0)
			*rc = usage_error(msg, arg, cmd);
		return 1;
	}
	if (c == 's' && seed) {
		if (parse_long(arg, 0, SEED_MAX, seed) < 0)
			*rc = usage_error("invalid value '%s' for --seed (expected a whole number from 0 to "
					  "9000000000000000000, as in the scenario)",
					  arg, cmd);
		return 1;
	}
	return 0;
}

/* Loads a scenario, printing diagnostics; returns an exit code. */
static int load(const char *path, struct scenario **sc)
{
	struct diags d;
	diags_init(&d, path);
	enum scenario_status st = scenario_load(path, sc, &d);
	diags_print(&d, stderr);
	size_t n = d.n;
	diags_release(&d);
	if (st == SCENARIO_IO)
		return EXIT_IO;
	if (st == SCENARIO_INVALID) {
		fprintf(stderr, "%s: %zu error%s; nothing was run\n", path, n, n == 1 ? "" : "s");
		return EXIT_INVALID;
	}
	return EXIT_OK;
}

static void default_output(const char *path, char *buf, size_t n)
{
	snprintf(buf, n, "results/"); /* n is a path buffer's size, far above 8 */
	scenario_stem(path, buf + 8, n - 8);
}

/* Removes the access-log part files of replications 0..reps-1, and their directory. */
static void remove_parts(const char *dir, long reps)
{
	if (!dir[0])
		return;
	for (long r = 0; r < reps; r++) {
		char part[4096];
		access_log_part(part, sizeof part, dir, r);
		unlink(part);
	}
	rmdir(dir);
}

/* --slo-mode: interval (the default) or point; -1 if neither. */
static int parse_slo_mode(const char *s, int *point)
{
	if (strcmp(s, "interval") != 0 && strcmp(s, "point") != 0)
		return -1;
	*point = strcmp(s, "point") == 0;
	return 0;
}

/* What `run` was asked to do. */
#define MAX_SETS 16

struct run_args {
	const char *path, *out_dir;
	const char *sqlite;   /* --sqlite FILE, or NULL */
	long seed, reps;      /* -1: the scenario's */
	char *sets[MAX_SETS]; /* --set PATH=VALUES, as given */
	int n_sets;
	long jobs, shard_i, shard_n, runs_a, runs_b;
	int quiet, no_write, plot, force, keep_partial, access, progress, json, slo_point, chart;
	unsigned plot_formats; /* PLOT_PNG | PLOT_SVG: --plot[=FORMATS] */
	double sample;
};

/* The options of `run`; -1 to go on, else the exit code to return. */
/* One option of `run` (not -j, --reps, --seed): -1 to go on, else the
 * exit code to return. */
static int run_option(int c, char *arg, struct run_args *a)
{
	int end = 0;
	char *e;
	switch (c) {
	case 'o': a->out_dir = arg; break;
	case 'q': a->quiet = 1; break;
	case 'n': a->no_write = 1; break;
	case 'P': a->progress = 1; break;
	case 'F':
		if (strcmp(arg, "json") != 0 && strcmp(arg, "text") != 0)
			return usage_error("invalid value '%s' for --format (expected text or json)", arg, "run");
		a->json = strcmp(arg, "json") == 0;
		break;
	case 'M':
		if (parse_slo_mode(arg, &a->slo_point) < 0)
			return usage_error("invalid value '%s' for --slo-mode (expected interval or point)", arg,
					   "run");
		break;
	case 'V':
		if (a->n_sets == MAX_SETS)
			return usage_error("at most %s --set options", "16", "run");
		a->sets[a->n_sets++] = arg;
		break;
	case 'p':
		a->plot = 1;
		if (plot_parse_formats(arg, &a->plot_formats) < 0)
			return usage_error("invalid value '%s' for --plot (expected png, svg, png,svg or none)", arg,
					   "run");
		break;
	case 'Q': a->sqlite = arg; break;
	case 'C': a->chart = 1; break;
	case 'f': a->force = 1; break;
	case 'k': a->keep_partial = 1; break;
	case 'a': a->access = 1; break;
	case 'S':
		end = 0;
		if (sscanf(arg, "%ld/%ld%n", &a->shard_i, &a->shard_n, &end) != 2 || arg[end] || a->shard_n < 1 ||
		    a->shard_i < 1 || a->shard_i > a->shard_n)
			return usage_error("invalid value '%s' for --shard (expected I/N with 1 <= I <= N: "
					   "shards count from 1, as GNU parallel's {#} and Slurm array indices do)",
					   arg, "run");
		a->shard_i--; /* from here on, from 0 */
		break;
	case 'R':
		end = 0;
		if (sscanf(arg, "%ld..%ld%n", &a->runs_a, &a->runs_b, &end) != 2 || arg[end] || a->runs_a < 0 ||
		    a->runs_b < a->runs_a)
			return usage_error("invalid value '%s' for --runs (expected A..B with 0 <= A <= B)", arg,
					   "run");
		break;
	case 'A':
		a->sample = strtod(arg, &e);
		if (*e || !(a->sample > 0 && a->sample <= 1))
			return usage_error("invalid value '%s' for --access-log-sample (expected 0 < F <= 1)", arg,
					   "run");
		a->access = 1;
		break;
	case 'h':
		fputs(run_help, stdout);
		report_list_files(stdout);
		return EXIT_OK;
	default: return usage_error("%s", "invalid option for 'run'", "run");
	}
	return -1;
}

static int parse_run_args(int argc, char **argv, struct run_args *a)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"seed", required_argument, NULL, 's'},
		{"reps", required_argument, NULL, 'r'},
		{"jobs", required_argument, NULL, 'j'},
		{"quiet", no_argument, NULL, 'q'},
		{"plot", optional_argument, NULL, 'p'},
		{"force", no_argument, NULL, 'f'},
		{"keep-partial", no_argument, NULL, 'k'},
		{"access-log", no_argument, NULL, 'a'},
		{"shard", required_argument, NULL, 'S'},
		{"runs", required_argument, NULL, 'R'},
		{"access-log-sample", required_argument, NULL, 'A'},
		{"no-write", no_argument, NULL, 'n'},
		{"progress", no_argument, NULL, 'P'},
		{"format", required_argument, NULL, 'F'},
		{"slo-mode", required_argument, NULL, 'M'},
		{"set", required_argument, NULL, 'V'},
		{"sqlite", required_argument, NULL, 'Q'},
		{"chart", no_argument, NULL, 'C'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	*a = (struct run_args){.jobs = sysconf(_SC_NPROCESSORS_ONLN),
			       .seed = -1,
			       .reps = -1,
			       .shard_i = -1,
			       .runs_a = -1,
			       .runs_b = -1,
			       .sample = 1};
	if (a->jobs < 1)
		a->jobs = 1;
	int c;
	optind = 0;
	while ((c = getopt_long(argc, argv, "o:j:qh", opts, NULL)) != -1) {
		int bad = -1;
		if (number_option(c, optarg, "run", 1, &a->jobs, &a->reps, &a->seed, &bad)) {
			if (bad >= 0)
				return bad;
			continue;
		}
		int rc = run_option(c, optarg, a);
		if (rc >= 0)
			return rc;
	}
	if (optind != argc - 1)
		return usage_error("%s", "'run' takes exactly one scenario file", "run");
	a->path = argv[optind];
	if (a->shard_n > 0 && a->runs_a >= 0)
		return usage_error("%s", "give --shard or --runs, not both", "run");
	if ((a->shard_n > 0 || a->runs_a >= 0) && (a->access || a->plot || a->sqlite))
		return usage_error("%s", "--access-log, --plot and --sqlite go with whole runs, not --shard or --runs",
				   "run");
	if (a->sqlite && a->no_write)
		return usage_error("%s", "--sqlite exports the results files: it cannot go with --no-write", "run");
	if (a->chart && (a->no_write || a->json || a->quiet || a->shard_n > 0 || a->runs_a >= 0))
		return usage_error("%s",
				   "--chart draws in the summary from the results files: not with --no-write, "
				   "--format json, --quiet, --shard or --runs",
				   "run");
	return -1;
}

/* --seed and --reps over the scenario's own; an exit code. */
static int apply_overrides(const struct run_args *a, struct scenario *sc)
{
	if (a->seed >= 0)
		sc->spec.seed = (uint64_t)a->seed;
	if (a->reps > 0)
		sc->spec.replications = a->reps;
	if (a->runs_a >= 0 && a->runs_b >= sc->spec.replications)
		return usage_error("--runs goes past the last run (%s has fewer runs)", a->path, "run");
	return EXIT_OK;
}

/* The runs a shard or a range selects, or NULL for all of them. */
static long *select_runs(const struct run_args *a, const struct scenario *sc, long *n)
{
	*n = 0;
	if (a->shard_n == 0 && a->runs_a < 0)
		return NULL;
	long *subset = xmalloc((size_t)sc->spec.replications * sizeof(long));
	for (long r = 0; r < sc->spec.replications; r++)
		if (a->shard_n > 0 ? r % a->shard_n == a->shard_i : (r >= a->runs_a && r <= a->runs_b))
			subset[(*n)++] = r;
	return subset;
}

/* After the replications: what to say and write.  An exit code. */
static int finish_run(const struct run_args *a, const struct scenario *sc, struct results *res, const struct outdir *od,
		      const char *parts, int is_subset)
{
	int sig = interrupted;
	if (res->io_error[0]) {
		fprintf(stderr, "chokepoint: %s; no results written\n", res->io_error);
		return EXIT_IO;
	}
	if (sig && (!a->keep_partial || res->n_reps == 0)) {
		fprintf(stderr, "chokepoint: interrupted after %ld of %ld replications; no results written%s\n",
			res->n_reps, res->n_requested, res->n_reps ? " (--keep-partial keeps them)" : "");
		return 128 + sig;
	}
	if (res->stopped_rep >= 0) {
		fprintf(stderr, "chokepoint: %s: replication %ld stopped early: %s; no results written\n", a->path,
			res->stopped_rep, res->stopped);
		return EXIT_STOPPED;
	}
	if (sig) {
		fprintf(stderr, "chokepoint: interrupted: keeping the %ld of %ld replications completed\n", res->n_reps,
			res->n_requested);
		interrupted = 0; /* the partial results are wanted: let them be written */
		signal(SIGINT, SIG_IGN);
		signal(SIGTERM, SIG_IGN);
	}
	int rc = EXIT_OK;
	res->slo_point_mode = a->slo_point;
	if (is_subset) { /* a part of the runs: partial results, for merge */
		if (!a->no_write && partial_write(od->dir, sc, res) != 0)
			rc = EXIT_IO;
		else if (!a->quiet && !a->no_write)
			printf("%ld of %ld runs written to %s/partial.json\n", res->n_reps, sc->spec.replications,
			       od->dir);
		return sig ? 128 + sig : rc;
	}
	if (a->json && report_print_json(stdout, res) != 0)
		rc = EXIT_IO;
	else if (!a->quiet && !a->json)
		report_print(stdout, res);
	/* The SLO checks decide the exit code, printed or not (summary.json has them too). */
	int missed = slo_print(a->quiet || a->json ? NULL : stdout, sc->slo, sc->n_slo, res, a->slo_point);
	if (!a->no_write) {
		if (report_write(od, res, &interrupted, parts[0] ? parts : NULL) != 0)
			rc = interrupted ? 128 + interrupted : EXIT_IO;
		else if (a->plot ? plot_dir(od->dir, a->plot_formats) < 0 : html_report(od->dir) < 0)
			rc = EXIT_IO;
		else if (a->sqlite && export_sqlite(od->dir, a->sqlite) != 0)
			rc = EXIT_IO;
		else if (a->chart && plot_chart(od->dir) != 0)
			rc = EXIT_IO;
		else if (!a->quiet && !a->json)
			printf("\nResults written to %s/%s%s\n", od->dir, a->sqlite ? " and " : "",
			       a->sqlite ? a->sqlite : "");
	}
	fflush(stdout);
	if (!a->quiet)
		fprintf(stderr, "(%.2fs wall, %.2fM events/s)\n", res->wall_seconds,
			res->wall_seconds > 0 ? (double)res->events / res->wall_seconds / 1e6 : 0);
	if (rc == EXIT_OK && missed > 0)
		rc = EXIT_CHECKS;
	return sig ? 128 + sig : rc;
}

/*
 * The scenario's sweep and the --set options: a sweep of several points
 * runs here (an exit code); a single point replaces *sc by the scenario
 * with its values set and returns -1 for the ordinary run to go on.
 */
static int run_sets(struct run_args *a, struct scenario **sc)
{
	struct sweep_plan pl;
	struct diags d;
	diags_init(&d, a->path);
	int bad = sweep_plan_make(*sc, a->sets, a->n_sets, &pl, &d);
	diags_print(&d, stderr);
	diags_release(&d);
	if (bad) {
		sweep_plan_free(&pl);
		fprintf(stderr, "%s: the sweep is invalid; nothing was run\n", a->path);
		return EXIT_INVALID;
	}
	int rc = EXIT_OK;
	if (pl.n_points == 1) { /* --set web.instances=4: one run, its value set */
		struct scenario_set sets[16];
		sweep_point(&pl, 0, sets);
		diags_init(&d, a->path);
		struct scenario *one = NULL;
		enum scenario_status st = scenario_load_sets(a->path, sets, pl.n_axes, &one, &d);
		diags_print(&d, stderr);
		diags_release(&d);
		sweep_plan_free(&pl);
		if (st != SCENARIO_OK) {
			fprintf(stderr, "%s: invalid with the values set; nothing was run\n", a->path);
			return st == SCENARIO_IO ? EXIT_IO : EXIT_INVALID;
		}
		scenario_free(*sc);
		*sc = one;
		rc = apply_overrides(a, one);
		return rc == EXIT_OK ? -1 : rc;
	}
	char dir[OUTDIR_MAX_PATH + 1];
	if (a->runs_a >= 0 || a->access || a->keep_partial) {
		sweep_plan_free(&pl);
		return usage_error("%s", "a sweep takes none of --runs, --access-log, --keep-partial", "run");
	}
	if (!a->out_dir) {
		default_output(a->path, dir, sizeof dir - 6);
		strcat(dir, "-sweep");
		a->out_dir = dir;
	}
	struct outdir od = {.lock_fd = -1};
	struct sweep_opts o = {.out_dir = a->out_dir,
			       .jobs = (int)a->jobs,
			       .quiet = a->quiet,
			       .json = a->json,
			       .no_write = a->no_write,
			       .slo_point = a->slo_point,
			       .progress = a->progress,
			       .seed = a->seed,
			       .reps = a->reps,
			       .shard_i = a->shard_i,
			       .shard_n = a->shard_n};
	if (!a->no_write && outdir_claim(a->out_dir, a->force, &od) != 0) {
		rc = EXIT_IO;
	} else {
		catch_signals();
		rc = sweep_run(a->path, &pl, &o, &od, &interrupted);
		int whole = rc == EXIT_OK && !a->no_write && a->shard_n == 0; /* sweep.csv is there */
		if (whole && (a->plot ? plot_dir(a->out_dir, a->plot_formats) < 0 : html_report(a->out_dir) < 0))
			rc = EXIT_IO;
		if (whole && a->sqlite && export_sqlite(a->out_dir, a->sqlite) != 0)
			rc = EXIT_IO;
		if (whole && a->chart && plot_chart(a->out_dir) != 0)
			rc = EXIT_IO;
	}
	outdir_release(&od);
	sweep_plan_free(&pl);
	return rc;
}

static int cmd_run(int argc, char **argv)
{
	struct run_args a;
	int rc = parse_run_args(argc, argv, &a);
	if (rc >= 0)
		return rc;
	struct scenario *sc = NULL;
	struct outdir od = {.lock_fd = -1};
	struct results res = {0};
	long *subset = NULL, n_subset = 0;
	char dir[OUTDIR_MAX_PATH + 1], parts[OUTDIR_MAX_PATH + 300] = "";
	int ran = 0;
	if ((rc = load(a.path, &sc)) != EXIT_OK || (rc = apply_overrides(&a, sc)) != EXIT_OK)
		goto done;
	if (sc->n_sweep > 0 || a.n_sets > 0) { /* a sweep, or one point of one */
		rc = run_sets(&a, &sc);
		if (rc >= 0)
			goto done;
		rc = EXIT_OK;
	}
	if (!a.out_dir) {
		default_output(a.path, dir, sizeof dir);
		a.out_dir = dir;
	}
	subset = select_runs(&a, sc, &n_subset);
	runner_fit_memory(&sc->spec, a.jobs, subset ? n_subset : sc->spec.replications);
	if (subset && n_subset == 0) {
		fprintf(stderr,
			"chokepoint: shard %ld of %ld selects no run: %s has %ld runs (use at most %ld shards)\n",
			a.shard_i + 1, a.shard_n, a.path, sc->spec.replications, sc->spec.replications);
		rc = EXIT_USAGE;
		goto done;
	}
	/* Claim the output before running, not after: a long run must not be
	 * lost, and a second run into the same directory must not race it. */
	if (!a.no_write && outdir_claim(a.out_dir, a.force, &od) != 0) {
		rc = EXIT_IO;
		goto done;
	}
	/* Access-log parts go to a directory of their own until the results
	 * are written; it is removed whatever happens. */
	if (a.access && !a.no_write) {
		outdir_temp(&od, "access", parts, sizeof parts);
		if (mkdir(parts, 0777) != 0) {
			fprintf(stderr, "chokepoint: cannot create '%s': %s\n", parts, strerror(errno));
			parts[0] = '\0';
			rc = EXIT_IO;
			goto done;
		}
	}
	catch_signals();
	struct run_opts ro = {.jobs = (int)a.jobs,
			      .progress = isatty(STDERR_FILENO) ? !a.quiet
					  : a.progress          ? 2
								: 0,
			      .stop = &interrupted,
			      .access_dir = parts[0] ? parts : NULL,
			      .access_sample = a.sample,
			      .subset = subset,
			      .n_subset = n_subset,
			      .keep_records = subset != NULL};
	if (runner_run(sc, &ro, &res) != 0) {
		fprintf(stderr, "chokepoint: cannot start worker threads: %s\n", strerror(errno));
		rc = EXIT_INTERNAL;
		goto done;
	}
	ran = 1;
	rc = finish_run(&a, sc, &res, &od, parts, subset != NULL);
done:
	if (parts[0])
		remove_parts(parts, sc->spec.replications);
	if (ran)
		results_release(&res);
	outdir_release(&od);
	free(subset);
	scenario_free(sc);
	return rc;
}

static int cmd_validate(int argc, char **argv)
{
	if (argc < 2)
		return usage_error("%s", "'validate' needs at least one scenario file", "validate");
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		fputs(validate_help, stdout);
		return EXIT_OK;
	}
	int worst = EXIT_OK;
	for (int i = 1; i < argc; i++) {
		struct scenario *sc = NULL;
		int rc = load(argv[i], &sc);
		if (rc == EXIT_OK) {
			int nw = 0, nl = 0, nf = 0;
			for (int k = 0; k < sc->spec.n_nodes; k++) {
				unsigned f = sc->spec.nodes[k].kind->flags;
				nw += (f & KIND_WORKLOAD) != 0;
				nl += (f & KIND_LINK) != 0;
				nf += (f & KIND_INJECTOR) != 0;
			}
			int nn = sc->spec.n_nodes - nw - nl - nf;
			printf("%s: ok (%d workload%s, %d node%s, %d link%s, %d failure%s; %ld replications of %gs)\n",
			       argv[i], nw, nw == 1 ? "" : "s", nn, nn == 1 ? "" : "s", nl, nl == 1 ? "" : "s", nf,
			       nf == 1 ? "" : "s", sc->spec.replications, sc->spec.duration);
			for (size_t f = 0; f < scenario_n_files(sc); f++)
				printf("%s: reads %s\n", argv[i], scenario_file(sc, f));
		}
		scenario_free(sc);
		if (rc > worst)
			worst = rc;
	}
	return worst;
}

static void print_params(const struct param *params, const char *prefix, int markdown)
{
	for (const struct param *p = params; p->key; p++) {
		char def[64], range[96] = "", key[96];
		snprintf(key, sizeof key, "%s%s", prefix, p->key);
		snprintf(def, sizeof def, "%s", p->def ? p->def : (p->flags & P_REQUIRED ? "required" : "none"));
		if (p->type == PT_ENUM)
			snprintf(range, sizeof range, "%s", (const char *)p->choices);
		else if (scenario_type_has_range(p))
			snprintf(range, sizeof range, "%g .. %g", p->min, p->max);
		if (markdown) {
			for (char *c = range; *c; c++)
				if (*c == '|')
					*c = ',';
			printf("| `%s` | %s | `%s` | %s | %s |\n", key, scenario_type_name(p), def, range, p->help);
		} else {
			printf("  %-22s %-22s %-14s %-28s %s\n", key, scenario_type_name(p), def, range, p->help);
		}
		if (p->type == PT_TABLE) {
			char sub[112];
			snprintf(sub, sizeof sub, "%s[].", key);
			print_params(param_table_of(p)->sub, sub, markdown);
		}
	}
}

static void print_kind(const struct node_kind *k, int markdown)
{
	if (markdown) {
		printf("## %s\n\n%s.\n\n| key | type | default | range | meaning |\n|---|---|---|---|---|\n", k->name,
		       k->summary);
	} else {
		printf("%s: %s\n", k->name, k->summary);
		printf("  %-22s %-22s %-14s %-28s %s\n", "key", "type", "default", "choices or range", "meaning");
	}
	print_params(k->params, "", markdown);
	printf("\n");
}

static int cmd_kinds(int argc, char **argv)
{
	int markdown = 0;
	const char *only = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--markdown") == 0)
			markdown = 1;
		else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(kinds_help, stdout);
			return EXIT_OK;
		} else if (argv[i][0] == '-')
			return usage_error("invalid option '%s' for 'kinds'", argv[i], "kinds");
		else
			only = argv[i];
	}
	if (only && !node_kind_find(only))
		return usage_error("unknown kind '%s'", only, "kinds");
	for (int k = 0; node_kinds[k]; k++)
		if (!only || strcmp(only, node_kinds[k]->name) == 0)
			print_kind(node_kinds[k], markdown);
	return EXIT_OK;
}

static const char metrics_help[] = "usage: chokepoint metrics [--markdown]\n"
				   "\n"
				   "Lists every metric chokepoint reports: its name, who reports it, its scope,\n"
				   "unit, role (a resource's utilization takes part in the bottleneck verdict)\n"
				   "and which way is better.  --markdown prints the table of docs/results.md.\n";

static int cmd_metrics(int argc, char **argv)
{
	int markdown = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--markdown") == 0)
			markdown = 1;
		else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(metrics_help, stdout);
			return EXIT_OK;
		} else
			return usage_error("invalid argument '%s' for 'metrics'", argv[i], "metrics");
	}
	metrics_print_reference(stdout, markdown);
	return EXIT_OK;
}

static const char check_help[] =
	"usage: chokepoint check SCENARIO.yaml... [options]\n"
	"\n"
	"Runs each scenario and judges the checks of its slo: section (see 'help run'\n"
	"and docs/ci.md): a line per check with its value and interval, then\n"
	"'N passed, N failed'.  Writes no results.  Exit 0 when every check passed,\n"
	"1 when one failed or was inconclusive, 3 when a scenario is invalid.\n"
	"\n"
	"Options:\n"
	"      --junit FILE   also write JUnit XML: a test suite per scenario, a test case\n"
	"                     per check (GitHub Actions, GitLab and Jenkins show it)\n"
	"      --format F     text (default) or json (on stdout)\n"
	"      --slo-mode M   interval (default) or point\n"
	"  -j, --jobs N       replications run in parallel; results are identical for every N\n"
	"      --reps N       replications, for every scenario\n"
	"      --seed N       master seed, for every scenario\n";

static int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{"junit", required_argument, NULL, 'J'},    {"format", required_argument, NULL, 'F'},
		{"slo-mode", required_argument, NULL, 'M'}, {"jobs", required_argument, NULL, 'j'},
		{"reps", required_argument, NULL, 'r'},     {"seed", required_argument, NULL, 's'},
		{"help", no_argument, NULL, 'h'},           {0},
	};
	struct check_opts o = {.jobs = (int)sysconf(_SC_NPROCESSORS_ONLN), .seed = -1, .stop = &interrupted};
	long jobs = o.jobs;
	int c;
	optind = 0;
	while ((c = getopt_long(argc, argv, "j:h", opts, NULL)) != -1) {
		int bad = -1;
		if (number_option(c, optarg, "check", 1, &jobs, &o.reps, &o.seed, &bad)) {
			if (bad >= 0)
				return bad;
			continue;
		}
		switch (c) {
		case 'J': o.junit = optarg; break;
		case 'F':
			if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0)
				return usage_error("invalid value '%s' for --format (expected text or json)", optarg,
						   "check");
			o.json = strcmp(optarg, "json") == 0;
			break;
		case 'M':
			if (parse_slo_mode(optarg, &o.point) < 0)
				return usage_error("invalid value '%s' for --slo-mode (expected interval or point)",
						   optarg, "check");
			break;
		case 'h': fputs(check_help, stdout); return EXIT_OK;
		default: return usage_error("%s", "invalid option for 'check'", "check");
		}
	}
	o.jobs = jobs < 1 ? 1 : (int)jobs;
	if (optind >= argc)
		return usage_error("%s", "'check' needs at least one scenario file", "check");
	catch_signals();
	return check_run((const char *const *)argv + optind, argc - optind, &o);
}

static const char compare_help[] =
	"usage: chokepoint compare BASE CANDIDATE [options]\n"
	"\n"
	"Compares two results, metric by metric: each side is a results directory\n"
	"or a scenario file (run here; two scenario files run with the same seed and\n"
	"replications, so their random numbers are common and the test is paired).\n"
	"For every metric: both means with their intervals, the change, the p-value\n"
	"(a paired t-test when the replications pair up, Welch's otherwise) and a\n"
	"verdict by the metric's direction: better, worse, or ~.  A change is flagged\n"
	"only when significant after Holm's correction for the number of metrics\n"
	"and larger than the tolerance.  Exit 1 when any metric is worse.\n"
	"\n"
	"Options:\n"
	"      --tolerance T     changes within T of the base are ~ (default 5%, or the base\n"
	"                        scenario's tolerance: section); METRIC=T sets one metric's,\n"
	"                        e.g. latency_p99=10%\n"
	"      --alpha A         the chance of any false alarm (default 0.05)\n"
	"      --format F        text (default), markdown (for a pull-request comment), json, or\n"
	"                        html: a self-contained page (compare.html), with both sides'\n"
	"                        pictures side by side when their directories have them\n"
	"      --all             list the unchanged metrics too\n"
	"      --reps N, --seed N, -j N   for the sides that are scenario files\n";

/* A side of compare: a results directory, or a scenario file run now. */
static int compare_side(const char *path, long reps, long seed, int jobs, struct cmp_side *s, uint64_t *seed_out,
			long *reps_out)
{
	struct stat st;
	char err[4400];
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		if (cmp_side_from_dir(path, s, err, sizeof err) != 0) {
			fprintf(stderr, "chokepoint: %s\n", err);
			return EXIT_IO;
		}
		return EXIT_OK;
	}
	struct scenario *sc;
	int rc = load(path, &sc);
	if (rc != EXIT_OK)
		return rc;
	if (reps > 0)
		sc->spec.replications = reps;
	if (seed >= 0)
		sc->spec.seed = (uint64_t)seed;
	*seed_out = sc->spec.seed;
	*reps_out = sc->spec.replications;
	struct run_opts ro = {.jobs = jobs, .stop = &interrupted};
	struct results res;
	if (runner_run(sc, &ro, &res) != 0) {
		scenario_free(sc);
		return EXIT_INTERNAL;
	}
	if (interrupted) {
		rc = 128 + interrupted;
	} else if (res.stopped_rep >= 0) {
		fprintf(stderr, "chokepoint: %s: replication %ld stopped early: %s\n", path, res.stopped_rep,
			res.stopped);
		rc = EXIT_STOPPED;
	} else {
		cmp_side_from_results(&res, path, s);
	}
	results_release(&res);
	scenario_free(sc);
	return rc;
}

/* What `compare` was asked to do. */
struct compare_args {
	struct cmp_opts o;
	struct slo_tolerance cli[32]; /* --tolerance: over the base scenario's own */
	int n_cli;
	long reps, seed, jobs;
};

/* The options of `compare`; -1 to go on, else the exit code to return. */
static int parse_compare_args(int argc, char **argv, struct compare_args *a)
{
	static const struct option opts[] = {
		{"tolerance", required_argument, NULL, 't'},
		{"alpha", required_argument, NULL, 'a'},
		{"format", required_argument, NULL, 'F'},
		{"all", no_argument, NULL, 'A'},
		{"reps", required_argument, NULL, 'r'},
		{"seed", required_argument, NULL, 's'},
		{"jobs", required_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	*a = (struct compare_args){.o = {.alpha = 0.05, .tol = {{"", 0.05}}, .n_tol = 1},
				   .seed = -1,
				   .jobs = sysconf(_SC_NPROCESSORS_ONLN)};
	struct cmp_opts *o = &a->o;
	int c;
	char *end;
	optind = 0;
	while ((c = getopt_long(argc, argv, "j:h", opts, NULL)) != -1) {
		int bad = -1;
		if (number_option(c, optarg, "compare", 2, &a->jobs, &a->reps, &a->seed, &bad)) {
			if (bad >= 0)
				return bad;
			continue;
		}
		switch (c) {
		case 't': {
			char err[600];
			if (a->n_cli == 32 || slo_parse_tolerance(optarg, &a->cli[a->n_cli], err, sizeof err) != 0)
				return usage_error(
					"invalid value '%s' for --tolerance (expected a share such as 5%% or "
					"METRIC=10%%, METRIC a metric's name)",
					optarg, "compare");
			a->n_cli++;
			break;
		}
		case 'a':
			o->alpha = strtod(optarg, &end);
			if (*end || !(o->alpha > 0 && o->alpha < 1))
				return usage_error("invalid value '%s' for --alpha (expected 0 < A < 1)", optarg,
						   "compare");
			break;
		case 'F':
			if (strcmp(optarg, "text") == 0)
				o->format = CMP_TEXT;
			else if (strcmp(optarg, "markdown") == 0)
				o->format = CMP_MARKDOWN;
			else if (strcmp(optarg, "json") == 0)
				o->format = CMP_JSON;
			else if (strcmp(optarg, "html") == 0)
				o->format = CMP_HTML;
			else
				return usage_error(
					"invalid value '%s' for --format (expected text, markdown, json or html)",
					optarg, "compare");
			break;
		case 'A': o->all = 1; break;
		case 'h': fputs(compare_help, stdout); return EXIT_OK;
		default: return usage_error("%s", "invalid option for 'compare'", "compare");
		}
	}
	if (argc - optind != 2)
		return usage_error("%s", "'compare' takes a base and a candidate", "compare");
	if (a->jobs < 1)
		a->jobs = 1;
	return -1;
}

static int cmd_compare(int argc, char **argv)
{
	struct compare_args a;
	int rc = parse_compare_args(argc, argv, &a);
	if (rc >= 0)
		return rc;
	struct cmp_opts o = a.o;
	catch_signals();
	struct cmp_side b = {0}, cand = {0};
	uint64_t bseed = 0;
	long breps = 0;
	rc = compare_side(argv[optind], a.reps, a.seed, (int)a.jobs, &b, &bseed, &breps);
	/* A scenario candidate after a scenario base: the same seed and runs (common random numbers). */
	if (rc == EXIT_OK)
		rc = compare_side(argv[optind + 1], breps ? breps : a.reps, breps ? (long)bseed : a.seed, (int)a.jobs,
				  &cand, &bseed, &breps);
	if (rc == EXIT_OK) {
		/* The base scenario's tolerance: section, then the command line's. */
		struct slo_tolerance *lists[] = {b.tol, a.cli};
		int counts[] = {b.n_tol, a.n_cli};
		for (int l = 0; l < 2; l++)
			for (int i = 0; i < counts[l]; i++) {
				if (!lists[l][i].metric[0])
					o.tol[0] = lists[l][i];
				else if (o.n_tol < 64)
					o.tol[o.n_tol++] = lists[l][i];
			}
		struct cmp_report r;
		char err[600];
		if (cmp_compute(&b, &cand, &o, &r, err, sizeof err) != 0) {
			fprintf(stderr, "chokepoint: %s\n", err);
			rc = EXIT_USAGE;
		} else {
			cmp_print(stdout, &b, &cand, &o, &r);
			rc = r.n_worse > 0 ? EXIT_CHECKS : EXIT_OK;
			cmp_report_release(&r);
		}
	}
	cmp_side_release(&b);
	cmp_side_release(&cand);
	return rc;
}

static const char plot_help[] = "usage: chokepoint plot [--format png|svg|png,svg|none] DIR\n"
				"\n"
				"Draws the pictures of a results directory written by 'chokepoint run' with\n"
				"gnuplot, in PNG and SVG (--format: one of them, or none for the scripts\n"
				"alone): utilization, requests and 5xx per second, response time over time,\n"
				"the utilization of every node as bars with the bottleneck marked, the load\n"
				"balancers' healthy targets and surge queue, and the instances of autoscaled\n"
				"tiers.  Each picture's script is written beside the data (NAME.gp, with\n"
				"style.gp and vars.gp): 'cd DIR && gnuplot -e \"fmt=\'svg\'\" NAME.gp' draws it\n"
				"again.  The same results give the same files as 'run --plot'.\n";

static int cmd_plot(int argc, char **argv)
{
	if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		fputs(plot_help, stdout);
		return EXIT_OK;
	}
	unsigned formats = PLOT_PNG | PLOT_SVG;
	if (argc == 4 && strcmp(argv[1], "--format") == 0) {
		if (plot_parse_formats(argv[2], &formats) < 0)
			return usage_error("invalid value '%s' for --format (expected png, svg, png,svg or none)",
					   argv[2], "plot");
		argv += 2;
		argc -= 2;
	}
	if (argc != 2)
		return usage_error("%s", "'plot' takes one results directory", "plot");
	int drawn = plot_dir(argv[1], formats);
	if (drawn < 0)
		return EXIT_IO;
	printf("wrote %d picture%s (%s) and their scripts to %s/\n", drawn, drawn == 1 ? "" : "s",
	       plot_format_name(formats), argv[1]);
	return EXIT_OK;
}

static const char spof_help[] = "usage: chokepoint spof SCENARIO.yaml [--reps N] [-j N] [-o DIR]\n"
				"\n"
				"N-1 analysis: runs the scenario, then once with each server, database and\n"
				"load balancer crashed for the whole measured time, with the same seed, and\n"
				"ranks them by the share of requests still answered.  A component whose\n"
				"loss leaves fewer than half of them answered is a single point of failure.\n"
				"The table gives downtime in minutes per 730-hour month and requests lost\n"
				"per hour.  -o DIR also writes it as DIR/spof.csv and DIR/spof.json.\n";

static int cmd_spof(int argc, char **argv)
{
	static const struct option opts[] = {
		{"reps", required_argument, NULL, 'r'},
		{"jobs", required_argument, NULL, 'j'},
		{"output", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	long jobs = sysconf(_SC_NPROCESSORS_ONLN), reps = 0;
	const char *out_dir = NULL;
	int c;
	optind = 0;
	while ((c = getopt_long(argc, argv, "j:o:h", opts, NULL)) != -1) {
		int bad = -1;
		if (number_option(c, optarg, "spof", 1, &jobs, &reps, NULL, &bad)) {
			if (bad >= 0)
				return bad;
			continue;
		}
		switch (c) {
		case 'o': out_dir = optarg; break;
		case 'h': fputs(spof_help, stdout); return EXIT_OK;
		default: return usage_error("%s", "invalid option for 'spof'", "spof");
		}
	}
	if (optind != argc - 1)
		return usage_error("%s", "'spof' takes exactly one scenario file", "spof");
	struct scenario *sc;
	int rc = load(argv[optind], &sc);
	if (rc != EXIT_OK)
		return rc;
	if (reps)
		sc->spec.replications = reps;
	struct run_opts ro = {.jobs = jobs < 1 ? 1 : (int)jobs, .progress = 0};
	rc = spof_run(sc, &ro, stdout, out_dir) == 0 ? EXIT_OK : out_dir ? EXIT_IO : EXIT_INTERNAL;
	scenario_free(sc);
	return rc;
}

static const char runs_help[] = "usage: chokepoint runs SCENARIO.yaml\n"
				"\n"
				"Lists the scenario's runs (its replications), the units that --shard and\n"
				"--runs select and that 'chokepoint merge' puts back together.\n";

static int cmd_scale(int argc, char **argv)
{
	static const struct option opts[] = {
		{"node", required_argument, NULL, 'N'}, {"up", required_argument, NULL, 'U'},
		{"out", required_argument, NULL, 'O'},  {"load", required_argument, NULL, 'L'},
		{"csv", required_argument, NULL, 'C'},  {"output", required_argument, NULL, 'o'},
		{"plot", optional_argument, NULL, 'p'}, {"force", no_argument, NULL, 'f'},
		{"seed", required_argument, NULL, 's'}, {"reps", required_argument, NULL, 'r'},
		{"jobs", required_argument, NULL, 'j'}, {"quiet", no_argument, NULL, 'q'},
		{"progress", no_argument, NULL, 'P'},   {"slo-mode", required_argument, NULL, 'M'},
		{"help", no_argument, NULL, 'h'},       {0},
	};
	struct scale_args a = {.seed = -1, .reps = -1};
	long jobs = sysconf(_SC_NPROCESSORS_ONLN);
	int c, force = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, "j:o:qh", opts, NULL)) != -1) {
		int bad = -1;
		if (number_option(c, optarg, "scale", 1, &jobs, &a.reps, &a.seed, &bad)) {
			if (bad >= 0)
				return bad;
			continue;
		}
		switch (c) {
		case 'N': a.node = optarg; break;
		case 'U': a.up = optarg; break;
		case 'O': a.out = optarg; break;
		case 'L': a.load = optarg; break;
		case 'C': a.csv = optarg; break;
		case 'o': a.out_dir = optarg; break;
		case 'f': force = 1; break;
		case 'p':
			a.plot = 1;
			if (plot_parse_formats(optarg, &a.plot_formats) < 0)
				return usage_error("invalid value '%s' for --plot (expected png, svg, png,svg or none)",
						   optarg, "scale");
			break;
		case 'q': a.quiet = 1; break;
		case 'P': a.progress = 1; break;
		case 'M':
			if (parse_slo_mode(optarg, &a.slo_point) < 0)
				return usage_error("invalid value '%s' for --slo-mode (expected interval or point)",
						   optarg, "scale");
			break;
		case 'h': fputs(scale_help, stdout); return EXIT_OK;
		default: return usage_error("%s", "invalid option for 'scale'", "scale");
		}
	}
	a.jobs = jobs < 1 ? 1 : (int)jobs;
	if (optind != argc - 1)
		return usage_error("%s", "'scale' takes exactly one scenario file", "scale");
	a.path = argv[optind];
	struct scenario *sc = NULL;
	int rc = load(a.path, &sc);
	if (rc == EXIT_OK) { /* the scale: block gives what the options do not */
		const char **given[4] = {&a.node, &a.up, &a.out, &a.load};
		for (int i = 0; i < 4; i++)
			if (!*given[i])
				*given[i] = sc->scale[i];
		if (!a.node || !a.up || !a.out || !a.load) {
			scenario_free(sc);
			return usage_error(
				"%s", "'scale' needs --node, --up, --out and --load (or a scale: block giving them)",
				"scale");
		}
	}
	if (a.plot && !a.out_dir) {
		scenario_free(sc);
		return usage_error("%s", "'scale --plot' draws into the study's directory: give -o DIR", "scale");
	}
	struct outdir od = {.lock_fd = -1};
	if (rc == EXIT_OK && a.out_dir && outdir_claim(a.out_dir, force, &od) != 0)
		rc = EXIT_IO;
	if (rc == EXIT_OK) {
		catch_signals();
		rc = scale_run(&a, sc, a.out_dir ? &od : NULL, &interrupted);
	}
	outdir_release(&od);
	scenario_free(sc);
	return rc;
}

static const char export_help[] = "usage: chokepoint export DIR FILE.sqlite\n"
				  "\n"
				  "Writes every result of the results directory DIR (a run's: summary, nodes,\n"
				  "classes, replications, the time series, failures, SLO verdicts and the access\n"
				  "log when there is one; a sweep's: its points, values, metrics and verdicts)\n"
				  "into the SQLite database FILE, with indexes for the usual questions.  FILE is\n"
				  "replaced only once the database is complete.  Schema and queries: docs/sql.md.\n";

static int cmd_export(int argc, char **argv)
{
	if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		fputs(export_help, stdout);
		return EXIT_OK;
	}
	if (argc != 3)
		return usage_error("%s", "'export' takes a results directory and a database file", "export");
	return export_sqlite(argv[1], argv[2]) == 0 ? EXIT_OK : EXIT_IO;
}

static int cmd_plan(int argc, char **argv)
{
	static const struct option opts[] = {
		{"load", required_argument, NULL, 'L'},
		{"screen-reps", required_argument, NULL, 'S'},
		{"max-runs", required_argument, NULL, 'X'},
		{"runners-up", required_argument, NULL, 'R'},
		{"csv", required_argument, NULL, 'C'},
		{"seed", required_argument, NULL, 's'},
		{"reps", required_argument, NULL, 'r'},
		{"jobs", required_argument, NULL, 'j'},
		{"quiet", no_argument, NULL, 'q'},
		{"progress", no_argument, NULL, 'P'},
		{"slo-mode", required_argument, NULL, 'M'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct plan_args a = {.seed = -1, .reps = -1, .screen_reps = 3, .max_runs = 100, .runners_up = 3};
	long jobs = sysconf(_SC_NPROCESSORS_ONLN);
	int c;
	optind = 0;
	while ((c = getopt_long(argc, argv, "j:qh", opts, NULL)) != -1) {
		int bad = -1;
		if (number_option(c, optarg, "plan", 2, &jobs, &a.reps, &a.seed, &bad)) {
			if (bad >= 0)
				return bad;
			continue;
		}
		switch (c) {
		case 'L': a.load = optarg; break;
		case 'C': a.csv = optarg; break;
		case 'S':
			if (parse_long(optarg, 2, 1000000, &a.screen_reps) < 0)
				return usage_error("invalid value '%s' for --screen-reps (expected 2 or more: a "
						   "screening run needs an interval)",
						   optarg, "plan");
			break;
		case 'X':
			if (parse_long(optarg, 1, 1000000, &a.max_runs) < 0)
				return usage_error("invalid value '%s' for --max-runs (expected 1 or more)", optarg,
						   "plan");
			break;
		case 'R':
			if (parse_long(optarg, 0, 63, &a.runners_up) < 0)
				return usage_error("invalid value '%s' for --runners-up (expected 0 to 63)", optarg,
						   "plan");
			break;
		case 'q': a.quiet = 1; break;
		case 'P': a.progress = 1; break;
		case 'M':
			if (parse_slo_mode(optarg, &a.slo_point) < 0)
				return usage_error("invalid value '%s' for --slo-mode (expected interval or point)",
						   optarg, "plan");
			break;
		case 'h': fputs(plan_help, stdout); return EXIT_OK;
		default: return usage_error("%s", "invalid option for 'plan'", "plan");
		}
	}
	a.jobs = jobs < 1 ? 1 : (int)jobs;
	if (optind != argc - 1)
		return usage_error("%s", "'plan' takes exactly one scenario file", "plan");
	a.path = argv[optind];
	struct scenario *sc = NULL;
	int rc = load(a.path, &sc);
	if (rc == EXIT_OK) {
		catch_signals();
		rc = plan_run(&a, sc, &interrupted, NULL);
	}
	scenario_free(sc);
	return rc;
}

static int cmd_runs(int argc, char **argv)
{
	if (argc != 2)
		return usage_error("%s", "'runs' takes one scenario file", "runs");
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		fputs(runs_help, stdout);
		return EXIT_OK;
	}
	struct scenario *sc;
	int rc = load(argv[1], &sc);
	if (rc != EXIT_OK)
		return rc;
	printf("run,point,replication,seed\n");
	for (long r = 0; r < sc->spec.replications; r++)
		printf("%ld,0,%ld,%llu\n", r, r, (unsigned long long)sc->spec.seed);
	scenario_free(sc);
	return EXIT_OK;
}

static const char merge_help[] = "usage: chokepoint merge DIR... -o OUT [--force]\n"
				 "\n"
				 "Combines the partial results written by 'run --shard' or 'run --runs' into\n"
				 "the results a single run would have written, byte for byte.  Every run of\n"
				 "the scenario must appear exactly once.\n";

static int cmd_merge(int argc, char **argv)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"force", no_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	const char *out = NULL;
	int force = 0, c;
	optind = 0;
	while ((c = getopt_long(argc, argv, "o:fh", opts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'f': force = 1; break;
		case 'h': fputs(merge_help, stdout); return EXIT_OK;
		default: return usage_error("%s", "invalid option for 'merge'", "merge");
		}
	}
	if (!out || optind >= argc)
		return usage_error("%s", "'merge' takes partial-result directories and -o OUT", "merge");
	catch_signals();
	if (sweep_is_shard(argv[optind])) /* a sweep's shards */
		return sweep_merge((const char *const *)argv + optind, argc - optind, out, force, &interrupted);
	return partial_merge((const char *const *)argv + optind, argc - optind, out, force, &interrupted);
}

static int cmd_help(int argc, char **argv)
{
	const char *topic = argc > 1 ? argv[1] : NULL;
	if (!topic) {
		fputs(main_help, stdout);
		fputs(exit_codes_help, stdout);
	} else if (strcmp(topic, "run") == 0) {
		fputs(run_help, stdout);
		report_list_files(stdout);
	} else if (strcmp(topic, "validate") == 0) {
		fputs(validate_help, stdout);
	} else if (strcmp(topic, "kinds") == 0) {
		fputs(kinds_help, stdout);
	} else if (strcmp(topic, "plot") == 0) {
		fputs(plot_help, stdout);
	} else if (strcmp(topic, "metrics") == 0) {
		fputs(metrics_help, stdout);
	} else if (strcmp(topic, "check") == 0) {
		fputs(check_help, stdout);
	} else if (strcmp(topic, "compare") == 0) {
		fputs(compare_help, stdout);
	} else if (strcmp(topic, "spof") == 0) {
		fputs(spof_help, stdout);
	} else if (strcmp(topic, "runs") == 0) {
		fputs(runs_help, stdout);
	} else if (strcmp(topic, "scale") == 0) {
		fputs(scale_help, stdout);
	} else if (strcmp(topic, "plan") == 0) {
		fputs(plan_help, stdout);
	} else if (strcmp(topic, "export") == 0) {
		fputs(export_help, stdout);
	} else if (strcmp(topic, "merge") == 0) {
		fputs(merge_help, stdout);
	} else {
		return usage_error("no help for '%s' (commands: run, check, compare, validate, kinds, metrics, plot, "
				   "spof, scale, plan, export, runs, merge)",
				   topic, NULL);
	}
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	gsl_set_error_handler(gsl_handler);
	if (argc < 2) {
		fputs(main_help, stderr);
		return EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0)
		return cmd_help(1, argv);
	if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
		printf("chokepoint %s\n", CHOKEPOINT_VERSION);
		return EXIT_OK;
	}
	if (strcmp(cmd, "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	if (strcmp(cmd, "validate") == 0)
		return cmd_validate(argc - 1, argv + 1);
	if (strcmp(cmd, "kinds") == 0)
		return cmd_kinds(argc - 1, argv + 1);
	if (strcmp(cmd, "metrics") == 0)
		return cmd_metrics(argc - 1, argv + 1);
	if (strcmp(cmd, "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	if (strcmp(cmd, "compare") == 0)
		return cmd_compare(argc - 1, argv + 1);
	if (strcmp(cmd, "runs") == 0)
		return cmd_runs(argc - 1, argv + 1);
	if (strcmp(cmd, "merge") == 0)
		return cmd_merge(argc - 1, argv + 1);
	if (strcmp(cmd, "spof") == 0)
		return cmd_spof(argc - 1, argv + 1);
	if (strcmp(cmd, "scale") == 0)
		return cmd_scale(argc - 1, argv + 1);
	if (strcmp(cmd, "plan") == 0)
		return cmd_plan(argc - 1, argv + 1);
	if (strcmp(cmd, "export") == 0)
		return cmd_export(argc - 1, argv + 1);
	if (strcmp(cmd, "plot") == 0)
		return cmd_plot(argc - 1, argv + 1);
	if (strcmp(cmd, "help") == 0)
		return cmd_help(argc - 1, argv + 1);
	return usage_error("unknown command '%s'", cmd, NULL);
}
