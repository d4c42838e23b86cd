/* metrics.c - see metrics.h. */
#include "metrics.h"

#include <math.h>
#include <string.h>

#include "../sim/engine/units.h"
#include "../sim/engine/util.h"

static int node_named(struct metric_resolver *mr, const char *name, size_t len)
{
	const struct net_spec *spec = mr->spec;
	/* Metrics come node by node, in order: the last node, or the next. */
	for (int i = mr->last < 0 ? 0 : mr->last; i <= mr->last + 1 && i < spec->n_nodes; i++)
		if (strlen(spec->nodes[i].name) == len && strncmp(spec->nodes[i].name, name, len) == 0)
			return mr->last = i;
	for (int i = 0; i < spec->n_nodes; i++)
		if (strlen(spec->nodes[i].name) == len && strncmp(spec->nodes[i].name, name, len) == 0)
			return mr->last = i;
	return -1;
}

const struct metric_def *metric_resolve(struct metric_resolver *mr, const char *scope, const char *key, int *node)
{
	*node = -1;
	if (strcmp(scope, "e2e") == 0)
		return metric_find(NULL, MS_E2E, key);
	if (strcmp(scope, "failures") == 0)
		return metric_find(NULL, MS_FAILURES, key);
	if (strcmp(scope, "run") == 0)
		return metric_find(NULL, MS_RUN, key);
	if (strncmp(scope, "class:", 6) == 0)
		return metric_find(NULL, MS_CLASS, key);
	/* Node names hold neither '/' nor '>', so the first of them ends it. */
	const char *arrow = strstr(scope, "->"), *slash = strchr(scope, '/');
	size_t len = arrow ? (size_t)(arrow - scope) : slash ? (size_t)(slash - scope) : strlen(scope);
	int i = node_named(mr, scope, len);
	if (i < 0)
		return NULL;
	const struct node_kind *k = mr->spec->nodes[i].kind;
	if (!k)
		return NULL; /* a node of an unknown kind (reported): it reports nothing */
	*node = i;
	unsigned bit = arrow                      ? MS_POOL
		       : slash                    ? MS_INSTANCE
		       : k->flags & KIND_WORKLOAD ? MS_WORKLOAD
		       : k->flags & KIND_LINK     ? MS_LINK
						  : MS_NODE;
	return metric_find(k, bit, key);
}

void metric_format(char *buf, size_t n, enum metric_unit u, double v)
{
	char t[40];
	switch (u) {
	case MU_RATE: snprintf(buf, n, "%.1f/s", v); return;
	case MU_SECONDS:
		units_format_duration(v, t, sizeof t);
		snprintf(buf, n, "%s", t);
		return;
	case MU_FRACTION: snprintf(buf, n, "%.1f%%", 100 * v); return;
	case MU_DOLLARS_HOUR: snprintf(buf, n, "$%.3f/h", v); return;
	case MU_NUMBER: snprintf(buf, n, "%.2f", v); return;
	case MU_RATIO: snprintf(buf, n, "%.2fx", v); return;
	case MU_BYTES_S:
		if (fabs(v) >= 1e9)
			snprintf(buf, n, "%.3gGB/s", v / 1e9);
		else if (fabs(v) >= 1e6)
			snprintf(buf, n, "%.3gMB/s", v / 1e6);
		else if (fabs(v) >= 1e3)
			snprintf(buf, n, "%.3gkB/s", v / 1e3);
		else
			snprintf(buf, n, "%.0fB/s", v);
		return;
	case MU_GBITS_S:
		if (fabs(v) >= 1 || v == 0)
			snprintf(buf, n, "%.3gGbit/s", v);
		else
			snprintf(buf, n, "%.3gMbit/s", v * 1e3);
		return;
	case MU_MINUTES_MONTH: snprintf(buf, n, "%.1fmin/month", v); return;
	case MU_DOLLARS_MONTH: snprintf(buf, n, "$%.2f/month", v); return;
	case MU_DOLLARS: snprintf(buf, n, "$%.4f", v); return;
	case MU_COUNT:
	case MU_N: break;
	}
	snprintf(buf, n, "%.0f", v);
}

/* Whether s shows a nonzero digit (a formatted number). */
static int shows_nonzero(const char *s)
{
	for (; *s; s++) {
		if (*s == 'e' || *s == 'E')
			return 1; /* an exponent: small, not zero */
		if (*s >= '1' && *s <= '9')
			return 1;
		if (!(*s == '0' || *s == '.' || *s == '-' || *s == '+' || *s == '$'))
			break; /* the unit */
	}
	return 0;
}

void metric_format_ci(char *buf, size_t n, enum metric_unit u, const struct ci *c)
{
	char a[48], b[48];
	metric_format(a, sizeof a, u, c->mean);
	if (c->n < 2) {
		snprintf(buf, n, "%s", a);
		return;
	}
	metric_format(b, sizeof b, u, c->half);
	/* Zero to the precision printed: a fixed-decimal format that rounds
	 * it away, or a duration far below the mean's last digit (the
	 * rounding noise of identical replications). */
	if (!shows_nonzero(b) || c->half <= 1e-9 * fabs(c->mean))
		snprintf(buf, n, "%s ±0", a);
	else
		snprintf(buf, n, "%s ±%s", a, b);
}

/* The tables, in the order of the reference, with who reports them. */
static void reference_rows(FILE *out, const struct metric_def *t, const char *who, int markdown)
{
	for (; t->name; t++) {
		char scopes[96];
		metric_scopes_text(t->scopes, scopes, sizeof scopes);
		const char *unit = metric_unit_name(t->unit), *role = metric_role_name(t->role);
		if (markdown) {
			fprintf(out, "| `%s` | %s | %s | %s | %s%s%s | %s | %s |\n", t->name, who, scopes, unit, role,
				t->resource ? ": " : "", t->resource ? t->resource : "", metric_better_name(t->better),
				t->meaning);
		} else {
			char r[64];
			snprintf(r, sizeof r, "%s%s%s", role, t->resource ? ": " : "", t->resource ? t->resource : "");
			fprintf(out, "%-30s %-14s %-22s %-10s %-28s %-7s %s\n", t->name, who, scopes, unit, r,
				metric_better_name(t->better), t->meaning);
		}
	}
}

void metrics_print_reference(FILE *out, int markdown)
{
	if (markdown) {
		fprintf(out, "| metric | reported by | scope | unit | role | better | meaning |\n");
		fprintf(out, "|---|---|---|---|---|---|---|\n");
	} else {
		fprintf(out, "%-30s %-14s %-22s %-10s %-28s %-7s %s\n", "metric", "reported by", "scope", "unit",
			"role", "better", "meaning");
	}
	reference_rows(out, metric_outcomes, "clients", markdown);
	reference_rows(out, metric_node_base, "every node", markdown);
	/* Each kind's own table, and each engine's, once, named by every kind
	 * that has it. */
	for (size_t i = 0; node_kinds[i]; i++) {
		const struct metric_def *own[2] = {node_kinds[i]->engine_metrics, node_kinds[i]->metrics};
		for (int o = 0; o < 2; o++) {
			const struct metric_def *t = own[o];
			int seen = 0;
			for (size_t j = 0; j < i; j++)
				seen |= node_kinds[j]->metrics == t || node_kinds[j]->engine_metrics == t;
			if (!t || seen)
				continue;
			char who[128] = "";
			for (size_t j = i; node_kinds[j]; j++)
				if (node_kinds[j]->metrics == t || node_kinds[j]->engine_metrics == t)
					snprintf(who + strlen(who), sizeof who - strlen(who), "%s%s",
						 who[0] ? ", " : "", node_kinds[j]->name);
			reference_rows(out, t, who, markdown);
		}
	}
	reference_rows(out, metric_failures, "failure log", markdown);
	reference_rows(out, metric_run, "engine", markdown);
}

int metric_unit_parse(const char *s)
{
	for (int u = 0; u < MU_N; u++)
		if (strcmp(metric_unit_name((enum metric_unit)u), s) == 0)
			return u;
	return -1;
}
