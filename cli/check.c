/* check.c - see check.h. */
#include "check.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../sim/engine/util.h"
#include "diag.h"
#include "metrics.h"
#include "runner.h"
#include "scenario.h"
#include "slo.h"

/* What one scenario came to. */
struct outcome {
	const char *path;
	int status;     /* 0 ran; 3 invalid (or unreadable); 6 stopped by a limit */
	char why[4600]; /* status != 0: the reason, one line */
	long reps;
	unsigned long long seed;
	size_t n;
	struct slo_check *checks; /* borrowed from the scenario, which is kept */
	struct slo_result *r;     /* owned: n verdicts */
	int passed, failed, inconclusive;
	struct scenario *sc; /* owned */
};

static void judge(struct outcome *o, const struct results *res, int point)
{
	o->r = xcalloc(o->n ? o->n : 1, sizeof(*o->r));
	for (size_t i = 0; i < o->n; i++) {
		slo_evaluate(&o->checks[i], res, point, &o->r[i]);
		o->passed += o->r[i].verdict == SLO_PASS;
		o->failed += o->r[i].verdict == SLO_FAIL || o->r[i].verdict == SLO_MISSING;
		o->inconclusive += o->r[i].verdict == SLO_INCONCLUSIVE;
	}
}

/* Loads and runs one scenario; 128 + signal if interrupted, else 0. */
static int run_one(struct outcome *o, const struct check_opts *opts)
{
	struct diags d;
	diags_init(&d, o->path);
	enum scenario_status st = scenario_load(o->path, &o->sc, &d);
	diags_print(&d, stderr);
	if (st != SCENARIO_OK) {
		o->status = 3;
		snprintf(o->why, sizeof o->why, "%s", d.n ? d.v[0].msg : "the scenario could not be read");
		diags_release(&d);
		return 0;
	}
	diags_release(&d);
	if (opts->reps > 0)
		o->sc->spec.replications = opts->reps;
	if (opts->seed >= 0)
		o->sc->spec.seed = (uint64_t)opts->seed;
	o->reps = o->sc->spec.replications;
	o->seed = (unsigned long long)o->sc->spec.seed;
	o->checks = o->sc->slo;
	o->n = o->sc->n_slo;
	struct run_opts ro = {.jobs = opts->jobs, .stop = opts->stop};
	struct results res;
	if (runner_run(o->sc, &ro, &res) != 0) {
		o->status = 5;
		snprintf(o->why, sizeof o->why, "cannot start worker threads: %s", strerror(errno));
		return 0;
	}
	int sig = opts->stop ? *opts->stop : 0;
	if (sig) {
		results_release(&res);
		return 128 + sig;
	}
	if (res.stopped_rep >= 0 || res.io_error[0]) {
		o->status = 6;
		snprintf(o->why, sizeof o->why, "replication %ld stopped early: %s", res.stopped_rep,
			 res.io_error[0] ? res.io_error : res.stopped);
	} else {
		judge(o, &res, opts->point);
	}
	results_release(&res);
	return 0;
}

static void print_text(FILE *out, const struct outcome *o, int point)
{
	fprintf(out, "%s", o->path);
	if (o->status != 0) {
		fprintf(out, ": %s\n", o->status == 3 ? "invalid scenario" : o->why);
		return;
	}
	fprintf(out, " (%ld replications, seed %llu, %s mode)%s\n", o->reps, o->seed, point ? "point" : "interval",
		o->n ? "" : ": no SLO checks (add an slo: section)");
	for (size_t i = 0; i < o->n; i++) {
		char line[1024];
		slo_format(&o->checks[i], &o->r[i], line, sizeof line);
		fprintf(out, "  %s\n", line);
	}
}

/* Text for XML: the five characters that need it escaped. */
static void xml_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default:
			if ((unsigned char)*s >= 0x20 || *s == '\t' || *s == '\n')
				fputc(*s, f);
		}
	}
}

/* The scenario's file name without directory and .yaml: the JUnit class. */
static void class_of(const char *path, char *buf, size_t n)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	size_t len = strlen(b);
	if (len > 5 && strcmp(b + len - 5, ".yaml") == 0)
		len -= 5;
	snprintf(buf, n, "%.*s", (int)len, b);
}

static void junit_case(FILE *f, const struct outcome *o, size_t i, const char *cls)
{
	const struct slo_check *c = &o->checks[i];
	const struct slo_result *r = &o->r[i];
	fprintf(f, "    <testcase classname=\"");
	xml_text(f, cls);
	fprintf(f, "\" name=\"");
	xml_text(f, c->text);
	if (r->verdict == SLO_PASS) {
		fprintf(f, "\"/>\n");
		return;
	}
	char value[160] = "not reported", limit[96], msg[600];
	if (r->verdict != SLO_MISSING)
		metric_format_ci(value, sizeof value, c->def->unit, &r->ci);
	slo_format_limit(c, limit, sizeof limit);
	if (r->verdict == SLO_INCONCLUSIVE)
		snprintf(msg, sizeof msg,
			 "inconclusive: %s.%s = %s (95%% confidence interval over %zu replications) straddles the "
			 "limit %s; about %ld replications would likely settle it",
			 c->scope, c->metric, value, r->ci.n, limit, r->reps_needed);
	else if (r->verdict == SLO_MISSING)
		snprintf(msg, sizeof msg, "%s.%s is not reported by this run", c->scope, c->metric);
	else
		snprintf(msg, sizeof msg, "%s.%s = %s (95%% confidence interval over %zu replications), limit %s",
			 c->scope, c->metric, value, r->ci.n, limit);
	fprintf(f, "\">\n      <failure type=\"%s\" message=\"",
		r->verdict == SLO_INCONCLUSIVE ? "inconclusive" : "slo");
	xml_text(f, msg);
	fprintf(f, "\">");
	xml_text(f, msg);
	fprintf(f, "</failure>\n    </testcase>\n");
}

/* JUnit XML as GitHub Actions, GitLab and Jenkins read it: a test suite
 * per scenario, a test case per check (tests/junit.xsd).  Written whole
 * under a temporary name, then renamed into place. */
static int write_junit(const char *path, const struct outcome *o, int n)
{
	char tmp[4200];
	snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid());
	FILE *f = fopen(tmp, "wb");
	if (!f) {
		fprintf(stderr, "chokepoint: cannot write '%s': %s\n", tmp, strerror(errno));
		return -1;
	}
	int tests = 0, failures = 0, errors = 0;
	for (int s = 0; s < n; s++) {
		tests += o[s].status ? 1 : (int)o[s].n;
		failures += o[s].failed + o[s].inconclusive;
		errors += o[s].status != 0;
	}
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f, "<testsuites name=\"chokepoint check\" tests=\"%d\" failures=\"%d\" errors=\"%d\">\n", tests,
		failures, errors);
	for (int s = 0; s < n; s++) {
		char cls[256];
		class_of(o[s].path, cls, sizeof cls);
		fprintf(f, "  <testsuite name=\"");
		xml_text(f, o[s].path);
		fprintf(f, "\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"0\">\n",
			o[s].status ? 1 : (int)o[s].n, o[s].failed + o[s].inconclusive, o[s].status != 0);
		if (o[s].status) {
			fprintf(f, "    <testcase classname=\"");
			xml_text(f, cls);
			fprintf(f, "\" name=\"run\">\n      <error type=\"%s\" message=\"",
				o[s].status == 3 ? "invalid" : "stopped");
			xml_text(f, o[s].why);
			fprintf(f, "\"/>\n    </testcase>\n");
		}
		for (size_t i = 0; i < o[s].n && !o[s].status; i++)
			junit_case(f, &o[s], i, cls);
		fprintf(f, "  </testsuite>\n");
	}
	fprintf(f, "</testsuites>\n");
	int bad = ferror(f);
	if (fclose(f) != 0 || bad || rename(tmp, path) != 0) {
		fprintf(stderr, "chokepoint: cannot write '%s': %s\n", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static json_t *json_outcome(const struct outcome *o)
{
	static const char *const verdicts[] = {"pass", "fail", "inconclusive", "missing"};
	json_t *j = json_object();
	json_object_set_new(j, "path", json_string(o->path));
	if (o->status) {
		json_object_set_new(j, "error", json_string(o->why));
		return j;
	}
	json_object_set_new(j, "replications", json_integer(o->reps));
	json_object_set_new(j, "seed", json_integer((json_int_t)o->seed));
	json_t *arr = json_array();
	for (size_t i = 0; i < o->n; i++) {
		const struct slo_check *c = &o->checks[i];
		json_t *e = json_object();
		json_object_set_new(e, "check", json_string(c->text));
		json_object_set_new(e, "scope", json_string(c->scope));
		json_object_set_new(e, "metric", json_string(c->metric));
		json_object_set_new(e, "limit", json_real(c->limit));
		json_object_set_new(e, "unit", json_string(metric_unit_name(c->def->unit)));
		json_object_set_new(e, "verdict", json_string(verdicts[o->r[i].verdict]));
		if (o->r[i].verdict != SLO_MISSING) {
			json_object_set_new(e, "mean", json_real(o->r[i].ci.mean));
			json_object_set_new(e, "half_width", json_real(o->r[i].ci.half));
		}
		if (o->r[i].verdict == SLO_INCONCLUSIVE)
			json_object_set_new(e, "replications_to_settle", json_integer(o->r[i].reps_needed));
		json_array_append_new(arr, e);
	}
	json_object_set_new(j, "checks", arr);
	return j;
}

int check_run(const char *const *paths, int n, const struct check_opts *opts)
{
	struct outcome *o = xcalloc((size_t)n, sizeof(*o));
	int rc = 0, passed = 0, failed = 0, inconclusive = 0, invalid = 0;
	FILE *out = opts->json ? stderr : stdout; /* JSON alone on stdout */
	for (int i = 0; i < n && rc == 0; i++) {
		o[i].path = paths[i];
		rc = run_one(&o[i], opts);
		if (rc)
			break;
		if (!opts->json)
			print_text(out, &o[i], opts->point);
		passed += o[i].passed;
		failed += o[i].failed + (o[i].status != 0 && o[i].status != 3); /* stopped: not judged */
		inconclusive += o[i].inconclusive;
		invalid += o[i].status == 3;
	}
	if (rc == 0) {
		if (opts->json) {
			json_t *root = json_object(), *arr = json_array();
			json_object_set_new(root, "format", json_string("chokepoint-check-1"));
			json_object_set_new(root, "mode", json_string(opts->point ? "point" : "interval"));
			for (int i = 0; i < n; i++)
				json_array_append_new(arr, json_outcome(&o[i]));
			json_object_set_new(root, "scenarios", arr);
			json_object_set_new(root, "passed", json_integer(passed));
			json_object_set_new(root, "failed", json_integer(failed));
			json_object_set_new(root, "inconclusive", json_integer(inconclusive));
			json_object_set_new(root, "invalid", json_integer(invalid));
			json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
			fputc('\n', stdout);
			json_decref(root);
		} else {
			fprintf(out, "\n%d passed, %d failed", passed, failed);
			if (inconclusive)
				fprintf(out, ", %d inconclusive", inconclusive);
			if (invalid)
				fprintf(out, ", %d scenario%s not run", invalid, invalid == 1 ? "" : "s");
			fprintf(out, "\n");
		}
		if (opts->junit && write_junit(opts->junit, o, n) != 0)
			rc = 4;
		else
			rc = invalid ? 3 : failed + inconclusive > 0 ? 1 : 0;
	}
	for (int i = 0; i < n; i++) {
		free(o[i].r);
		scenario_free(o[i].sc);
	}
	free(o);
	return rc;
}
