/* plot.c - see plot.h. */
#include "plot.h"

#include <csv.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../sim/engine/util.h"

/* instances: only when the time series has an autoscaler's rows */
static const char *const templates[] = {"utilization", "latency", "requests", "instances"};

struct nodes_reader {
	long row;
	int field;
	char first_start[64]; /* period_start_s of the first data row */
	char cur_start[64];
	char name[64];
	int done;
	char list[4096]; /* space-separated names, file order */
	int n, skip;
	char groups[1024]; /* space-separated 1-based positions of the autoscalers */
};

static void on_field(void *s, size_t len, void *data)
{
	struct nodes_reader *r = data;
	if (r->done || r->row == 0) {
		r->field++;
		return;
	}
	char text[64];
	snprintf(text, sizeof text, "%.*s", (int)(len < 63 ? len : 63), (const char *)s);
	if (r->field == 0) {
		if (r->row == 1)
			snprintf(r->first_start, sizeof r->first_start, "%s", text);
		snprintf(r->cur_start, sizeof r->cur_start, "%s", text);
		if (strcmp(r->cur_start, r->first_start) != 0)
			r->done = 1;
	} else if (r->field == 3) {
		snprintf(r->name, sizeof r->name, "%s", text);
	} else if (r->field == 4 && !r->done) {
		size_t used = strlen(r->list);
		snprintf(r->list + used, sizeof r->list - used, "%s%s", used ? " " : "", r->name);
		if (strcmp(text, "workload") == 0 && r->skip == r->n)
			r->skip++;
		r->n++;
		if (strcmp(text, "autoscaler") == 0) {
			size_t g = strlen(r->groups);
			snprintf(r->groups + g, sizeof r->groups - g, "%s%d", g ? " " : "", r->n);
		}
	}
	r->field++;
}

static void on_row(int c, void *data)
{
	(void)c;
	struct nodes_reader *r = data;
	r->row++;
	r->field = 0;
}

/* Reads the node names (in file order) and the number of leading workloads. */
static int read_nodes(const char *csv_path, struct nodes_reader *r)
{
	FILE *f = fopen(csv_path, "rb");
	if (!f) {
		fprintf(stderr, "chokepoint: cannot read '%s': %s\n", csv_path, strerror(errno));
		return -1;
	}
	struct csv_parser p;
	csv_init(&p, 0);
	char buf[8192];
	size_t n;
	while (!r->done && (n = fread(buf, 1, sizeof buf, f)) > 0)
		csv_parse(&p, buf, n, on_field, on_row, r);
	csv_fini(&p, on_field, on_row, r);
	csv_free(&p);
	fclose(f);
	if (r->n == 0) {
		fprintf(stderr, "chokepoint: '%s' holds no time series\n", csv_path);
		return -1;
	}
	return 0;
}

static int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int find_templates(char *out, size_t size)
{
	const char *env = getenv("CHOKEPOINT_PLOTS");
	if (env && *env) {
		snprintf(out, size, "%s", env);
		return is_dir(out) ? 0 : -1;
	}
	char exe[PATH_MAX - 64]; /* room for the relative part */
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return -1;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	/* build/, build/asan/ (nested builds), or an installed PREFIX/bin */
	static const char *const rel[] = {"../plots", "../../plots", "../share/chokepoint/plots"};
	for (size_t i = 0; i < ARRAY_LEN(rel); i++) {
		snprintf(out, size, "%s/%s", exe, rel[i]);
		if (is_dir(out))
			return 0;
	}
	return -1;
}

/* Appends a gnuplot single-quoted string (a quote is written twice). */
static void quote(char *buf, size_t size, const char *s)
{
	size_t n = strlen(buf);
	if (n + 1 < size)
		buf[n++] = '\'';
	for (; *s && n + 2 < size; s++) {
		if (*s == '\'')
			buf[n++] = '\'';
		buf[n++] = *s;
	}
	if (n + 1 < size)
		buf[n++] = '\'';
	buf[n] = '\0';
}

static int run_gnuplot(const char *script, const char *vars)
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		execlp("gnuplot", "gnuplot", "-e", vars, script, (char *)NULL);
		_exit(127);
	}
	int status;
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return -2;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int plot_dir(const char *dir, const char *title)
{
	char csv_path[PATH_MAX], tdir[PATH_MAX];
	struct nodes_reader r = {0};
	snprintf(csv_path, sizeof csv_path, "%s/timeseries.csv", dir);
	if (read_nodes(csv_path, &r) < 0)
		return -1;
	if (find_templates(tdir, sizeof tdir) < 0) {
		fprintf(stderr, "chokepoint: cannot find the gnuplot templates (set CHOKEPOINT_PLOTS to the plots/ "
				"directory)\n");
		return -1;
	}
	int drawn = 0;
	for (size_t i = 0; i < ARRAY_LEN(templates); i++) {
		char script[PATH_MAX + 64], tmp[PATH_MAX + 64], final[PATH_MAX + 64], vars[16384] = "";
		if (strcmp(templates[i], "instances") == 0 && !r.groups[0])
			continue; /* no autoscaler */
		snprintf(script, sizeof script, "%s/%s.gp", tdir, templates[i]);
		snprintf(final, sizeof final, "%s/%s.png", dir, templates[i]);
		snprintf(tmp, sizeof tmp, "%s/.%s.png.tmp.%ld", dir, templates[i], (long)getpid());
		strcat(vars, "datafile=");
		quote(vars, sizeof vars, csv_path);
		strcat(vars, "; outfile=");
		quote(vars, sizeof vars, tmp);
		strcat(vars, "; nodes=");
		quote(vars, sizeof vars, r.list);
		strcat(vars, "; groups=");
		quote(vars, sizeof vars, r.groups);
		snprintf(vars + strlen(vars), sizeof vars - strlen(vars), "; skip=%d; title=", r.skip);
		quote(vars, sizeof vars, title);
		int rc = run_gnuplot(script, vars);
		if (rc != 0) {
			unlink(tmp);
			if (rc == -2)
				fprintf(stderr,
					"chokepoint: gnuplot not found (Debian: apt-get install gnuplot-nox)\n");
			else
				fprintf(stderr, "chokepoint: gnuplot failed on '%s'\n", script);
			return -1;
		}
		if (rename(tmp, final) != 0) {
			fprintf(stderr, "chokepoint: cannot rename '%s' to '%s': %s\n", tmp, final, strerror(errno));
			unlink(tmp);
			return -1;
		}
		drawn++;
	}
	return drawn;
}
