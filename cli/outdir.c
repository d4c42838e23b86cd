/* outdir.c - see outdir.h. */
#include "outdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../sim/engine/util.h"
#include "plot.h"

const char *const outdir_files[OUTDIR_N_FILES] = {
	"summary.json",           "summary.csv",  "nodes.csv", "replications.csv", "timeseries.csv",
	"scenario.resolved.yaml", "failures.csv",
};
/* Files a results directory may also hold: the access log, a shard's
 * partial result, a sweep's files, and the pictures of `chokepoint plot`
 * with their scripts. */
static const char *const other_files[] = {
	"access.csv", "partial.json", "sweep.csv",  "sweep.json", "sweep.partial.json", "style.gp",
	"vars.gp",    "report.html",  "theory.csv", "scale.csv",  "scale-frontier.csv", "scale.txt"};

static int is_known(const char *n)
{
	int known = strcmp(n, ".") == 0 || strcmp(n, "..") == 0;
	for (size_t i = 0; i < OUTDIR_N_FILES; i++)
		known |= strcmp(n, outdir_files[i]) == 0;
	for (size_t i = 0; i < ARRAY_LEN(other_files); i++)
		known |= strcmp(n, other_files[i]) == 0;
	known |= plot_is_file(n);
	/* The access log's part files, in a parts directory. */
	known |= strncmp(n, "part-", 5) == 0 && strlen(n) > 9 && strcmp(n + strlen(n) - 4, ".csv") == 0;
	/* A sweep's shard: each point's partial result. */
	known |= strncmp(n, "partial-", 8) == 0 && strlen(n) > 13 && strcmp(n + strlen(n) - 5, ".json") == 0;
	return known;
}

/* Whether dir holds only what chokepoint writes (so it may be replaced). */
static int holds_only_results(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	int ok = 1;
	struct dirent *e;
	while (ok && (e = readdir(d)))
		ok = is_known(e->d_name);
	closedir(d);
	return ok;
}

int outdir_remove(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	struct dirent *e;
	char path[2 * OUTDIR_MAX_PATH];
	while ((e = readdir(d)))
		if (is_known(e->d_name) && strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
			unlink(path);
		}
	closedir(d);
	return rmdir(dir);
}

/* Whether dir is empty, or a results directory chokepoint wrote: its
 * summary.json (or a shard's partial.json) opens with chokepoint's format
 * mark.  (holds_only_results has checked that nothing else is in it.) */
static int is_own_results(const char *dir)
{
	static const char *const marks[][2] = {{"summary.json", "\"format\": \"chokepoint-summary-1\""},
					       {"partial.json", "\"format\":\"chokepoint-partial-"},
					       {"sweep.json", "\"format\": \"chokepoint-sweep-1\""},
					       {"sweep.partial.json", "\"format\": \"chokepoint-sweep-partial-1\""},
					       {"scale.txt", " · scale study of "}};
	char path[2 * OUTDIR_MAX_PATH], head[256];
	int any = 0;
	for (size_t i = 0; i < ARRAY_LEN(marks); i++) {
		snprintf(path, sizeof path, "%s/%s", dir, marks[i][0]);
		FILE *f = fopen(path, "rb");
		if (!f)
			continue;
		any = 1;
		size_t n = fread(head, 1, sizeof head - 1, f);
		fclose(f);
		head[n] = '\0';
		if (strstr(head, marks[i][1]))
			return 1;
	}
	if (any)
		return 0;
	DIR *d = opendir(dir);
	int empty = 1;
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			empty = 0;
	if (d)
		closedir(d);
	return empty;
}

int outdir_check(const char *dir, int force)
{
	struct stat st;
	if (lstat(dir, &st) != 0)
		return 0; /* it will be made */
	if (S_ISLNK(st.st_mode)) {
		fprintf(stderr,
			"chokepoint: '%s' is a symbolic link; give the directory it points to (links are not "
			"followed, so that a rerun cannot replace a directory elsewhere)\n",
			dir);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		fprintf(stderr, "chokepoint: '%s' exists and is not a directory\n", dir);
		return -1;
	}
	if (!holds_only_results(dir)) {
		fprintf(stderr,
			"chokepoint: '%s' exists and holds files chokepoint did not write; refusing to replace it, "
			"even with --force (choose another -o)\n",
			dir);
		return -1;
	}
	if (!force && !is_own_results(dir)) {
		fprintf(stderr,
			"chokepoint: '%s' holds files named like results but no summary.json of chokepoint's; pass "
			"--force to replace it\n",
			dir);
		return -1;
	}
	return 0;
}

static int mkdir_p(const char *dir)
{
	char *path = xstrdup(dir);
	int rc = 0;
	for (char *p = path + 1; *p && rc == 0; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0777) != 0 && errno != EEXIST)
			rc = -1;
		*p = '/';
	}
	if (rc == 0 && mkdir(path, 0777) != 0 && errno != EEXIST)
		rc = -1;
	free(path);
	return rc;
}

void outdir_temp(const struct outdir *o, const char *suffix, char *buf, size_t n)
{
	snprintf(buf, n, "%s/.%s.%s-%ld", o->parent, o->base, suffix, (long)getpid());
}

/* Removes PARENT/.BASE.{tmp,old,access}-PID of processes that no longer
 * exist (a run killed with SIGKILL leaves them).  The lock is held: no
 * live run of ours is writing them. */
static void remove_stale(const struct outdir *o)
{
	DIR *d = opendir(o->parent);
	if (!d)
		return;
	static const char *const kinds[] = {"tmp", "old", "access"};
	size_t nb = strlen(o->base);
	struct dirent *e;
	while ((e = readdir(d))) {
		const char *n = e->d_name;
		if (n[0] != '.' || strncmp(n + 1, o->base, nb) != 0 || n[1 + nb] != '.')
			continue;
		for (size_t k = 0; k < ARRAY_LEN(kinds); k++) {
			size_t nk = strlen(kinds[k]);
			const char *p = n + 2 + nb;
			if (strncmp(p, kinds[k], nk) != 0 || p[nk] != '-')
				continue;
			char *end;
			long pid = strtol(p + nk + 1, &end, 10);
			if (*end || pid <= 0 || pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
				continue;
			char path[2 * OUTDIR_MAX_PATH + 300];
			snprintf(path, sizeof path, "%s/%s", o->parent, n);
			if (outdir_remove(path) == 0)
				fprintf(stderr, "chokepoint: removed '%s', left by a run that died (pid %ld)\n", path,
					pid);
		}
	}
	closedir(d);
}

/* Takes PARENT/.BASE.lock; 0, or -1 after a message. */
static int take_lock(struct outdir *o)
{
	snprintf(o->lock, sizeof o->lock, "%s/.%s.lock", o->parent, o->base);
	for (int tries = 0; tries < 100; tries++) {
		int fd = open(o->lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
		if (fd < 0) {
			fprintf(stderr, "chokepoint: cannot write in '%s': %s (creating the lock '%s')\n", o->parent,
				strerror(errno), o->lock);
			return -1;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
			char pid[32] = "", who[48] = "";
			ssize_t n = read(fd, pid, sizeof pid - 1);
			pid[n > 0 ? n : 0] = '\0';
			pid[strcspn(pid, "\n")] = '\0';
			if (pid[0])
				snprintf(who, sizeof who, " (pid %s)", pid);
			fprintf(stderr,
				"chokepoint: another chokepoint run%s is writing '%s'; refusing to run into it too "
				"(wait for it, or choose another -o)\n",
				who, o->dir);
			close(fd);
			return -1;
		}
		/* The file locked must still be the one at the path: a run that
		 * was ending may have removed it between our open and our lock. */
		struct stat a, b;
		if (fstat(fd, &a) == 0 && stat(o->lock, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
			char pid[32];
			int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
			if (ftruncate(fd, 0) != 0 || write(fd, pid, (size_t)n) != n) {
				/* the pid is only for the message of a second run */
			}
			o->lock_fd = fd;
			return 0;
		}
		close(fd);
	}
	fprintf(stderr, "chokepoint: cannot take the lock '%s'\n", o->lock);
	return -1;
}

int outdir_claim(const char *dir, int force, struct outdir *o)
{
	memset(o, 0, sizeof *o);
	o->lock_fd = -1;
	o->force = force;
	size_t n = strlen(dir);
	if (n == 0) {
		fprintf(stderr, "chokepoint: the output directory is empty ('-o \"\"'); name one\n");
		return -1;
	}
	if (n > OUTDIR_MAX_PATH) {
		fprintf(stderr,
			"chokepoint: the output directory's path is longer than %d characters; choose a "
			"shorter -o\n",
			OUTDIR_MAX_PATH);
		return -1;
	}
	memcpy(o->dir, dir, n + 1);
	while (n > 1 && o->dir[n - 1] == '/')
		o->dir[--n] = '\0';
	if (strcmp(o->dir, "/") == 0 || strcmp(o->dir, ".") == 0 || strcmp(o->dir, "..") == 0 ||
	    (n >= 3 && strcmp(o->dir + n - 3, "/..") == 0) || (n >= 2 && strcmp(o->dir + n - 2, "/.") == 0)) {
		fprintf(stderr, "chokepoint: '%s' cannot be an output directory (it names no new directory)\n", dir);
		return -1;
	}
	char *slash = strrchr(o->dir, '/');
	if (!slash) {
		snprintf(o->parent, sizeof o->parent, ".");
		snprintf(o->base, sizeof o->base, "%s", o->dir);
	} else {
		snprintf(o->base, sizeof o->base, "%s", slash + 1);
		snprintf(o->parent, sizeof o->parent, "%.*s", slash == o->dir ? 1 : (int)(slash - o->dir), o->dir);
	}
	if (outdir_check(o->dir, force) != 0)
		return -1;
	if (mkdir_p(o->parent) != 0) {
		fprintf(stderr, "chokepoint: cannot create directory '%s': %s\n", o->parent, strerror(errno));
		return -1;
	}
	if (take_lock(o) != 0)
		return -1;
	remove_stale(o);
	/* Prove now, not after a long run, that the results can be written. */
	char probe[sizeof o->lock];
	outdir_temp(o, "tmp", probe, sizeof probe);
	if (mkdir(probe, 0777) != 0) {
		fprintf(stderr, "chokepoint: cannot write in '%s': %s\n", o->parent, strerror(errno));
		outdir_release(o);
		return -1;
	}
	rmdir(probe);
	return 0;
}

void outdir_release(struct outdir *o)
{
	if (o->lock_fd >= 0) {
		unlink(o->lock); /* before the unlock: a waiting run then sees a new file */
		close(o->lock_fd);
		o->lock_fd = -1;
	}
}
