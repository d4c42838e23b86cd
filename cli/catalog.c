/*
 * catalog.c - instance sizes: the `catalog:` section (a list of sizes, or
 * the name of a file holding one) and a server's or database's `size:`.
 *
 * A size is walked and parsed like an item of the other sections (the
 * pseudo-kind size_section_kind gives its keys), so its errors are located
 * and suggested alike; libcyaml does not load it, because `catalog:` may
 * be a list or a file name: the walk copies its values itself.  A node
 * that names a size takes its cores, speed and price unless the node gives
 * them; its resolved scenario shows the values it ran with.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "../sim/engine/util.h"
#include "loader.h"
#include "safefile.h"

#define OFF(f) offsetof(struct size_def, f)
static const struct param size_params[] = {
	{"cores", PT_COUNT, OFF(cores), NULL, 1, 100000, NULL, P_REQUIRED, "cores (vCPUs) of one instance"},
	{"speed", PT_FACTOR, OFF(speed), "1", 0.001, 1000, NULL, 0,
	 "per-core speed against the service times as written (they divide by it)"},
	{"memory", PT_SIZE, OFF(memory), NULL, 0, 1e15, NULL, P_OPTIONAL,
	 "memory of one instance (shown, not modelled)"},
	{"bandwidth", PT_BANDWIDTH, OFF(bandwidth), NULL, 1, 1e13, NULL, P_OPTIONAL,
	 "network bandwidth of one instance (shown, not modelled)"},
	{"price", PT_MONEY, OFF(price), NULL, 0, 1e6, NULL, P_REQUIRED, "price of one instance"},
	{0},
};
#undef OFF

const struct node_kind size_section_kind = {
	.name = "size",
	.summary = "an instance size of the catalog",
	.params = size_params,
	.cfg_size = sizeof(struct size_def),
};

#define CATALOG_MAX 1000

/* The sizes of a list node, walked into w's catalog items and raw values. */
static void walk_sizes(struct walker *w, yaml_node_t *v)
{
	struct pos p = mark(v);
	if (v->type != YAML_SEQUENCE_NODE) {
		hard_error(w, p.line, p.col,
			   "'catalog' expects a list of sizes (each '- name: m5.large, cores: 2, price: $0.096/h') "
			   "or the name of a file holding one, found a %s",
			   node_type_name(v));
		return;
	}
	long n = v->data.sequence.items.top - v->data.sequence.items.start;
	if (n > CATALOG_MAX) {
		hard_error(w, p.line, p.col, "'catalog' has %ld sizes; at most %d are allowed", n, CATALOG_MAX);
		return;
	}
	struct slots *sl = &w->im->slots[SEC_CATALOG];
	w->items[SEC_CATALOG] = xcalloc(n ? (size_t)n : 1, sizeof(struct item_info));
	w->cat_raw = xcalloc(n ? (size_t)n : 1, sizeof(struct raw_item));
	w->n_items[SEC_CATALOG] = (int)n;
	for (long i = 0; i < n; i++) {
		yaml_node_t *e = yaml_document_get_node(w->doc, v->data.sequence.items.start[i]);
		struct item_info *it = &w->items[SEC_CATALOG][i];
		walk_item(w, e, SEC_CATALOG, (int)i, it);
		if (e->type != YAML_MAPPING_NODE)
			continue;
		if (!it->seen[0])
			diag_error(w->d, it->self.line, it->self.col, "missing required key 'name' in size #%ld",
				   i + 1);
		for (yaml_node_pair_t *pr = e->data.mapping.pairs.start; pr < e->data.mapping.pairs.top; pr++) {
			const char *key = scalar(yaml_document_get_node(w->doc, pr->key));
			const char *val = scalar(yaml_document_get_node(w->doc, pr->value));
			int slot = key ? slot_of(sl, key) : -1;
			if (slot >= 0 && val && !w->cat_raw[i].v[slot])
				w->cat_raw[i].v[slot] = xstrdup(val);
		}
	}
}

void walk_catalog(struct walker *w, yaml_node_t *v)
{
	const char *file = scalar(v);
	if (file) {
		w->cat_file = xstrdup(file);
		w->cat_at = mark(v);
		return;
	}
	walk_sizes(w, v);
}

void free_catalog_raw(struct walker *w)
{
	for (int i = 0; w->cat_raw && i < w->n_items[SEC_CATALOG]; i++)
		for (int s = 0; s < MAX_SLOTS; s++)
			free(w->cat_raw[i].v[s]);
	free(w->cat_raw);
	w->cat_raw = NULL;
	free(w->cat_file);
	w->cat_file = NULL;
}

/* The walked sizes into the scenario's catalog; duplicates reported. */
static void parse_sizes(struct parser *P)
{
	struct walker *w = P->w;
	struct scenario_impl *im = P->sc->impl;
	int n = w->n_items[SEC_CATALOG];
	im->sizes = xcalloc(n ? (size_t)n : 1, sizeof(struct size_def));
	for (int i = 0; i < n; i++) {
		struct item_info *it = &w->items[SEC_CATALOG][i];
		struct size_def *sd = &im->sizes[im->n_sizes];
		parse_item(P, SEC_CATALOG, it, &w->cat_raw[i], i, sd, -1);
		if (!w->cat_raw[i].v[0])
			continue;
		if (strlen(w->cat_raw[i].v[0]) >= sizeof sd->name || !name_ok(w->cat_raw[i].v[0])) {
			diag_error(P->d, it->val[0].line, it->val[0].col,
				   "invalid size name '%s': use up to 63 letters, digits, '_', '-' or '.'",
				   w->cat_raw[i].v[0]);
			continue;
		}
		snprintf(sd->name, sizeof sd->name, "%s", w->cat_raw[i].v[0]);
		for (int k = 0; k < im->n_sizes; k++)
			if (strcmp(im->sizes[k].name, sd->name) == 0)
				diag_error(P->d, it->val[0].line, it->val[0].col, "duplicate size '%s' in the catalog",
					   sd->name);
		im->n_sizes++;
	}
}

/*
 * The catalog a scenario names by file: read without trust from the
 * scenario's directory, walked and parsed with its own diagnostics, which
 * are reported at the scenario's 'catalog:' value with the file's own
 * line and column.
 */
static void load_catalog_file(struct parser *P)
{
	struct walker *w = P->w;
	struct pos at = w->cat_at;
	char path[4200], err[600], *text = NULL;
	size_t len = 0;
	P->catalog_failed = 1; /* until it is read */
	if (w->cat_file[0] == '/' || !P->root) {
		diag_error(P->d, at.line, at.col,
			   "catalog '%s': name a file relative to the scenario's directory (it cannot be read from "
			   "elsewhere)",
			   w->cat_file);
		return;
	}
	snprintf(path, sizeof path, "%s/%s", P->dir, w->cat_file);
	if (safe_read(path, P->root, SCENARIO_MAX_BYTES, &text, &len, err, sizeof err) != 0 ||
	    memchr(text, '\0', len)) {
		if (text)
			snprintf(err, sizeof err, "it contains a NUL byte: it is not a text file");
		free(text);
		diag_error(P->d, at.line, at.col, "cannot read catalog '%s': %s", w->cat_file, err);
		return;
	}
	P->sc->hash = hash_more(P->sc->hash, (const unsigned char *)text, len); /* its sizes are the scenario's */
	yaml_document_t doc;
	yaml_parser_t yp;
	yaml_parser_initialize(&yp);
	yaml_parser_set_input_string(&yp, (const unsigned char *)text, len);
	struct diags cd;
	diags_init(&cd, path);
	struct walker cw = {.d = &cd, .im = w->im, .doc = &doc};
	if (prescan(text, len, &cd) < 0) {
		/* nesting or aliases past the limits: reported */
	} else if (!yaml_parser_load(&yp, &doc)) {
		syntax_error(&cd, &yp);
	} else {
		yaml_node_t *root = yaml_document_get_root_node(&doc);
		yaml_node_t *list = NULL;
		if (root && root->type == YAML_MAPPING_NODE)
			for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top;
			     pr++) {
				const char *k = scalar(yaml_document_get_node(&doc, pr->key));
				if (k && strcmp(k, "catalog") == 0)
					list = yaml_document_get_node(&doc, pr->value);
				else
					diag_error(&cd, mark(yaml_document_get_node(&doc, pr->key)).line,
						   mark(yaml_document_get_node(&doc, pr->key)).col,
						   "unknown top-level key '%s' in a catalog file (expected 'catalog')",
						   k ? k : "?");
			}
		if (!list)
			diag_error(&cd, 1, 1, "a catalog file holds 'catalog:', a list of sizes");
		else
			walk_sizes(&cw, list);
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&yp);
	free(text);
	if (cd.n == 0) {
		struct walker *main_w = P->w;
		struct diags *main_d = P->d;
		P->w = &cw;
		P->d = &cd;
		parse_sizes(P);
		P->w = main_w;
		P->d = main_d;
	}
	for (size_t i = 0; i < cd.n; i++)
		diag_error(P->d, at.line, at.col, "in catalog %s:%d:%d: %s", w->cat_file, cd.v[i].line, cd.v[i].col,
			   cd.v[i].msg);
	if (cd.n == 0)
		P->sc->impl->catalog_file = xstrdup(w->cat_file);
	P->catalog_failed = cd.n > 0;
	free(cw.items[SEC_CATALOG]);
	free_catalog_raw(&cw);
	diags_release(&cd);
}

void parse_catalog(struct parser *P)
{
	if (P->w->cat_file) {
		load_catalog_file(P);
	} else if (P->w->has_catalog) {
		size_t before = P->d->n;
		parse_sizes(P);
		P->catalog_failed = P->d->n > before;
	}
}

/* The catalog's size called name, or NULL. */
static const struct size_def *size_find(const struct scenario_impl *im, const char *name)
{
	for (int i = 0; i < im->n_sizes; i++)
		if (strcmp(im->sizes[i].name, name) == 0)
			return &im->sizes[i];
	return NULL;
}

/* Writes v into the kind's key of cfg, unless the node gave it. */
static void fill_key(const struct node_kind *k, void *cfg, unsigned long present, const char *key, double v)
{
	const struct param *p = param_find(k->params, key);
	if (!p || param_is_present(k->params, present, key))
		return;
	if (p->type == PT_COUNT)
		*(long *)((char *)cfg + p->offset) = (long)v;
	else
		*(double *)((char *)cfg + p->offset) = v;
}

/* Every node that names a size: its cores, speed and price from the
 * catalog, where the node does not give them itself. */
void apply_sizes(struct parser *P)
{
	struct net_spec *spec = &P->sc->spec;
	struct scenario_impl *im = P->sc->impl;
	for (int i = 0; i < spec->n_nodes; i++) {
		const struct node_kind *k = spec->nodes[i].kind;
		const struct param *p = k ? param_find(k->params, "size") : NULL;
		if (!p || P->bad_values[i] || P->catalog_failed)
			continue;
		int sec, j;
		struct item_info *it = item_at(P->w, i, &sec, &j);
		int slot = slot_of(&im->slots[sec], "size");
		if (!it->seen[slot])
			continue;
		const char *name = (const char *)spec->nodes[i].cfg + p->offset;
		const struct size_def *sd = size_find(im, name);
		char label[128];
		describe(it, sec, j, label, sizeof label);
		if (!sd) {
			const char *names[CATALOG_MAX];
			for (int s = 0; s < im->n_sizes; s++)
				names[s] = im->sizes[s].name;
			const char *sug = diag_suggest(name, names, (size_t)im->n_sizes);
			if (im->n_sizes == 0)
				diag_error(
					P->d, it->val[slot].line, it->val[slot].col,
					"unknown size '%s' in %s: the scenario has no catalog (add 'catalog:', a list "
					"of sizes or a file such as catalog/aws-like.yaml)",
					name, label);
			else if (sug)
				diag_error(P->d, it->val[slot].line, it->val[slot].col,
					   "unknown size '%s' in %s (did you mean '%s'?)", name, label, sug);
			else if (im->n_sizes == 1)
				diag_error(P->d, it->val[slot].line, it->val[slot].col,
					   "unknown size '%s' in %s: the catalog has one size, '%s'", name, label,
					   im->sizes[0].name);
			else
				diag_error(P->d, it->val[slot].line, it->val[slot].col,
					   "unknown size '%s' in %s: the catalog has %d sizes, from '%s' to '%s'", name,
					   label, im->n_sizes, im->sizes[0].name, im->sizes[im->n_sizes - 1].name);
			continue;
		}
		unsigned long present = presence(&im->slots[sec], it);
		fill_key(k, spec->nodes[i].cfg, present, "cores", (double)sd->cores);
		fill_key(k, spec->nodes[i].cfg, present, "speed", sd->speed);
		fill_key(k, spec->nodes[i].cfg, present, "price", sd->price);
	}
}

int scenario_size(const struct scenario *sc, const char *name, long *cores, double *speed, double *memory,
		  double *bandwidth)
{
	const struct size_def *sd = size_find(sc->impl, name);
	if (!sd)
		return -1;
	*cores = sd->cores;
	*speed = sd->speed;
	*memory = sd->memory;
	*bandwidth = sd->bandwidth;
	return 0;
}
