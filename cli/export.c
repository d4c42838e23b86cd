/*
 * export.c - see export.h.
 *
 * Each CSV file of the directory becomes a table of the same columns (the
 * header's names), streamed through libcsv into one prepared INSERT: a
 * field that is a whole number is stored as an integer, another number as
 * a real, an empty field as NULL, the rest as text.  summary.json gives
 * the run's identity and its SLO verdicts; sweep.json a sweep's points in
 * long form.  Indexes are made after the rows, where docs/sql.md's
 * queries need them.
 */
#include "export.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../sim/engine/util.h"
#include "safefile.h"

#define EXIT_IO 4

struct loader {
	sqlite3 *db;
	const char *table, *file;
	sqlite3_stmt *ins;
	char **head; /* the header's names */
	int n_head, cap_head;
	int field; /* in the current row */
	long row;
	int failed;
};

static int exec(sqlite3 *db, const char *sql, const char *what)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "chokepoint: export: %s: %s\n", what, msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* Binds text as the number it is, or as text; empty is NULL. */
static void bind_value(sqlite3_stmt *st, int i, const char *s, size_t len)
{
	if (len == 0) {
		sqlite3_bind_null(st, i);
		return;
	}
	char buf[64];
	if (len < sizeof buf) {
		memcpy(buf, s, len);
		buf[len] = '\0';
		char *end;
		errno = 0;
		long long v = strtoll(buf, &end, 10);
		if (*end == '\0' && errno == 0 && (buf[0] == '-' || (buf[0] >= '0' && buf[0] <= '9'))) {
			sqlite3_bind_int64(st, i, v);
			return;
		}
		double d = strtod(buf, &end);
		if (*end == '\0' && (buf[0] == '-' || buf[0] == '.' || (buf[0] >= '0' && buf[0] <= '9'))) {
			sqlite3_bind_double(st, i, d);
			return;
		}
	}
	sqlite3_bind_text(st, i, s, (int)len, SQLITE_TRANSIENT);
}

/* The header row names the columns: the table is made and its INSERT prepared. */
static int begin_table(struct loader *l)
{
	size_t n = 64 + strlen(l->table);
	for (int i = 0; i < l->n_head; i++)
		n += 2 * strlen(l->head[i]) + 8;
	char *sql = xmalloc(n), *q = xmalloc(n);
	int used = snprintf(sql, n, "CREATE TABLE \"%s\" (", l->table);
	int qu = snprintf(q, n, "INSERT INTO \"%s\" VALUES (", l->table);
	for (int i = 0; i < l->n_head; i++) {
		used += snprintf(sql + used, n - (size_t)used, "%s\"", i ? ", " : "");
		for (const char *c = l->head[i]; *c; c++) { /* a quote in a name is doubled */
			sql[used++] = *c;
			if (*c == '"')
				sql[used++] = '"';
		}
		used += snprintf(sql + used, n - (size_t)used, "\"");
		qu += snprintf(q + qu, n - (size_t)qu, "%s?", i ? ", " : "");
	}
	snprintf(sql + used, n - (size_t)used, ")");
	snprintf(q + qu, n - (size_t)qu, ")");
	int rc = exec(l->db, sql, l->file);
	if (rc == 0 && sqlite3_prepare_v2(l->db, q, -1, &l->ins, NULL) != SQLITE_OK) {
		fprintf(stderr, "chokepoint: export: %s: %s\n", l->file, sqlite3_errmsg(l->db));
		rc = -1;
	}
	free(sql);
	free(q);
	return rc;
}

static void on_field(void *s, size_t len, void *data)
{
	struct loader *l = data;
	if (l->failed)
		return;
	if (l->row == 0) {
		if (l->n_head == l->cap_head) {
			l->cap_head = l->cap_head ? 2 * l->cap_head : 32;
			l->head = xrealloc(l->head, (size_t)l->cap_head * sizeof *l->head);
		}
		char *name = xmalloc(len + 1);
		memcpy(name, s, len);
		name[len] = '\0';
		l->head[l->n_head++] = name;
	} else if (l->field < l->n_head) {
		bind_value(l->ins, l->field + 1, s, len);
	}
	l->field++;
}

static void on_row(int c, void *data)
{
	(void)c;
	struct loader *l = data;
	if (l->failed)
		return;
	if (l->row == 0) {
		l->failed = begin_table(l) != 0;
	} else {
		if (l->field != l->n_head) {
			fprintf(stderr, "chokepoint: export: %s, line %ld: %d fields where the header has %d\n",
				l->file, l->row + 1, l->field, l->n_head);
			l->failed = 1;
		} else if (sqlite3_step(l->ins) != SQLITE_DONE) {
			fprintf(stderr, "chokepoint: export: %s, line %ld: %s\n", l->file, l->row + 1,
				sqlite3_errmsg(l->db));
			l->failed = 1;
		}
		sqlite3_reset(l->ins);
		sqlite3_clear_bindings(l->ins);
	}
	l->row++;
	l->field = 0;
}

/* dir/name into table; 0 (also when the file is absent and optional), -1. */
static int load_csv(sqlite3 *db, const char *dir, const char *name, const char *table, int required)
{
	char path[PATH_MAX + 64];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	int missing;
	char why[256];
	FILE *f = safe_open(path, &missing, why, sizeof why);
	if (!f) {
		if (!missing)
			fprintf(stderr, "chokepoint: export: cannot read '%s': %s\n", path, why);
		else if (required)
			fprintf(stderr,
				"chokepoint: export: '%s' is missing: '%s' is not a complete results directory\n", path,
				dir);
		return missing && !required ? 0 : -1;
	}
	struct loader l = {.db = db, .table = table, .file = path};
	struct csv_parser p;
	csv_init(&p, CSV_APPEND_NULL);
	char buf[1 << 16];
	size_t n;
	while (!l.failed && (n = fread(buf, 1, sizeof buf, f)) > 0)
		if (csv_parse(&p, buf, n, on_field, on_row, &l) != n) {
			fprintf(stderr, "chokepoint: export: %s: %s\n", path, csv_strerror(csv_error(&p)));
			l.failed = 1;
		}
	if (!l.failed && ferror(f)) {
		fprintf(stderr, "chokepoint: export: cannot read '%s': %s\n", path, strerror(errno));
		l.failed = 1;
	}
	if (!l.failed)
		csv_fini(&p, on_field, on_row, &l);
	if (!l.failed && l.row == 0) {
		fprintf(stderr, "chokepoint: export: '%s' is empty\n", path);
		l.failed = 1;
	}
	csv_free(&p);
	fclose(f);
	sqlite3_finalize(l.ins);
	for (int i = 0; i < l.n_head; i++)
		free(l.head[i]);
	free(l.head);
	return l.failed ? -1 : 0;
}

/* ---- the JSON files -------------------------------------------------------- */

static json_t *read_json(const char *dir, const char *name, int *missing)
{
	char path[PATH_MAX + 64], err[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	json_t *root = safe_read_json(path, missing, err, sizeof err);
	if (!root && !*missing)
		fprintf(stderr, "chokepoint: export: cannot read '%s': %s\n", path, err);
	return root;
}

/* Binds a JSON scalar to parameter i. */
static void bind_json(sqlite3_stmt *st, int i, const json_t *v)
{
	if (json_is_integer(v))
		sqlite3_bind_int64(st, i, json_integer_value(v));
	else if (json_is_real(v))
		sqlite3_bind_double(st, i, json_real_value(v));
	else if (json_is_string(v))
		sqlite3_bind_text(st, i, json_string_value(v), -1, SQLITE_TRANSIENT);
	else if (json_is_boolean(v))
		sqlite3_bind_int(st, i, json_is_true(v));
	else
		sqlite3_bind_null(st, i);
}

/* Runs st with its bindings, then resets it; -1 on an error. */
static int step(sqlite3 *db, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "chokepoint: export: %s\n", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "chokepoint: export: %s\n", sqlite3_errmsg(db));
		return NULL;
	}
	return st;
}

/* The run table: the scalars of the object's members (one level deep,
 * named "member.key"), and the top's own scalars. */
static int load_run(sqlite3 *db, const json_t *root, const char *const *members)
{
	if (exec(db, "CREATE TABLE run (key TEXT PRIMARY KEY, value)", "run") != 0)
		return -1;
	sqlite3_stmt *st = prepare(db, "INSERT INTO run VALUES (?, ?)");
	if (!st)
		return -1;
	int rc = 0;
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)root, key, v)
	{
		if (json_is_object(v) || json_is_array(v))
			continue;
		sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
		bind_json(st, 2, v);
		rc |= step(db, st);
	}
	for (int m = 0; members[m]; m++) {
		const json_t *obj = json_object_get(root, members[m]);
		const char *k;
		json_t *x;
		json_object_foreach((json_t *)obj, k, x)
		{
			if (json_is_object(x) || json_is_array(x))
				continue;
			char name[300];
			snprintf(name, sizeof name, "%s.%s", members[m], k);
			sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
			bind_json(st, 2, x);
			rc |= step(db, st);
		}
	}
	sqlite3_finalize(st);
	return rc ? -1 : 0;
}

/* summary.json's SLO verdicts. */
static int load_slo(sqlite3 *db, const json_t *root)
{
	if (exec(db,
		 "CREATE TABLE slo (check_text TEXT, scope TEXT, metric TEXT, limit_value REAL, unit TEXT, "
		 "verdict TEXT, mean REAL, half_width REAL)",
		 "slo") != 0)
		return -1;
	sqlite3_stmt *st = prepare(db, "INSERT INTO slo VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
	if (!st)
		return -1;
	const json_t *checks = json_object_get(json_object_get(root, "slo"), "checks");
	size_t i;
	json_t *c;
	int rc = 0;
	json_array_foreach(checks, i, c)
	{
		static const char *const keys[] = {"check", "scope", "metric", "limit", "unit", "verdict"};
		for (int k = 0; k < 6; k++)
			bind_json(st, k + 1, json_object_get(c, keys[k]));
		const json_t *v = json_object_get(c, "value");
		bind_json(st, 7, json_object_get(v, "mean"));
		bind_json(st, 8, json_object_get(v, "half_width"));
		rc |= step(db, st);
	}
	sqlite3_finalize(st);
	return rc ? -1 : 0;
}

/* sweep.json's points: their values, metrics and verdicts, in long form. */
static int load_sweep(sqlite3 *db, const json_t *root)
{
	if (exec(db,
		 "CREATE TABLE sweep_points (point INTEGER PRIMARY KEY, bottleneck TEXT);"
		 "CREATE TABLE sweep_values (point INTEGER, key TEXT, value);"
		 "CREATE TABLE sweep_metrics (point INTEGER, scope TEXT, metric TEXT, mean REAL, half_width REAL);"
		 "CREATE TABLE sweep_slo (point INTEGER, check_text TEXT, verdict TEXT);",
		 "sweep") != 0)
		return -1;
	sqlite3_stmt *pt = prepare(db, "INSERT INTO sweep_points VALUES (?, ?)");
	sqlite3_stmt *va = prepare(db, "INSERT INTO sweep_values VALUES (?, ?, ?)");
	sqlite3_stmt *me = prepare(db, "INSERT INTO sweep_metrics VALUES (?, ?, ?, ?, ?)");
	sqlite3_stmt *sl = prepare(db, "INSERT INTO sweep_slo VALUES (?, ?, ?)");
	int rc = pt && va && me && sl ? 0 : -1;
	size_t i;
	json_t *p;
	json_array_foreach(rc ? NULL : json_object_get(root, "points"), i, p)
	{
		json_int_t n = json_integer_value(json_object_get(p, "point"));
		sqlite3_bind_int64(pt, 1, n);
		bind_json(pt, 2, json_object_get(p, "bottleneck"));
		rc |= step(db, pt);
		const char *k, *scope;
		json_t *v, *metrics;
		json_object_foreach(json_object_get(p, "values"), k, v)
		{
			sqlite3_bind_int64(va, 1, n);
			sqlite3_bind_text(va, 2, k, -1, SQLITE_TRANSIENT);
			bind_json(va, 3, v);
			rc |= step(db, va);
		}
		json_object_foreach(json_object_get(p, "metrics"), scope, metrics)
		{
			json_object_foreach(metrics, k, v)
			{
				sqlite3_bind_int64(me, 1, n);
				sqlite3_bind_text(me, 2, scope, -1, SQLITE_TRANSIENT);
				sqlite3_bind_text(me, 3, k, -1, SQLITE_TRANSIENT);
				bind_json(me, 4, json_object_get(v, "mean"));
				bind_json(me, 5, json_object_get(v, "half_width"));
				rc |= step(db, me);
			}
		}
		size_t j;
		json_t *c;
		json_array_foreach(json_object_get(p, "slo"), j, c)
		{
			sqlite3_bind_int64(sl, 1, n);
			bind_json(sl, 2, json_object_get(c, "check"));
			bind_json(sl, 3, json_object_get(c, "verdict"));
			rc |= step(db, sl);
		}
	}
	sqlite3_finalize(pt);
	sqlite3_finalize(va);
	sqlite3_finalize(me);
	sqlite3_finalize(sl);
	return rc ? -1 : 0;
}

/* ---- the database ----------------------------------------------------------- */

/* Whether the table exists. */
static int has_table(sqlite3 *db, const char *name)
{
	sqlite3_stmt *st = prepare(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
	if (!st)
		return 0;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	int yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return yes;
}

/* A run's directory: its files, then the indexes and views. */
static int fill_run(sqlite3 *db, const char *dir, const json_t *summary)
{
	static const char *const members[] = {"scenario", "simulation", "bottleneck", NULL};
	if (load_run(db, summary, members) != 0 || load_slo(db, summary) != 0 ||
	    load_csv(db, dir, "summary.csv", "summary", 1) != 0 || load_csv(db, dir, "nodes.csv", "nodes", 1) != 0 ||
	    load_csv(db, dir, "replications.csv", "replications", 1) != 0 ||
	    load_csv(db, dir, "timeseries.csv", "timeseries", 1) != 0 ||
	    load_csv(db, dir, "failures.csv", "failures", 1) != 0 ||
	    load_csv(db, dir, "access.csv", "access_log", 0) != 0)
		return -1;
	if (exec(db,
		 "CREATE INDEX summary_metric ON summary (scope, metric);"
		 "CREATE INDEX replications_metric ON replications (scope, metric);"
		 "CREATE INDEX timeseries_node ON timeseries (node, period_start_s);"
		 "CREATE VIEW classes AS SELECT substr(scope, 7) AS class, metric, unit, mean, half_width, ci_low, "
		 "ci_high, n FROM summary WHERE scope LIKE 'class:%';",
		 "indexes") != 0)
		return -1;
	if (has_table(db, "access_log") && exec(db,
						"CREATE INDEX access_target ON access_log (target, elb_status_code);"
						"CREATE INDEX access_trace ON access_log (trace_id);"
						"CREATE INDEX access_time ON access_log (replication, sim_time_s);",
						"indexes") != 0)
		return -1;
	return 0;
}

static int fill_sweep(sqlite3 *db, const char *dir, const json_t *sweep)
{
	static const char *const none[] = {NULL};
	(void)dir;
	if (load_run(db, sweep, none) != 0 || load_sweep(db, sweep) != 0)
		return -1;
	return exec(db,
		    "CREATE INDEX sweep_metric ON sweep_metrics (scope, metric, point);"
		    "CREATE INDEX sweep_value ON sweep_values (key, point);",
		    "indexes");
}

int export_sqlite(const char *dir, const char *path)
{
	struct stat st;
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
		fprintf(stderr, "chokepoint: export: '%s' exists and is not a regular file: not replaced\n", path);
		return EXIT_IO;
	}
	int missing_sum, missing_sweep;
	json_t *summary = read_json(dir, "summary.json", &missing_sum);
	json_t *sweep = summary ? NULL : read_json(dir, "sweep.json", &missing_sweep);
	if (!summary && !sweep) {
		if (missing_sum && missing_sweep)
			fprintf(stderr,
				"chokepoint: export: '%s' is not a results directory (no summary.json or sweep.json)\n",
				dir);
		return EXIT_IO;
	}
	/* A temporary beside path, created here (never an existing file). */
	char tmp[PATH_MAX + 64];
	const char *slash = strrchr(path, '/');
	int dlen = slash ? (int)(slash - path + 1) : 0;
	snprintf(tmp, sizeof tmp, "%.*s.%s.tmp-%ld", dlen, path, slash ? slash + 1 : path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd < 0) {
		fprintf(stderr, "chokepoint: export: cannot create '%s': %s\n", tmp, strerror(errno));
		json_decref(summary);
		json_decref(sweep);
		return EXIT_IO;
	}
	close(fd);
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(tmp, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK ? 0 : -1;
	if (rc)
		fprintf(stderr, "chokepoint: export: cannot open '%s': %s\n", tmp,
			db ? sqlite3_errmsg(db) : "no memory");
	/* Built once, renamed when whole: no journal is needed beside it. */
	if (!rc)
		rc = exec(db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; BEGIN", "setup");
	if (!rc)
		rc = summary ? fill_run(db, dir, summary) : fill_sweep(db, dir, sweep);
	if (!rc)
		rc = exec(db, "COMMIT", "commit");
	if (sqlite3_close(db) != SQLITE_OK && !rc) {
		fprintf(stderr, "chokepoint: export: cannot close '%s'\n", tmp);
		rc = -1;
	}
	json_decref(summary);
	json_decref(sweep);
	if (!rc && (fd = open(tmp, O_RDONLY | O_CLOEXEC)) >= 0) { /* on disk before it has the name */
		rc = fsync(fd);
		close(fd);
	}
	if (!rc && rename(tmp, path) != 0) {
		fprintf(stderr, "chokepoint: export: cannot write '%s': %s\n", path, strerror(errno));
		rc = -1;
	}
	if (rc) {
		unlink(tmp);
		return EXIT_IO;
	}
	return 0;
}
