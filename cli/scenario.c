/*
 * scenario.c - see scenario.h: loading a scenario, from the bytes to a
 * net_spec.  This file holds the schema (the slots every section may hold,
 * libcyaml's schema built from the kinds' parameter tables) and the order
 * of the jobs: read, pre-scan, walk, load, parse values, resolve and check
 * references and the graph, SLOs, lints.  The jobs themselves are in
 * walk.c, values.c, graph.c and resolved.c (loader.h holds what they share).
 *
 * The kinds' parameter tables are the single source of truth: the libyaml
 * walk, the libcyaml schema and the typed parser all read them.  A section's
 * "slots" are the union of the keys its items may have (name, kind and
 * every kind's parameters); the raw item loaded by libcyaml has one string
 * (or list of strings) per slot.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <csv.h>
#include <cyaml/cyaml.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "../models/server.h"
#include "../sim/engine/dist.h"
#include "../sim/engine/units.h"
#include "../sim/engine/util.h"
#include "loader.h"
#include "safefile.h"
#include "slo.h"

const char *const section_key[SEC_N] = {"simulation", "workloads", "nodes", "failures", "catalog"};

#define OFF(f) offsetof(struct sim_cfg, f)
const struct param sim_params[] = {
	{"duration", PT_DURATION, OFF(duration), "10m", 1e-6, 1e9, NULL, 0,
	 "measured time per replication, after the warm-up"},
	{"warmup", PT_DURATION, OFF(warmup), "1m", 0, 1e9, NULL, 0,
	 "time simulated and then deleted from the statistics"},
	{"replications", PT_COUNT, OFF(replications), "10", 1, 100000, NULL, 0,
	 "independent replications (confidence intervals need at least 2)"},
	{"seed", PT_COUNT, OFF(seed), "1", 0, 9e18, NULL, 0, "master seed of all random streams"},
	{"period", PT_DURATION, OFF(period), "60s", 1e-3, 1e9, NULL, 0,
	 "length of one time-series period (CloudWatch uses 60s); if absent, 60s or longer for long runs "
	 "(5m, 1h, 1d, ...: at most 1,440 periods)"},
	{"max_events", PT_COUNT, OFF(max_events), "10000000000", 1000, 1e15, NULL, P_UNLIMITED,
	 "events per replication before the run is stopped"},
	{"max_failures", PT_COUNT, OFF(max_failures), "100000", 1, 1e9, NULL, P_UNLIMITED,
	 "failures per replication (each is recorded for failures.csv) before the run is stopped"},
	{"max_in_flight", PT_COUNT, OFF(max_in_flight), "1000000", 1, 1e10, NULL, P_UNLIMITED,
	 "requests alive at once, per replication (each about 740 bytes), before the run is stopped; if "
	 "absent, also at most half the machine's memory over the parallel jobs"},
	{"slo", PT_FRACTION, OFF(slo), "99.9%", 0, 1, NULL, 0,
	 "availability target: error_budget_used compares the failed requests with it"},
	{0},
};
#undef OFF

/* The pseudo-kind that gives the simulation section its table. */
const struct node_kind sim_section_kind = {
	.name = "simulation",
	.params = sim_params,
	.cfg_size = sizeof(struct sim_cfg),
};

const cyaml_schema_value_t string_entry = {
	CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 0, CYAML_UNLIMITED),
};

static void add_params(struct slots *s, const struct param *p);

/* Adds p's key to a section's (or a table's) slots; its slot number. */
static int add_slot(struct slots *s, const char *key, const struct param *p)
{
	enum shape shape = p ? shape_of(p) : SHAPE_SCALAR;
	for (int i = 0; i < s->n; i++) {
		if (strcmp(s->key[i], key) == 0) {
			SIM_ASSERT(s->shape[i] == (int)shape); /* kinds must agree on shape */
			if (shape == SHAPE_TABLE)
				add_params(s->sub[i], param_table_of(p)->sub); /* the union of the kinds' entry keys */
			return i;
		}
	}
	SIM_ASSERT(s->n < MAX_SLOTS);
	int i = s->n++;
	s->key[i] = key;
	s->shape[i] = (int)shape;
	cyaml_schema_field_t *f = &s->fields[i];
	memset(f, 0, sizeof(*f));
	f->key = key;
	if (shape == SHAPE_LIST) {
		f->data_offset = (uint32_t)(offsetof(struct raw_item, list) + i * sizeof(char **));
		f->count_offset = (uint32_t)(offsetof(struct raw_item, n_list) + i * sizeof(uint32_t));
		f->count_size = sizeof(uint32_t);
		f->value.type = CYAML_SEQUENCE;
		f->value.flags = CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL | CYAML_FLAG_FLOW;
		f->value.data_size = sizeof(char *);
		f->value.sequence.entry = &string_entry;
		f->value.sequence.min = 0;
		f->value.sequence.max = NODE_LIST_MAX;
	} else if (shape == SHAPE_TABLE) {
		s->sub[i] = xcalloc(1, sizeof(struct slots));
		add_params(s->sub[i], param_table_of(p)->sub);
		s->sub_entry[i] = (cyaml_schema_value_t){
			.type = CYAML_MAPPING,
			.flags = CYAML_FLAG_DEFAULT,
			.data_size = sizeof(struct raw_item),
			.mapping = {.fields = s->sub[i]->fields},
		};
		f->data_offset = (uint32_t)(offsetof(struct raw_item, tab) + i * sizeof(struct raw_item *));
		f->count_offset = (uint32_t)(offsetof(struct raw_item, n_tab) + i * sizeof(uint32_t));
		f->count_size = sizeof(uint32_t);
		f->value.type = CYAML_SEQUENCE;
		f->value.flags = CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL;
		f->value.data_size = sizeof(struct raw_item);
		f->value.sequence.entry = &s->sub_entry[i];
		f->value.sequence.min = 0;
		f->value.sequence.max = TABLE_MAX;
	} else {
		f->data_offset = (uint32_t)(offsetof(struct raw_item, v) + i * sizeof(char *));
		f->value.type = CYAML_STRING;
		f->value.flags = CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL;
		f->value.data_size = sizeof(char *);
		f->value.string.min = 0;
		f->value.string.max = CYAML_UNLIMITED;
	}
	s->fields[s->n] = (cyaml_schema_field_t)CYAML_FIELD_END;
	return i;
}

int slot_of(const struct slots *s, const char *key)
{
	for (int i = 0; i < s->n; i++)
		if (strcmp(s->key[i], key) == 0)
			return i;
	return -1;
}

static void add_params(struct slots *s, const struct param *p)
{
	for (; p->key; p++)
		add_slot(s, p->key, p);
}

static void free_slots(struct slots *s)
{
	for (int i = 0; i < s->n; i++) {
		if (s->sub[i]) {
			free_slots(s->sub[i]);
			free(s->sub[i]);
		}
	}
}

static void capture_log(cyaml_log_t level, void *ctx, const char *fmt, va_list args)
{
	struct scenario_impl *im = ctx;
	if (level < CYAML_LOG_ERROR)
		return;
	size_t n = strlen(im->log);
	if (n + 1 < sizeof(im->log))
		vsnprintf(im->log + n, sizeof(im->log) - n, fmt, args);
}

/* The section an item of kind k is written in. */
int section_of_kind(const struct node_kind *k)
{
	return k->flags & KIND_WORKLOAD ? SEC_WORKLOADS : k->flags & KIND_INJECTOR ? SEC_FAILURES : SEC_NODES;
}

static void build_top(struct scenario_impl *im);

static void build_schema(struct scenario_impl *im)
{
	add_params(&im->slots[SEC_SIM], sim_params);
	add_slot(&im->slots[SEC_WORKLOADS], "name", NULL);
	add_slot(&im->slots[SEC_NODES], "name", NULL);
	add_slot(&im->slots[SEC_NODES], "kind", NULL);
	add_slot(&im->slots[SEC_FAILURES], "name", NULL);
	add_slot(&im->slots[SEC_CATALOG], "name", NULL);
	add_params(&im->slots[SEC_CATALOG], size_section_kind.params);
	for (int k = 0; node_kinds[k]; k++) {
		int sec = section_of_kind(node_kinds[k]);
		add_params(&im->slots[sec], node_kinds[k]->params);
	}
	for (int s = 0; s < SEC_N; s++) {
		cyaml_schema_value_t *v = &im->item_value[s];
		v->type = CYAML_MAPPING;
		v->flags = s == SEC_SIM ? CYAML_FLAG_POINTER : CYAML_FLAG_DEFAULT;
		v->data_size = sizeof(struct raw_item);
		v->mapping.fields = im->slots[s].fields;
	}
	build_top(im);
}

/* The top level of libcyaml's schema: the sections of items, then the
 * lists of lines (slo, tolerance, sweep); libcyaml's configuration. */
static void build_top(struct scenario_impl *im)
{
	cyaml_schema_field_t *f = im->top_fields;
	f[0] = (cyaml_schema_field_t){
		.key = "simulation",
		.data_offset = offsetof(struct raw_doc, simulation),
		.value = im->item_value[SEC_SIM],
	};
	f[0].value.flags = CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL;
	static const size_t data_off[SEC_CATALOG] = {0, offsetof(struct raw_doc, workloads),
						     offsetof(struct raw_doc, nodes),
						     offsetof(struct raw_doc, failures)};
	static const size_t count_off[SEC_CATALOG] = {0, offsetof(struct raw_doc, n_workloads),
						      offsetof(struct raw_doc, n_nodes),
						      offsetof(struct raw_doc, n_failures)};
	for (int s = SEC_WORKLOADS; s < SEC_CATALOG; s++) { /* the catalog is not libcyaml's (catalog.c) */
		f[s] = (cyaml_schema_field_t){
			.key = section_key[s],
			.data_offset = (uint32_t)data_off[s],
			.count_offset = (uint32_t)count_off[s],
			.count_size = sizeof(uint32_t),
			.value =
				{
					.type = CYAML_SEQUENCE,
					.flags = CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
					.data_size = sizeof(struct raw_item),
					.sequence = {.entry = &im->item_value[s], .min = 0, .max = MAX_ITEMS},
				},
		};
	}
	f += SEC_CATALOG; /* then the lists of lines */
	f[0] = (cyaml_schema_field_t){
		.key = "slo",
		.data_offset = offsetof(struct raw_doc, slo),
		.count_offset = offsetof(struct raw_doc, n_slo),
		.count_size = sizeof(uint32_t),
		.value =
			{
				.type = CYAML_SEQUENCE,
				.flags = CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
				.data_size = sizeof(char *),
				.sequence = {.entry = &string_entry, .min = 0, .max = SLO_MAX},
			},
	};
	f[1] = f[0];
	f[1].key = "tolerance";
	f[1].data_offset = offsetof(struct raw_doc, tolerance);
	f[1].count_offset = offsetof(struct raw_doc, n_tolerance);
	f[2] = f[0];
	f[2].key = "sweep";
	f[2].data_offset = offsetof(struct raw_doc, sweep);
	f[2].count_offset = offsetof(struct raw_doc, n_sweep);
	f[3] = (cyaml_schema_field_t)CYAML_FIELD_END;
	im->top_value = (cyaml_schema_value_t){
		.type = CYAML_MAPPING,
		.flags = CYAML_FLAG_POINTER,
		.data_size = sizeof(struct raw_doc),
		.mapping = {.fields = im->top_fields},
	};
	im->config = (cyaml_config_t){
		.log_fn = capture_log,
		.log_ctx = im,
		.mem_fn = cyaml_mem,
		.log_level = CYAML_LOG_ERROR,
		.flags = CYAML_CFG_STYLE_BLOCK,
	};
}

/* ---- pass 1: libyaml ---------------------------------------------------- */

uint64_t hash_more(uint64_t h, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static char *read_file(const char *path, size_t *len, struct diags *d)
{
	char *buf, err[256];
	if (safe_read(path, NULL, SCENARIO_MAX_BYTES, &buf, len, err, sizeof err) != 0) {
		diag_error(d, 0, 0, "cannot read scenario: %s", err);
		return NULL;
	}
	return buf;
}

void syntax_error(struct diags *d, const yaml_parser_t *p)
{
	const yaml_mark_t *m = &p->problem_mark;
	if (p->error == YAML_MEMORY_ERROR) {
		diag_error(d, 0, 0, "out of memory while parsing YAML");
		return;
	}
	if (strstr(p->problem, "tab"))
		diag_error(d, (int)m->line + 1, (int)m->column + 1,
			   "YAML syntax error: a tab character; YAML indents with spaces only");
	else if (p->context)
		diag_error(d, (int)m->line + 1, (int)m->column + 1, "YAML syntax error: %s %s (line %d)", p->problem,
			   p->context, (int)p->context_mark.line + 1);
	else
		diag_error(d, (int)m->line + 1, (int)m->column + 1, "YAML syntax error: %s", p->problem);
}

static void free_item_tables(struct item_info *it)
{
	for (int i = 0; i < MAX_SLOTS; i++) {
		if (!it->tab[i])
			continue;
		for (int k = 0; k < it->tab[i]->n; k++)
			free_item_tables(&it->tab[i]->e[k]);
		free(it->tab[i]);
	}
}

static void plan_free(struct plan_tier *t, int n)
{
	for (int i = 0; t && i < n; i++) {
		free(t[i].node);
		free(t[i].vary[0]);
		free(t[i].vary[1]);
	}
	free(t);
}

static void free_items(struct walker *w)
{
	for (int s = 0; s < SEC_N; s++) {
		for (int i = 0; i < w->n_items[s]; i++)
			free_item_tables(&w->items[s][i]);
		free(w->items[s]);
	}
	for (int i = 0; i < w->slo.n; i++)
		free(w->slo.text[i]);
	for (int i = 0; i < w->tol.n; i++)
		free(w->tol.text[i]);
	for (int i = 0; i < w->sweep.n; i++)
		free(w->sweep.text[i]);
	w->slo.n = w->tol.n = w->sweep.n = 0;
	for (int i = 0; i < 4; i++) {
		free(w->scale[i]);
		w->scale[i] = NULL;
	}
	plan_free(w->plan, w->n_plan);
	w->plan = NULL;
	w->n_plan = 0;
	free_catalog_raw(w);
}

/* The slo: checks, each resolved against the scenario's nodes and classes. */
static void parse_slos(const struct walker *w, struct scenario *sc, struct diags *d)
{
	if (w->slo.n == 0)
		return;
	sc->slo = xcalloc((size_t)w->slo.n, sizeof(*sc->slo));
	for (int i = 0; i < w->slo.n; i++) {
		char err[600];
		struct slo_check *c = &sc->slo[sc->n_slo];
		if (slo_parse(w->slo.text[i], &sc->spec, c, err, sizeof err) != 0) {
			diag_error(d, w->slo.at[i].line, w->slo.at[i].col, "slo: %s", err);
			continue;
		}
		c->line = w->slo.at[i].line;
		c->col = w->slo.at[i].col;
		sc->n_slo++;
	}
}

/* compare's tolerances: "5%" for every metric, "METRIC=10%" for one. */
static void parse_tolerances(const struct walker *w, struct scenario *sc, struct diags *d)
{
	if (w->tol.n == 0)
		return;
	sc->tol = xcalloc((size_t)w->tol.n, sizeof(*sc->tol));
	for (int i = 0; i < w->tol.n; i++) {
		char err[600];
		struct slo_tolerance *t = &sc->tol[sc->n_tol];
		if (slo_parse_tolerance(w->tol.text[i], t, err, sizeof err) != 0) {
			diag_error(d, w->tol.at[i].line, w->tol.at[i].col, "tolerance: %s", err);
			continue;
		}
		sc->n_tol++;
	}
}

/* What runs but is probably not meant: each kind's lint, as warnings at
 * the key (the scenario still loads). */
static void lint(const struct walker *w, const struct scenario *sc, struct diags *d)
{
	const struct net_spec *spec = &sc->spec;
	for (int i = 0; i < spec->n_nodes; i++) {
		const struct node_kind *k = spec->nodes[i].kind;
		char msg[512], label[128];
		const char *key = NULL;
		if (!k->lint || !k->lint(spec->nodes[i].cfg, spec, msg, sizeof msg, &key))
			continue;
		int sec, j;
		const struct item_info *it = item_at((struct walker *)w, i, &sec, &j);
		int slot = key ? slot_of(&sc->impl->slots[sec], key) : -1;
		struct pos at = slot >= 0 && it->seen[slot] ? it->val[slot] : it->self;
		describe(it, sec, j, label, sizeof label);
		diag_warning(d, at.line, at.col, "%s: %s", label, msg);
	}
}

/*
 * The time-series period when the scenario gives none: CloudWatch's minute,
 * unless the run would then have more than NET_AUTO_PERIODS periods; then
 * the first of 5 minutes, an hour, a day, a week (and 4 weeks, 16, ...)
 * that keeps it to that many, so memory stays flat however long the run.
 */
static double auto_period(double run)
{
	static const double ladder[] = {60, 300, 3600, 86400, 604800};
	double p = ladder[0];
	for (size_t i = 1; run / p > NET_AUTO_PERIODS; i++)
		p = i < sizeof ladder / sizeof *ladder ? ladder[i] : 4 * p;
	return p;
}

/* Where the simulation section's key was written, or the section itself. */
static struct pos sim_key_at(const struct walker *w, const char *key)
{
	const struct item_info *it = w->items[SEC_SIM];
	int slot = slot_of(&w->im->slots[SEC_SIM], key);
	return it->seen[slot] ? it->val[slot] : it->self;
}

/* The text before any parse: size, NUL bytes, aliases. */
static int check_text(const char *text, size_t len, struct diags *d)
{
	if (len > SCENARIO_MAX_BYTES) {
		diag_error(d, 0, 0, "the scenario is larger than %u MiB; refusing to read it",
			   SCENARIO_MAX_BYTES >> 20);
		return -1;
	}
	const char *z = memchr(text, '\0', len);
	if (z) {
		int line = 1, col = 1;
		for (const char *c = text; c < z; c++) {
			col = *c == '\n' ? 1 : col + 1;
			line += *c == '\n';
		}
		diag_error(d, line, col, "the scenario contains a NUL byte: it is not a text file");
		return -1;
	}
	return prescan(text, len, d);
}

/* libyaml's document tree, for the walk; a second document is reported. */
static int load_document(const char *text, size_t len, yaml_document_t *doc, struct diags *d)
{
	yaml_parser_t yp;
	yaml_parser_initialize(&yp);
	yaml_parser_set_input_string(&yp, (const unsigned char *)text, len);
	if (!yaml_parser_load(&yp, doc)) {
		syntax_error(d, &yp);
		yaml_parser_delete(&yp);
		return -1;
	}
	/* A second document in the same file is almost always a mistake. */
	yaml_document_t doc2;
	if (yaml_document_get_root_node(doc) && yaml_parser_load(&yp, &doc2)) {
		yaml_node_t *r2 = yaml_document_get_root_node(&doc2);
		if (r2)
			diag_error(d, (int)r2->start_mark.line + 1, (int)r2->start_mark.column + 1,
				   "a scenario file holds one YAML document; remove this second one");
		yaml_document_delete(&doc2);
	} else if (yp.error != YAML_NO_ERROR) {
		syntax_error(d, &yp);
	}
	yaml_parser_delete(&yp);
	return 0;
}

/* libcyaml's typed values, through the schema the walk has checked. */
static int load_values(struct scenario_impl *im, const char *text, size_t len, struct diags *d)
{
	/* Unknown keys and kinds are reported already: load past them, so that
	 * every value error is reported in the same run.  The walk accepts only
	 * the keys the schema has, but for 'catalog', which the walk loads
	 * itself (catalog.c): libcyaml passes over it. */
	im->config.flags |= CYAML_CFG_IGNORE_UNKNOWN_KEYS;
	cyaml_err_t err = cyaml_load_data((const uint8_t *)text, len, &im->config, &im->top_value,
					  (cyaml_data_t **)&im->raw, NULL);
	if (err == CYAML_OK)
		return 0;
	/* The walk accepts only what the schema does, so this is unexpected. */
	char *nl;
	while ((nl = strchr(im->log, '\n')))
		*nl = ' ';
	diag_error(d, 0, 0, "libcyaml: %s%s%s", cyaml_strerror(err), im->log[0] ? ": " : "", im->log);
	return -1;
}

/* The parser's state: the scenario's directory (data files resolve from
 * it) and the name table, sized for every item. */
static void parser_init(struct parser *P, const char *path)
{
	P->dir = xstrdup(path);
	char *slash = strrchr(P->dir, '/');
	if (slash == P->dir)
		slash[1] = '\0'; /* "/s.yaml": the root */
	else if (slash)
		*slash = '\0';
	else
		strcpy(P->dir, ".");
	P->root = realpath(P->dir, NULL); /* NULL: data files are refused (with the reason) */
	struct net_spec *spec = &P->sc->spec;
	spec->n_nodes = P->w->n_items[SEC_WORKLOADS] + P->w->n_items[SEC_NODES] + P->w->n_items[SEC_FAILURES];
	spec->nodes = xcalloc(spec->n_nodes, sizeof(*spec->nodes));
	P->bad_values = xcalloc(spec->n_nodes ? (size_t)spec->n_nodes : 1, 1);
	for (P->names_cap = 16; P->names_cap < 2 * (size_t)spec->n_nodes; P->names_cap *= 2)
		;
	P->names = xmalloc(P->names_cap * sizeof(int));
	for (size_t k = 0; k < P->names_cap; k++)
		P->names[k] = -1;
}

static void parser_free(struct parser *P)
{
	free(P->refs);
	free(P->overrides);
	free(P->dir);
	free(P->root);
	free(P->first);
	free(P->names);
	free(P->bad_values);
}

/* Every item's name and values; a node whose values did not parse is
 * marked, so that its own checks do not judge them. */
static void parse_nodes(struct parser *P)
{
	struct walker *w = P->w;
	struct scenario_impl *im = P->sc->impl;
	struct net_spec *spec = &P->sc->spec;
	struct diags *d = P->d;
	for (int i = 0; i < spec->n_nodes; i++) {
		int sec, j;
		struct item_info *it = item_at(w, i, &sec, &j);
		struct raw_item *raw = raw_at(im->raw, sec, j);
		struct node_spec *ns = &spec->nodes[i];
		ns->kind = it->kind;
		if (raw->v[0])
			snprintf(ns->name, sizeof(ns->name), "%s", raw->v[0]);
		else if (sec == SEC_FAILURES) /* names are optional here */
			snprintf(ns->name, sizeof(ns->name), "failure-%d", j + 1);
		int k = raw->v[0] ? name_add(P, i) : -1; /* names given are unique; failures' made ones aside */
		if (!it->kind)
			continue; /* unknown kind, reported: its keys mean nothing */
		ns->cfg = xcalloc(1, it->kind->cfg_size);
		if (raw->v[0] && (!name_ok(ns->name) || strlen(raw->v[0]) >= sizeof(ns->name)))
			diag_error(d, it->val[0].line, it->val[0].col,
				   "invalid name '%s': use up to 63 letters, digits, '_', '-' or '.'", raw->v[0]);
		if (k >= 0) {
			int ksec, kj;
			struct item_info *first = item_at(w, k, &ksec, &kj);
			diag_error(d, it->val[0].line, it->val[0].col, "duplicate name '%s' (first used at line %d)",
				   ns->name, first->val[0].line);
		}
		size_t before = d->n;
		parse_item(P, sec, it, raw, j, ns->cfg, i);
		if (d->n > before)
			P->bad_values[i] = 1;
	}
	for (int i = 0; i < spec->n_nodes; i++) { /* a workload whose mix is empty sends requests of no class */
		const struct node_spec *ns = &spec->nodes[i];
		for (const struct param *p = ns->kind && ns->cfg ? ns->kind->params : NULL; p && p->key; p++)
			if ((ns->kind->flags & KIND_WORKLOAD) && p->type == PT_TABLE &&
			    ((const struct table_head *)((const char *)ns->cfg + p->offset))->n == 0)
				spec->has_unclassified = 1;
	}
}

/* The run's length against its warm-up and its time-series periods; the
 * period chosen when the scenario gives none. */
static void check_run(struct parser *P)
{
	struct walker *w = P->w;
	struct scenario_impl *im = P->sc->impl;
	struct diags *d = P->d;
	if (im->sim.duration > 0 && im->sim.warmup > im->sim.duration) { /* 0: did not parse */
		struct pos at = sim_key_at(w, "warmup");
		diag_error(d, at.line, at.col,
			   "the warm-up (%gs) is longer than the measured duration (%gs): most of the run would be "
			   "thrown away; shorten 'warmup' or lengthen 'duration'",
			   im->sim.warmup, im->sim.duration);
	}
	double run = im->sim.warmup + im->sim.duration;
	P->sc->spec.period_auto = !w->items[SEC_SIM]->seen[slot_of(&im->slots[SEC_SIM], "period")];
	if (P->sc->spec.period_auto) /* the default grows with the run: a minute, then 5 minutes, an hour, ... */
		im->sim.period = auto_period(run);
	if (im->sim.period > 0 && run / im->sim.period > NET_MAX_PERIODS) { /* 0: did not parse */
		struct pos at = sim_key_at(w, "period");
		diag_error(d, at.line, at.col,
			   "a period of %gs cuts the %gs run (warm-up included) into %.0f time-series periods, "
			   "more than the %d kept in memory; make 'period' at least %gs",
			   im->sim.period, run, ceil(run / im->sim.period - 1e-9), NET_MAX_PERIODS,
			   ceil(run / NET_MAX_PERIODS * 1000) / 1000);
	}
}

/* Each kind's own checks, then its checks across nodes. */
static void check_nodes(struct parser *P)
{
	struct walker *w = P->w;
	struct scenario_impl *im = P->sc->impl;
	struct net_spec *spec = &P->sc->spec;
	struct diags *d = P->d;
	for (int i = 0; i < spec->n_nodes; i++) {
		const struct node_kind *k = spec->nodes[i].kind;
		int sec, j;
		struct item_info *it = item_at(w, i, &sec, &j);
		const char *key = NULL, *msg = NULL;
		char buf[512]; /* a check's message, when it formats one */
		if (k && k->check)
			msg = P->bad_values[i] ? NULL
					       : k->check(spec->nodes[i].cfg, presence(&im->slots[sec], it), &key, buf,
							  sizeof buf);
		/* Checks across nodes only on an otherwise valid scenario: a node
		 * they read may be missing, of an unknown kind or unparsed.
		 * (The fuzzer found the crash this prevents.) */
		if (!msg && k && k->check_refs && d->n == 0 && refs_resolved(P, i))
			msg = k->check_refs(spec->nodes[i].cfg, spec, &key, buf, sizeof buf);
		if (msg) {
			char label[128];
			int slot = key ? slot_of(&im->slots[sec], key) : -1;
			struct pos at = slot >= 0 && it->seen[slot] ? it->key[slot] : it->self;
			describe(it, sec, j, label, sizeof label);
			diag_error(d, at.line, at.col, "%s: %s", label, msg);
		}
	}
}

/* The simulation section into the spec the engine reads. */
static void fill_spec(struct scenario *sc, const struct walker *w)
{
	struct scenario_impl *im = sc->impl;
	struct net_spec *spec = &sc->spec;
	spec->duration = im->sim.duration;
	spec->warmup = im->sim.warmup;
	spec->period = im->sim.period;
	spec->replications = im->sim.replications;
	spec->seed = (uint64_t)im->sim.seed;
	spec->max_events = (uint64_t)im->sim.max_events;
	spec->max_in_flight = (uint64_t)im->sim.max_in_flight;
	spec->in_flight_limit = spec->max_in_flight;
	spec->max_in_flight_auto = !w->items[SEC_SIM]->seen[slot_of(&im->slots[SEC_SIM], "max_in_flight")];
	spec->max_failures = (uint64_t)im->sim.max_failures;
	spec->slo = im->sim.slo;
}

/* The jobs in order: the text, the document tree and its walk, the typed
 * values, the items, the references and the graph, then the checks. Each
 * job reports every error it finds; a later job runs only on what the
 * earlier ones could read. */
enum scenario_status scenario_load_buffer(const char *path, const char *text, size_t len, struct scenario **out,
					  struct diags *d)
{
	return scenario_load_with(path, text, len, NULL, 0, out, d);
}

/* The sweep: lines, kept for the program (sweep.c expands them). */
static void keep_sweep(const struct walker *w, struct scenario *sc)
{
	if (w->sweep.n == 0)
		return;
	sc->sweep = xcalloc((size_t)w->sweep.n, sizeof(char *));
	sc->sweep_line = xcalloc((size_t)w->sweep.n, sizeof(int));
	for (int i = 0; i < w->sweep.n; i++) {
		sc->sweep[i] = xstrdup(w->sweep.text[i]);
		sc->sweep_line[i] = w->sweep.at[i].line;
	}
	sc->n_sweep = (size_t)w->sweep.n;
}

/* The scale: and plan: blocks, kept for `chokepoint scale` and `plan`. */
static void keep_scale(struct walker *w, struct scenario *sc)
{
	for (int i = 0; i < 4; i++) {
		sc->scale[i] = w->scale[i];
		w->scale[i] = NULL;
	}
	sc->plan = w->plan;
	sc->n_plan = w->n_plan;
	w->plan = NULL;
	w->n_plan = 0;
}

/* Whether item it gives only keys among allowed (its name and kind aside). */
static int only_keys(const struct scenario_impl *im, int sec, const struct item_info *it, const char *const *allowed,
		     size_t n)
{
	unsigned long present = presence(&im->slots[sec], it);
	for (const struct param *p = it->kind->params; p->key; p++) {
		if (!param_is_present(it->kind->params, present, p->key))
			continue;
		int ok = 0;
		for (size_t i = 0; i < n; i++)
			ok |= strcmp(p->key, allowed[i]) == 0;
		if (!ok)
			return 0;
	}
	return 1;
}

/* sc->mmc: one M/M/c station, or not (scenario.h). */
static void find_mmc(const struct walker *w, struct scenario *sc)
{
	static const char *const wl_keys[] = {"target", "rate"};
	static const char *const sv_keys[] = {"cores", "speed", "queue",     "service", "workers",
					      "price", "size",  "instances", "mode"};
	const struct net_spec *spec = &sc->spec;
	if (w->n_items[SEC_WORKLOADS] != 1 || w->n_items[SEC_NODES] != 1 || w->n_items[SEC_FAILURES] != 0 ||
	    spec->n_nodes != 2 || strcmp(spec->nodes[1].kind->name, "server") != 0)
		return;
	if (!only_keys(sc->impl, SEC_WORKLOADS, &w->items[SEC_WORKLOADS][0], wl_keys, ARRAY_LEN(wl_keys)) ||
	    !only_keys(sc->impl, SEC_NODES, &w->items[SEC_NODES][0], sv_keys, ARRAY_LEN(sv_keys)))
		return;
	const struct server_cfg *cfg = spec->nodes[1].cfg;
	if (cfg->instances != 1 || cfg->service.type != DIST_EXP || cfg->calls.n != 0 || cfg->queue != LONG_MAX ||
	    !(cfg->speed > 0))
		return;
	sc->mmc.ok = 1;
	sc->mmc.c = cfg->workers < cfg->cores ? cfg->workers : cfg->cores;
	sc->mmc.speed = cfg->speed;
	sc->mmc.mean = cfg->service.a;
}

/* Each tier of the plan: block is a node whose size or instances the
 * plan can set: a server or database, not grown by an autoscaler. */
static void check_plan(struct parser *P)
{
	const struct net_spec *spec = &P->sc->spec;
	static const char *const keys[] = {"size", "instances"};
	for (int i = 0; i < P->w->n_plan; i++) {
		const struct plan_tier *t = &P->w->plan[i];
		int v = -1;
		const char *names[1024];
		size_t nn = 0;
		for (int j = 0; j < spec->n_nodes; j++) {
			if (strcmp(spec->nodes[j].name, t->node) == 0)
				v = j;
			if (nn < 1024)
				names[nn++] = spec->nodes[j].name;
		}
		if (v < 0) {
			const char *s = diag_suggest(t->node, names, nn);
			diag_error(P->d, t->at.line, t->at.col, "'plan' names '%s', which is no node%s%s%s", t->node,
				   s ? " (did you mean '" : "", s ? s : "", s ? "'?)" : "");
			continue;
		}
		const struct node_kind *k = spec->nodes[v].kind;
		if (!k)
			continue;
		for (int j = 0; j < 2; j++)
			if (t->vary[j] && !param_find(k->params, keys[j]))
				diag_error(P->d, t->vary_at[j].line, t->vary_at[j].col,
					   "'plan' varies the %s of '%s', a %s, which has no '%s' (a server or a "
					   "database has)",
					   keys[j], t->node, k->name, keys[j]);
		int sec, j;
		struct item_info *it = item_at(P->w, v, &sec, &j);
		unsigned long present = presence(&P->sc->impl->slots[sec], it);
		static const char *const by_size[] = {"cores", "speed", "price"};
		for (int b = 0; t->vary[0] && b < 3; b++)
			if (param_find(k->params, by_size[b]) && param_is_present(k->params, present, by_size[b]))
				diag_error(P->d, t->vary_at[0].line, t->vary_at[0].col,
					   "'plan' varies the size of '%s', which gives '%s' itself: a size would not "
					   "change it (leave '%s' to the size)",
					   t->node, by_size[b], by_size[b]);
		if (autoscaler_slots(spec, v) > 0)
			diag_error(P->d, t->at.line, t->at.col,
				   "'plan' varies '%s', which an autoscaler grows and shrinks: plan its "
				   "autoscaler's min and max by hand, or plan another tier",
				   t->node);
	}
}

enum scenario_status scenario_load_with(const char *path, const char *text, size_t len, const struct scenario_set *sets,
					int n_sets, struct scenario **out, struct diags *d)
{
	*out = NULL;
	yaml_document_t doc;
	if (check_text(text, len, d) < 0 || load_document(text, len, &doc, d) < 0)
		return SCENARIO_INVALID;

	struct scenario *sc = xcalloc(1, sizeof(*sc));
	sc->impl = xcalloc(1, sizeof(*sc->impl));
	sc->path = xstrdup(path);
	sc->hash = hash_more(FNV_BASIS, (const unsigned char *)text, len);
	for (int i = 0; i < n_sets; i++) { /* values set from outside are part of its identity */
		sc->hash = hash_more(sc->hash, (const unsigned char *)sets[i].path, strlen(sets[i].path) + 1);
		sc->hash = hash_more(sc->hash, (const unsigned char *)sets[i].value, strlen(sets[i].value) + 1);
	}
	struct scenario_impl *im = sc->impl;
	build_schema(im);

	struct walker w = {.d = d, .doc = &doc, .im = im};
	walk(&w);
	yaml_document_delete(&doc);
	if (w.n_hard > 0 || load_values(im, text, len, d) < 0)
		goto invalid;
	apply_sets(&w, im, sets, n_sets, d);

	struct parser P = {.d = d, .sc = sc, .w = &w};
	parser_init(&P, path);
	parse_item(&P, SEC_SIM, w.items[SEC_SIM], im->raw->simulation, 0, &im->sim, -1);
	parse_nodes(&P);
	parse_catalog(&P);
	apply_sizes(&P);
	/* Unresolved references stay -1 and the checks below skip them, so
	 * they report alongside every other error. */
	index_refs(&P);
	resolve_refs(&P);
	parse_slos(&w, sc, d);
	parse_tolerances(&w, sc, d);
	check_graph(&P);
	check_links(&P);
	if (d->n == 0)
		check_reachable(&P);
	if (d->n == 0)
		check_stability(&P);
	check_run(&P);
	check_nodes(&P);
	check_plan(&P);
	parser_free(&P);
	if (d->n > 0)
		goto invalid;

	fill_spec(sc, &w);
	find_mmc(&w, sc);
	keep_sweep(&w, sc);
	keep_scale(&w, sc);
	lint(&w, sc, d);
	free_items(&w);
	*out = sc;
	return SCENARIO_OK;

invalid:
	free_items(&w);
	scenario_free(sc);
	return SCENARIO_INVALID;
}

enum scenario_status scenario_load(const char *path, struct scenario **out, struct diags *d)
{
	size_t len = 0;
	*out = NULL;
	char *text = read_file(path, &len, d);
	if (!text)
		return SCENARIO_IO;
	enum scenario_status st = scenario_load_buffer(path, text, len, out, d);
	free(text);
	return st;
}

enum scenario_status scenario_load_sets(const char *path, const struct scenario_set *sets, int n, struct scenario **out,
					struct diags *d)
{
	size_t len = 0;
	*out = NULL;
	char *text = read_file(path, &len, d);
	if (!text)
		return SCENARIO_IO;
	enum scenario_status st = scenario_load_with(path, text, len, sets, n, out, d);
	free(text);
	return st;
}

void scenario_free(struct scenario *sc)
{
	if (!sc)
		return;
	free(sc->flow);
	free(sc->path);
	free(sc->slo);
	free(sc->tol);
	for (size_t i = 0; i < sc->n_sweep; i++)
		free(sc->sweep[i]);
	free(sc->sweep);
	free(sc->sweep_line);
	for (int i = 0; i < 4; i++)
		free(sc->scale[i]);
	plan_free(sc->plan, sc->n_plan);
	struct scenario_impl *im = sc->impl;
	if (im) {
		if (im->raw)
			cyaml_free(&im->config, &im->top_value, im->raw, 0);
		for (int i = 0; i < SEC_N; i++)
			free_slots(&im->slots[i]);
		for (size_t i = 0; i < im->n_samples; i++) {
			free(im->samples[i]);
			free(im->sample_paths[i]);
		}
		free(im->samples);
		free(im->sample_paths);
		free(im->sizes);
		free(im->catalog_file);
		free(im);
	}
	for (int i = 0; i < sc->spec.n_nodes; i++)
		free(sc->spec.nodes[i].cfg);
	free(sc->spec.nodes);
	free(sc);
}

size_t scenario_n_files(const struct scenario *sc)
{
	return sc->impl->n_samples;
}

const char *scenario_file(const struct scenario *sc, size_t i)
{
	return i < sc->impl->n_samples ? sc->impl->sample_paths[i] : NULL;
}

/* ---- resolved scenario --------------------------------------------------- */
