/* html.c - see html.h. */
#include "html.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "../models/metric.h"
#include "../sim/engine/util.h"
#include "metrics.h"
#include "safefile.h"
#include "version.h"

#define FILE_MAX (64u << 20)

void html_esc(FILE *f, const char *s)
{
	for (; s && *s; s++)
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
}

/* The colours of plots/style.gp, by a node's position in the scenario. */
static const char *const palette[10] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b",
					"#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#393b79"};

/* ---- the system's diagram, from scenario.resolved.yaml -------------------------- */

#define DIA_MAX   512
#define DIA_EDGES 2048

struct dia_node {
	char name[128], kind[48];
	char *refs; /* the text of its references (targets, calls, ...), owned */
	int level, row;
};

struct diagram {
	struct dia_node n[DIA_MAX];
	int nn;
	int from[DIA_EDGES], to[DIA_EDGES], dashed[DIA_EDGES];
	int ne;
};

static const char *scalar_of(yaml_document_t *doc, yaml_node_t *m, const char *key)
{
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key), *v = yaml_document_get_node(doc, p->value);
		if (k->type == YAML_SCALAR_NODE && strcmp((const char *)k->data.scalar.value, key) == 0 &&
		    v->type == YAML_SCALAR_NODE)
			return (const char *)v->data.scalar.value;
	}
	return NULL;
}

/* Every scalar under v, appended to *text (space-separated). */
static void collect(yaml_document_t *doc, yaml_node_t *v, char **text, size_t *len)
{
	if (v->type == YAML_SCALAR_NODE) {
		size_t add = strlen((const char *)v->data.scalar.value);
		*text = xrealloc(*text, *len + add + 2);
		memcpy(*text + *len, v->data.scalar.value, add);
		(*text)[*len + add] = ' ';
		*len += add + 1;
		(*text)[*len] = '\0';
	} else if (v->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *i = v->data.sequence.items.start; i < v->data.sequence.items.top; i++)
			collect(doc, yaml_document_get_node(doc, *i), text, len);
	} else if (v->type == YAML_MAPPING_NODE) {
		for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++)
			collect(doc, yaml_document_get_node(doc, p->value), text, len);
	}
}

/* The keys whose values name other nodes: requests go there (or, for an
 * autoscaler's group, it acts on it). */
static int is_ref_key(const char *k)
{
	static const char *const keys[] = {"target", "targets", "calls", "default", "routes", "group", "classes"};
	for (size_t i = 0; i < ARRAY_LEN(keys); i++)
		if (strcmp(k, keys[i]) == 0)
			return 1;
	return 0;
}

static void read_items(yaml_document_t *doc, yaml_node_t *seq, struct diagram *d, int workloads)
{
	if (!seq || seq->type != YAML_SEQUENCE_NODE)
		return;
	for (yaml_node_item_t *i = seq->data.sequence.items.start; i < seq->data.sequence.items.top && d->nn < DIA_MAX;
	     i++) {
		yaml_node_t *m = yaml_document_get_node(doc, *i);
		if (m->type != YAML_MAPPING_NODE || !scalar_of(doc, m, "name"))
			continue;
		const char *kind = workloads ? "workload" : scalar_of(doc, m, "kind");
		if (!kind || strcmp(kind, "link") == 0)
			continue; /* a link is the line between two boxes */
		struct dia_node *n = &d->n[d->nn++];
		snprintf(n->name, sizeof n->name, "%s", scalar_of(doc, m, "name"));
		snprintf(n->kind, sizeof n->kind, "%s", kind);
		size_t len = 0;
		n->refs = xcalloc(1, 1);
		for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
			yaml_node_t *k = yaml_document_get_node(doc, p->key);
			if (k->type == YAML_SCALAR_NODE && is_ref_key((const char *)k->data.scalar.value))
				collect(doc, yaml_document_get_node(doc, p->value), &n->refs, &len);
		}
	}
}

static int node_index(const struct diagram *d, const char *name, size_t len)
{
	for (int i = 0; i < d->nn; i++)
		if (strlen(d->n[i].name) == len && strncmp(d->n[i].name, name, len) == 0)
			return i;
	return -1;
}

static int is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
	       c == '.';
}

/* The edges: every word of a node's references that names a node. */
static void find_edges(struct diagram *d)
{
	for (int i = 0; i < d->nn; i++) {
		const char *s = d->n[i].refs;
		while (*s) {
			while (*s && !is_name_char(*s))
				s++;
			const char *w = s;
			while (*s && is_name_char(*s))
				s++;
			int j = s > w ? node_index(d, w, (size_t)(s - w)) : -1;
			int dup = 0;
			for (int e = 0; e < d->ne; e++)
				dup |= d->from[e] == i && d->to[e] == j;
			if (j >= 0 && j != i && !dup && d->ne < DIA_EDGES) {
				d->from[d->ne] = i;
				d->to[d->ne] = j;
				d->dashed[d->ne++] = strcmp(d->n[i].kind, "autoscaler") == 0;
			}
		}
	}
	/* Levels: the longest path of calls from a workload (the graph has no
	 * cycle: the loader refuses them); an autoscaler beside its group. */
	for (int pass = 0; pass < d->nn; pass++)
		for (int e = 0; e < d->ne; e++) {
			if (d->dashed[e])
				continue;
			if (d->n[d->to[e]].level < d->n[d->from[e]].level + 1)
				d->n[d->to[e]].level = d->n[d->from[e]].level + 1;
		}
	for (int e = 0; e < d->ne; e++)
		if (d->dashed[e])
			d->n[d->from[e]].level = d->n[d->to[e]].level;
}

static int read_diagram(const char *dir, struct diagram *d)
{
	char path[PATH_MAX + 64], err[256], *text = NULL;
	size_t len = 0;
	snprintf(path, sizeof path, "%s/scenario.resolved.yaml", dir);
	if (safe_read(path, NULL, FILE_MAX, &text, &len, err, sizeof err) != 0)
		return -1;
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	int ok = yaml_parser_load(&parser, &doc);
	yaml_parser_delete(&parser);
	free(text);
	if (!ok)
		return -1;
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	if (root && root->type == YAML_MAPPING_NODE) {
		for (int sec = 0; sec < 2; sec++)
			for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
			     p++) {
				yaml_node_t *k = yaml_document_get_node(&doc, p->key);
				if (k->type == YAML_SCALAR_NODE &&
				    strcmp((const char *)k->data.scalar.value, sec ? "nodes" : "workloads") == 0)
					read_items(&doc, yaml_document_get_node(&doc, p->value), d, !sec);
			}
	}
	yaml_document_delete(&doc);
	find_edges(d);
	return d->nn > 0 ? 0 : -1;
}

#define BOX_W 150
#define BOX_H 48
#define COL_W 210
#define ROW_H 72

static void write_diagram(FILE *f, struct diagram *d)
{
	int rows[DIA_MAX] = {0}, levels = 0, max_rows = 0;
	for (int i = 0; i < d->nn; i++) {
		int l = d->n[i].level < DIA_MAX ? d->n[i].level : DIA_MAX - 1;
		d->n[i].row = rows[l]++;
		levels = l + 1 > levels ? l + 1 : levels;
		max_rows = rows[l] > max_rows ? rows[l] : max_rows;
	}
	int w = 20 + levels * COL_W - (COL_W - BOX_W) + 20, h = 20 + max_rows * ROW_H;
	fprintf(f,
		"<svg class=\"diagram\" viewBox=\"0 0 %d %d\" style=\"max-width:%dpx\" role=\"img\" "
		"aria-label=\"the nodes and their calls\" "
		"xmlns=\"http://www.w3.org/2000/svg\">\n<defs><marker id=\"cp-arrow\" viewBox=\"0 0 10 10\" "
		"refX=\"10\" "
		"refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 "
		"L0,10 z\" fill=\"#555\"/></marker></defs>\n",
		w, h, w);
	for (int e = 0; e < d->ne; e++) {
		const struct dia_node *a = &d->n[d->from[e]], *b = &d->n[d->to[e]];
		int x1 = 20 + a->level * COL_W + BOX_W, y1 = 20 + a->row * ROW_H + BOX_H / 2;
		int x2 = 20 + b->level * COL_W, y2 = 20 + b->row * ROW_H + BOX_H / 2;
		if (d->dashed[e]) /* an autoscaler, below or above its group in the same column */
			fprintf(f,
				"<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\" stroke-dasharray=\"5 "
				"4\"/>\n",
				x1 - BOX_W / 2, a->row < b->row ? y1 + BOX_H / 2 : y1 - BOX_H / 2, x2 + BOX_W / 2,
				a->row < b->row ? y2 - BOX_H / 2 : y2 + BOX_H / 2);
		else
			fprintf(f,
				"<path d=\"M%d,%d C%d,%d %d,%d %d,%d\" fill=\"none\" stroke=\"#555\" "
				"stroke-width=\"1.5\" "
				"marker-end=\"url(#cp-arrow)\"/>\n",
				x1, y1, (x1 + x2) / 2, y1, (x1 + x2) / 2, y2, x2, y2);
	}
	for (int i = 0; i < d->nn; i++) {
		const struct dia_node *n = &d->n[i];
		int x = 20 + n->level * COL_W, y = 20 + n->row * ROW_H;
		fprintf(f,
			"<g><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"8\" fill=\"#fff\" stroke=\"%s\" "
			"stroke-width=\"2.5\"/><text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"15\" "
			"font-weight=\"600\">",
			x, y, BOX_W, BOX_H, palette[i % 10], x + BOX_W / 2, y + 21);
		html_esc(f, n->name);
		fprintf(f, "</text><text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"12\" fill=\"#555\">",
			x + BOX_W / 2, y + 38);
		html_esc(f, n->kind);
		fprintf(f, "</text></g>\n");
	}
	fprintf(f, "</svg>\n");
}

/* ---- numbers ------------------------------------------------------------------- */

/* "825.0/s ±2.6/s" from a summary.json interval {mean, half_width, unit}. */
static void ci_text(const json_t *v, char *buf, size_t n)
{
	const char *unit = json_string_value(json_object_get(v, "unit"));
	int u = unit ? metric_unit_parse(unit) : -1;
	struct ci c = {.n = 2,
		       .mean = json_number_value(json_object_get(v, "mean")),
		       .half = json_number_value(json_object_get(v, "half_width"))};
	if (!json_is_object(v))
		snprintf(buf, n, "–");
	else if (u < 0)
		snprintf(buf, n, "%.4g ±%.2g", c.mean, c.half);
	else
		metric_format_ci(buf, n, (enum metric_unit)u, &c);
}

static void card(FILE *f, const json_t *e2e, const char *key, const char *label)
{
	const json_t *v = json_object_get(e2e, key);
	if (!v)
		return;
	char t[128];
	ci_text(v, t, sizeof t);
	fprintf(f, "<div class=\"card\"><div class=\"label\">");
	html_esc(f, label);
	fprintf(f, "</div><div class=\"value\">");
	html_esc(f, t);
	fprintf(f, "</div></div>\n");
}

/* ---- pictures ------------------------------------------------------------------ */

static const struct {
	const char *name, *caption;
} pictures[] = {
	{"bottleneck",
	 "Utilization of every node over the measured time, with its 95% interval; the bottleneck marked."},
	{"utilization", "Utilization of every node over simulated time; the warm-up and failures shaded."},
	{"requests", "Requests per second at every node (each period's count over its length)."},
	{"errors", "5xx answers per second, by status code."},
	{"latency", "Response time p50 and p99 per node over simulated time (log scale)."},
	{"latency-cdf", "The end-to-end latency's cumulative distribution with its 95% band, the percentiles marked; "
			"with --access-log, the logged requests' beside it."},
	{"health", "The load balancers' healthy targets and surge queue."},
	{"instances", "The instances of each autoscaled tier: in service and desired."},
	{"welch", "Welch's plot for choosing the warm-up: the first workload's latency per period and its moving "
		  "average; the warm-up should end where the average levels off."},
	{"sweep-latency", "Latency at each point of the sweep, with its 95% interval as a band."},
	{"sweep-throughput", "Throughput served against offered: where it leaves the diagonal, the system saturates."},
	{"sweep-availability", "Availability at each point, of requests and of time, with 95% intervals: against "
			       "redundancy when the sweep varies instances."},
	{"sweep-cost", "What each point costs per hour against the throughput it serves."},
	{"scale-cost", "Each configuration's cost against the highest load it carries with every SLO met: the lower "
		       "line is the cheaper way to a load, and where the lines cross the cheaper strategy changes."},
};

/* Inlines dir/name.svg (from its <svg>); 1 if it was there. */
int html_inline_svg(FILE *f, const char *dir, const char *name, const char *caption)
{
	char path[PATH_MAX + 64], err[256], *text = NULL;
	size_t len = 0;
	snprintf(path, sizeof path, "%s/%s.svg", dir, name);
	if (access(path, F_OK) != 0 || safe_read(path, NULL, FILE_MAX, &text, &len, err, sizeof err) != 0)
		return 0;
	const char *svg = strstr(text, "<svg");
	if (!svg) {
		free(text);
		return 0;
	}
	fprintf(f, "<figure>\n");
	const char *title = strstr(svg, "<title>Gnuplot</title>"); /* gnuplot's own, a misleading tooltip */
	if (title) {
		fwrite(svg, 1, (size_t)(title - svg), f);
		svg = title + strlen("<title>Gnuplot</title>");
	}
	fputs(svg, f);
	fprintf(f, "<figcaption>");
	html_esc(f, caption);
	fprintf(f, "</figcaption>\n</figure>\n");
	free(text);
	return 1;
}

/* The pictures of one kind of directory: 0 a run's, 1 a sweep's, 2 a scale study's. */
static void write_pictures(FILE *f, const char *dir, int which)
{
	fprintf(f, "<section><h2>Pictures</h2>\n");
	int n = 0;
	for (size_t i = 0; i < ARRAY_LEN(pictures); i++) {
		const char *p = pictures[i].name;
		int kind = strncmp(p, "sweep-", 6) == 0 ? 1 : strncmp(p, "scale-", 6) == 0 ? 2 : 0;
		if (kind == which)
			n += html_inline_svg(f, dir, p, pictures[i].caption);
	}
	if (n == 0)
		fprintf(f, "<p class=\"note\">No pictures yet: run with <code>--plot</code>, or <code>chokepoint plot "
			   "DIR</code>, and this page shows them.</p>\n");
	fprintf(f, "</section>\n");
}

/* ---- the page ------------------------------------------------------------------ */

static const char style[] =
	"<style>\n"
	":root{color-scheme:light}\n"
	"body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;margin:0;"
	"color:#1b1b1b;background:#fafafa;line-height:1.45}\n"
	"main{max-width:980px;margin:0 auto;padding:12px 16px 40px}\n"
	"h1{font-size:1.5rem;margin:.6em 0 .2em;overflow-wrap:anywhere}h2{font-size:1.15rem;margin:1.6em 0 .5em;"
	"border-bottom:1px solid #ddd;padding-bottom:.2em}\n"
	".meta{color:#555;font-size:.9rem;overflow-wrap:anywhere}\n"
	".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px}\n"
	".card{background:#fff;border:1px solid #ddd;border-radius:8px;padding:8px 10px}\n"
	".card .label{font-size:.8rem;color:#555}.card .value{font-size:1.05rem;font-weight:600}\n"
	".scroll{overflow-x:auto}table{border-collapse:collapse;font-size:.88rem;background:#fff}\n"
	"th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;white-space:nowrap}"
	"th{background:#f0f0f0}td.num{text-align:right}\n"
	".pass{color:#17752b;font-weight:600}.fail{color:#b3261e;font-weight:600}.inconclusive{color:#8a5a00;"
	"font-weight:600}\n"
	"figure{margin:1em 0;background:#fff;border:1px solid #ddd;border-radius:8px;padding:6px}\n"
	"figure svg,svg.diagram{width:100%;height:auto;display:block}\n"
	"figcaption{font-size:.85rem;color:#444;padding:4px 6px}\n"
	".note{color:#555}code{background:#eee;padding:0 3px;border-radius:3px}\n"
	"footer{color:#777;font-size:.8rem;margin-top:2em}\n"
	".pair{display:grid;grid-template-columns:repeat(auto-fit,minmax(280px,1fr));gap:10px}\n"
	"</style>\n";

void html_page_head(FILE *f, const char *title)
{
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>chokepoint · ");
	html_esc(f, title);
	fprintf(f, "</title>\n%s</head>\n<body>\n<main>\n", style);
}

void html_page_foot(FILE *f)
{
	fprintf(f,
		"<footer>Written by chokepoint %s from the files of this directory; one file, no network.</footer>\n"
		"</main>\n</body>\n</html>\n",
		CHOKEPOINT_VERSION);
}

void scenario_stem(const char *scenario, char *out, size_t n)
{
	const char *base = strrchr(scenario, '/') ? strrchr(scenario, '/') + 1 : scenario;
	size_t len = strlen(base);
	if (len > 5 && strcmp(base + len - 5, ".yaml") == 0)
		len -= 5;
	else if (len > 4 && strcmp(base + len - 4, ".yml") == 0)
		len -= 4;
	snprintf(out, n, "%.*s", (int)len, base);
}

/* The page's head and its heading: the scenario's name (then what), and
 * its path to begin the line of facts under it, left open. */
static void page_top(FILE *f, const char *scenario, const char *what)
{
	char stem[256];
	scenario_stem(scenario, stem, sizeof stem);
	html_page_head(f, stem);
	fprintf(f, "<h1>");
	html_esc(f, stem);
	html_esc(f, what);
	fprintf(f, "</h1>\n<p class=\"meta\">");
	html_esc(f, scenario);
}

static void write_slo_table(FILE *f, const json_t *checks)
{
	if (json_array_size(checks) == 0) {
		fprintf(f, "<p class=\"note\">The scenario states no SLO.</p>\n");
		return;
	}
	fprintf(f, "<div class=\"scroll\"><table><tr><th>check</th><th>verdict</th><th>value</th></tr>\n");
	size_t i;
	json_t *c;
	json_array_foreach(checks, i, c)
	{
		const char *v = json_string_value(json_object_get(c, "verdict"));
		char t[128] = "–";
		if (json_object_get(c, "value"))
			ci_text(json_object_get(c, "value"), t, sizeof t);
		fprintf(f, "<tr><td>");
		html_esc(f, json_string_value(json_object_get(c, "check")));
		fprintf(f, "</td><td class=\"%s\">",
			v && strcmp(v, "pass") == 0   ? "pass"
			: v && strcmp(v, "fail") == 0 ? "fail"
						      : "inconclusive");
		html_esc(f, v);
		fprintf(f, "</td><td class=\"num\">");
		html_esc(f, t);
		fprintf(f, "</td></tr>\n");
	}
	fprintf(f, "</table></div>\n");
}

static void write_nodes_table(FILE *f, const json_t *nodes)
{
	static const char *const cols[] = {"utilization",  "throughput", "response_mean",
					   "response_p99", "rejections", "cost_per_hour"};
	fprintf(f, "<div class=\"scroll\"><table><tr><th>node</th><th>kind</th>");
	for (size_t c = 0; c < ARRAY_LEN(cols); c++)
		fprintf(f, "<th>%s</th>", cols[c]);
	fprintf(f, "</tr>\n");
	const char *name;
	json_t *n;
	json_object_foreach((json_t *)nodes, name, n)
	{
		fprintf(f, "<tr><td>");
		html_esc(f, name);
		fprintf(f, "</td><td>");
		html_esc(f, json_string_value(json_object_get(n, "kind")));
		fprintf(f, "</td>");
		for (size_t c = 0; c < ARRAY_LEN(cols); c++) {
			char t[128] = "–";
			if (json_object_get(n, cols[c]))
				ci_text(json_object_get(n, cols[c]), t, sizeof t);
			fprintf(f, "<td class=\"num\">");
			html_esc(f, t);
			fprintf(f, "</td>");
		}
		fprintf(f, "</tr>\n");
	}
	fprintf(f, "</table></div>\n");
}

/* failures.csv's rows of the first replication, as a table. */
struct fail_rows {
	FILE *f;
	long row;
	int field, show;
};

static void fr_field(void *s, size_t len, void *data)
{
	struct fail_rows *r = data;
	char t[256];
	snprintf(t, sizeof t, "%.*s", (int)(len < 255 ? len : 255), (const char *)s);
	if (r->field == 0)
		r->show = r->row == 0 || strcmp(t, "0") == 0;
	if (r->show && r->row < 200) {
		fprintf(r->f, r->row == 0 ? "<th>" : "<td>");
		html_esc(r->f, t);
		fprintf(r->f, r->row == 0 ? "</th>" : "</td>");
	}
	r->field++;
}

static void fr_row(int c, void *data)
{
	(void)c;
	struct fail_rows *r = data;
	if (r->show && r->row < 200)
		fprintf(r->f, "</tr>\n<tr>");
	r->row++;
	r->field = 0;
}

static void write_failures(FILE *f, const char *dir)
{
	char path[PATH_MAX + 64], err[256], *text = NULL;
	size_t len = 0;
	snprintf(path, sizeof path, "%s/failures.csv", dir);
	if (safe_read(path, NULL, FILE_MAX, &text, &len, err, sizeof err) != 0)
		return;
	fprintf(f, "<section><h2>Failures</h2>\n");
	if (!memchr(text, '\n', len) || (size_t)(strchr(text, '\n') - text) + 1 >= len) {
		fprintf(f, "<p class=\"note\">No failure happened.</p>\n");
	} else {
		fprintf(f, "<p class=\"note\">Those of the first replication (failures.csv has every one).</p>\n"
			   "<div class=\"scroll\"><table><tr>");
		struct fail_rows r = {.f = f};
		struct csv_parser p;
		csv_init(&p, CSV_APPEND_NULL);
		csv_parse(&p, text, len, fr_field, fr_row, &r);
		csv_fini(&p, fr_field, fr_row, &r);
		csv_free(&p);
		fprintf(f, "</tr></table></div>\n");
	}
	fprintf(f, "</section>\n");
	free(text);
}

static void write_run(FILE *f, const char *dir, const json_t *root)
{
	const json_t *sc = json_object_get(root, "scenario"), *sim = json_object_get(root, "simulation");
	const char *path = json_string_value(json_object_get(sc, "path"));
	page_top(f, path ? path : dir, "");
	fprintf(f, " · seed %lld · %lld replications of %gs after a warm-up of %gs · %lld events · chokepoint ",
		(long long)json_integer_value(json_object_get(sim, "seed")),
		(long long)json_integer_value(json_object_get(sim, "replications")),
		json_number_value(json_object_get(sim, "duration_s")),
		json_number_value(json_object_get(sim, "warmup_s")),
		(long long)json_integer_value(json_object_get(sim, "events")));
	html_esc(f, json_string_value(json_object_get(root, "version")));
	fprintf(f, "</p>\n");

	struct diagram *d = xcalloc(1, sizeof *d);
	fprintf(f, "<section><h2>The system</h2>\n");
	if (read_diagram(dir, d) == 0)
		write_diagram(f, d);
	else
		fprintf(f, "<p class=\"note\">No scenario.resolved.yaml to draw.</p>\n");
	fprintf(f, "</section>\n");
	for (int i = 0; i < d->nn; i++)
		free(d->n[i].refs);
	free(d);

	const json_t *e2e = json_object_get(root, "end_to_end");
	fprintf(f, "<section><h2>Headline</h2>\n<p class=\"note\">Means over the replications with their 95%% "
		   "confidence intervals.</p>\n<div class=\"cards\">\n");
	card(f, e2e, "served_throughput", "served throughput");
	card(f, e2e, "latency_mean", "mean latency");
	card(f, e2e, "latency_p50", "p50 latency");
	card(f, e2e, "latency_p99", "p99 latency");
	card(f, e2e, "availability", "availability");
	card(f, e2e, "error_rate", "error rate");
	card(f, e2e, "cost_per_hour", "cost per hour");
	fprintf(f, "</div>\n</section>\n");

	const json_t *b = json_object_get(root, "bottleneck");
	fprintf(f, "<section><h2>Bottleneck</h2>\n");
	if (json_is_object(b)) {
		char t[128];
		ci_text(json_object_get(b, "utilization"), t, sizeof t);
		fprintf(f, "<p><strong>");
		html_esc(f, json_string_value(json_object_get(b, "description")));
		fprintf(f, "</strong> at ");
		html_esc(f, t);
		fprintf(f, ": ");
		html_esc(f, json_string_value(json_object_get(b, "evidence")));
		fprintf(f, ".</p>\n");
		const char *tie = json_string_value(json_object_get(b, "tie_with"));
		if (tie) {
			fprintf(f, "<p>A tie with ");
			html_esc(f, tie);
			fprintf(f, ": fixing one leaves the other.</p>\n");
		}
		const json_t *next = json_object_get(b, "next");
		if (json_is_object(next)) {
			ci_text(json_object_get(next, "utilization"), t, sizeof t);
			fprintf(f, "<p>Next: ");
			html_esc(f, json_string_value(json_object_get(next, "description")));
			fprintf(f, " at ");
			html_esc(f, t);
			fprintf(f, ", where the bottleneck moves once this one has room.</p>\n");
		}
	} else {
		fprintf(f, "<p class=\"note\">No finite resource is busy enough to name.</p>\n");
	}
	fprintf(f, "</section>\n<section><h2>SLO checks</h2>\n");
	write_slo_table(f, json_object_get(json_object_get(root, "slo"), "checks"));
	fprintf(f, "</section>\n");
	write_pictures(f, dir, 0);
	fprintf(f, "<section><h2>Nodes</h2>\n");
	write_nodes_table(f, json_object_get(root, "nodes"));
	fprintf(f, "</section>\n");
	write_failures(f, dir);
	html_page_foot(f);
}

static void write_sweep(FILE *f, const char *dir, const json_t *root)
{
	const char *path = json_string_value(json_object_get(root, "scenario"));
	page_top(f, path ? path : dir, " — a sweep");
	fprintf(f, " · seed %lld · %lld replications a point · chokepoint ",
		(long long)json_integer_value(json_object_get(root, "seed")),
		(long long)json_integer_value(json_object_get(root, "replications")));
	html_esc(f, json_string_value(json_object_get(root, "version")));
	fprintf(f, "</p>\n<section><h2>Where the SLOs first fail</h2>\n");
	size_t i;
	json_t *k;
	if (json_array_size(json_object_get(root, "knees")) == 0)
		fprintf(f, "<p class=\"note\">Every SLO holds at every point.</p>\n");
	json_array_foreach(json_object_get(root, "knees"), i, k)
	{
		fprintf(f, "<p><code>");
		html_esc(f, json_string_value(json_object_get(k, "slo")));
		fprintf(f, "</code> first fails at ");
		html_esc(f, json_string_value(json_object_get(k, "at")));
		fprintf(f, ".</p>\n");
	}
	fprintf(f, "</section>\n");
	write_pictures(f, dir, 1);
	fprintf(f, "<section><h2>Points</h2>\n<div class=\"scroll\"><table><tr><th>point</th><th>values</th>"
		   "<th>served</th><th>p99 latency</th><th>bottleneck</th><th>SLO checks</th></tr>\n");
	json_t *p;
	json_array_foreach(json_object_get(root, "points"), i, p)
	{
		fprintf(f, "<tr><td class=\"num\">%lld</td><td>",
			(long long)json_integer_value(json_object_get(p, "point")));
		const char *key;
		json_t *v;
		int first = 1;
		json_object_foreach(json_object_get(p, "values"), key, v)
		{
			fprintf(f, "%s", first ? "" : ", ");
			html_esc(f, key);
			fputc('=', f);
			html_esc(f, json_string_value(v));
			first = 0;
		}
		const json_t *e2e = json_object_get(json_object_get(p, "metrics"), "e2e");
		char a[128] = "–", b[128] = "–";
		const json_t *m = json_object_get(e2e, "served_throughput");
		struct ci c = {.n = 2};
		if (m) {
			c.mean = json_number_value(json_object_get(m, "mean"));
			c.half = json_number_value(json_object_get(m, "half_width"));
			metric_format_ci(a, sizeof a, MU_RATE, &c);
		}
		if ((m = json_object_get(e2e, "latency_p99"))) {
			c.mean = json_number_value(json_object_get(m, "mean"));
			c.half = json_number_value(json_object_get(m, "half_width"));
			metric_format_ci(b, sizeof b, MU_SECONDS, &c);
		}
		fprintf(f, "</td><td class=\"num\">");
		html_esc(f, a);
		fprintf(f, "</td><td class=\"num\">");
		html_esc(f, b);
		fprintf(f, "</td><td>");
		html_esc(f, json_string_value(json_object_get(p, "bottleneck")));
		fprintf(f, "</td><td>");
		size_t j;
		json_t *s;
		json_array_foreach(json_object_get(p, "slo"), j, s)
		{
			const char *verdict = json_string_value(json_object_get(s, "verdict"));
			fprintf(f, "%s<span class=\"%s\">", j ? "<br>" : "",
				verdict && strcmp(verdict, "pass") == 0   ? "pass"
				: verdict && strcmp(verdict, "fail") == 0 ? "fail"
									  : "inconclusive");
			html_esc(f, verdict);
			fprintf(f, "</span> ");
			html_esc(f, json_string_value(json_object_get(s, "check")));
		}
		fprintf(f, "</td></tr>\n");
	}
	fprintf(f, "</table></div>\n</section>\n");
	html_page_foot(f);
}

static json_t *load_json(const char *dir, const char *name)
{
	char path[PATH_MAX + 64], err[256];
	int missing;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return safe_read_json(path, &missing, err, sizeof err);
}

/* A scale study's page: its text, as `chokepoint scale` printed it, and
 * its picture. */
static int write_scale(FILE *f, const char *dir)
{
	char path[PATH_MAX + 64], err[256], *text = NULL, node[256] = "", scen[PATH_MAX] = "", what[300];
	size_t len = 0;
	snprintf(path, sizeof path, "%s/scale.txt", dir);
	if (safe_read(path, NULL, FILE_MAX, &text, &len, err, sizeof err) != 0)
		return -1;
	const char *of = strstr(text, "scale study of ");
	if (!of || sscanf(of, "scale study of %255s in %4095s", node, scen) != 2)
		snprintf(scen, sizeof scen, "%s", dir);
	snprintf(what, sizeof what, " — scale-up against scale-out of %s", node);
	page_top(f, scen, what);
	fprintf(f, "</p>\n");
	write_pictures(f, dir, 2);
	fprintf(f, "<section><h2>The study</h2>\n<div class=\"scroll\"><pre>");
	const char *body = strchr(text, '\n'); /* its first line is the meta above */
	html_esc(f, body ? body + 1 : text);
	fprintf(f, "</pre></div>\n</section>\n");
	html_page_foot(f);
	free(text);
	return 0;
}

int html_report(const char *dir)
{
	json_t *run = load_json(dir, "summary.json"), *sweep = run ? NULL : load_json(dir, "sweep.json");
	char scale_txt[PATH_MAX + 64];
	snprintf(scale_txt, sizeof scale_txt, "%s/scale.txt", dir);
	int scale = !run && !sweep && access(scale_txt, F_OK) == 0;
	if (!run && !sweep && !scale) {
		fprintf(stderr, "chokepoint: '%s' holds no summary.json or sweep.json to report\n", dir);
		return -1;
	}
	char tmp[PATH_MAX + 64], final[PATH_MAX + 64];
	snprintf(final, sizeof final, "%s/report.html", dir);
	snprintf(tmp, sizeof tmp, "%s/.report.html.tmp-%ld", dir, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	int rc = 0;
	if (!f) {
		fprintf(stderr, "chokepoint: cannot create '%s': %s\n", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		rc = -1;
	} else {
		if (run)
			write_run(f, dir, run);
		else if (sweep)
			write_sweep(f, dir, sweep);
		else if (write_scale(f, dir) != 0)
			fprintf(stderr, "chokepoint: cannot read '%s'\n", scale_txt);
		if ((ferror(f) | (fclose(f) != 0)) || rename(tmp, final) != 0) {
			fprintf(stderr, "chokepoint: cannot write '%s': %s\n", final, strerror(errno));
			unlink(tmp);
			rc = -1;
		}
	}
	json_decref(run);
	json_decref(sweep);
	return rc;
}
