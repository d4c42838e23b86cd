/* slo.c - see slo.h. */
#include "slo.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/engine/units.h"
#include "../sim/engine/util.h"
#include "diag.h"
#include "metrics.h"

static const char *const op_text[] = {"<", "<=", ">", ">=", "==", "!="};

/* The operator's position in s and its kind; -1 if there is none.  A
 * pool's scope holds "->", which is not one. */
static long find_op(const char *s, enum slo_op *op, size_t *len)
{
	for (const char *p = s; *p; p++) {
		if (*p == '>' && p > s && p[-1] == '-')
			continue;
		if (*p != '<' && *p != '>' && *p != '=' && *p != '!')
			continue;
		int eq = p[1] == '=';
		*len = eq ? 2 : 1;
		switch (*p) {
		case '<': *op = eq ? SLO_LE : SLO_LT; break;
		case '>': *op = eq ? SLO_GE : SLO_GT; break;
		case '=':
			if (!eq)
				return -1; /* a single '=' */
			*op = SLO_EQ;
			break;
		default:
			if (!eq)
				return -1;
			*op = SLO_NE;
			break;
		}
		return p - s;
	}
	return -1;
}

static void trim(char *s)
{
	size_t n = strlen(s), i = 0;
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	while (isspace((unsigned char)s[i]))
		i++;
	memmove(s, s + i, n - i + 1);
}

static int class_exists(const struct net_spec *spec, const char *name)
{
	for (int c = 1; c <= spec->n_classes; c++)
		if (strcmp(spec->class_name[c], name) == 0)
			return 1;
	return 0;
}

/* The declaration of metric in scope, if the scope exists and reports it. */
static const struct metric_def *lookup(const struct net_spec *spec, const char *scope, const char *metric)
{
	if (strncmp(scope, "class:", 6) == 0 && !class_exists(spec, scope + 6))
		return NULL;
	struct metric_resolver mr = {spec, -1};
	int node;
	return metric_resolve(&mr, scope, metric, &node);
}

/* Whether scope names something that reports metrics. */
static int scope_exists(const struct net_spec *spec, const char *scope)
{
	if (strcmp(scope, "e2e") == 0 || strcmp(scope, "failures") == 0)
		return 1;
	if (strncmp(scope, "class:", 6) == 0)
		return class_exists(spec, scope + 6);
	const char *arrow = strstr(scope, "->"), *slash = strchr(scope, '/');
	size_t len = arrow ? (size_t)(arrow - scope) : slash ? (size_t)(slash - scope) : strlen(scope);
	for (int i = 0; i < spec->n_nodes; i++)
		if (strlen(spec->nodes[i].name) == len && strncmp(spec->nodes[i].name, scope, len) == 0)
			return 1;
	return 0;
}

/* The metric names a scope may report, for a suggestion. */
static size_t names_for(const struct net_spec *spec, const char *scope, const char **names, size_t max)
{
	unsigned bit = MS_E2E;
	const struct node_kind *kind = NULL;
	if (strncmp(scope, "class:", 6) == 0)
		bit = MS_CLASS;
	else if (strcmp(scope, "failures") == 0)
		bit = MS_FAILURES;
	else if (strcmp(scope, "e2e") != 0) {
		const char *arrow = strstr(scope, "->"), *slash = strchr(scope, '/');
		size_t len = arrow ? (size_t)(arrow - scope) : slash ? (size_t)(slash - scope) : strlen(scope);
		for (int i = 0; i < spec->n_nodes; i++)
			if (strlen(spec->nodes[i].name) == len && strncmp(spec->nodes[i].name, scope, len) == 0)
				kind = spec->nodes[i].kind;
		bit = strstr(scope, "->")                     ? MS_POOL
		      : strchr(scope, '/')                    ? MS_INSTANCE
		      : kind && (kind->flags & KIND_WORKLOAD) ? MS_WORKLOAD
		      : kind && (kind->flags & KIND_LINK)     ? MS_LINK
							      : MS_NODE;
	}
	const struct metric_def *tables[] = {kind ? kind->metrics : NULL, kind ? kind->engine_metrics : NULL,
					     metric_outcomes, metric_node_base, metric_failures};
	size_t n = 0;
	for (size_t t = 0; t < sizeof tables / sizeof *tables; t++)
		for (const struct metric_def *d = tables[t]; d && d->name && n < max; d++)
			if (d->scopes & bit)
				names[n++] = d->name;
	return n;
}

/* Splits lhs into scope and metric: the whole as an end-to-end metric, or
 * at the first '.' after which the rest is a metric of what comes before
 * (names may hold dots, and so may latency_p99.9). */
static const struct metric_def *split(const struct net_spec *spec, const char *lhs, char *scope, size_t ns,
				      char *metric, size_t nm)
{
	char sc[256];
	const char *m = lhs;
	const struct metric_def *d = lookup(spec, "e2e", lhs);
	snprintf(sc, sizeof sc, "e2e");
	for (const char *dot = strchr(lhs, '.'); !d && dot; dot = strchr(dot + 1, '.')) {
		snprintf(sc, sizeof sc, "%.*s", (int)(dot - lhs), lhs);
		m = dot + 1;
		d = lookup(spec, sc, m);
	}
	/* What is found is a declared name and an existing scope: both fit. */
	if (!d || strlen(sc) >= ns || strlen(m) >= nm)
		return NULL;
	memcpy(scope, sc, strlen(sc) + 1);
	memcpy(metric, m, strlen(m) + 1);
	return d;
}

/* A value in the unit of d; 0, or -1 with what to write in err. */
/* "10MB/s": a size per second. */
static int parse_bytes_s(const char *metric, const char *text, double *v, char *err, size_t n)
{
	char buf[64];
	const char *why;
	size_t len = strlen(text);
	if (len < 3 || len >= sizeof buf || strcmp(text + len - 2, "/s") != 0) {
		snprintf(err, n, "'%s' is bytes per second: write a size per second such as 10MB/s, not '%s'", metric,
			 text);
		return -1;
	}
	snprintf(buf, sizeof buf, "%.*s", (int)(len - 2), text);
	int rc = units_size(buf, v, &why);
	if (rc < 0)
		snprintf(err, n, "'%s' is bytes per second: write a size per second such as 10MB/s, not '%s'", metric,
			 text);
	return rc;
}

/* "$0.50": an amount of dollars. */
static int parse_dollars(const char *metric, const char *text, double *v, char *err, size_t n)
{
	char *end;
	const char *t = text;
	while (isspace((unsigned char)*t))
		t++;
	*v = *t == '$' ? strtod(t + 1, &end) : NAN;
	if (*t != '$' || end == t + 1 || *end || !isfinite(*v) || *v < 0) {
		snprintf(err, n, "'%s' is an amount of dollars: write one such as $0.50, not '%s'", metric, text);
		return -1;
	}
	return 0;
}

static int parse_value(const struct metric_def *d, const char *metric, const char *text, double *v, char *err, size_t n)
{
	const char *why = NULL;
	int rc;
	if (strcmp(text, "0") == 0) { /* zero needs no unit */
		*v = 0;
		return 0;
	}
	switch (d->unit) {
	case MU_SECONDS:
		if ((rc = units_duration(text, v, &why)) < 0)
			snprintf(err, n, "'%s' is a time: write a duration such as 250ms, not '%s'", metric, text);
		return rc;
	case MU_FRACTION:
		if ((rc = units_fraction(text, v, &why)) < 0 || *v < 0 || *v > 1) {
			snprintf(err, n, "'%s' is a fraction: write a percentage such as 99.9%% (or 0.999), not '%s'",
				 metric, text);
			return -1;
		}
		return 0;
	case MU_RATE:
		if ((rc = units_rate(text, v, &why)) < 0)
			snprintf(err, n, "'%s' is a rate: write a rate such as 1000/s, not '%s'", metric, text);
		return rc;
	case MU_DOLLARS_HOUR:
		if ((rc = units_money(text, v, &why)) < 0)
			snprintf(err, n, "'%s' is a cost: write a price such as $2/h or $2000/month, not '%s'", metric,
				 text);
		return rc;
	case MU_DOLLARS_MONTH:
		if ((rc = units_money(text, v, &why)) < 0)
			snprintf(err, n, "'%s' is a cost: write a price such as $500/month, not '%s'", metric, text);
		*v *= 730;
		return rc;
	case MU_DOLLARS: return parse_dollars(metric, text, v, err, n);
	case MU_GBITS_S:
		if ((rc = units_bandwidth(text, v, &why)) < 0) {
			snprintf(err, n, "'%s' is a bandwidth: write one such as 100Mbps, not '%s'", metric, text);
			return rc;
		}
		*v /= 1e9;
		return 0;
	case MU_BYTES_S: return parse_bytes_s(metric, text, v, err, n);
	case MU_COUNT:
	case MU_NUMBER:
	case MU_RATIO:
	case MU_MINUTES_MONTH:
	case MU_N: break;
	}
	char *end;
	*v = strtod(text, &end);
	while (isspace((unsigned char)*end))
		end++;
	if (end == text || *end || !isfinite(*v)) {
		snprintf(err, n, "'%s' is a plain number (%s): write one such as 0 or 2.5, not '%s'", metric,
			 metric_unit_name(d->unit), text);
		return -1;
	}
	return 0;
}

int slo_parse(const char *text, const struct net_spec *spec, struct slo_check *out, char *err, size_t errsize)
{
	memset(out, 0, sizeof *out);
	if (strlen(text) >= sizeof out->text) {
		snprintf(err, errsize, "an SLO check of more than %zu characters", sizeof out->text - 1);
		return -1;
	}
	snprintf(out->text, sizeof out->text, "%s", text);
	trim(out->text);
	size_t oplen = 0;
	long at = find_op(out->text, &out->op, &oplen);
	if (at <= 0) {
		snprintf(err, errsize,
			 "'%s' is not a check: write METRIC OP VALUE with OP one of < <= > >= == !=, e.g. "
			 "'latency_p99 < 250ms' or 'web.utilization < 70%%'",
			 out->text);
		return -1;
	}
	char lhs[256], rhs[256];
	snprintf(lhs, sizeof lhs, "%.*s", (int)at, out->text);
	snprintf(rhs, sizeof rhs, "%s", out->text + at + oplen);
	trim(lhs);
	trim(rhs);
	out->def = split(spec, lhs, out->scope, sizeof out->scope, out->metric, sizeof out->metric);
	if (!out->def) {
		/* Say what is wrong: the scope, or the metric within it. */
		char scope[140] = "e2e";
		const char *metric = lhs, *dot = strchr(lhs, '.');
		for (; dot; dot = strchr(dot + 1, '.')) {
			snprintf(scope, sizeof scope, "%.*s", (int)(dot - lhs), lhs);
			if (scope_exists(spec, scope)) {
				metric = dot + 1;
				break;
			}
		}
		if (!dot && strchr(lhs, '.')) {
			char first[140];
			snprintf(first, sizeof first, "%.*s", (int)(strchr(lhs, '.') - lhs), lhs);
			const char *names[512];
			size_t n = 0;
			for (int i = 0; i < spec->n_nodes && n < 512; i++)
				names[n++] = spec->nodes[i].name;
			const char *sug = diag_suggest(first, names, n);
			snprintf(err, errsize,
				 "'%s' in '%s' is no node, class (class:NAME) or pool of the scenario%s%s%s", first,
				 out->text, sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "");
			return -1;
		}
		if (!dot)
			snprintf(scope, sizeof scope, "e2e");
		const char *names[256];
		size_t n = names_for(spec, scope, names, 256);
		const char *s = diag_suggest(metric, names, n);
		snprintf(err, errsize, "'%s' is not a metric %s%s%s (run 'chokepoint metrics' for the list)%s%s%s",
			 metric, strcmp(scope, "e2e") == 0 ? "of the end-to-end results" : "of '",
			 strcmp(scope, "e2e") == 0 ? "" : scope, strcmp(scope, "e2e") == 0 ? "" : "'",
			 s ? "; did you mean '" : "", s ? s : "", s ? "'?" : "");
		return -1;
	}
	return parse_value(out->def, out->metric, rhs, &out->limit, err, errsize);
}

/* Whether some metric table declares name (for any scope). */
static int is_metric_name(const char *name)
{
	unsigned all = ~0u;
	if (metric_find(NULL, all, name))
		return 1;
	for (size_t i = 0; node_kinds[i]; i++)
		if (metric_find(node_kinds[i], all, name))
			return 1;
	return 0;
}

int slo_parse_tolerance(const char *text, struct slo_tolerance *t, char *err, size_t errsize)
{
	char buf[256];
	memset(t, 0, sizeof *t);
	snprintf(buf, sizeof buf, "%s", text);
	trim(buf);
	char *eq = strchr(buf, '='), *val = buf;
	if (eq) {
		*eq = '\0';
		trim(buf);
		val = eq + 1;
		while (isspace((unsigned char)*val))
			val++;
		size_t len = strlen(buf);
		if (len >= sizeof t->metric || !is_metric_name(buf)) {
			snprintf(err, errsize, "'%s' is not a metric (run 'chokepoint metrics' for the list)", buf);
			return -1;
		}
		memcpy(t->metric, buf, len + 1);
	}
	const char *why;
	if (units_fraction(val, &t->share, &why) < 0 || t->share < 0) {
		snprintf(err, errsize, "'%s' is not a tolerance: write a share such as 5%% or METRIC=10%%", text);
		return -1;
	}
	return 0;
}

static int holds(double x, enum slo_op op, double limit)
{
	switch (op) {
	case SLO_LT: return x < limit;
	case SLO_LE: return x <= limit;
	case SLO_GT: return x > limit;
	case SLO_GE: return x >= limit;
	case SLO_EQ: return x == limit;
	case SLO_NE: return x != limit;
	}
	return 0;
}

void slo_evaluate(const struct slo_check *c, const struct results *res, int point_mode, struct slo_result *r)
{
	memset(r, 0, sizeof *r);
	const struct ci *ci = results_ci(res, c->scope, c->metric);
	if (!ci) {
		r->verdict = SLO_MISSING;
		return;
	}
	r->ci = *ci;
	double lo = ci->mean - ci->half, hi = ci->mean + ci->half;
	if (point_mode) {
		r->verdict = holds(ci->mean, c->op, c->limit) ? SLO_PASS : SLO_FAIL;
		return;
	}
	/* The whole interval on one side: every value in it holds, or none. */
	int all = holds(lo, c->op, c->limit) && holds(hi, c->op, c->limit);
	int none = !holds(lo, c->op, c->limit) && !holds(hi, c->op, c->limit);
	if (c->op == SLO_NE) { /* [lo, hi] holds everywhere only if it leaves the limit out */
		all = lo > c->limit || hi < c->limit;
		none = lo == c->limit && hi == c->limit;
	} else if (c->op == SLO_EQ) {
		none = lo > c->limit || hi < c->limit;
	}
	if (ci->n < 2 && !(ci->n == 1 && ci->half == 0 && (all || none) && c->op == SLO_EQ)) {
		r->verdict = SLO_INCONCLUSIVE; /* a single replication has no interval */
		r->reps_needed = 2;
		return;
	}
	if (all)
		r->verdict = SLO_PASS;
	else if (none)
		r->verdict = SLO_FAIL;
	else {
		r->verdict = SLO_INCONCLUSIVE;
		/* The half-width shrinks as 1/sqrt(n): it must come below the gap. */
		double gap = fabs(ci->mean - c->limit);
		r->reps_needed = gap > 0 ? (long)ceil((double)ci->n * (ci->half / gap) * (ci->half / gap)) : 0;
		if (r->reps_needed > 0 && r->reps_needed <= (long)ci->n)
			r->reps_needed = (long)ci->n + 1;
	}
}

void slo_format_limit(const struct slo_check *c, char *buf, size_t n)
{
	char v[64];
	metric_format(v, sizeof v, c->def->unit, c->limit);
	snprintf(buf, n, "%s %s", op_text[c->op], v);
}

void slo_format(const struct slo_check *c, const struct slo_result *r, char *buf, size_t n)
{
	/* (the line may be cut at n; it is for people) */
	static const char *const mark[] = {"\u2713", "\u2717", "?", "\u2717"};
	char v[96] = "not reported";
	if (r->verdict != SLO_MISSING)
		metric_format_ci(v, sizeof v, c->def->unit, &r->ci);
	char note[512] = "";
	if (r->verdict == SLO_INCONCLUSIVE && r->ci.n < 2)
		snprintf(note, sizeof note, "  (inconclusive: one replication has no interval; run at least 2)");
	else if (r->verdict == SLO_INCONCLUSIVE && r->reps_needed > 0)
		snprintf(note, sizeof note, "  (inconclusive: about %ld replications would likely settle it)",
			 r->reps_needed);
	else if (r->verdict == SLO_INCONCLUSIVE)
		snprintf(note, sizeof note, "  (inconclusive: the mean is on the limit)");
	else if (r->verdict == SLO_MISSING)
		snprintf(note, sizeof note, "  (this run reports no '%s' for '%s')", c->metric, c->scope);
	snprintf(buf, n, "%s %-40s %s%s", mark[r->verdict], c->text, v, note);
}

int slo_print(FILE *out, const struct slo_check *checks, size_t n, const struct results *res, int point_mode)
{
	if (n == 0)
		return 0;
	int passed = 0, failed = 0, inconclusive = 0;
	if (out)
		fprintf(out, "\nSLO checks (%s)\n",
			point_mode ? "point mode: the mean against the limit"
				   : "interval mode: a check passes when its whole confidence interval is on the right "
				     "side");
	for (size_t i = 0; i < n; i++) {
		struct slo_result r;
		char line[1024];
		slo_evaluate(&checks[i], res, point_mode, &r);
		slo_format(&checks[i], &r, line, sizeof line);
		if (out)
			fprintf(out, "  %s\n", line);
		passed += r.verdict == SLO_PASS;
		failed += r.verdict == SLO_FAIL || r.verdict == SLO_MISSING;
		inconclusive += r.verdict == SLO_INCONCLUSIVE;
	}
	if (out) {
		fprintf(out, "%d passed, %d failed", passed, failed);
		if (inconclusive)
			fprintf(out, ", %d inconclusive", inconclusive);
		fprintf(out, "\n");
	}
	return failed + inconclusive;
}
