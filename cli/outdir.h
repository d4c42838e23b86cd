/*
 * outdir.h - the output directory a run owns: what may be replaced, the
 * lock that keeps a second run out, and the temporaries beside it.
 *
 * The rules (docs/robustness.md):
 * - a directory holding anything chokepoint does not write is never
 *   touched, even with --force; results chokepoint wrote (its summary.json
 *   says so) are replaced by a rerun; result-named files without that mark
 *   only with --force;
 * - `-o` may not be empty, longer than OUTDIR_MAX_PATH, or a symbolic link
 *   (give the directory it points to): links are refused, not followed;
 * - one run owns a directory at a time: PARENT/.BASE.lock, locked with
 *   flock for the whole run and removed at the end (a run that dies loses
 *   its lock with it); a second run says so and exits 4;
 * - every check is made before the run, and made again, under the lock,
 *   just before the results are swapped in;
 * - temporaries (.BASE.tmp-PID, .BASE.old-PID, .BASE.access-PID) of a
 *   chokepoint that died are removed by the next run into the directory.
 */
#ifndef CLI_OUTDIR_H
#define CLI_OUTDIR_H

#include <stddef.h>

#define OUTDIR_MAX_PATH 3800 /* room for the temporaries' names within PATH_MAX */

/* The files a run writes, in this order, and those a directory may also hold. */
#define OUTDIR_N_FILES 7
extern const char *const outdir_files[OUTDIR_N_FILES];

struct outdir {
	char dir[OUTDIR_MAX_PATH + 1]; /* as given, trailing slashes removed */
	char parent[OUTDIR_MAX_PATH + 1], base[OUTDIR_MAX_PATH + 1];
	int force;
	int lock_fd; /* -1: not held */
	char lock[2 * OUTDIR_MAX_PATH + 64];
};

/*
 * Whether results may be written to dir (the rules above, without the
 * lock); 0, or -1 after printing why not.
 */
int outdir_check(const char *dir, int force);

/*
 * Claims dir for this run: checks it, creates its parent, takes the lock,
 * removes dead runs' temporaries and proves the parent writable.  0, or
 * -1 after printing why not (o is then released).
 */
int outdir_claim(const char *dir, int force, struct outdir *o);

/* Gives up the claim (removes the lock file). */
void outdir_release(struct outdir *o);

/* PARENT/.BASE.SUFFIX-PID into buf: this run's temporary of that kind. */
void outdir_temp(const struct outdir *o, const char *suffix, char *buf, size_t n);

/* Removes a directory holding only chokepoint's files; 0, or -1 (errno). */
int outdir_remove(const char *dir);

#endif
