/*
 * chokepoint_mpi.c - `make MPI=1`: chokepoint across the ranks of an MPI job.
 *
 * usage: mpirun -np N chokepoint-mpi SCENARIO.yaml -o OUT [--force] [--reps R] [--seed S]
 *
 * Rank r of N runs shard r/N of the scenario (its runs r, r+N, ...) on one
 * thread and writes OUT.parts/rank-r/partial.json; after a barrier, rank 0
 * merges the parts into OUT exactly as `chokepoint merge` does, so OUT is
 * byte-identical to a single `chokepoint run`.  The ranks need a file
 * system they share (the parts directory).  Exit codes as chokepoint's.
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../cli/partial.h"
#include "../cli/runner.h"
#include "../cli/scenario.h"
#include "../sim/engine/util.h"

static int run_shard(const char *path, const char *parts, int rank, int size, long reps, long seed)
{
	struct diags d;
	struct scenario *sc = NULL;
	diags_init(&d, path);
	enum scenario_status st = scenario_load(path, &sc, &d);
	if (rank == 0)
		diags_print(&d, stderr);
	diags_release(&d);
	if (st != SCENARIO_OK)
		return st == SCENARIO_IO ? 4 : 3;
	if (reps > 0)
		sc->spec.replications = reps;
	if (seed >= 0)
		sc->spec.seed = (uint64_t)seed;
	long *subset = xmalloc(sc->spec.replications * sizeof(long)), n = 0;
	for (long r = 0; r < sc->spec.replications; r++)
		if (r % size == rank)
			subset[n++] = r;
	struct run_opts o = {.jobs = 1, .subset = subset, .n_subset = n, .keep_records = 1};
	struct results res;
	int rc = 5;
	if (runner_run(sc, &o, &res) == 0) {
		char dir[4300];
		snprintf(dir, sizeof dir, "%s/rank-%d", parts, rank);
		rc = res.stopped_rep >= 0 ? 6 : partial_write(dir, sc, &res) == 0 ? 0 : 4;
		if (res.stopped_rep >= 0)
			fprintf(stderr, "chokepoint-mpi: rank %d: replication %ld stopped early: %s\n", rank,
				res.stopped_rep, res.stopped);
		results_release(&res);
	}
	free(subset);
	scenario_free(sc);
	return rc;
}

int main(int argc, char **argv)
{
	int rank, size;
	MPI_Init(&argc, &argv);
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);

	const char *path = NULL, *out = NULL;
	long reps = 0, seed = -1;
	int force = 0, usage = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			out = argv[++i];
		else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
			reps = atol(argv[++i]);
		else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
			seed = atol(argv[++i]);
		else if (strcmp(argv[i], "--force") == 0)
			force = 1;
		else if (!path && argv[i][0] != '-')
			path = argv[i];
		else
			usage = 1;
	}
	if (usage || !path || !out || reps < 0) {
		if (rank == 0)
			fprintf(stderr, "usage: mpirun -np N chokepoint-mpi SCENARIO.yaml -o OUT [--force] [--reps R] "
					"[--seed S]\n");
		MPI_Finalize();
		return 2;
	}
	char parts[4096];
	snprintf(parts, sizeof parts, "%.4000s.parts", out);
	if (rank == 0)
		mkdir(parts, 0777);
	MPI_Barrier(MPI_COMM_WORLD);

	int rc = run_shard(path, parts, rank, size, reps, seed), worst;
	MPI_Allreduce(&rc, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
	if (rank == 0 && worst == 0) {
		char **dirs = xcalloc(size, sizeof(char *));
		for (int r = 0; r < size; r++) {
			dirs[r] = xmalloc(4200);
			snprintf(dirs[r], 4200, "%.4096s/rank-%d", parts, r);
		}
		worst = partial_merge((const char *const *)dirs, size, out, force, NULL);
		for (int r = 0; r < size; r++) {
			char f[4300];
			snprintf(f, sizeof f, "%s/partial.json", dirs[r]);
			unlink(f);
			rmdir(dirs[r]);
			free(dirs[r]);
		}
		free(dirs);
		rmdir(parts);
	}
	MPI_Bcast(&worst, 1, MPI_INT, 0, MPI_COMM_WORLD);
	MPI_Finalize();
	return worst;
}
