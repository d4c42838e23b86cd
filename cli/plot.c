/* plot.c - see plot.h. */
#include "plot.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../models/model.h"
#include "../sim/engine/util.h"
#include "html.h"
#include "safefile.h"

/* A run's pictures, each a template of plots/ and what it needs. */
enum need { ALWAYS, BALANCERS, GROUPS, WORKLOAD, PERCENTILES };
static const struct {
	const char *name;
	enum need need;
} run_plots[] = {
	{"utilization", ALWAYS}, {"requests", ALWAYS},   {"errors", ALWAYS},
	{"latency", ALWAYS},     {"bottleneck", ALWAYS}, {"health", BALANCERS},
	{"instances", GROUPS},   {"welch", WORKLOAD},    {"latency-cdf", PERCENTILES},
};
/* A sweep's pictures (the last two: the charts, drawn by plot_chart), and
 * a scale study's. */
static const char *const sweep_plots[] = {
	"sweep-latency", "sweep-throughput", "sweep-availability", "sweep-cost", "sweep-chart", "chart", "scale-cost"};

#define MAX_ROWS    4096 /* rows of a period: the nodes of the scenario */
#define MAX_WINDOWS 400

/* What the time series, failures.csv, nodes.csv and summary.json tell the scripts. */
struct series {
	/* timeseries.csv */
	long row;
	int field;
	char first_start[256], cur_start[256], cur_end[256], cur_warm[256];
	char name[256];
	int done_period;
	int n; /* rows per period */
	char **names, **kinds;
	double warm_end, t_end;
	/* Welch's plot: the first workload's p50 and p99 latency per period
	 * (averaged over the replications already), and where the columns are */
	int col_p50, col_p99, is_first_wl;
	double cur_p50, cur_p99;
	double *w_t, *w_p50, *w_p99;
	int w_n, w_cap;
	/* failures.csv */
	int n_win, n_fail, max_rep;
	double win_from[MAX_WINDOWS], win_to[MAX_WINDOWS];
	char *fail_name[MAX_WINDOWS];
	double fail_at[MAX_WINDOWS];
	/* nodes.csv: each row's node */
	int n_bars;
	char **bars;
	char bottleneck[256];
	char title[PATH_MAX];
	/* the latency CDF: the end-to-end percentiles of summary.json (mean,
	 * half-width), and the access log's latencies when there is one */
	double pct_mean[5], pct_half[5];
	int n_pct;
	double cdf_p[NET_CDF_LEVELS], cdf_m[NET_CDF_LEVELS], cdf_h[NET_CDF_LEVELS]; /* summary.json's distribution */
	int n_cdf;
	double *lat;
	size_t n_lat, cap_lat;
	int lat_col, lat_field;
	long lat_row;
};

static const char *const pct_names[5] = {"latency_p50", "latency_p90", "latency_p95", "latency_p99", "latency_p99.9"};
static const double pct_levels[5] = {50, 90, 95, 99, 99.9};

/* ---- reading the results ----------------------------------------------------- */

static void ts_field(void *s, size_t len, void *data)
{
	struct series *r = data;
	char text[256];
	snprintf(text, sizeof text, "%.*s", (int)(len < 255 ? len : 255), (const char *)s);
	if (r->row == 0) {
		if (strcmp(text, "TargetResponseTime_p50") == 0)
			r->col_p50 = r->field;
		if (strcmp(text, "TargetResponseTime_p99") == 0)
			r->col_p99 = r->field;
		r->field++;
		return;
	}
	if (r->field > 4 && r->field == r->col_p50)
		r->cur_p50 = atof(text);
	if (r->field > 4 && r->field == r->col_p99)
		r->cur_p99 = atof(text);
	switch (r->field) {
	case 0:
		if (r->row == 1)
			snprintf(r->first_start, sizeof r->first_start, "%s", text);
		snprintf(r->cur_start, sizeof r->cur_start, "%s", text);
		if (strcmp(r->cur_start, r->first_start) != 0)
			r->done_period = 1;
		break;
	case 1: snprintf(r->cur_end, sizeof r->cur_end, "%s", text); break;
	case 2: snprintf(r->cur_warm, sizeof r->cur_warm, "%s", text); break;
	case 3:
		snprintf(r->name, sizeof r->name, "%s", text);
		/* the workloads come first: the first row of a period is the first one's */
		r->is_first_wl = strcmp(r->cur_start, r->first_start) == 0 ? r->n == 0 : strcmp(text, r->names[0]) == 0;
		break;
	case 4:
		if (!r->done_period && r->n < MAX_ROWS) {
			r->names = xrealloc(r->names, (size_t)(r->n + 1) * sizeof *r->names);
			r->kinds = xrealloc(r->kinds, (size_t)(r->n + 1) * sizeof *r->kinds);
			r->names[r->n] = xstrdup(r->name);
			r->kinds[r->n] = xstrdup(text);
			r->n++;
		}
		break;
	default: break;
	}
	r->field++;
}

static void ts_row(int c, void *data)
{
	(void)c;
	struct series *r = data;
	if (r->row > 0) {
		double end = atof(r->cur_end);
		if (end > r->t_end)
			r->t_end = end;
		if (strcmp(r->cur_warm, "1") == 0 && end > r->warm_end)
			r->warm_end = end;
		if (r->is_first_wl && r->n > 0 && strcmp(r->kinds[0], "workload") == 0) {
			if (r->w_n == r->w_cap) {
				r->w_cap = r->w_cap ? 2 * r->w_cap : 256;
				r->w_t = xrealloc(r->w_t, (size_t)r->w_cap * sizeof(double));
				r->w_p50 = xrealloc(r->w_p50, (size_t)r->w_cap * sizeof(double));
				r->w_p99 = xrealloc(r->w_p99, (size_t)r->w_cap * sizeof(double));
			}
			r->w_t[r->w_n] = (atof(r->cur_start) + end) / 2;
			r->w_p50[r->w_n] = r->cur_p50;
			r->w_p99[r->w_n++] = r->cur_p99;
		}
	}
	r->row++;
	r->field = 0;
}

/* Streams a CSV file of the results through libcsv; -1 after saying why. */
static int read_csv_file(const char *path, void (*f)(void *, size_t, void *), void (*rw)(int, void *), void *data)
{
	int missing;
	char why[256];
	FILE *in = safe_open(path, &missing, why, sizeof why);
	if (!in) {
		fprintf(stderr, "chokepoint: cannot read '%s': %s\n", path, why);
		return -1;
	}
	struct csv_parser p;
	csv_init(&p, CSV_APPEND_NULL);
	char buf[1 << 16];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		csv_parse(&p, buf, n, f, rw, data);
	csv_fini(&p, f, rw, data);
	csv_free(&p);
	fclose(in);
	return 0;
}

struct fail_reader {
	struct series *s;
	long row;
	int field;
	char v[12][256];
};

static void fail_field(void *s, size_t len, void *data)
{
	struct fail_reader *r = data;
	if (r->field < 12)
		snprintf(r->v[r->field], sizeof r->v[0], "%.*s", (int)(len < 255 ? len : 255), (const char *)s);
	r->field++;
}

/* A failure's window: from failed_at to its repair (or the end of the run). */
static void fail_row(int c, void *data)
{
	(void)c;
	struct fail_reader *r = data;
	struct series *s = r->s;
	if (r->row++ > 0 && r->field >= 8 && s->n_win < MAX_WINDOWS) {
		double from = atof(r->v[5]);
		double to = r->v[7][0] ? atof(r->v[7]) : s->t_end;
		s->win_from[s->n_win] = from;
		s->win_to[s->n_win++] = to > from ? to : from;
		int rep = atoi(r->v[0]), known = 0;
		if (rep > s->max_rep)
			s->max_rep = rep;
		for (int i = 0; i < s->n_fail; i++)
			known |= strcmp(s->fail_name[i], r->v[1]) == 0;
		if (!known) { /* labelled once, at its first start */
			s->fail_name[s->n_fail] = xstrdup(r->v[1]);
			s->fail_at[s->n_fail++] = from;
		}
	}
	r->field = 0;
}

struct bar_reader {
	struct series *s;
	long row;
	int field;
};

static void bar_field(void *f, size_t len, void *data)
{
	struct bar_reader *r = data;
	if (r->row > 0 && r->field == 0) {
		struct series *s = r->s;
		s->bars = xrealloc(s->bars, (size_t)(s->n_bars + 1) * sizeof *s->bars);
		char *name = xmalloc(len + 1);
		memcpy(name, f, len);
		name[len] = '\0';
		s->bars[s->n_bars++] = name;
	}
	r->field++;
}

static void bar_row(int c, void *data)
{
	(void)c;
	struct bar_reader *r = data;
	r->row++;
	r->field = 0;
}

/* The bottleneck's node, and the scenario's name for the titles (else dir). */
static void read_identity(const char *dir, struct series *s, char *title, size_t tn)
{
	snprintf(title, tn, "%s", dir);
	char path[PATH_MAX + 32], err[256];
	int missing;
	snprintf(path, sizeof path, "%s/summary.json", dir);
	json_t *root = safe_read_json(path, &missing, err, sizeof err);
	if (!root)
		return;
	const char *node = json_string_value(json_object_get(json_object_get(root, "bottleneck"), "node"));
	if (node)
		snprintf(s->bottleneck, sizeof s->bottleneck, "%s", node);
	const char *scenario = json_string_value(json_object_get(json_object_get(root, "scenario"), "path"));
	if (scenario)
		scenario_stem(scenario, title, tn);
	const json_t *e2e = json_object_get(root, "end_to_end");
	for (int i = 0; i < 5; i++) {
		const json_t *v = json_object_get(e2e, pct_names[i]);
		if (!json_is_object(v))
			break;
		s->pct_mean[i] = json_number_value(json_object_get(v, "mean"));
		s->pct_half[i] = json_number_value(json_object_get(v, "half_width"));
		s->n_pct = i + 1;
	}
	const json_t *d = json_object_get(root, "latency_distribution");
	const json_t *dp = json_object_get(d, "probability"), *dm = json_object_get(d, "mean"),
		     *dh = json_object_get(d, "half_width");
	size_t nd = json_array_size(dp);
	if (nd <= NET_CDF_LEVELS && json_array_size(dm) == nd && json_array_size(dh) == nd)
		for (size_t i = 0; i < nd; i++) {
			s->cdf_p[i] = json_number_value(json_array_get(dp, i));
			s->cdf_m[i] = json_number_value(json_array_get(dm, i));
			s->cdf_h[i] = json_number_value(json_array_get(dh, i));
			s->n_cdf = (int)i + 1;
		}
	json_decref(root);
}

/* access.csv's latency_s column, every logged request's. */
static void lat_field(void *f, size_t len, void *data)
{
	struct series *s = data;
	char t[64];
	snprintf(t, sizeof t, "%.*s", (int)(len < 63 ? len : 63), (const char *)f);
	if (s->lat_row == 0 && strcmp(t, "latency_s") == 0)
		s->lat_col = s->lat_field;
	else if (s->lat_row > 0 && s->lat_field == s->lat_col && s->lat_col >= 0) {
		if (s->n_lat == s->cap_lat) {
			s->cap_lat = s->cap_lat ? 2 * s->cap_lat : 4096;
			s->lat = xrealloc(s->lat, s->cap_lat * sizeof *s->lat);
		}
		s->lat[s->n_lat++] = atof(t);
	}
	s->lat_field++;
}

static void lat_row(int c, void *data)
{
	(void)c;
	struct series *s = data;
	s->lat_row++;
	s->lat_field = 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* latency-cdf.csv, four blocks (gnuplot's index 0 to 3): the run's
 * distribution (the replications' mean quantile at each probability), its
 * 95% band as a closed polygon (the low ends up, the high ends down), the
 * five percentiles with their half-widths, and, when there is an access
 * log, its requests' latencies at 400 evenly spaced ranks and the last. */
static void write_cdf(FILE *f, const void *ctx)
{
	const struct series *s = ctx;
	const double floor_s = 1e-9; /* the log scale's */
	fprintf(f, "# latency_s,cumulative_percent (summary.json's latency_distribution)\n");
	for (int i = 0; i < s->n_cdf; i++)
		fprintf(f, "%.10g,%.10g\n", fmax(s->cdf_m[i], floor_s), 100 * s->cdf_p[i]);
	fprintf(f, "\n\n# latency_s,cumulative_percent (its 95%% band, as a polygon)\n");
	for (int i = 0; i < s->n_cdf; i++)
		fprintf(f, "%.10g,%.10g\n", fmax(s->cdf_m[i] - s->cdf_h[i], floor_s), 100 * s->cdf_p[i]);
	for (int i = s->n_cdf - 1; i >= 0; i--)
		fprintf(f, "%.10g,%.10g\n", fmax(s->cdf_m[i] + s->cdf_h[i], floor_s), 100 * s->cdf_p[i]);
	fprintf(f, "\n\n# latency_s,percentile,half_width_s (summary.json)\n");
	for (int i = 0; i < s->n_pct; i++)
		fprintf(f, "%.10g,%g,%.10g\n", s->pct_mean[i], pct_levels[i], s->pct_half[i]);
	if (s->n_lat == 0)
		return;
	fprintf(f, "\n\n# latency_s,cumulative_percent (the access log's requests)\n");
	for (int k = 0; k <= 400; k++) {
		size_t i = k == 400 ? s->n_lat - 1 : (size_t)((double)k / 400 * (double)(s->n_lat - 1));
		fprintf(f, "%.10g,%.10g\n", fmax(s->lat[i], floor_s), 100.0 * (double)(i + 1) / (double)s->n_lat);
	}
}

static int read_series(const char *dir, struct series *s, char *title, size_t tn)
{
	char path[PATH_MAX + 32];
	snprintf(path, sizeof path, "%s/timeseries.csv", dir);
	if (read_csv_file(path, ts_field, ts_row, s) < 0)
		return -1;
	if (s->n == 0) {
		fprintf(stderr, "chokepoint: '%s' holds no time series\n", path);
		return -1;
	}
	struct fail_reader fr = {.s = s};
	snprintf(path, sizeof path, "%s/failures.csv", dir);
	if (access(path, F_OK) == 0 && read_csv_file(path, fail_field, fail_row, &fr) < 0)
		return -1;
	struct bar_reader br = {.s = s};
	snprintf(path, sizeof path, "%s/nodes.csv", dir);
	if (read_csv_file(path, bar_field, bar_row, &br) < 0)
		return -1;
	read_identity(dir, s, title, tn);
	snprintf(path, sizeof path, "%s/access.csv", dir);
	s->lat_col = -1;
	if (access(path, F_OK) == 0 && read_csv_file(path, lat_field, lat_row, s) < 0)
		return -1;
	if (s->n_lat > 0)
		qsort(s->lat, s->n_lat, sizeof *s->lat, cmp_double);
	return 0;
}

static void series_free(struct series *s)
{
	for (int i = 0; i < s->n; i++) {
		free(s->names[i]);
		free(s->kinds[i]);
	}
	free(s->names);
	free(s->kinds);
	for (int i = 0; i < s->n_fail; i++)
		free(s->fail_name[i]);
	for (int i = 0; i < s->n_bars; i++)
		free(s->bars[i]);
	free(s->bars);
	free(s->w_t);
	free(s->w_p50);
	free(s->w_p99);
	free(s->lat);
}

/* ---- writing the scripts ------------------------------------------------------ */

/* A gnuplot single-quoted string (a quote is written twice). */
static void put_quoted(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputc('\'', f);
		fputc(*s, f);
	}
	fputc('\'', f);
}

/* The positions (1-based) of the rows whose kind passes keep, as 'a b c'. */
static void put_positions(FILE *f, const char *var, const struct series *s, int (*keep)(const char *kind))
{
	fprintf(f, "%s = '", var);
	int first = 1;
	for (int i = 0; i < s->n; i++)
		if (keep(s->kinds[i])) {
			fprintf(f, "%s%d", first ? "" : " ", i + 1);
			first = 0;
		}
	fprintf(f, "'\n");
}

static int is_drawn(const char *kind)
{
	return strcmp(kind, "workload") != 0 && strcmp(kind, "failure") != 0 && strcmp(kind, "autoscaler") != 0;
}

static int is_balancer(const char *kind)
{
	return strcmp(kind, "load_balancer") == 0;
}

static int is_group(const char *kind)
{
	return strcmp(kind, "autoscaler") == 0;
}

static int has_kind(const struct series *s, int (*keep)(const char *kind))
{
	for (int i = 0; i < s->n; i++)
		if (keep(s->kinds[i]))
			return 1;
	return 0;
}

static void put_array(FILE *f, const char *name, const double *v, int n)
{
	fprintf(f, "array %s[%d] = [", name, n > 0 ? n : 1);
	for (int i = 0; i < (n > 0 ? n : 1); i++)
		fprintf(f, "%s%.10g", i ? ", " : "", n > 0 ? v[i] : 0.0);
	fprintf(f, "]\n");
}

/* vars.gp: what the scripts read of this run (ctx: its series, its title in s->title). */
static void write_vars(FILE *f, const void *ctx)
{
	const struct series *s = ctx;
	const char *title = s->title;
	fprintf(f, "# Written by chokepoint from this directory's results: the variables its\n"
		   "# pictures' scripts read.\n");
	fprintf(f, "title = ");
	put_quoted(f, title);
	fprintf(f, "\nnodes = '");
	for (int i = 0; i < s->n; i++)
		fprintf(f, "%s%s", i ? " " : "", s->names[i]);
	fprintf(f, "'\nrows = %d\n", s->n);
	put_positions(f, "drawn", s, is_drawn);
	put_positions(f, "balancers", s, is_balancer);
	put_positions(f, "groups", s, is_group);
	fprintf(f, "warm_end = %.10g\nt_end = %.10g\n", s->warm_end, s->t_end);
	fprintf(f, "nfail = %d\narray fail_name[%d] = [", s->n_fail, s->n_fail > 0 ? s->n_fail : 1);
	for (int i = 0; i < (s->n_fail > 0 ? s->n_fail : 1); i++) {
		fprintf(f, "%s", i ? ", " : "");
		put_quoted(f, s->n_fail > 0 ? s->fail_name[i] : "");
	}
	fprintf(f, "]\n");
	put_array(f, "fail_at", s->fail_at, s->n_fail);
	fprintf(f, "nwin = %d\nwin_alpha = %d\n", s->n_win, s->max_rep + 1);
	put_array(f, "win_from", s->win_from, s->n_win);
	put_array(f, "win_to", s->win_to, s->n_win);
	/* the bars of nodes.csv, each in its node's colour */
	double lt[MAX_ROWS];
	int brow = 0;
	for (int b = 0; b < s->n_bars && b < MAX_ROWS; b++) {
		lt[b] = 1;
		for (int i = 0; i < s->n; i++)
			if (strcmp(s->names[i], s->bars[b]) == 0)
				lt[b] = (double)((i % 10) + 1);
		if (strcmp(s->bars[b], s->bottleneck) == 0)
			brow = b + 1;
	}
	fprintf(f, "logged_requests = %zu\n", s->n_lat);
	fprintf(f, "nbars = %d\n", s->n_bars);
	put_array(f, "bar_lt", lt, s->n_bars < MAX_ROWS ? s->n_bars : MAX_ROWS);
	fprintf(f, "bottleneck_row = %d\n", brow);
}

/* Welch's moving average of x (m values) at i with window w: the mean of
 * x[i-w..i+w], or of x[0..2i] near the start. */
static double welch_avg(const double *x, int m, int i, int w)
{
	int h = i < w ? i : w;
	double sum = 0;
	for (int k = i - h; k <= i + h; k++)
		sum += x[k];
	(void)m;
	return sum / (2 * h + 1);
}

/* welch.csv: the first workload's latency per period and its moving
 * averages, for choosing the warm-up (Welch's procedure: the average over
 * the replications, which the time series holds, smoothed). */
static void write_welch(FILE *f, const void *ctx)
{
	const struct series *s = ctx;
	int m = s->w_n, w = m / 20 > 1 ? m / 20 : 1;
	fprintf(f, "t_s,p50_s,p99_s,p50_moving_s,p99_moving_s,window\n");
	for (int i = 0; i + w < m; i++)
		fprintf(f, "%.10g,%.10g,%.10g,%.10g,%.10g,%d\n", s->w_t[i], s->w_p50[i], s->w_p99[i],
			welch_avg(s->w_p50, m, i, w), welch_avg(s->w_p99, m, i, w), w);
}

/* Copies src to dst through a temporary renamed into place; -1 after saying why. */
static int put_file(const char *dst, const char *src, void (*writer)(FILE *, const void *), const void *ctx)
{
	char tmp[PATH_MAX + 64];
	snprintf(tmp, sizeof tmp, "%s.tmp-%ld", dst, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!out) {
		fprintf(stderr, "chokepoint: cannot create '%s': %s\n", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	int rc = 0;
	if (writer) {
		writer(out, ctx);
	} else {
		char *text = NULL, err[256];
		size_t len = 0;
		if (safe_read(src, NULL, 1u << 20, &text, &len, err, sizeof err) != 0) {
			fprintf(stderr, "chokepoint: cannot read '%s': %s\n", src, err);
			rc = -1;
		} else {
			fwrite(text, 1, len, out);
		}
		free(text);
	}
	if ((ferror(out) | (fclose(out) != 0)) || rc != 0 || rename(tmp, dst) != 0) {
		if (rc == 0)
			fprintf(stderr, "chokepoint: cannot write '%s': %s\n", dst, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* ---- running gnuplot ------------------------------------------------------------ */

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

/* gnuplot on script in dir, writing out in format fmt: 0, -1 (it
 * failed: its messages are on stderr), -2 (no gnuplot). */
static int run_gnuplot(const char *dir, const char *script, const char *fmt, const char *out)
{
	char vars[2 * PATH_MAX + 64];
	if (out)
		snprintf(vars, sizeof vars, "fmt='%s'; out='%s'", fmt, out);
	else /* on our standard output */
		snprintf(vars, sizeof vars, "fmt='%s'", fmt);
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (chdir(dir) != 0)
			_exit(126);
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

int plot_is_file(const char *name)
{
	static const char *const ext[] = {".gp", ".png", ".svg", ".csv"};
	for (size_t i = 0; i < ARRAY_LEN(run_plots) + ARRAY_LEN(sweep_plots); i++) {
		const char *p = i < ARRAY_LEN(run_plots) ? run_plots[i].name : sweep_plots[i - ARRAY_LEN(run_plots)];
		size_t n = strlen(p);
		if (strncmp(name, p, n) != 0)
			continue;
		for (size_t e = 0; e < ARRAY_LEN(ext); e++)
			if (strcmp(name + n, ext[e]) == 0)
				return 1;
	}
	return 0;
}

const char *plot_format_name(unsigned formats)
{
	return formats == (PLOT_PNG | PLOT_SVG) ? "png and svg"
	       : formats == PLOT_PNG            ? "png"
	       : formats                        ? "svg"
						: "none";
}

int plot_parse_formats(const char *s, unsigned *formats)
{
	if (!s || strcmp(s, "png,svg") == 0 || strcmp(s, "svg,png") == 0)
		*formats = PLOT_PNG | PLOT_SVG;
	else if (strcmp(s, "png") == 0)
		*formats = PLOT_PNG;
	else if (strcmp(s, "svg") == 0)
		*formats = PLOT_SVG;
	else if (strcmp(s, "none") == 0)
		*formats = 0;
	else
		return -1;
	return 0;
}

/* style.gp (a copy of the templates') and vars.gp (writer's) beside the data. */
static int put_style_and_vars(const char *dir, const char *tdir, void (*writer)(FILE *, const void *), const void *ctx)
{
	char src[PATH_MAX + 64], dst[PATH_MAX + 64];
	snprintf(src, sizeof src, "%s/style.gp", tdir);
	snprintf(dst, sizeof dst, "%s/style.gp", dir);
	if (put_file(dst, src, NULL, NULL) < 0)
		return -1;
	snprintf(dst, sizeof dst, "%s/vars.gp", dir);
	return put_file(dst, NULL, writer, ctx);
}

/* Copies each template of names (those keep allows) beside the data and
 * draws it in each format; the pictures drawn, or -1. */
static int draw(const char *dir, const char *tdir, const char *const *names, const int *keep, size_t n,
		unsigned formats)
{
	char src[PATH_MAX + 64], dst[PATH_MAX + 64];
	int drawn = 0, no_gnuplot = 0;
	for (size_t i = 0; i < n; i++) {
		if (!keep[i])
			continue;
		snprintf(src, sizeof src, "%s/%s.gp", tdir, names[i]);
		snprintf(dst, sizeof dst, "%s/%s.gp", dir, names[i]);
		if (put_file(dst, src, NULL, NULL) < 0)
			return -1;
		for (unsigned f = PLOT_PNG; f <= PLOT_SVG && !no_gnuplot; f <<= 1) {
			if (!(formats & f))
				continue;
			const char *ext = f == PLOT_PNG ? "png" : "svg";
			char tmp[PATH_MAX + 64], tmp_path[2 * PATH_MAX + 64], final[PATH_MAX + 64], script[128];
			snprintf(script, sizeof script, "%s.gp", names[i]);
			snprintf(tmp, sizeof tmp, ".%s.%s.tmp-%ld", names[i], ext, (long)getpid());
			snprintf(tmp_path, sizeof tmp_path, "%s/%s", dir, tmp);
			snprintf(final, sizeof final, "%s/%s.%s", dir, names[i], ext);
			int rc = run_gnuplot(dir, script, ext, tmp);
			if (rc == -2) { /* warned once; the scripts are still written */
				fprintf(stderr,
					"chokepoint: gnuplot not found (Debian: apt-get install gnuplot-nox): "
					"the scripts are in %s, no pictures drawn\n",
					dir);
				no_gnuplot = 1;
			} else if (rc != 0) {
				fprintf(stderr, "chokepoint: gnuplot failed on '%s/%s'\n", dir, script);
				unlink(tmp_path);
				return -1;
			} else if (rename(tmp_path, final) != 0) {
				fprintf(stderr, "chokepoint: cannot rename '%s' to '%s': %s\n", tmp_path, final,
					strerror(errno));
				unlink(tmp_path);
				return -1;
			} else {
				drawn++;
			}
		}
	}
	return drawn;
}

/* A sweep's vars.gp: its title, its first key and whether it is a load. */
struct sweep_vars {
	char title[PATH_MAX], xname[256];
	int theory; /* theory.csv is there (one M/M/c station) */
};

static void write_sweep_vars(FILE *f, const void *ctx)
{
	const struct sweep_vars *v = ctx;
	size_t n = strlen(v->xname);
	fprintf(f, "# Written by chokepoint from this sweep's results: the variables its\n"
		   "# pictures' scripts read.\ntitle = ");
	put_quoted(f, v->title);
	fprintf(f, "\nxname = ");
	put_quoted(f, v->xname);
	fprintf(f, "\nis_load = %d\nhas_theory = %d\n", n > 5 && strcmp(v->xname + n - 5, ".rate") == 0, v->theory);
}

struct header_reader {
	char second[256];
	int field, done;
};

static void header_field(void *f, size_t len, void *data)
{
	struct header_reader *h = data;
	if (!h->done && h->field == 1)
		snprintf(h->second, sizeof h->second, "%.*s", (int)(len < 255 ? len : 255), (const char *)f);
	h->field++;
}

static void header_row(int c, void *data)
{
	(void)c;
	((struct header_reader *)data)->done = 1;
}

/* The chart of dir on standard output, gnuplot's dumb terminal: its
 * script (name: chart or sweep-chart) beside the data too. */
static int chart(const char *dir, const char *tdir, const char *name)
{
	char src[PATH_MAX + 64], dst[PATH_MAX + 64], script[128];
	snprintf(src, sizeof src, "%s/%s.gp", tdir, name);
	snprintf(dst, sizeof dst, "%s/%s.gp", dir, name);
	snprintf(script, sizeof script, "%s.gp", name);
	if (put_file(dst, src, NULL, NULL) < 0)
		return -1;
	int rc = run_gnuplot(dir, script, "dumb", NULL);
	if (rc == -2)
		fprintf(stderr, "chokepoint: gnuplot not found (Debian: apt-get install gnuplot-nox): no chart\n");
	else if (rc != 0)
		fprintf(stderr, "chokepoint: gnuplot failed on '%s/%s'\n", dir, script);
	return rc == 0 || rc == -2 ? 0 : -1;
}

static int plot_sweep(const char *dir, const char *tdir, unsigned formats, int want_chart)
{
	struct sweep_vars v;
	char path[PATH_MAX + 64], err[256];
	struct header_reader h = {0};
	snprintf(path, sizeof path, "%s/sweep.csv", dir);
	if (read_csv_file(path, header_field, header_row, &h) < 0)
		return -1;
	snprintf(v.xname, sizeof v.xname, "%s", h.second);
	snprintf(path, sizeof path, "%s/theory.csv", dir);
	v.theory = access(path, F_OK) == 0;
	snprintf(v.title, sizeof v.title, "%s", dir);
	snprintf(path, sizeof path, "%s/sweep.json", dir);
	int missing;
	json_t *root = safe_read_json(path, &missing, err, sizeof err);
	const char *sc = json_string_value(json_object_get(root, "scenario"));
	if (sc)
		scenario_stem(sc, v.title, sizeof v.title);
	json_decref(root);
	if (put_style_and_vars(dir, tdir, write_sweep_vars, &v) < 0)
		return -1;
	if (want_chart)
		return chart(dir, tdir, "sweep-chart");
	const int keep[] = {1, 1, 1, 1}; /* the pictures: the first four */
	int drawn = draw(dir, tdir, sweep_plots, keep, ARRAY_LEN(keep), formats);
	return drawn < 0 || html_report(dir) < 0 ? -1 : drawn;
}

/* A scale study's vars.gp: its title and its tier. */
struct scale_vars {
	char title[PATH_MAX], node[256];
};

static void write_scale_vars(FILE *f, const void *ctx)
{
	const struct scale_vars *v = ctx;
	fprintf(f, "# Written by chokepoint from this scale study: the variables its\n# picture's script reads.\ntitle "
		   "= ");
	put_quoted(f, v->title);
	fprintf(f, "\nnode = ");
	put_quoted(f, v->node);
	fprintf(f, "\n");
}

/* A scale study's directory: the frontier's picture, then report.html. */
static int plot_scale(const char *dir, const char *tdir, unsigned formats)
{
	struct scale_vars v = {0};
	char path[PATH_MAX + 64], line[PATH_MAX + 300] = "", scen[PATH_MAX] = "";
	snprintf(path, sizeof path, "%s/scale-frontier.csv", dir);
	FILE *in = fopen(path, "r");
	if (!in || !fgets(line, sizeof line, in) ||
	    sscanf(line, "# scale study of %255s in %4095s", v.node, scen) != 2) {
		fprintf(stderr, "chokepoint: '%s' does not begin as a scale study's frontier\n", path);
		if (in)
			fclose(in);
		return -1;
	}
	fclose(in);
	scenario_stem(scen, v.title, sizeof v.title);
	if (put_style_and_vars(dir, tdir, write_scale_vars, &v) < 0)
		return -1;
	static const char *const names[] = {"scale-cost"};
	const int keep[] = {1};
	int drawn = draw(dir, tdir, names, keep, 1, formats);
	return drawn < 0 || html_report(dir) < 0 ? -1 : drawn;
}

static int plot_any(const char *dir, unsigned formats, int want_chart)
{
	struct series s = {0};
	char tdir[PATH_MAX], src[PATH_MAX + 64], dst[PATH_MAX + 64];
	int drawn = -1;
	if (find_templates(tdir, sizeof tdir) < 0) {
		fprintf(stderr, "chokepoint: cannot find the gnuplot templates (set CHOKEPOINT_PLOTS to the plots/ "
				"directory)\n");
		return -1;
	}
	snprintf(src, sizeof src, "%s/sweep.csv", dir);
	snprintf(dst, sizeof dst, "%s/timeseries.csv", dir);
	if (access(src, F_OK) == 0 && access(dst, F_OK) != 0)
		return plot_sweep(dir, tdir, formats, want_chart);
	snprintf(src, sizeof src, "%s/scale-frontier.csv", dir);
	if (access(src, F_OK) == 0 && access(dst, F_OK) != 0)
		return want_chart ? 0 : plot_scale(dir, tdir, formats);
	if (read_series(dir, &s, s.title, sizeof s.title) < 0)
		goto done;
	/* The scripts and what they read, beside the data: style.gp, vars.gp. */
	if (put_style_and_vars(dir, tdir, write_vars, &s) < 0)
		goto done;
	if (want_chart) {
		drawn = chart(dir, tdir, "chart");
		goto done;
	}
	int welch = s.w_n > 2;
	snprintf(dst, sizeof dst, "%s/welch.csv", dir);
	if (welch && put_file(dst, NULL, write_welch, &s) < 0)
		goto done;
	snprintf(dst, sizeof dst, "%s/latency-cdf.csv", dir);
	if (s.n_pct > 0 && s.n_cdf > 0 && put_file(dst, NULL, write_cdf, &s) < 0)
		goto done;
	const char *names[ARRAY_LEN(run_plots)];
	int keep[ARRAY_LEN(run_plots)];
	for (size_t i = 0; i < ARRAY_LEN(run_plots); i++) {
		names[i] = run_plots[i].name;
		keep[i] = run_plots[i].need == ALWAYS ||
			  (run_plots[i].need == BALANCERS && has_kind(&s, is_balancer)) ||
			  (run_plots[i].need == GROUPS && has_kind(&s, is_group)) ||
			  (run_plots[i].need == WORKLOAD && welch) ||
			  (run_plots[i].need == PERCENTILES && s.n_pct > 0 && s.n_cdf > 0);
	}
	drawn = draw(dir, tdir, names, keep, ARRAY_LEN(run_plots), formats);
	if (drawn >= 0 && html_report(dir) < 0) /* the page shows the pictures just drawn */
		drawn = -1;
done:
	series_free(&s);
	return drawn;
}

int plot_dir(const char *dir, unsigned formats)
{
	return plot_any(dir, formats, 0);
}

int plot_chart(const char *dir)
{
	return plot_any(dir, 0, 1);
}
