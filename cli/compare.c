/* compare.c - see compare.h. */
#include "compare.h"

#include <csv.h>
#include <errno.h>
#include <gsl/gsl_cdf.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../models/metric.h"
#include "../sim/engine/stats.h"
#include "../sim/engine/util.h"
#include "html.h"
#include "metrics.h"
#include "safefile.h"
#include "version.h"

static void side_alloc(struct cmp_side *s, size_t m, long n)
{
	s->m = m;
	s->n = n;
	s->reps = xcalloc(n ? (size_t)n : 1, sizeof(long));
	s->scope = xcalloc(m ? m : 1, sizeof(*s->scope));
	s->key = xcalloc(m ? m : 1, sizeof(*s->key));
	s->unit = xcalloc(m ? m : 1, 1);
	s->better = xcalloc(m ? m : 1, 1);
	s->v = xcalloc((m ? m : 1) * (size_t)(n ? n : 1), sizeof(double));
}

void cmp_side_release(struct cmp_side *s)
{
	free(s->reps);
	free(s->scope);
	free(s->key);
	free(s->unit);
	free(s->better);
	free(s->v);
	memset(s, 0, sizeof *s);
}

void cmp_side_from_results(const struct results *res, const char *label, struct cmp_side *s)
{
	memset(s, 0, sizeof *s);
	snprintf(s->label, sizeof s->label, "%s", label);
	snprintf(s->version, sizeof s->version, "%s", CHOKEPOINT_VERSION);
	s->hash = res->sc->hash;
	s->seed = res->sc->spec.seed;
	side_alloc(s, res->n_metrics, res->n_reps);
	for (size_t i = 0; i < res->sc->n_tol && s->n_tol < 32; i++)
		s->tol[s->n_tol++] = res->sc->tol[i];
	for (long r = 0; r < res->n_reps; r++)
		s->reps[r] = res->rep_index[r];
	for (size_t i = 0; i < res->n_metrics; i++) {
		snprintf(s->scope[i], sizeof s->scope[i], "%s", res->metrics[i].scope);
		snprintf(s->key[i], sizeof s->key[i], "%s", res->metrics[i].key);
		s->unit[i] = res->defs[i]->unit;
		s->better[i] = res->defs[i]->better;
		for (long r = 0; r < res->n_reps; r++)
			s->v[i * (size_t)res->n_reps + (size_t)r] = results_value(res, r, i);
	}
}

/* ---- reading a results directory ----------------------------------------- */

/* The fields of a CSV file, row by row. */
struct rows {
	char ***row; /* row[k][f], owned */
	size_t *nf, n, cap;
	char **cur;
	size_t ncur, capcur;
};

static void on_field(void *s, size_t len, void *data)
{
	struct rows *t = data;
	if (t->ncur == t->capcur) {
		t->capcur = t->capcur ? 2 * t->capcur : 16;
		t->cur = xrealloc(t->cur, t->capcur * sizeof(char *));
	}
	char *f = xmalloc(len + 1);
	memcpy(f, s, len);
	f[len] = '\0';
	t->cur[t->ncur++] = f;
}

static void on_row(int c, void *data)
{
	(void)c;
	struct rows *t = data;
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 256;
		t->row = xrealloc(t->row, t->cap * sizeof(char **));
		t->nf = xrealloc(t->nf, t->cap * sizeof(size_t));
	}
	t->row[t->n] = t->cur;
	t->nf[t->n++] = t->ncur;
	t->cur = NULL;
	t->ncur = t->capcur = 0;
}

static void rows_release(struct rows *t)
{
	for (size_t k = 0; k < t->n; k++) {
		for (size_t f = 0; f < t->nf[k]; f++)
			free(t->row[k][f]);
		free(t->row[k]);
	}
	for (size_t f = 0; f < t->ncur; f++)
		free(t->cur[f]);
	free(t->cur);
	free(t->row);
	free(t->nf);
	memset(t, 0, sizeof *t);
}

static int read_csv(const char *path, struct rows *t, char *err, size_t n)
{
	char *text, why[256];
	size_t len;
	memset(t, 0, sizeof *t);
	if (safe_read(path, NULL, 1u << 30, &text, &len, why, sizeof why) != 0) {
		snprintf(err, n, "cannot read '%s': %s", path, why);
		return -1;
	}
	struct csv_parser p;
	csv_init(&p, CSV_APPEND_NULL);
	csv_parse(&p, text, len, on_field, on_row, t);
	csv_fini(&p, on_field, on_row, t);
	csv_free(&p);
	free(text);
	return 0;
}

static int better_of_name(const char *s)
{
	return strcmp(s, "lower") == 0 ? MB_LOWER : strcmp(s, "higher") == 0 ? MB_HIGHER : MB_NEITHER;
}

/* The identity of the results: summary.json's version, hash and seed. */
static int read_identity(const char *dir, struct cmp_side *s, char *err, size_t n)
{
	char path[4300], *text, why[256];
	size_t len;
	snprintf(path, sizeof path, "%s/summary.json", dir);
	if (safe_read(path, NULL, 1u << 30, &text, &len, why, sizeof why) != 0) {
		snprintf(err, n, "'%s' is not a results directory: cannot read '%s': %s", dir, path, why);
		return -1;
	}
	json_error_t je;
	json_t *root = json_loadb(text, len, 0, &je);
	free(text);
	const char *format = json_string_value(json_object_get(root, "format"));
	const char *version = json_string_value(json_object_get(root, "version"));
	const char *hash = json_string_value(json_object_get(json_object_get(root, "scenario"), "hash"));
	json_t *seed = json_object_get(json_object_get(root, "simulation"), "seed");
	unsigned long long h;
	if (!root || !format || strcmp(format, "chokepoint-summary-1") != 0 || !version || !hash ||
	    sscanf(hash, "%16llx", &h) != 1 || !json_is_integer(seed)) {
		snprintf(err, n, "'%s' is not a chokepoint summary (format chokepoint-summary-1)", path);
		json_decref(root);
		return -1;
	}
	snprintf(s->version, sizeof s->version, "%s", version);
	s->hash = h;
	s->seed = (uint64_t)json_integer_value(seed);
	json_t *tol = json_object_get(root, "tolerance"), *e;
	size_t k;
	json_array_foreach(tol, k, e)
	{
		const char *metric = json_string_value(json_object_get(e, "metric"));
		json_t *share = json_object_get(e, "share");
		if (!metric || !json_is_number(share) || strlen(metric) >= sizeof s->tol[0].metric || s->n_tol == 32)
			continue;
		snprintf(s->tol[s->n_tol].metric, sizeof s->tol[0].metric, "%s", metric);
		s->tol[s->n_tol++].share = json_number_value(share);
	}
	json_decref(root);
	return 0;
}

int cmp_side_from_dir(const char *dir, struct cmp_side *s, char *err, size_t n)
{
	memset(s, 0, sizeof *s);
	snprintf(s->label, sizeof s->label, "%s", dir);
	struct cmp_side id;
	memset(&id, 0, sizeof id);
	if (read_identity(dir, &id, err, n) != 0)
		return -1;
	char path[4300];
	struct rows sum, rep;
	snprintf(path, sizeof path, "%s/summary.csv", dir);
	if (read_csv(path, &sum, err, n) != 0)
		return -1;
	snprintf(path, sizeof path, "%s/replications.csv", dir);
	if (read_csv(path, &rep, err, n) != 0) {
		rows_release(&sum);
		return -1;
	}
	int rc = -1;
	size_t m = sum.n > 0 ? sum.n - 1 : 0;
	long nrep = 0;
	if (sum.n == 0 || sum.nf[0] < 10 || strcmp(sum.row[0][9], "better") != 0) {
		snprintf(err, n, "'%s/summary.csv' has no 'better' column: written by an older chokepoint?", dir);
		goto out;
	}
	/* replications.csv: m rows per replication, in the order of summary.csv. */
	if (m == 0 || rep.n < 1 || (rep.n - 1) % m != 0) {
		snprintf(err, n, "'%s/replications.csv' does not hold every metric of every replication", dir);
		goto out;
	}
	nrep = (long)((rep.n - 1) / m);
	side_alloc(s, m, nrep);
	snprintf(s->version, sizeof s->version, "%s", id.version);
	s->hash = id.hash;
	s->seed = id.seed;
	memcpy(s->tol, id.tol, sizeof s->tol);
	s->n_tol = id.n_tol;
	for (size_t i = 0; i < m; i++) {
		char **f = sum.row[i + 1];
		int u = sum.nf[i + 1] >= 10 ? metric_unit_parse(f[2]) : -1;
		if (u < 0 || strlen(f[0]) >= sizeof s->scope[i] || strlen(f[1]) >= sizeof s->key[i]) {
			snprintf(err, n, "'%s/summary.csv', line %zu, is malformed", dir, i + 2);
			goto out;
		}
		snprintf(s->scope[i], sizeof s->scope[i], "%s", f[0]);
		snprintf(s->key[i], sizeof s->key[i], "%s", f[1]);
		s->unit[i] = (unsigned char)u;
		s->better[i] = (unsigned char)better_of_name(f[9]);
	}
	for (long r = 0; r < nrep; r++) {
		for (size_t i = 0; i < m; i++) {
			size_t k = 1 + (size_t)r * m + i;
			char **f = rep.row[k], *end;
			if (rep.nf[k] != 4 || strcmp(f[1], s->scope[i]) != 0 || strcmp(f[2], s->key[i]) != 0) {
				snprintf(err, n, "'%s/replications.csv', line %zu, is not the metric summary.csv lists",
					 dir, k + 1);
				goto out;
			}
			s->reps[r] = strtol(f[0], &end, 10);
			double v = strtod(f[3], &end);
			if (*end || !isfinite(v)) {
				snprintf(err, n, "'%s/replications.csv', line %zu: '%s' is not a number", dir, k + 1,
					 f[3]);
				goto out;
			}
			s->v[i * (size_t)nrep + (size_t)r] = v;
		}
	}
	rc = 0;
out:
	rows_release(&sum);
	rows_release(&rep);
	if (rc != 0)
		cmp_side_release(s);
	return rc;
}

/* ---- the comparison -------------------------------------------------------- */

static double tolerance_of(const struct cmp_opts *o, const char *metric)
{
	for (int i = o->n_tol - 1; i >= 1; i--)
		if (strcmp(o->tol[i].metric, metric) == 0)
			return o->tol[i].share;
	return o->n_tol > 0 ? o->tol[0].share : 0;
}

/* A two-sided p-value of a t statistic: 1 for no difference, 0 for a
 * difference with no variance at all. */
static double p_of(double diff, double se, double df)
{
	if (se == 0 || !(df > 0))
		return diff == 0 ? 1 : 0;
	return 2 * gsl_cdf_tdist_Q(fabs(diff / se), df);
}

static void compare_row(const struct cmp_side *b, const struct cmp_side *c, size_t ib, size_t ic, int paired,
			struct cmp_row *row)
{
	const double *x = &b->v[ib * (size_t)b->n], *y = &c->v[ic * (size_t)c->n];
	struct ci cb = ci_compute(x, (size_t)b->n, RUNNER_CONFIDENCE),
		  cc = ci_compute(y, (size_t)c->n, RUNNER_CONFIDENCE);
	*row = (struct cmp_row){.ib = ib,
				.ic = ic,
				.mb = cb.mean,
				.hb = cb.half,
				.mc = cc.mean,
				.hc = cc.half,
				.p = 1,
				.paired = paired};
	row->change = cb.mean != 0 ? (cc.mean - cb.mean) / fabs(cb.mean) : cc.mean == 0 ? 0 : NAN;
	if (b->n < 2 || c->n < 2)
		return;
	if (paired) { /* the same replication numbers, in the same order */
		double *d = xmalloc((size_t)b->n * sizeof(double));
		int constant = 1;
		for (long r = 0; r < b->n; r++) {
			d[r] = y[r] - x[r];
			constant &= x[r] == x[0] && y[r] == y[0];
		}
		struct ci cd = ci_compute(d, (size_t)b->n, RUNNER_CONFIDENCE);
		free(d);
		row->tested = !(constant && x[0] == y[0]);
		row->p = p_of(cd.mean, cd.sd / sqrt((double)b->n), (double)(b->n - 1));
	} else {
		double vb = cb.sd * cb.sd / (double)b->n, vc = cc.sd * cc.sd / (double)c->n;
		double se = sqrt(vb + vc), den = vb * vb / (double)(b->n - 1) + vc * vc / (double)(c->n - 1);
		double df = den > 0 ? (vb + vc) * (vb + vc) / den : 0;
		row->tested = !(cb.sd == 0 && cc.sd == 0 && cb.mean == cc.mean);
		row->p = p_of(cc.mean - cb.mean, se, df);
	}
}

static int by_p(const void *a, const void *b)
{
	const struct cmp_row *const *x = a, *const *y = b;
	if ((*x)->p != (*y)->p)
		return (*x)->p < (*y)->p ? -1 : 1;
	return (*x)->ib < (*y)->ib ? -1 : (*x)->ib > (*y)->ib;
}

static long find(const struct cmp_side *s, const char *scope, const char *key, size_t hint)
{
	if (hint < s->m && strcmp(s->scope[hint], scope) == 0 && strcmp(s->key[hint], key) == 0)
		return (long)hint;
	for (size_t i = 0; i < s->m; i++)
		if (strcmp(s->scope[i], scope) == 0 && strcmp(s->key[i], key) == 0)
			return (long)i;
	return -1;
}

int cmp_compute(const struct cmp_side *b, const struct cmp_side *c, const struct cmp_opts *o, struct cmp_report *r,
		char *err, size_t n)
{
	memset(r, 0, sizeof *r);
	if (b->n < 2 || c->n < 2) {
		snprintf(err, n, "each side needs at least 2 replications to be compared (%s has %ld, %s has %ld)",
			 b->label, b->n, c->label, c->n);
		return -1;
	}
	int same_reps = b->n == c->n;
	for (long k = 0; same_reps && k < b->n; k++)
		same_reps = b->reps[k] == c->reps[k];
	r->paired = same_reps && b->seed == c->seed && strcmp(b->version, c->version) == 0;
	if (strcmp(b->version, c->version) != 0)
		snprintf(r->note, sizeof r->note,
			 "written by chokepoint %s and %s: their random numbers are not common; compared unpaired "
			 "(Welch)",
			 b->version, c->version);
	else if (b->seed != c->seed)
		snprintf(r->note, sizeof r->note,
			 "seeds %llu and %llu: the random numbers are not common; compared unpaired (Welch)",
			 (unsigned long long)b->seed, (unsigned long long)c->seed);
	else if (!same_reps)
		snprintf(r->note, sizeof r->note, "different replications: compared unpaired (Welch)");
	r->rows = xcalloc(b->m ? b->m : 1, sizeof(*r->rows));
	for (size_t i = 0; i < b->m; i++) {
		if (strcmp(b->scope[i], "run") == 0)
			continue; /* events: the engine's, not the system's */
		long j = find(c, b->scope[i], b->key[i], i);
		if (j < 0) {
			r->only_base++;
			continue;
		}
		compare_row(b, c, i, (size_t)j, r->paired, &r->rows[r->n_rows++]);
	}
	for (size_t j = 0; j < c->m; j++)
		if (strcmp(c->scope[j], "run") != 0 && find(b, c->scope[j], c->key[j], j) < 0)
			r->only_cand++;
	/* Holm: the k-th smallest p of the m tested is judged against alpha / (m - k). */
	struct cmp_row **t = xcalloc(r->n_rows ? r->n_rows : 1, sizeof(*t));
	for (size_t i = 0; i < r->n_rows; i++)
		if (r->rows[i].tested && b->better[r->rows[i].ib] != MB_NEITHER)
			t[r->n_tested++] = &r->rows[i];
	qsort(t, r->n_tested, sizeof(*t), by_p);
	for (size_t k = 0; k < r->n_tested; k++) {
		if (t[k]->p > o->alpha / (double)(r->n_tested - k))
			break; /* this and every larger p: not significant */
		t[k]->significant = 1;
	}
	free(t);
	for (size_t i = 0; i < r->n_rows; i++) {
		struct cmp_row *row = &r->rows[i];
		int dir = b->better[row->ib];
		double tol = tolerance_of(o, b->key[row->ib]);
		int big = isnan(row->change) || fabs(row->change) > tol;
		if (!row->significant || !big || dir == MB_NEITHER)
			continue;
		int up = row->mc > row->mb;
		row->verdict = (up == (dir == MB_HIGHER)) ? CMP_BETTER : CMP_WORSE;
		r->n_better += row->verdict == CMP_BETTER;
		r->n_worse += row->verdict == CMP_WORSE;
	}
	return 0;
}

void cmp_report_release(struct cmp_report *r)
{
	free(r->rows);
	memset(r, 0, sizeof *r);
}

static void name_of(const struct cmp_side *s, size_t i, char *buf, size_t n)
{
	if (strcmp(s->scope[i], "e2e") == 0)
		snprintf(buf, n, "%s", s->key[i]);
	else
		snprintf(buf, n, "%s.%s", s->scope[i], s->key[i]);
}

static void change_text(const struct cmp_row *row, char *buf, size_t n)
{
	if (isnan(row->change))
		snprintf(buf, n, "new");
	else
		snprintf(buf, n, "%+.1f%%", 100 * row->change);
}

/* A row as people read it, in every format but JSON. */
struct row_texts {
	char name[200], vb[64], vc[64], ch[32];
	const char *verdict; /* "better", "worse" or "~" */
};

static void row_texts(const struct cmp_side *b, const struct cmp_side *c, const struct cmp_row *row,
		      struct row_texts *t)
{
	struct ci cb = {.n = (size_t)b->n, .mean = row->mb, .half = row->hb};
	struct ci cc = {.n = (size_t)c->n, .mean = row->mc, .half = row->hc};
	name_of(b, row->ib, t->name, sizeof t->name);
	metric_format_ci(t->vb, sizeof t->vb, b->unit[row->ib], &cb);
	metric_format_ci(t->vc, sizeof t->vc, b->unit[row->ib], &cc);
	change_text(row, t->ch, sizeof t->ch);
	t->verdict = row->verdict == CMP_BETTER ? "better" : row->verdict == CMP_WORSE ? "worse" : "~";
}

static void print_json(FILE *out, const struct cmp_side *b, const struct cmp_side *c, const struct cmp_opts *o,
		       const struct cmp_report *r)
{
	static const char *const verdicts[] = {"~", "better", "worse"};
	json_t *root = json_object(), *rows = json_array();
	json_object_set_new(root, "format", json_string("chokepoint-compare-1"));
	json_object_set_new(root, "base", json_string(b->label));
	json_object_set_new(root, "candidate", json_string(c->label));
	json_object_set_new(root, "test", json_string(r->paired ? "paired t" : "Welch t"));
	json_object_set_new(root, "correction", json_string("Holm"));
	json_object_set_new(root, "alpha", json_real(o->alpha));
	json_object_set_new(root, "tolerance", json_real(o->n_tol ? o->tol[0].share : 0));
	if (r->note[0])
		json_object_set_new(root, "note", json_string(r->note));
	for (size_t i = 0; i < r->n_rows; i++) {
		const struct cmp_row *row = &r->rows[i];
		json_t *e = json_object();
		json_object_set_new(e, "scope", json_string(b->scope[row->ib]));
		json_object_set_new(e, "metric", json_string(b->key[row->ib]));
		json_object_set_new(e, "unit", json_string(metric_unit_name(b->unit[row->ib])));
		json_object_set_new(e, "base_mean", json_real(row->mb));
		json_object_set_new(e, "base_half_width", json_real(row->hb));
		json_object_set_new(e, "candidate_mean", json_real(row->mc));
		json_object_set_new(e, "candidate_half_width", json_real(row->hc));
		json_object_set_new(e, "change", isnan(row->change) ? json_null() : json_real(row->change));
		json_object_set_new(e, "p", json_real(row->p));
		json_object_set_new(e, "significant", json_boolean(row->significant));
		json_object_set_new(e, "verdict", json_string(verdicts[row->verdict]));
		json_array_append_new(rows, e);
	}
	json_object_set_new(root, "metrics", rows);
	json_object_set_new(root, "better", json_integer((json_int_t)r->n_better));
	json_object_set_new(root, "worse", json_integer((json_int_t)r->n_worse));
	json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
	fputc('\n', out);
	json_decref(root);
}

/* The comparison as a page: what changed, and both sides' pictures. */
static void print_html(FILE *out, const struct cmp_side *b, const struct cmp_side *c, const struct cmp_opts *o,
		       const struct cmp_report *r)
{
	static const char *const pictures[][2] = {
		{"bottleneck", "Utilization of every node, base (left) and candidate (right)."},
		{"latency", "Response time over time, base (left) and candidate (right)."},
	};
	html_page_head(out, "compare");
	fprintf(out, "<h1>Compare</h1>\n<p class=\"meta\">base ");
	html_esc(out, b->label);
	fprintf(out, " · candidate ");
	html_esc(out, c->label);
	fprintf(out,
		" · %s over %ld and %ld replications · %zu metrics tested, Holm's correction at alpha %g · "
		"tolerance %g%%</p>\n",
		r->paired ? "paired t-test (common random numbers)" : "Welch's t-test", b->n, c->n, r->n_tested,
		o->alpha, 100 * (o->n_tol ? o->tol[0].share : 0));
	if (r->note[0]) {
		fprintf(out, "<p class=\"note\">");
		html_esc(out, r->note);
		fprintf(out, "</p>\n");
	}
	fprintf(out,
		"<section><h2>Verdict</h2>\n<div class=\"cards\"><div class=\"card\"><div class=\"label\">better"
		"</div><div class=\"value pass\">%zu</div></div><div class=\"card\"><div class=\"label\">worse</div>"
		"<div class=\"value fail\">%zu</div></div></div>\n</section>\n",
		r->n_better, r->n_worse);
	fprintf(out, "<section><h2>What changed</h2>\n<div class=\"scroll\"><table><tr><th>metric</th><th>base</th>"
		     "<th>candidate</th><th>change</th><th>p</th><th>verdict</th></tr>\n");
	size_t same = 0;
	for (size_t i = 0; i < r->n_rows; i++) {
		const struct cmp_row *row = &r->rows[i];
		if (!o->all && row->verdict == CMP_SAME) {
			same++;
			continue;
		}
		struct row_texts t;
		row_texts(b, c, row, &t);
		fprintf(out, "<tr><td>");
		html_esc(out, t.name);
		fprintf(out, "</td><td class=\"num\">");
		html_esc(out, t.vb);
		fprintf(out, "</td><td class=\"num\">");
		html_esc(out, t.vc);
		fprintf(out, "</td><td class=\"num\">%s</td><td class=\"num\">%.3g</td><td class=\"%s\">%s</td></tr>\n",
			t.ch, row->p,
			row->verdict == CMP_BETTER  ? "pass"
			: row->verdict == CMP_WORSE ? "fail"
						    : "",
			t.verdict);
	}
	fprintf(out, "</table></div>\n");
	if (same)
		fprintf(out, "<p class=\"note\">%zu other metrics: no significant change beyond the tolerance.</p>\n",
			same);
	fprintf(out, "</section>\n");
	for (size_t p = 0; p < sizeof pictures / sizeof pictures[0]; p++) {
		char fb[4400], fc[4400];
		snprintf(fb, sizeof fb, "%s/%s.svg", b->label, pictures[p][0]);
		snprintf(fc, sizeof fc, "%s/%s.svg", c->label, pictures[p][0]);
		if (access(fb, F_OK) != 0 || access(fc, F_OK) != 0)
			continue;
		fprintf(out, "<section><h2>");
		html_esc(out, pictures[p][1]);
		fprintf(out, "</h2>\n<div class=\"pair\">\n");
		html_inline_svg(out, b->label, pictures[p][0], "base");
		html_inline_svg(out, c->label, pictures[p][0], "candidate");
		fprintf(out, "</div>\n</section>\n");
	}
	html_page_foot(out);
}

void cmp_print(FILE *out, const struct cmp_side *b, const struct cmp_side *c, const struct cmp_opts *o,
	       const struct cmp_report *r)
{
	if (o->format == CMP_JSON) {
		print_json(out, b, c, o, r);
		return;
	}
	if (o->format == CMP_HTML) {
		print_html(out, b, c, o, r);
		return;
	}
	int md = o->format == CMP_MARKDOWN;
	const char *test = r->paired ? "paired t-test (common random numbers)" : "Welch's t-test";
	if (md)
		fprintf(out, "### chokepoint compare\n\n`%s` → `%s`: %s, Holm-corrected at %g, tolerance %g%%\n\n",
			b->label, c->label, test, o->alpha, 100 * (o->n_tol ? o->tol[0].share : 0));
	else
		fprintf(out,
			"base %s\ncandidate %s\n%s over %ld and %ld replications; %zu metrics tested, Holm's "
			"correction at alpha %g; tolerance %g%%\n",
			b->label, c->label, test, b->n, c->n, r->n_tested, o->alpha,
			100 * (o->n_tol ? o->tol[0].share : 0));
	if (r->note[0])
		fprintf(out, md ? "> %s\n\n" : "note: %s\n", r->note);
	if (md)
		fprintf(out, "| metric | base | candidate | change | p | verdict |\n|---|---|---|---|---|---|\n");
	else
		fprintf(out, "\n%-36s %-20s %-20s %-9s %-9s %s\n", "metric", "base", "candidate", "change", "p",
			"verdict");
	size_t same = 0;
	for (size_t i = 0; i < r->n_rows; i++) {
		const struct cmp_row *row = &r->rows[i];
		if (!o->all && row->verdict == CMP_SAME) {
			same++;
			continue;
		}
		struct row_texts t;
		row_texts(b, c, row, &t);
		if (md)
			fprintf(out, "| `%s` | %s | %s | %s | %.3g | %s%s%s |\n", t.name, t.vb, t.vc, t.ch, row->p,
				row->verdict == CMP_WORSE ? "**" : "", t.verdict,
				row->verdict == CMP_WORSE ? "**" : "");
		else
			fprintf(out, "%-36.36s %-20s %-20s %-9s %-9.3g %s\n", t.name, t.vb, t.vc, t.ch, row->p,
				t.verdict);
	}
	if (same)
		fprintf(out,
			md ? "\n%zu other metrics: no significant change beyond the tolerance (~).\n"
			   : "%zu other metrics: no significant change beyond the tolerance (~)\n",
			same);
	if (r->only_base || r->only_cand)
		fprintf(out, "%s%zu metrics only in the base, %zu only in the candidate (not compared)\n",
			md ? "\n" : "", r->only_base, r->only_cand);
	fprintf(out, "%s%zu better, %zu worse\n", md ? "\n" : "\n", r->n_better, r->n_worse);
}
