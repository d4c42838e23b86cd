/*
 * scenario.c - see scenario.h.
 *
 * The kinds' parameter tables are the single source of truth: the libyaml
 * walk, the libcyaml schema and the typed parser all read them.  A section's
 * "slots" are the union of the keys its items may have (name, kind and
 * every kind's parameters); the raw item loaded by libcyaml has one string
 * (or list of strings) per slot.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include "scenario.h"
#include "safefile.h"
#include "slo.h"

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

#include "../sim/engine/units.h"
#include "../sim/engine/util.h"

#define MAX_SLOTS 64
#define MAX_ITEMS 10000

enum section { SEC_SIM, SEC_WORKLOADS, SEC_NODES, SEC_FAILURES, SEC_N };
static const char *const section_key[SEC_N] = {"simulation", "workloads", "nodes", "failures"};

/* What libcyaml loads an item into: one string, list or table per slot. */
struct raw_item {
	char *v[MAX_SLOTS];
	char **list[MAX_SLOTS];
	uint32_t n_list[MAX_SLOTS];
	struct raw_item *tab[MAX_SLOTS]; /* PT_TABLE: its entries */
	uint32_t n_tab[MAX_SLOTS];
};

struct raw_doc {
	char **slo; /* the checks, as written */
	uint32_t n_slo;
	char **tolerance; /* compare's tolerances, as written */
	uint32_t n_tolerance;
	struct raw_item *simulation;
	struct raw_item *workloads;
	uint32_t n_workloads;
	struct raw_item *nodes;
	uint32_t n_nodes;
	struct raw_item *failures;
	uint32_t n_failures;
};

/* The simulation section, parsed with the same machinery as a kind. */
struct sim_cfg {
	double duration, warmup, period;
	long replications, seed;
	long max_events, max_in_flight, max_failures;
	double slo;
};

#define OFF(f) offsetof(struct sim_cfg, f)
static const struct param sim_params[] = {
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
static const struct node_kind sim_section_kind = {
	.name = "simulation",
	.params = sim_params,
	.cfg_size = sizeof(struct sim_cfg),
};

struct pos {
	int line, col;
};

enum shape { SHAPE_SCALAR, SHAPE_LIST, SHAPE_TABLE };

struct slots {
	int n;
	const char *key[MAX_SLOTS];
	int shape[MAX_SLOTS];                      /* enum shape */
	struct slots *sub[MAX_SLOTS];              /* SHAPE_TABLE: the keys of an entry (owned) */
	cyaml_schema_value_t sub_entry[MAX_SLOTS]; /* SHAPE_TABLE: the schema of an entry */
	cyaml_schema_field_t fields[MAX_SLOTS + 1];
};

struct table_info;

struct item_info {
	const struct node_kind *kind;
	struct pos self;
	struct pos key[MAX_SLOTS], val[MAX_SLOTS];
	struct pos list[MAX_SLOTS][NODE_LIST_MAX];
	int seen[MAX_SLOTS];
	struct table_info *tab[MAX_SLOTS]; /* owned: what the walk found in a table */
	char name[64];
};

/* The entries of a table, each walked like an item. */
struct table_info {
	int n;
	struct item_info e[TABLE_MAX];
};

struct ref {
	double weight; /* calls per request along it (repeats x probability) */
	int cls;       /* made only for requests of this class (0: any class) */
	int *dest;
	const char *name; /* points into the raw document */
	struct pos pos;
	int from;       /* node index that refers */
	unsigned flags; /* the param's flags */
	const char *key;
};

struct scenario_impl {
	struct slots slots[SEC_N];
	cyaml_schema_field_t top_fields[SEC_N + 3]; /* the sections, slo, tolerance, the end */
	cyaml_schema_value_t item_value[SEC_N];
	cyaml_schema_value_t top_value;
	cyaml_config_t config;
	struct raw_doc *raw; /* owned (libcyaml's allocator, i.e. realloc/free) */
	struct sim_cfg sim;
	double **samples;    /* owned: empirical data */
	char **sample_paths; /* owned: the file each was read from, as opened */
	size_t n_samples;
	char log[1024]; /* libcyaml's last error message */
};

static const cyaml_schema_value_t string_entry = {
	CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 0, CYAML_UNLIMITED),
};

static void add_params(struct slots *s, const struct param *p);

static enum shape shape_of(const struct param *p);

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

static int slot_of(const struct slots *s, const char *key)
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
static int section_of_kind(const struct node_kind *k)
{
	return k->flags & KIND_WORKLOAD ? SEC_WORKLOADS : k->flags & KIND_INJECTOR ? SEC_FAILURES : SEC_NODES;
}

static void build_schema(struct scenario_impl *im)
{
	add_params(&im->slots[SEC_SIM], sim_params);
	add_slot(&im->slots[SEC_WORKLOADS], "name", NULL);
	add_slot(&im->slots[SEC_NODES], "name", NULL);
	add_slot(&im->slots[SEC_NODES], "kind", NULL);
	add_slot(&im->slots[SEC_FAILURES], "name", NULL);
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
	cyaml_schema_field_t *f = im->top_fields;
	f[0] = (cyaml_schema_field_t){
		.key = "simulation",
		.data_offset = offsetof(struct raw_doc, simulation),
		.value = im->item_value[SEC_SIM],
	};
	f[0].value.flags = CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL;
	static const size_t data_off[SEC_N] = {0, offsetof(struct raw_doc, workloads), offsetof(struct raw_doc, nodes),
					       offsetof(struct raw_doc, failures)};
	static const size_t count_off[SEC_N] = {0, offsetof(struct raw_doc, n_workloads),
						offsetof(struct raw_doc, n_nodes),
						offsetof(struct raw_doc, n_failures)};
	for (int s = SEC_WORKLOADS; s < SEC_N; s++) {
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
	f[SEC_N] = (cyaml_schema_field_t){
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
	f[SEC_N + 1] = f[SEC_N];
	f[SEC_N + 1].key = "tolerance";
	f[SEC_N + 1].data_offset = offsetof(struct raw_doc, tolerance);
	f[SEC_N + 1].count_offset = offsetof(struct raw_doc, n_tolerance);
	f[SEC_N + 2] = (cyaml_schema_field_t)CYAML_FIELD_END;
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

/* A top-level list of one-line texts (slo:, tolerance:): owned texts and where. */
struct lines {
	char *text[SLO_MAX];
	struct pos at[SLO_MAX];
	int n, has;
};

struct walker {
	struct diags *d;
	int n_hard; /* errors libcyaml could not load past */
	yaml_document_t *doc;
	struct scenario_impl *im;
	struct item_info *items[SEC_N];
	int n_items[SEC_N];
	int has[SEC_N];
	/* The slo: section, a list of checks (slo.h): owned texts and where. */
	struct lines slo, tol; /* the slo: and tolerance: sections */
};

static struct pos mark(const yaml_node_t *n)
{
	return (struct pos){(int)n->start_mark.line + 1, (int)n->start_mark.column + 1};
}

static const char *scalar(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static const char *node_type_name(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_SEQUENCE_NODE: return "list";
	case YAML_MAPPING_NODE: return "mapping";
	default: return "single value";
	}
}

static void describe(const struct item_info *it, int sec, int index, char *buf, size_t n)
{
	static const char *const whats[SEC_N] = {"section", "workload", "node", "failure"};
	const char *what = whats[sec];
	if (sec == SEC_SIM)
		snprintf(buf, n, "section 'simulation'");
	else if (it->name[0])
		snprintf(buf, n, "%s '%s'", what, it->name);
	else
		snprintf(buf, n, "%s #%d", what, index + 1);
}

/* The keys an item of this kind may have, for suggestions. */
static size_t kind_keys(const struct node_kind *k, int sec, const char **out, size_t max)
{
	size_t n = 0;
	if (sec != SEC_SIM && n < max)
		out[n++] = "name";
	if (sec == SEC_NODES && n < max)
		out[n++] = "kind";
	for (const struct param *p = k ? k->params : NULL; p && p->key && n < max; p++)
		out[n++] = p->key;
	return n;
}

/* The kinds written under 'nodes', for suggestions. */
static void kind_names(const char **out, size_t *n)
{
	*n = 0;
	for (int k = 0; node_kinds[k]; k++)
		if (section_of_kind(node_kinds[k]) == SEC_NODES)
			out[(*n)++] = node_kinds[k]->name;
}

/* An error that leaves the file unloadable by libcyaml (wrong shape, duplicate). */
#define hard_error(w, ...)                                                                                             \
	do {                                                                                                           \
		(w)->n_hard++;                                                                                         \
		diag_error((w)->d, __VA_ARGS__);                                                                       \
	} while (0)

/* Opening minus closing parentheses in s. */
static int paren_depth(const char *s)
{
	int d = 0;
	for (; *s; s++)
		d += (*s == '(') - (*s == ')');
	return d;
}

/*
 * YAML's flow style splits `{service: normal(1ms, 0.2ms)}` at the comma:
 * the value becomes "normal(1ms" and "0.2ms)" a key of no value.  Finds
 * that shape at pair (a value left open, then keys of no value until the
 * parentheses close), reports it once with the text to write, and returns
 * how many of the following pairs are its fragments (0 if it is not one).
 */
static long split_value(struct walker *w, const yaml_node_pair_t *pair, const yaml_node_pair_t *end, const char *key,
			const char *label)
{
	yaml_node_t *vn = yaml_document_get_node(w->doc, pair->value);
	const char *v = scalar(vn);
	if (!v || vn->data.scalar.style != YAML_PLAIN_SCALAR_STYLE || paren_depth(v) <= 0)
		return 0;
	char joined[512];
	int depth = paren_depth(v);
	long n = 0;
	snprintf(joined, sizeof joined, "%s", v);
	for (const yaml_node_pair_t *q = pair + 1; q < end && depth > 0; q++, n++) {
		const char *k = scalar(yaml_document_get_node(w->doc, q->key));
		const char *qv = scalar(yaml_document_get_node(w->doc, q->value));
		if (!k || !qv || *qv)
			return 0; /* a real key with a value: not a fragment */
		depth += paren_depth(k);
		size_t len = strlen(joined);
		snprintf(joined + len, sizeof joined - len, ", %s", k);
	}
	if (depth != 0 || n == 0)
		return 0;
	struct pos at = mark(vn);
	hard_error(w, at.line, at.col,
		   "'%s' of %s is cut at its comma: in flow style ({...}) YAML splits a value at ', '; quote it: "
		   "%s: \"%s\"",
		   key, label, key, joined);
	return n;
}

static void walk_table(struct walker *w, const struct slots *sl, const struct param *p, yaml_node_t *vn,
		       struct item_info *it, int slot, const char *label);

/* One key's value of an item or a table entry: its shape and positions. */
static void walk_value(struct walker *w, const struct slots *sl, int slot, const struct param *p, struct item_info *it,
		       struct pos kp, yaml_node_t *vn, const char *label)
{
	const char *key = sl->key[slot];
	struct pos vp = mark(vn);
	if (it->seen[slot]) {
		hard_error(w, kp.line, kp.col, "duplicate key '%s' in %s (first at line %d)", key, label,
			   it->key[slot].line);
		return;
	}
	it->seen[slot] = 1;
	it->key[slot] = kp;
	it->val[slot] = vp;
	if (sl->shape[slot] == SHAPE_TABLE) {
		walk_table(w, sl->sub[slot], p, vn, it, slot, label);
	} else if (sl->shape[slot] == SHAPE_LIST) {
		if (vn->type != YAML_SEQUENCE_NODE) {
			hard_error(w, vp.line, vp.col, "key '%s' in %s expects a list, e.g. [a, b]", key, label);
			return;
		}
		yaml_node_item_t *item = vn->data.sequence.items.start;
		int i = 0;
		for (; item < vn->data.sequence.items.top; item++, i++) {
			yaml_node_t *e = yaml_document_get_node(w->doc, *item);
			if (i >= NODE_LIST_MAX) {
				hard_error(w, mark(e).line, mark(e).col, "key '%s' in %s lists more than %d entries",
					   key, label, NODE_LIST_MAX);
				break;
			}
			it->list[slot][i] = mark(e);
			if (e->type != YAML_SCALAR_NODE)
				hard_error(w, mark(e).line, mark(e).col,
					   "entries of '%s' in %s must be names, found a %s", key, label,
					   node_type_name(e));
		}
	} else if (vn->type != YAML_SCALAR_NODE) {
		hard_error(w, vp.line, vp.col, "key '%s' in %s expects a single value, found a %s", key, label,
			   node_type_name(vn));
	}
}

/* A table: a list of mappings, each entry's keys checked against param_table_of(p)->sub. */
static void walk_table(struct walker *w, const struct slots *sl, const struct param *p, yaml_node_t *vn,
		       struct item_info *it, int slot, const char *label)
{
	struct pos vp = mark(vn);
	if (vn->type != YAML_SEQUENCE_NODE) {
		hard_error(w, vp.line, vp.col, "key '%s' in %s expects a list of mappings, e.g. [{%s: ...}]", p->key,
			   label, param_table_of(p)->sub[0].key);
		return;
	}
	long n = vn->data.sequence.items.top - vn->data.sequence.items.start;
	if (n > TABLE_MAX) {
		hard_error(w, vp.line, vp.col, "key '%s' in %s has %ld entries; at most %d are allowed", p->key, label,
			   n, TABLE_MAX);
		return;
	}
	struct table_info *t = xcalloc(1, sizeof(*t));
	it->tab[slot] = t;
	t->n = (int)n;
	for (long i = 0; i < n; i++) {
		yaml_node_t *e = yaml_document_get_node(w->doc, vn->data.sequence.items.start[i]);
		struct item_info *ei = &t->e[i];
		char elabel[192];
		snprintf(elabel, sizeof elabel, "entry %ld of '%s' in %s", i + 1, p->key, label);
		ei->self = mark(e);
		if (e->type != YAML_MAPPING_NODE) {
			hard_error(w, ei->self.line, ei->self.col, "%s must be a mapping, e.g. {%s: ...}, found a %s",
				   elabel, param_table_of(p)->sub[0].key, node_type_name(e));
			continue;
		}
		for (yaml_node_pair_t *pr = e->data.mapping.pairs.start; pr < e->data.mapping.pairs.top; pr++) {
			yaml_node_t *kn = yaml_document_get_node(w->doc, pr->key);
			yaml_node_t *ev = yaml_document_get_node(w->doc, pr->value);
			struct pos kp = mark(kn);
			const char *key = scalar(kn);
			if (!key) {
				hard_error(w, kp.line, kp.col, "expected a key (a plain word) in %s, found a %s",
					   elabel, node_type_name(kn));
				continue;
			}
			const struct param *sp = param_find(param_table_of(p)->sub, key);
			pr += split_value(w, pr, e->data.mapping.pairs.top, key, elabel);
			if (!sp) {
				const char *keys[MAX_SLOTS];
				size_t nk = 0;
				for (const struct param *q = param_table_of(p)->sub; q->key && nk < MAX_SLOTS; q++)
					keys[nk++] = q->key;
				const char *sug = diag_suggest(key, keys, nk);
				if (sug)
					diag_error(w->d, kp.line, kp.col, "unknown key '%s' in %s (did you mean '%s'?)",
						   key, elabel, sug);
				else
					diag_error(w->d, kp.line, kp.col, "unknown key '%s' in %s", key, elabel);
				continue;
			}
			walk_value(w, sl, slot_of(sl, key), sp, ei, kp, ev, elabel);
		}
		for (const struct param *q = param_table_of(p)->sub; q->key; q++)
			if ((q->flags & P_REQUIRED) && !ei->seen[slot_of(sl, q->key)])
				diag_error(w->d, ei->self.line, ei->self.col, "missing required key '%s' in %s", q->key,
					   elabel);
	}
}

static void walk_item(struct walker *w, yaml_node_t *map, int sec, int index, struct item_info *it)
{
	struct diags *d = w->d;
	struct slots *sl = &w->im->slots[sec];
	char label[128];
	static const char *const whats[SEC_N] = {"section", "workload", "node", "failure"};

	it->self = mark(map);
	if (map->type != YAML_MAPPING_NODE) {
		hard_error(w, it->self.line, it->self.col, "expected a mapping of keys for %s #%d, found a %s",
			   whats[sec], index + 1, node_type_name(map));
		return;
	}
	/* First find the name and the kind: messages and key checks need them. */
	yaml_node_pair_t *pair;
	const char *kind_text = NULL;
	struct pos kind_pos = it->self;
	for (pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top; pair++) {
		const char *k = scalar(yaml_document_get_node(w->doc, pair->key));
		yaml_node_t *v = yaml_document_get_node(w->doc, pair->value);
		if (!k)
			continue;
		if (strcmp(k, "name") == 0 && scalar(v))
			snprintf(it->name, sizeof(it->name), "%s", scalar(v));
		if (strcmp(k, "kind") == 0 && scalar(v)) {
			kind_text = scalar(v);
			kind_pos = mark(v);
		}
	}
	describe(it, sec, index, label, sizeof(label));
	if (sec == SEC_SIM) {
		it->kind = &sim_section_kind;
	} else if (sec != SEC_NODES) {
		for (int k = 0; node_kinds[k]; k++)
			if (section_of_kind(node_kinds[k]) == sec)
				it->kind = node_kinds[k];
	} else if (!kind_text) {
		diag_error(d, it->self.line, it->self.col, "missing required key 'kind' in %s", label);
	} else {
		const struct node_kind *k = node_kind_find(kind_text);
		if (!k || section_of_kind(k) != SEC_NODES) {
			const char *names[32];
			size_t n;
			kind_names(names, &n);
			const char *s = diag_suggest(kind_text, names, n);
			if (k)
				diag_error(d, kind_pos.line, kind_pos.col,
					   "kind '%s' belongs in the '%s' section, not under 'nodes' (%s)", k->name,
					   section_key[section_of_kind(k)], label);
			else if (s)
				diag_error(d, kind_pos.line, kind_pos.col,
					   "unknown kind '%s' in %s (did you mean '%s'?)", kind_text, label, s);
			else
				diag_error(d, kind_pos.line, kind_pos.col,
					   "unknown kind '%s' in %s (run 'chokepoint kinds' for the list)", kind_text,
					   label);
		} else {
			it->kind = k;
		}
	}

	for (pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top; pair++) {
		yaml_node_t *kn = yaml_document_get_node(w->doc, pair->key);
		yaml_node_t *vn = yaml_document_get_node(w->doc, pair->value);
		struct pos kp = mark(kn);
		const char *key = scalar(kn);
		if (!key) {
			hard_error(w, kp.line, kp.col, "expected a key (a plain word) in %s, found a %s", label,
				   node_type_name(kn));
			continue;
		}
		long frag = split_value(w, pair, map->data.mapping.pairs.top, key, label);
		pair += frag; /* its fragments are not keys (the key itself is walked: it was written) */
		int slot = slot_of(sl, key);
		int own = (strcmp(key, "name") == 0 && sec != SEC_SIM) ||
			  (strcmp(key, "kind") == 0 && sec == SEC_NODES) ||
			  (it->kind && param_find(it->kind->params, key));
		if (!own) {
			if (!it->kind && sec == SEC_NODES)
				continue; /* unknown kind (reported): its keys cannot be judged */
			const char *keys[MAX_SLOTS + 2];
			size_t n = kind_keys(it->kind, sec, keys, ARRAY_LEN(keys));
			const char *s = diag_suggest(key, keys, n);
			if (s)
				diag_error(d, kp.line, kp.col, "unknown key '%s' in %s (did you mean '%s'?)", key,
					   label, s);
			else if (slot >= 0 && it->kind)
				diag_error(d, kp.line, kp.col, "key '%s' does not apply to kind '%s' (%s)", key,
					   it->kind->name, label);
			else
				diag_error(d, kp.line, kp.col, "unknown key '%s' in %s", key, label);
			continue;
		}
		walk_value(w, sl, slot, param_find(it->kind ? it->kind->params : NULL, key), it, kp, vn, label);
	}
	if ((sec == SEC_WORKLOADS || sec == SEC_NODES) && !it->seen[0])
		diag_error(d, it->self.line, it->self.col, "missing required key 'name' in %s", label);
	for (const struct param *p = it->kind ? it->kind->params : NULL; p && p->key; p++)
		if ((p->flags & P_REQUIRED) && !it->seen[slot_of(sl, p->key)])
			diag_error(d, it->self.line, it->self.col, "missing required key '%s' in %s", p->key, label);
}

/* A top-level list of one-line texts: the slo: checks, compare's tolerances. */
static void walk_lines(struct walker *w, yaml_node_t *v, const char *key, const char *example, struct lines *l)
{
	struct pos p = mark(v);
	if (v->type != YAML_SEQUENCE_NODE) {
		hard_error(w, p.line, p.col, "'%s' expects a list, e.g. [\"%s\"], found a %s", key, example,
			   node_type_name(v));
		return;
	}
	long n = v->data.sequence.items.top - v->data.sequence.items.start;
	if (n > SLO_MAX) {
		hard_error(w, p.line, p.col, "'%s' has %ld entries; at most %d are allowed", key, n, SLO_MAX);
		return;
	}
	for (long i = 0; i < n; i++) {
		yaml_node_t *e = yaml_document_get_node(w->doc, v->data.sequence.items.start[i]);
		struct pos ep = mark(e);
		const char *text = scalar(e);
		if (!text) {
			hard_error(w, ep.line, ep.col, "an entry of '%s' is one line of text, e.g. \"%s\", found a %s",
				   key, example, node_type_name(e));
			continue;
		}
		l->text[l->n] = xstrdup(text);
		l->at[l->n++] = ep;
	}
}

static void walk_section(struct walker *w, yaml_node_t *v, int sec)
{
	if (sec == SEC_SIM) {
		w->items[sec] = xcalloc(1, sizeof(struct item_info));
		w->n_items[sec] = 1;
		walk_item(w, v, sec, 0, w->items[sec]);
		return;
	}
	struct pos p = mark(v);
	if (v->type != YAML_SEQUENCE_NODE) {
		hard_error(w, p.line, p.col,
			   "'%s' expects a list of mappings (each item starting with '- name: ...'), found a %s",
			   section_key[sec], node_type_name(v));
		return;
	}
	long n = v->data.sequence.items.top - v->data.sequence.items.start;
	if (n > MAX_ITEMS) {
		hard_error(w, p.line, p.col, "'%s' has %ld items; at most %d are allowed", section_key[sec], n,
			   MAX_ITEMS);
		return;
	}
	w->items[sec] = xcalloc(n ? n : 1, sizeof(struct item_info));
	w->n_items[sec] = (int)n;
	for (long i = 0; i < n; i++)
		walk_item(w, yaml_document_get_node(w->doc, v->data.sequence.items.start[i]), sec, (int)i,
			  &w->items[sec][i]);
}

static void walk(struct walker *w)
{
	yaml_node_t *root = yaml_document_get_root_node(w->doc);
	if (!root) {
		hard_error(w, 1, 1, "the scenario is empty: it needs 'workloads' and 'nodes'");
		return;
	}
	struct pos rp = mark(root);
	if (root->type != YAML_MAPPING_NODE) {
		hard_error(w, rp.line, rp.col,
			   "expected a mapping with 'simulation', 'workloads' and 'nodes' at the top, found a %s",
			   node_type_name(root));
		return;
	}
	for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top; pr++) {
		yaml_node_t *kn = yaml_document_get_node(w->doc, pr->key);
		yaml_node_t *vn = yaml_document_get_node(w->doc, pr->value);
		const char *key = scalar(kn);
		struct pos kp = mark(kn);
		int sec = -1;
		for (int s = 0; key && s < SEC_N; s++)
			if (strcmp(key, section_key[s]) == 0)
				sec = s;
		int is_slo = key && strcmp(key, "slo") == 0, is_tol = key && strcmp(key, "tolerance") == 0;
		if (is_slo || is_tol) {
			struct lines *l = is_slo ? &w->slo : &w->tol;
			if (l->has)
				hard_error(w, kp.line, kp.col, "duplicate top-level key '%s'", key);
			else
				walk_lines(w, vn, key, is_slo ? "latency_p99 < 250ms" : "latency_p99=10%", l);
			l->has = 1;
			continue;
		}
		if (sec < 0) {
			static const char *const keys[] = {"simulation", "workloads", "nodes",
							   "failures",   "slo",       "tolerance"};
			const char *s = key ? diag_suggest(key, keys, ARRAY_LEN(keys)) : NULL;
			if (s)
				diag_error(w->d, kp.line, kp.col, "unknown top-level key '%s' (did you mean '%s'?)",
					   key, s);
			else
				diag_error(w->d, kp.line, kp.col,
					   "unknown top-level key '%s' (expected 'simulation', 'workloads', 'nodes', "
					   "'failures', 'slo' or 'tolerance')",
					   key ? key : "?");
			continue;
		}
		if (w->has[sec]) {
			hard_error(w, kp.line, kp.col, "duplicate top-level key '%s'", key);
			continue;
		}
		w->has[sec] = 1;
		walk_section(w, vn, sec);
	}
	if (!w->has[SEC_WORKLOADS] || w->n_items[SEC_WORKLOADS] == 0)
		diag_error(w->d, rp.line, rp.col, "the scenario has no workloads: add a 'workloads' list");
	if (!w->has[SEC_NODES] || w->n_items[SEC_NODES] == 0)
		diag_error(w->d, rp.line, rp.col, "the scenario has no nodes: add a 'nodes' list");
	if (!w->has[SEC_SIM]) {
		w->items[SEC_SIM] = xcalloc(1, sizeof(struct item_info));
		w->items[SEC_SIM]->kind = &sim_section_kind;
		w->items[SEC_SIM]->self = rp;
		w->n_items[SEC_SIM] = 1;
	}
}

/* The item of spec node i (workloads, then nodes, then failures). */
static struct item_info *item_at(const struct walker *w, int i, int *sec, int *j)
{
	for (int s = SEC_WORKLOADS; s < SEC_N; s++) {
		if (i < w->n_items[s]) {
			*sec = s;
			*j = i;
			return &w->items[s][i];
		}
		i -= w->n_items[s];
	}
	BUG("spec index past the items");
}

static struct raw_item *raw_at(struct raw_doc *raw, int sec, int j)
{
	switch (sec) {
	case SEC_WORKLOADS: return &raw->workloads[j];
	case SEC_NODES: return &raw->nodes[j];
	case SEC_FAILURES: return &raw->failures[j];
	}
	BUG("no raw items in this section");
}

/* ---- pass 3: typed values ----------------------------------------------- */

struct parser {
	struct diags *d;
	struct scenario *sc;
	struct walker *w;
	struct ref *refs; /* owned */
	size_t n_refs, cap_refs;
	int cur_class; /* the class of the table entry being parsed (0: none) */
	char *dir;     /* owned: the scenario's directory, as given */
	char *root;    /* owned: its real path, or NULL if it has none */
	size_t *first; /* owned: node v's references are refs[first[v] .. first[v + 1]) */
	int *names;    /* owned: node numbers by name, open addressing (-1: free), names_cap slots */
	size_t names_cap;
	/* (node, class) pairs whose class entry names its own calls, even an
	 * empty list: that class does not follow the node's own calls. */
	struct {
		int node, cls;
	} * overrides; /* owned */
	size_t n_overrides, cap_overrides;
};

struct sample_buf {
	double *v;
	size_t n, cap;
	long row;
	int field;
	int bad;
	char bad_text[64];
	long bad_row;
	int is_first_row_text;
};

static void csv_field(void *s, size_t len, void *data)
{
	struct sample_buf *b = data;
	if (b->field++ != 0 || b->bad)
		return;
	char text[64];
	snprintf(text, sizeof(text), "%.*s", (int)(len < 63 ? len : 63), (const char *)s);
	double v;
	const char *err;
	if (units_duration(text, &v, &err) < 0 && units_number(text, &v, &err) < 0) {
		if (b->row == 0) { /* a header line */
			b->is_first_row_text = 1;
			return;
		}
		b->bad = 1;
		b->bad_row = b->row;
		snprintf(b->bad_text, sizeof(b->bad_text), "%s", text);
		return;
	}
	if (v < 0) {
		b->bad = 1;
		b->bad_row = b->row;
		snprintf(b->bad_text, sizeof(b->bad_text), "%s", text);
		return;
	}
	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 256;
		b->v = xrealloc(b->v, b->cap * sizeof(double));
	}
	b->v[b->n++] = v;
}

static void csv_row(int c, void *data)
{
	(void)c;
	struct sample_buf *b = data;
	b->row++;
	b->field = 0;
}

/*
 * Loads the first column of a CSV file in the scenario's directory: values
 * that are durations >= 0 (a header line is skipped).  what names the
 * file in messages ("empirical file").  Returns the values (owned by the
 * scenario) and their number in *n, or NULL after a diagnostic.
 */
#define FNV_BASIS 0xcbf29ce484222325ULL
/* FNV-1a of n more bytes after h: the scenario's identity (sc->hash). */
static uint64_t hash_more(uint64_t h, const unsigned char *p, size_t n);

static const double *load_column(struct parser *P, const char *file, struct pos at, const char *what, const char *label,
				 size_t *n_out)
{
	/* A scenario may only read files in its own directory tree: it can come
	 * from someone else, and must not make chokepoint read /etc/shadow. */
	const char *p = file;
	int escapes = p[0] == '/' || strcmp(p, "..") == 0 || strncmp(p, "../", 3) == 0 || strstr(p, "/../") ||
		      (strlen(p) >= 3 && strcmp(p + strlen(p) - 3, "/..") == 0);
	if (escapes) {
		diag_error(P->d, at.line, at.col,
			   "%s '%s' of %s must be a relative path inside the scenario's directory (no '/' at the "
			   "start, no '..')",
			   what, file, label);
		return NULL;
	}
	char *path = xmalloc(strlen(P->dir) + strlen(file) + 2), *text = NULL, err[256];
	sprintf(path, "%s/%s", P->dir, file);
	size_t len = 0;
	if (!P->root) {
		diag_error(P->d, at.line, at.col,
			   "cannot read %s '%s' of %s: the scenario's directory '%s' cannot be "
			   "resolved: %s",
			   what, file, label, P->dir, strerror(errno));
		free(path);
		return NULL;
	}
	if (safe_read(path, P->root, DATA_FILE_MAX_BYTES, &text, &len, err, sizeof err) != 0) {
		diag_error(P->d, at.line, at.col, "cannot read %s '%s' of %s (looked for '%s'): %s", what, file, label,
			   path, err);
		free(path);
		return NULL;
	}
	struct csv_parser cp;
	struct sample_buf b = {0};
	csv_init(&cp, CSV_APPEND_NULL);
	size_t skip = len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0 ? 3 : 0; /* a UTF-8 byte-order mark */
	csv_parse(&cp, text + skip, len - skip, csv_field, csv_row, &b);
	/* The data is part of the scenario's identity: results of other data
	 * must not merge or compare as the same scenario's. */
	P->sc->hash = hash_more(P->sc->hash, (const unsigned char *)text, len);
	free(text);
	int read_error = 0;
	csv_fini(&cp, csv_field, csv_row, &b);
	csv_free(&cp);
	if (read_error || b.bad || b.n == 0) {
		if (read_error)
			diag_error(P->d, at.line, at.col, "error reading %s '%s' of %s", what, path, label);
		else if (b.bad)
			diag_error(P->d, at.line, at.col,
				   "%s '%s' of %s, row %ld: '%s' is not a duration >= 0 (write '4ms', or seconds)",
				   what, path, label, b.bad_row + 1, b.bad_text);
		else
			diag_error(P->d, at.line, at.col, "%s '%s' of %s has no values", what, path, label);
		free(b.v);
		free(path);
		return NULL;
	}
	struct scenario_impl *im = P->sc->impl;
	im->samples = xrealloc(im->samples, (im->n_samples + 1) * sizeof(double *));
	im->sample_paths = xrealloc(im->sample_paths, (im->n_samples + 1) * sizeof(char *));
	im->sample_paths[im->n_samples] = path;
	im->samples[im->n_samples++] = b.v;
	*n_out = b.n;
	return b.v;
}

/* Loads an empirical distribution's samples; 0, or -1 with a diagnostic. */
static int load_samples(struct parser *P, struct dist *dist, struct pos at, const char *label)
{
	size_t n;
	const double *v = load_column(P, dist->path, at, "empirical file", label, &n);
	if (!v)
		return -1;
	dist_set_values(dist, v, n);
	return 0;
}

/* A replay file: arrival times, in order; 0, or -1 with a diagnostic. */
static int load_times(struct parser *P, const char *text, struct times *t, struct pos at, const char *label)
{
	if (strlen(text) >= sizeof t->path) {
		diag_error(P->d, at.line, at.col, "replay file name of %s is longer than %zu characters", label,
			   sizeof t->path - 1);
		return -1;
	}
	snprintf(t->path, sizeof t->path, "%s", text);
	const double *v = load_column(P, text, at, "replay file", label, &t->n);
	if (!v)
		return -1;
	for (size_t i = 1; i < t->n; i++) {
		if (v[i] < v[i - 1]) {
			diag_error(P->d, at.line, at.col,
				   "replay file '%s' of %s, value %zu: %gs comes before the one above it (%gs); the "
				   "times must not decrease",
				   text, label, i + 1, v[i], v[i - 1]);
			return -1;
		}
	}
	t->t = v;
	return 0;
}

static void add_ref(struct parser *P, int *dest, const char *name, struct pos pos, int from, const struct param *p)
{
	if (P->n_refs == P->cap_refs) {
		P->cap_refs = P->cap_refs ? 2 * P->cap_refs : 32;
		P->refs = xrealloc(P->refs, P->cap_refs * sizeof(*P->refs));
	}
	*dest = -1; /* until resolved: never a valid node by accident */
	P->refs[P->n_refs++] = (struct ref){1, P->cur_class, dest, name, pos, from, p->flags, p->key};
}

static void range_error(struct parser *P, struct pos at, const struct param *p, const char *label, const char *text)
{
	char lo[48], hi[48];
	if (p->min > 0 && p->min < 1e-6)
		snprintf(lo, sizeof lo, "more than 0");
	else
		snprintf(lo, sizeof lo, "%g", p->min);
	snprintf(hi, sizeof hi, "%g", p->max);
	diag_error(P->d, at.line, at.col, "value '%s' of '%s' in %s is out of range (allowed: %s to %s%s)", text,
		   p->key, label, lo, hi, p->flags & P_UNLIMITED ? ", or 'unlimited'" : "");
}

/* The parsers of the types that are not a number with a unit. */
static int parse_count(struct parser *P, const struct param *p, const char *text, void *dest, struct pos at,
		       const char *label, int node)
{
	(void)node;
	const char *err = NULL;
	long c;
	if (units_count(text, p->flags & P_UNLIMITED, &c, &err) < 0) {
		diag_error(P->d, at.line, at.col, "invalid value '%s' for '%s' in %s: expected %s", text, p->key, label,
			   err ? err : "a value");
		return -1;
	}
	if (!(c == LONG_MAX && (p->flags & P_UNLIMITED)) && (c < p->min || c > p->max)) {
		range_error(P, at, p, label, text);
		return -1;
	}
	*(long *)dest = c;
	return 0;
}

static int parse_dist(struct parser *P, const struct param *p, const char *text, void *dest, struct pos at,
		      const char *label, int node)
{
	(void)node;
	char msg[512];
	const char *err = NULL;
	struct dist *dist = dest;
	double mean;
	if (p->type == PT_DIST_EXP && !strchr(text, '(') && units_duration(text, &mean, &err) == 0) {
		/* A bare duration: exponential with that mean (MTBF, MTTR). */
		if (mean <= 0) {
			diag_error(P->d, at.line, at.col, "invalid value '%s' for '%s' in %s: must be more than 0",
				   text, p->key, label);
			return -1;
		}
		*dist = (struct dist){.type = DIST_EXP, .a = mean};
		return 0;
	}
	if (dist_parse(dist, text, msg, sizeof(msg)) < 0) {
		diag_error(P->d, at.line, at.col, "invalid distribution for '%s' in %s: %s", p->key, label, msg);
		return -1;
	}
	if (dist->type == DIST_EMPIRICAL)
		return load_samples(P, dist, at, label);
	return 0;
}

static int parse_enum(struct parser *P, const struct param *p, const char *text, void *dest, struct pos at,
		      const char *label, int node)
{
	(void)node;
	int i = param_choice(p->choices, text);
	if (i < 0) {
		char list[256] = "";
		for (int c = 0;; c++) {
			char one[64];
			param_choice_name(p->choices, c, one, sizeof one);
			if (strcmp(one, "?") == 0)
				break;
			if (c > 0)
				strncat(list, ", ", sizeof list - strlen(list) - 1);
			strncat(list, one, sizeof list - strlen(list) - 1);
		}
		diag_error(P->d, at.line, at.col, "invalid value '%s' for '%s' in %s (expected one of: %s)", text,
			   p->key, label, list);
		return -1;
	}
	*(int *)dest = i;
	return 0;
}

static int parse_node(struct parser *P, const struct param *p, const char *text, void *dest, struct pos at,
		      const char *label, int node)
{
	(void)label;
	add_ref(P, dest, text, at, node, p);
	return 0;
}

static int parse_profile(struct parser *P, const struct param *p, const char *text, void *dest, struct pos at,
			 const char *label, int node)
{
	(void)node;
	struct profile *pr = dest;
	char buf[4096], *save = NULL;
	snprintf(buf, sizeof buf, "%s", text);
	pr->n = 0;
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ')
			tok++;
		char *colon = strchr(tok, ':');
		double t, rate;
		const char *e1 = NULL, *e2 = NULL;
		if (!colon || pr->n == PROFILE_MAX) {
			diag_error(P->d, at.line, at.col,
				   "invalid profile for '%s' in %s: expected up to %d points 'time:rate', e.g. "
				   "'0s:100/s, 5m:800/s'",
				   p->key, label, PROFILE_MAX);
			return -1;
		}
		*colon = '\0';
		if (units_duration(tok, &t, &e1) < 0 || units_rate(colon + 1, &rate, &e2) < 0 || rate < 0) {
			diag_error(P->d, at.line, at.col,
				   "invalid point '%s:%s' in the profile of %s: expected a duration and a rate, e.g. "
				   "'5m:800/s'",
				   tok, colon + 1, label);
			return -1;
		}
		if (pr->n > 0 && t <= pr->t[pr->n - 1]) {
			diag_error(P->d, at.line, at.col, "the times of the profile of %s must increase", label);
			return -1;
		}
		pr->t[pr->n] = t;
		pr->rate[pr->n++] = rate;
	}
	if (pr->n == 0) {
		diag_error(P->d, at.line, at.col, "the profile of %s has no points", label);
		return -1;
	}
	return 0;
}

static int parse_string(struct parser *P, const struct param *p, const char *text, void *dest, struct pos at,
			const char *label, int node)
{
	(void)P;
	(void)p;
	(void)at;
	(void)label;
	(void)node;
	snprintf(dest, 64, "%s", text);
	return 0;
}

static int parse_times(struct parser *P, const struct param *p, const char *text, void *dest, struct pos at,
		       const char *label, int node)
{
	(void)p;
	(void)node;
	return load_times(P, text, dest, at, label);
}

/* The writers of the same, for the resolved scenario. */
static void format_count(const struct param *p, const void *src, const struct net_spec *spec, char *buf, size_t n)
{
	(void)p;
	(void)spec;
	if (*(const long *)src == LONG_MAX)
		snprintf(buf, n, "unlimited");
	else
		snprintf(buf, n, "%ld", *(const long *)src);
}

static void format_duration(const struct param *p, const void *src, const struct net_spec *spec, char *buf, size_t n)
{
	(void)p;
	(void)spec;
	struct dist d = {.type = DIST_CONST, .a = *(const double *)src};
	char tmp[64];
	dist_format(&d, tmp, sizeof tmp); /* "const(4ms)" */
	snprintf(buf, n, "%.*s", (int)strlen(tmp) - 7, tmp + 6);
}

static void format_dist(const struct param *p, const void *src, const struct net_spec *spec, char *buf, size_t n)
{
	(void)p;
	(void)spec;
	dist_format(src, buf, n);
}

static void format_enum(const struct param *p, const void *src, const struct net_spec *spec, char *buf, size_t n)
{
	(void)spec;
	param_choice_name(p->choices, *(const int *)src, buf, n);
}

static void format_node(const struct param *p, const void *src, const struct net_spec *spec, char *buf, size_t n)
{
	(void)p;
	snprintf(buf, n, "%s", spec->nodes[*(const int *)src].name);
}

static void format_string(const struct param *p, const void *src, const struct net_spec *spec, char *buf, size_t n)
{
	(void)p;
	(void)spec;
	snprintf(buf, n, "%s", (const char *)src);
}

static void format_profile(const struct param *p, const void *src, const struct net_spec *spec, char *buf, size_t n)
{
	(void)p;
	(void)spec;
	const struct profile *pr = src;
	size_t used = 0;
	buf[0] = '\0';
	for (int i = 0; i < pr->n && used + 64 < n; i++)
		used += (size_t)snprintf(buf + used, n - used, "%s%.10gs:%.10g/s", i ? ", " : "", pr->t[i],
					 pr->rate[i]);
}

static void format_class(const struct param *p, const void *src, const struct net_spec *spec, char *buf, size_t n)
{
	(void)p;
	snprintf(buf, n, "%s", spec->class_name[*(const int *)src]);
}

static void format_times(const struct param *p, const void *src, const struct net_spec *spec, char *buf, size_t n)
{
	(void)p;
	(void)spec;
	snprintf(buf, n, "%s", ((const struct times *)src)->path);
}

typedef int parse_fn(struct parser *P, const struct param *p, const char *text, void *dest, struct pos at,
		     const char *label, int node);
typedef void format_fn(const struct param *p, const void *src, const struct net_spec *spec, char *buf, size_t n);

/*
 * Each parameter type, once: its name (`chokepoint kinds`), its shape in
 * YAML, and how a value of it is parsed and written back.  A number with
 * a unit is stored as a double: `units` parses it, `suffix` writes it
 * (with %.10g before it), and its range is checked here.  Lists and tables
 * (no parse) are walked by parse_fields.  A new type is one entry.
 */
static const struct type_def {
	const char *name;
	enum shape shape;
	int (*units)(const char *s, double *out, const char **err);
	const char *suffix;
	parse_fn *parse;
	format_fn *format;
} type_defs[] = {
	[PT_COUNT] = {"count", SHAPE_SCALAR, NULL, NULL, parse_count, format_count},
	[PT_DURATION] = {"duration", SHAPE_SCALAR, units_duration, NULL, NULL, format_duration},
	[PT_RATE] = {"rate", SHAPE_SCALAR, units_rate, "/s", NULL, NULL},
	[PT_SIZE] = {"size", SHAPE_SCALAR, units_size, "B", NULL, NULL},
	[PT_BANDWIDTH] = {"bandwidth", SHAPE_SCALAR, units_bandwidth, "bps", NULL, NULL},
	[PT_MONEY] = {"price", SHAPE_SCALAR, units_money, "/h", NULL, NULL},
	[PT_FRACTION] = {"fraction", SHAPE_SCALAR, units_fraction, "", NULL, NULL},
	[PT_DIST] = {"distribution", SHAPE_SCALAR, NULL, NULL, parse_dist, format_dist},
	[PT_ENUM] = {"choice", SHAPE_SCALAR, NULL, NULL, parse_enum, format_enum},
	[PT_NODE] = {"node", SHAPE_SCALAR, NULL, NULL, parse_node, format_node},
	[PT_NODES] = {"list of nodes", SHAPE_LIST, NULL, NULL, NULL, NULL},
	[PT_STRING] = {"text", SHAPE_SCALAR, NULL, NULL, parse_string, format_string},
	[PT_FACTOR] = {"factor", SHAPE_SCALAR, units_factor, "x", NULL, NULL},
	[PT_DIST_EXP] = {"distribution (a duration: exponential)", SHAPE_SCALAR, NULL, NULL, parse_dist, format_dist},
	[PT_PROFILE] = {"profile", SHAPE_SCALAR, NULL, NULL, parse_profile, format_profile},
	[PT_TABLE] = {"list of mappings", SHAPE_TABLE, NULL, NULL, NULL, NULL},
	[PT_CLASS] = {"class", SHAPE_SCALAR, NULL, NULL, NULL, format_class},
	[PT_CLASSES] = {"list of classes", SHAPE_LIST, NULL, NULL, NULL, NULL},
	[PT_TIMES] = {"CSV file of times", SHAPE_SCALAR, NULL, NULL, parse_times, format_times},
};

static const struct type_def *type_of(const struct param *p)
{
	SIM_ASSERT((size_t)p->type < sizeof type_defs / sizeof *type_defs && type_defs[p->type].name);
	return &type_defs[p->type];
}

static enum shape shape_of(const struct param *p)
{
	return type_of(p)->shape;
}

const char *scenario_type_name(const struct param *p)
{
	if (p->type == PT_COUNT && (p->flags & P_UNLIMITED))
		return "count or unlimited";
	return type_of(p)->name;
}

int scenario_type_has_range(const struct param *p)
{
	return p->type == PT_COUNT || type_of(p)->units != NULL;
}

/* Parses one scalar value into dest; -1 after a diagnostic. */
static int parse_scalar(struct parser *P, const struct param *p, const char *text, void *dest, struct pos at,
			const char *label, int node)
{
	const struct type_def *t = type_of(p);
	if (t->parse)
		return t->parse(P, p, text, dest, at, label, node);
	if (!t->units)
		BUG("a list, a table or a class: parsed by parse_fields");
	const char *err = NULL;
	double v = 0;
	if (t->units(text, &v, &err) < 0 || err) {
		diag_error(P->d, at.line, at.col, "invalid value '%s' for '%s' in %s: expected %s", text, p->key, label,
			   err ? err : "a value");
		return -1;
	}
	if (v < p->min || v > p->max) {
		range_error(P, at, p, label, text);
		return -1;
	}
	*(double *)dest = v;
	return 0;
}

/*
 * Splits a call's suffix off its name, in place: "db*3" (three calls in a
 * row) or "search?0.2" (one time in five), where the parameter allows it.
 * -1 after a diagnostic.
 */
static int parse_call_suffix(struct parser *P, const struct param *p, char *name, int *repeat, double *prob,
			     struct pos at, const char *label)
{
	char *star = strchr(name, '*'), *q = strchr(name, '?');
	if (!star && !q)
		return 0;
	if (!(p->flags & P_CALL_SUFFIXES)) {
		diag_error(P->d, at.line, at.col, "'%s' in '%s' of %s: only calls take '*N' or '?p'", name, p->key,
			   label);
		return -1;
	}
	const char *err;
	if (star) {
		long n;
		char *end = q && q > star ? q : star + strlen(star);
		char num[32];
		snprintf(num, sizeof num, "%.*s", (int)(end - star - 1), star + 1);
		if (units_count(num, 0, &n, &err) < 0 || n < 1 || n > 100) {
			diag_error(P->d, at.line, at.col,
				   "'%s' in '%s' of %s: '*' takes a count of calls from 1 to 100", name, p->key, label);
			return -1;
		}
		*repeat = (int)n;
	}
	if (q) {
		double v;
		if (units_fraction(q + 1, &v, &err) < 0 || !(v > 0 && v <= 1)) {
			diag_error(
				P->d, at.line, at.col,
				"'%s' in '%s' of %s: '?' takes the probability of the call, more than 0 and at most 1",
				name, p->key, label);
			return -1;
		}
		*prob = v;
	}
	*(star && (!q || star < q) ? star : q) = '\0';
	return 0;
}

static int name_ok(const char *s);

/* Registers a class named in a mix, or finds it; its id, or -1 after a diagnostic. */
static int define_class(struct parser *P, const char *name, struct pos at, const char *label)
{
	struct net_spec *spec = &P->sc->spec;
	for (int c = 1; c <= spec->n_classes; c++)
		if (strcmp(spec->class_name[c], name) == 0)
			return c;
	if (!name_ok(name) || strlen(name) >= sizeof(spec->class_name[0])) {
		diag_error(P->d, at.line, at.col,
			   "invalid class name '%s' in %s: use up to 63 letters, digits, '_', '-' or '.'", name, label);
		return -1;
	}
	if (spec->n_classes == CLASS_MAX) {
		diag_error(P->d, at.line, at.col, "class '%s' in %s is one too many: at most %d classes are allowed",
			   name, label, CLASS_MAX);
		return -1;
	}
	snprintf(spec->class_name[++spec->n_classes], sizeof(spec->class_name[0]), "%s", name);
	return spec->n_classes;
}

/* A class some workload's mix names (mixes are parsed first); -1 after a diagnostic. */
static int find_class(struct parser *P, const char *name, struct pos at, const struct param *p, const char *label)
{
	const struct net_spec *spec = &P->sc->spec;
	for (int c = 1; c <= spec->n_classes; c++)
		if (strcmp(spec->class_name[c], name) == 0)
			return c;
	const char *names[CLASS_MAX];
	for (int c = 0; c < spec->n_classes; c++)
		names[c] = spec->class_name[c + 1];
	const char *s = diag_suggest(name, names, (size_t)spec->n_classes);
	if (s)
		diag_error(P->d, at.line, at.col,
			   "'%s' of %s names a class '%s' that no workload's mix sends (did you mean '%s'?)", p->key,
			   label, name, s);
	else
		diag_error(P->d, at.line, at.col,
			   "'%s' of %s names a class '%s' that no workload's mix sends (classes are named in a "
			   "workload's 'mix')",
			   p->key, label, name);
	return -1;
}

/* A list of calls or nodes: "name", "name*N", "name?p", "a+b" (in parallel). */
static void parse_node_list(struct parser *P, const struct param *p, struct raw_item *raw, int slot,
			    const struct item_info *it, struct node_list *l, const char *label, int node)
{
	for (uint32_t k = 0; k < raw->n_list[slot]; k++) {
		char *entry = raw->list[slot][k], *save = NULL;
		struct pos ep = it->list[slot][k];
		int first = 1;
		if (strchr(entry, '+') && !(p->flags & P_CALL_SUFFIXES)) {
			diag_error(P->d, ep.line, ep.col, "'%s' in '%s' of %s: only calls take 'a+b' (parallel)", entry,
				   p->key, label);
			continue;
		}
		char buf[256];
		snprintf(buf, sizeof buf, "%s", entry);
		for (char *name = strtok_r(buf, "+", &save); name; name = strtok_r(NULL, "+", &save), first = 0) {
			while (*name == ' ')
				name++;
			char *end = name + strlen(name);
			while (end > name && end[-1] == ' ')
				*--end = '\0';
			if (l->n == NODE_REFS_MAX) {
				diag_error(P->d, ep.line, ep.col, "'%s' of %s names more than %d nodes", p->key, label,
					   NODE_REFS_MAX);
				return;
			}
			int i = l->n++;
			l->idx[i] = -1;
			l->repeat[i] = 1;
			l->prob[i] = 1;
			l->par[i] = !first;
			if (parse_call_suffix(P, p, name, &l->repeat[i], &l->prob[i], ep, label) < 0)
				continue; /* kept, unresolved (-1): no second error about the list */
			/* The name must outlive the parse: point into the raw document. */
			char *stable = entry + (name - buf);
			stable[strlen(name)] = '\0';
			add_ref(P, &l->idx[i], stable, ep, node, p);
			P->refs[P->n_refs - 1].weight = l->repeat[i] * l->prob[i];
			P->refs[P->n_refs - 1].cls = P->cur_class;
		}
	}
}

static unsigned long presence_of(const struct slots *sl, const struct item_info *it, const struct param *params)
{
	unsigned long present = 0;
	for (size_t i = 0; params[i].key; i++)
		if (it->seen[slot_of(sl, params[i].key)])
			present |= 1ul << i;
	return present;
}

/* Parses the values of an item (or a table entry) into cfg; node is its
 * index in the spec (-1: the simulation section). */
static void parse_fields(struct parser *P, const struct slots *sl, const struct item_info *it, struct raw_item *raw,
			 const struct param *params, void *cfg, const char *label, int node)
{
	for (size_t i = 0; params[i].key; i++) {
		const struct param *p = &params[i];
		int slot = slot_of(sl, p->key);
		void *dest = (char *)cfg + p->offset;
		int given = raw && it->seen[slot];
		struct pos at = given ? it->val[slot] : it->self;
		if (p->type == PT_NODES) {
			struct node_list *l = dest;
			l->n = 0;
			if (given) /* default: the empty list */
				parse_node_list(P, p, raw, slot, it, l, label, node);
			if (given && P->cur_class > 0 && node >= 0) {
				if (P->n_overrides == P->cap_overrides) {
					P->cap_overrides = P->cap_overrides ? 2 * P->cap_overrides : 16;
					P->overrides = xrealloc(P->overrides, P->cap_overrides * sizeof(*P->overrides));
				}
				P->overrides[P->n_overrides].node = node;
				P->overrides[P->n_overrides++].cls = P->cur_class;
			}
			continue;
		}
		if (p->type == PT_CLASSES) {
			struct class_list *l = dest;
			l->n = 0;
			for (uint32_t k = 0; given && k < raw->n_list[slot]; k++) {
				int c = find_class(P, raw->list[slot][k], it->list[slot][k], p, label);
				for (int j = 0; c > 0 && j < l->n; j++) {
					if (l->id[j] == c) {
						diag_error(P->d, it->list[slot][k].line, it->list[slot][k].col,
							   "'%s' of %s names class '%s' twice", p->key, label,
							   raw->list[slot][k]);
						c = -1;
					}
				}
				if (c > 0)
					l->id[l->n++] = c;
			}
			continue;
		}
		if (p->type == PT_TABLE) {
			struct table_head *h = dest;
			h->n = 0;
			const struct table_info *t = given ? it->tab[slot] : NULL;
			for (int k = 0; t && k < t->n && k < (int)raw->n_tab[slot]; k++) {
				char elabel[192];
				snprintf(elabel, sizeof elabel, "entry %d of '%s' in %s", k + 1, p->key, label);
				void *e = (char *)cfg + param_table_of(p)->entries +
					  (size_t)k * param_table_of(p)->sub_size;
				int outer = P->cur_class;
				parse_fields(P, sl->sub[slot], &t->e[k], &raw->tab[slot][k], param_table_of(p)->sub, e,
					     elabel, node);
				P->cur_class = outer;
				h->present[k] = presence_of(sl->sub[slot], &t->e[k], param_table_of(p)->sub);
				h->n++;
			}
			continue;
		}
		if (!given && p->type == PT_NODE)
			*(int *)dest = -1; /* an absent reference is none, not node 0 */
		const char *text = given ? raw->v[slot] : p->def;
		if (!text)
			continue; /* required and missing (reported) or optional */
		if (p->type == PT_CLASS) {
			int c = p->flags & P_DEFINES_CLASS ? define_class(P, text, at, label)
							   : find_class(P, text, at, p, label);
			*(int *)dest = c;
			if (c > 0)
				P->cur_class = c; /* the calls of this entry are this class's */
			continue;
		}
		parse_scalar(P, p, text, dest, at, label, node);
	}
}

/* Parses an item's values into cfg; node is its index in the spec (-1: sim). */
static void parse_item(struct parser *P, int sec, struct item_info *it, struct raw_item *raw, int index, void *cfg,
		       int node)
{
	char label[128];
	describe(it, sec, index, label, sizeof(label));
	P->cur_class = 0;
	parse_fields(P, &P->sc->impl->slots[sec], it, raw, it->kind->params, cfg, label, node);
}

static unsigned long presence(const struct slots *sl, const struct item_info *it)
{
	return presence_of(sl, it, it->kind->params);
}

static int name_ok(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_' ||
		      *s == '-' || *s == '.'))
			return 0;
	return 1;
}

static size_t name_slot(const struct parser *P, const char *name)
{
	uint64_t h = FNV_BASIS;
	for (const unsigned char *c = (const unsigned char *)name; *c; c++)
		h = (h ^ *c) * 0x100000001b3ULL;
	size_t k = (size_t)h & (P->names_cap - 1);
	const struct net_spec *spec = &P->sc->spec;
	while (P->names[k] >= 0 && strcmp(spec->nodes[P->names[k]].name, name) != 0)
		k = (k + 1) & (P->names_cap - 1);
	return k;
}

/* Files node i under its name; the node that has the name already, or -1. */
static int name_add(struct parser *P, int i)
{
	size_t k = name_slot(P, P->sc->spec.nodes[i].name);
	if (P->names[k] >= 0)
		return P->names[k];
	P->names[k] = i;
	return -1;
}

/* The node of that name, or -1 (constant time: references are linear). */
static int find_node(const struct parser *P, const char *name)
{
	return P->names[name_slot(P, name)];
}

/* Refs are added node by node, in order: index where each node's start. */
static void index_refs(struct parser *P)
{
	int n = P->sc->spec.n_nodes;
	P->first = xcalloc((size_t)n + 1, sizeof(size_t));
	for (size_t i = 0; i < P->n_refs; i++) {
		SIM_ASSERT(i == 0 || P->refs[i - 1].from <= P->refs[i].from);
		P->first[P->refs[i].from + 1]++;
	}
	for (int v = 0; v < n; v++)
		P->first[v + 1] += P->first[v];
}

/* Whether every reference node i makes was resolved. */
static int refs_resolved(const struct parser *P, int i)
{
	for (size_t k = P->first[i]; k < P->first[i + 1]; k++)
		if (*P->refs[k].dest < 0)
			return 0;
	return 1;
}

static void resolve_refs(struct parser *P)
{
	struct net_spec *spec = &P->sc->spec;
	for (size_t i = 0; i < P->n_refs; i++) {
		struct ref *r = &P->refs[i];
		const struct node_spec *from = &spec->nodes[r->from];
		int j = find_node(P, r->name);
		if (j < 0) {
			const char *names[MAX_ITEMS > 256 ? 256 : MAX_ITEMS];
			size_t n = 0;
			for (int k = 0; k < spec->n_nodes && n < ARRAY_LEN(names); k++)
				names[n++] = spec->nodes[k].name;
			const char *s = diag_suggest(r->name, names, n);
			if (s)
				diag_error(P->d, r->pos.line, r->pos.col,
					   "'%s' of '%s' names a node '%s' that does not exist (did you mean '%s'?)",
					   r->key, from->name, r->name, s);
			else
				diag_error(P->d, r->pos.line, r->pos.col,
					   "'%s' of '%s' names a node '%s' that does not exist", r->key, from->name,
					   r->name);
			continue;
		}
		const struct node_kind *k = spec->nodes[j].kind;
		const char *why = NULL;
		if (!k)
			continue; /* its unknown kind is reported already */
		if ((k->flags & KIND_LINK) && !(from->kind->flags & KIND_INJECTOR))
			why = "a link carries messages between two nodes and cannot be called";
		else if ((k->flags & KIND_WORKLOAD) && !(from->kind->flags & KIND_LINK))
			why = "a workload sends requests and cannot receive them";
		else if ((r->flags & P_REF_INSTANCES) && !(k->flags & KIND_INSTANCES))
			why = "it must name a tier with instances (a server or a database)";
		if (why) {
			diag_error(P->d, r->pos.line, r->pos.col, "'%s' of '%s' cannot be '%s' (kind %s): %s", r->key,
				   from->name, r->name, k->name, why);
			continue;
		}
		*r->dest = j;
	}
}

/* A node's kind flags; 0 for a node whose kind is unknown (reported). */
static unsigned kind_flags(const struct node_spec *ns)
{
	return ns->kind ? ns->kind->flags : 0;
}

/* Depth-first search for call cycles and the deepest call chain. */
static int visit(struct parser *P, int v, int *color, int *depth, int *stack, int sp)
{
	const struct net_spec *spec = &P->sc->spec;
	if (color[v] == 2)
		return depth[v];
	if (color[v] == 1) {
		char path[512] = "";
		int start = sp - 1;
		while (start > 0 && stack[start] != v)
			start--;
		for (int i = start; i < sp; i++) {
			strncat(path, spec->nodes[stack[i]].name, sizeof(path) - strlen(path) - 1);
			strncat(path, " -> ", sizeof(path) - strlen(path) - 1);
		}
		strncat(path, spec->nodes[v].name, sizeof(path) - strlen(path) - 1);
		/* Point at the reference that closes the cycle. */
		struct pos at = {0, 0};
		for (size_t i = P->first[stack[sp - 1]]; i < P->first[stack[sp - 1] + 1]; i++)
			if (*P->refs[i].dest == v)
				at = P->refs[i].pos;
		diag_error(P->d, at.line, at.col, "call cycle: %s", path);
		return -1;
	}
	color[v] = 1;
	stack[sp++] = v;
	int best = 0;
	if (!(kind_flags(&spec->nodes[v]) & (KIND_LINK | KIND_INJECTOR))) {
		for (size_t i = P->first[v]; i < P->first[v + 1]; i++) {
			if (*P->refs[i].dest < 0)
				continue;
			int d = visit(P, *P->refs[i].dest, color, depth, stack, sp);
			if (d < 0) {
				color[v] = 2;
				depth[v] = -1;
				return -1;
			}
			if (d > best)
				best = d;
		}
	}
	color[v] = 2;
	depth[v] = best + 1;
	return depth[v];
}

static void check_graph(struct parser *P)
{
	const struct net_spec *spec = &P->sc->spec;
	int n = spec->n_nodes;
	int *color = xcalloc(n, sizeof(int)), *depth = xcalloc(n, sizeof(int)), *stack = xcalloc(n + 1, sizeof(int));
	for (int v = 0; v < n; v++) {
		if (!(kind_flags(&spec->nodes[v]) & KIND_WORKLOAD))
			continue;
		int d = visit(P, v, color, depth, stack, 0);
		if (d > REQ_MAX_DEPTH) {
			struct item_info *it = &P->w->items[SEC_WORKLOADS][v];
			diag_error(P->d, it->self.line, it->self.col,
				   "requests of workload '%s' pass through %d nodes; at most %d are supported",
				   spec->nodes[v].name, d - 1, REQ_MAX_DEPTH - 1);
		}
	}
	/* Nodes no workload reaches still get their cycles reported. */
	for (int v = 0; v < n; v++)
		if (!color[v])
			visit(P, v, color, depth, stack, 0);
	free(color);
	free(depth);
	free(stack);
}

/* Every node must be reached by some workload: one that is not is a
 * leftover or a typo, and would silently take no part in the run. */
static void check_reachable(struct parser *P)
{
	const struct net_spec *spec = &P->sc->spec;
	int n = spec->n_nodes, head = 0, tail = 0;
	char *seen = xcalloc(n, 1);
	int *queue = xcalloc(n ? (size_t)n : 1, sizeof(int));
	for (int v = 0; v < n; v++) {
		unsigned f = kind_flags(&spec->nodes[v]);
		seen[v] = (f & (KIND_WORKLOAD | KIND_LINK | KIND_INJECTOR)) != 0;
		if (f & KIND_WORKLOAD)
			queue[tail++] = v;
	}
	while (head < tail) { /* breadth first from the workloads, along calls */
		int v = queue[head++];
		if (kind_flags(&spec->nodes[v]) & (KIND_LINK | KIND_INJECTOR))
			continue;
		for (size_t i = P->first[v]; i < P->first[v + 1]; i++) {
			int d = *P->refs[i].dest;
			if (d >= 0 && !seen[d]) {
				seen[d] = 1;
				queue[tail++] = d;
			}
		}
	}
	free(queue);
	for (int v = 0; v < n; v++) {
		if (seen[v])
			continue;
		int sec, j;
		struct item_info *it = item_at(P->w, v, &sec, &j);
		diag_error(P->d, it->self.line, it->self.col,
			   "node '%s' is not reached by any workload: nothing sends it requests (remove it, or add it "
			   "to a 'calls' or 'targets')",
			   spec->nodes[v].name);
	}
	free(seen);
}

/* The rate a workload offers (its kind's 'offered' hook). */
static double open_rate(const struct node_spec *ns)
{
	return ns->kind->offered ? ns->kind->offered(ns->cfg) : 0;
}

/* Whether class cls at node v has calls of its own (a `classes` entry
 * naming calls, a gateway's route), rather than following the node's. */
static int has_own_calls(const struct parser *P, int v, int cls)
{
	if (cls == 0)
		return 0;
	size_t lo = 0, hi = P->n_overrides; /* added node by node: sorted by node */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (P->overrides[mid].node < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < P->n_overrides && P->overrides[i].node == v; i++)
		if (P->overrides[i].cls == cls)
			return 1;
	for (size_t i = P->first[v]; i < P->first[v + 1]; i++)
		if (P->refs[i].cls == cls)
			return 1;
	return 0;
}

/*
 * The long-run arrival rate the open workloads bring to each node, per
 * request class, as the models route them: a workload's rate split by
 * its mix, then along every reference once per request, in depth order
 * (the graph has no cycles), each class by its own calls where a node
 * gives it some and by the node's calls otherwise, times the share the
 * node sends on (a cache's misses, a proxy's dynamic classes).  Closed
 * workloads are left out.  Sums the classes into sc->flow.
 */
static void compute_flows(struct parser *P)
{
	const struct net_spec *spec = &P->sc->spec;
	int n = spec->n_nodes, nw = P->w->n_items[SEC_WORKLOADS], nc = spec->n_classes + 1;
	double *flow = xcalloc((size_t)n * (size_t)nc, sizeof(double));
	int *indeg = xcalloc(n, sizeof(int)), *order = xcalloc(n, sizeof(int)), head = 0, tail = 0;
	for (int v = 0; v < nw; v++) {
		const struct node_spec *ns = &spec->nodes[v];
		double rate = open_rate(ns);
		for (int c = 0; c < nc; c++)
			flow[v * nc + c] = rate * (ns->kind->class_share ? ns->kind->class_share(ns->cfg, c) : c == 0);
	}
	for (size_t i = 0; i < P->n_refs; i++)
		if (!(kind_flags(&spec->nodes[P->refs[i].from]) & (KIND_LINK | KIND_INJECTOR)))
			indeg[*P->refs[i].dest]++;
	for (int v = 0; v < n; v++)
		if (indeg[v] == 0)
			order[tail++] = v;
	int *own = xcalloc((size_t)nc, sizeof(int));
	while (head < tail) { /* Kahn's order: a node after all its callers */
		int v = order[head++];
		const struct node_spec *src = &spec->nodes[v];
		if (kind_flags(src) & (KIND_LINK | KIND_INJECTOR))
			continue;
		for (int c = 0; c < nc; c++)
			own[c] = has_own_calls(P, v, c);
		for (size_t i = P->first[v]; i < P->first[v + 1]; i++) {
			const struct ref *r = &P->refs[i];
			for (int c = 0; c < nc; c++) {
				if (r->cls != (own[c] ? c : 0) || flow[v * nc + c] == 0)
					continue;
				double out = src->kind->flow_out ? src->kind->flow_out(src->cfg, c) : 1;
				flow[*r->dest * nc + c] += flow[v * nc + c] * r->weight * out;
			}
			if (--indeg[*r->dest] == 0)
				order[tail++] = *r->dest;
		}
	}
	P->sc->flow = xcalloc(n ? (size_t)n : 1, sizeof(double));
	for (int v = 0; v < n; v++)
		for (int c = 0; c < nc; c++)
			P->sc->flow[v] += flow[v * nc + c];
	free(own);
	free(flow);
	free(indeg);
	free(order);
}

/*
 * A node offered at least its capacity by the open workloads (the flows
 * above), with no limit on its waiting room, has a queue that grows
 * without bound: refuse to run it (the run would only end at
 * max_in_flight).  The capacity is the kind's upper bound (its servers
 * over the least mean demand of any class), so a stable scenario is never
 * refused.
 */
static void check_stability(struct parser *P)
{
	const struct net_spec *spec = &P->sc->spec;
	int n = spec->n_nodes, nw = P->w->n_items[SEC_WORKLOADS];
	compute_flows(P);
	for (int v = nw; v < n; v++) {
		const struct node_spec *ns = &spec->nodes[v];
		int unbounded = 0, sec, j;
		double cap = ns->kind->capacity ? ns->kind->capacity(ns->cfg, &unbounded) : HUGE_VAL;
		if (!unbounded || P->sc->flow[v] < cap)
			continue;
		struct item_info *it = item_at(P->w, v, &sec, &j);
		diag_error(P->d, it->self.line, it->self.col,
			   "node '%s' is unstable: the open workloads offer it %.6g requests/s and it serves at most "
			   "%.6g/s, with an unlimited queue that would grow without bound (add instances or cores, or "
			   "bound its queue)",
			   ns->name, P->sc->flow[v], cap);
	}
}

/* A link's pair of nodes: its (only) list parameter. */
static const struct node_list *link_pair(const struct node_spec *ns)
{
	for (const struct param *p = ns->kind->params; p->key; p++)
		if (p->type == PT_NODES)
			return (const struct node_list *)((const char *)ns->cfg + p->offset);
	BUG("a link kind without a list of nodes");
}

static void check_links(struct parser *P)
{
	const struct net_spec *spec = &P->sc->spec;
	for (int i = 0; i < spec->n_nodes; i++) {
		if (!(kind_flags(&spec->nodes[i]) & KIND_LINK))
			continue;
		const struct node_list *a = link_pair(&spec->nodes[i]);
		for (int j = 0; j < i; j++) {
			if (!(kind_flags(&spec->nodes[j]) & KIND_LINK))
				continue;
			const struct node_list *b = link_pair(&spec->nodes[j]);
			if (a->n == 2 && b->n == 2 && a->idx[0] >= 0 && a->idx[1] >= 0 &&
			    ((a->idx[0] == b->idx[0] && a->idx[1] == b->idx[1]) ||
			     (a->idx[0] == b->idx[1] && a->idx[1] == b->idx[0]))) {
				struct item_info *it = &P->w->items[SEC_NODES][i - P->w->n_items[SEC_WORKLOADS]];
				diag_error(P->d, it->self.line, it->self.col,
					   "links '%s' and '%s' connect the same two nodes", spec->nodes[j].name,
					   spec->nodes[i].name);
			}
		}
	}
}

/* ---- the whole load ------------------------------------------------------ */

static uint64_t hash_more(uint64_t h, const unsigned char *p, size_t n)
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

static void syntax_error(struct diags *d, const yaml_parser_t *p)
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
	w->slo.n = w->tol.n = 0;
}

/*
 * Checks the event stream before any tree is built: nesting deeper than
 * MAX_DEPTH (libyaml's loader recurses, so a deep file could exhaust the
 * stack) and aliases that would add more than MAX_ALIASED nodes once
 * expanded.  A "billion laughs" file is a few hundred bytes that expand to
 * gigabytes in any consumer that follows aliases, as libcyaml does; and
 * libcyaml's cost of replaying an alias grows with the square of its size
 * (the fuzzer found 10^5 aliased nodes taking 37 GB of allocations), while
 * real scenarios alias a distribution or a node's few keys.  Syntax errors
 * are left to the loader, which reports them with their position.
 */
#define MAX_DEPTH   64
#define MAX_ALIASED 10000
#define MAX_ANCHORS 10000

/* Anchors by name, in an open-addressing table: a look-up per alias in
 * constant time (a linear search made a file of many aliases quadratic). */
#define ANCHOR_SLOTS 32768 /* a power of two, over twice MAX_ANCHORS */

struct anchor_size {
	char *name;  /* owned; NULL: a free slot */
	double size; /* events once expanded */
};

static struct anchor_size *anchor_slot(struct anchor_size *t, const char *name)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (const unsigned char *c = (const unsigned char *)name; *c; c++)
		h = (h ^ *c) * 0x100000001b3ULL;
	size_t i = (size_t)h & (ANCHOR_SLOTS - 1);
	while (t[i].name && strcmp(t[i].name, name) != 0)
		i = (i + 1) & (ANCHOR_SLOTS - 1);
	return &t[i];
}

/* Defines (or, as YAML allows, redefines) anchor name; 0, or -1 when
 * there are already MAX_ANCHORS names. */
static int anchor_set(struct anchor_size *t, size_t *n, const char *name, double size)
{
	struct anchor_size *a = anchor_slot(t, name);
	if (!a->name) {
		if (*n >= MAX_ANCHORS)
			return -1;
		a->name = xstrdup(name);
		++*n;
	}
	a->size = size;
	return 0;
}

static int prescan(const char *text, size_t len, struct diags *d)
{
	yaml_parser_t p;
	yaml_event_t ev;
	struct {
		char *anchor;
		double start;
	} stack[MAX_DEPTH + 1];
	struct anchor_size *anchors = xcalloc(ANCHOR_SLOTS, sizeof(*anchors));
	size_t n_anchors = 0;
	int depth = 0, rc = 0;
	double total = 0, aliased = 0; /* events once expanded; of them, added by aliases */

	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	for (;;) {
		if (!yaml_parser_parse(&p, &ev))
			break; /* a syntax error: the loader reports it */
		yaml_event_type_t type = ev.type;
		int line = (int)ev.start_mark.line + 1, col = (int)ev.start_mark.column + 1;
		const char *anchor = NULL;
		if (type == YAML_SCALAR_EVENT)
			anchor = (const char *)ev.data.scalar.anchor;
		else if (type == YAML_SEQUENCE_START_EVENT)
			anchor = (const char *)ev.data.sequence_start.anchor;
		else if (type == YAML_MAPPING_START_EVENT)
			anchor = (const char *)ev.data.mapping_start.anchor;

		if (type == YAML_SCALAR_EVENT && strlen((const char *)ev.data.scalar.value) != ev.data.scalar.length) {
			/* "database\0xx" would run as a database: C strings end at the NUL. */
			diag_error(d, line, col, "a value holds a NUL character (a \\0 escape); refusing it");
			rc = -1;
		}
		if (type == YAML_ALIAS_EVENT) {
			/* Every alias counts, a scalar's too: each adds its nodes. */
			struct anchor_size *a = anchor_slot(anchors, (const char *)ev.data.alias.anchor);
			double size = a->name ? a->size : 1;
			total += size;
			aliased += size;
		} else {
			total += 1;
		}
		if (anchor && type == YAML_SCALAR_EVENT && anchor_set(anchors, &n_anchors, anchor, 1) < 0) {
			diag_error(d, line, col, "more than %d YAML anchors; refusing to read further", MAX_ANCHORS);
			rc = -1;
		}
		if (type == YAML_SEQUENCE_START_EVENT || type == YAML_MAPPING_START_EVENT) {
			if (depth == MAX_DEPTH) {
				diag_error(d, line, col, "YAML nested more than %d levels deep; a scenario needs 4",
					   MAX_DEPTH);
				rc = -1;
			} else {
				stack[depth].anchor = anchor ? xstrdup(anchor) : NULL;
				stack[depth].start = total;
				depth++;
			}
		} else if ((type == YAML_SEQUENCE_END_EVENT || type == YAML_MAPPING_END_EVENT) && depth > 0) {
			depth--;
			if (stack[depth].anchor) {
				if (rc == 0 && anchor_set(anchors, &n_anchors, stack[depth].anchor,
							  total - stack[depth].start + 1) < 0) {
					diag_error(d, line, col, "more than %d YAML anchors; refusing to read further",
						   MAX_ANCHORS);
					rc = -1;
				}
				free(stack[depth].anchor);
			}
		}
		if (rc == 0 && aliased > MAX_ALIASED) {
			diag_error(
				d, line, col,
				"YAML aliases here add more than %d nodes to the document (an alias bomb?); refusing "
				"to read it",
				MAX_ALIASED);
			rc = -1;
		}
		yaml_event_delete(&ev);
		if (rc < 0 || type == YAML_STREAM_END_EVENT)
			break;
	}
	while (depth > 0)
		free(stack[--depth].anchor);
	for (size_t i = 0; i < ANCHOR_SLOTS; i++)
		free(anchors[i].name);
	free(anchors);
	yaml_parser_delete(&p);
	return rc;
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

enum scenario_status scenario_load_buffer(const char *path, const char *text, size_t len, struct scenario **out,
					  struct diags *d)
{
	*out = NULL;
	if (len > SCENARIO_MAX_BYTES) {
		diag_error(d, 0, 0, "the scenario is larger than %u MiB; refusing to read it",
			   SCENARIO_MAX_BYTES >> 20);
		return SCENARIO_INVALID;
	}
	if (memchr(text, '\0', len)) {
		const char *z = memchr(text, '\0', len);
		int line = 1, col = 1;
		for (const char *c = text; c < z; c++) {
			col = *c == '\n' ? 1 : col + 1;
			line += *c == '\n';
		}
		diag_error(d, line, col, "the scenario contains a NUL byte: it is not a text file");
		return SCENARIO_INVALID;
	}
	if (prescan(text, len, d) < 0)
		return SCENARIO_INVALID;

	yaml_parser_t yp;
	yaml_document_t doc;
	yaml_parser_initialize(&yp);
	yaml_parser_set_input_string(&yp, (const unsigned char *)text, len);
	if (!yaml_parser_load(&yp, &doc)) {
		syntax_error(d, &yp);
		yaml_parser_delete(&yp);
		return SCENARIO_INVALID;
	}
	/* A second document in the same file is almost always a mistake. */
	yaml_document_t doc2;
	if (yaml_document_get_root_node(&doc) && yaml_parser_load(&yp, &doc2)) {
		yaml_node_t *r2 = yaml_document_get_root_node(&doc2);
		if (r2)
			diag_error(d, (int)r2->start_mark.line + 1, (int)r2->start_mark.column + 1,
				   "a scenario file holds one YAML document; remove this second one");
		yaml_document_delete(&doc2);
	} else if (yp.error != YAML_NO_ERROR) {
		syntax_error(d, &yp);
	}
	yaml_parser_delete(&yp);

	struct scenario *sc = xcalloc(1, sizeof(*sc));
	sc->impl = xcalloc(1, sizeof(*sc->impl));
	sc->path = xstrdup(path);
	sc->hash = hash_more(FNV_BASIS, (const unsigned char *)text, len);
	struct scenario_impl *im = sc->impl;
	build_schema(im);

	struct walker w = {.d = d, .doc = &doc, .im = im};
	walk(&w);
	yaml_document_delete(&doc);
	if (w.n_hard > 0)
		goto invalid;
	/* Unknown keys and kinds are reported already: load past them, so that
	 * every value error is reported in the same run. */
	if (d->n > 0)
		im->config.flags |= CYAML_CFG_IGNORE_UNKNOWN_KEYS;

	cyaml_err_t err = cyaml_load_data((const uint8_t *)text, len, &im->config, &im->top_value,
					  (cyaml_data_t **)&im->raw, NULL);
	if (err != CYAML_OK) {
		/* The walk accepts only what the schema does, so this is unexpected. */
		char *nl;
		while ((nl = strchr(im->log, '\n')))
			*nl = ' ';
		diag_error(d, 0, 0, "libcyaml: %s%s%s", cyaml_strerror(err), im->log[0] ? ": " : "", im->log);
		goto invalid;
	}

	struct parser P = {.d = d, .sc = sc, .w = &w};
	P.dir = xstrdup(path);
	char *slash = strrchr(P.dir, '/');
	if (slash == P.dir)
		slash[1] = '\0'; /* "/s.yaml": the root */
	else if (slash)
		*slash = '\0';
	else
		strcpy(P.dir, ".");
	P.root = realpath(P.dir, NULL); /* NULL: data files are refused (with the reason) */

	struct net_spec *spec = &sc->spec;
	spec->n_nodes = w.n_items[SEC_WORKLOADS] + w.n_items[SEC_NODES] + w.n_items[SEC_FAILURES];
	spec->nodes = xcalloc(spec->n_nodes, sizeof(*spec->nodes));
	char *bad_values = xcalloc(spec->n_nodes ? (size_t)spec->n_nodes : 1, 1);
	for (P.names_cap = 16; P.names_cap < 2 * (size_t)spec->n_nodes; P.names_cap *= 2)
		;
	P.names = xmalloc(P.names_cap * sizeof(int));
	for (size_t k = 0; k < P.names_cap; k++)
		P.names[k] = -1;
	parse_item(&P, SEC_SIM, w.items[SEC_SIM], im->raw->simulation, 0, &im->sim, -1);
	for (int i = 0; i < spec->n_nodes; i++) {
		int sec, j;
		struct item_info *it = item_at(&w, i, &sec, &j);
		struct raw_item *raw = raw_at(im->raw, sec, j);
		struct node_spec *ns = &spec->nodes[i];
		ns->kind = it->kind;
		if (raw->v[0])
			snprintf(ns->name, sizeof(ns->name), "%s", raw->v[0]);
		else if (sec == SEC_FAILURES) /* names are optional here */
			snprintf(ns->name, sizeof(ns->name), "failure-%d", j + 1);
		int k = raw->v[0] ? name_add(&P, i) : -1; /* names given are unique; failures' made ones aside */
		if (!it->kind)
			continue; /* unknown kind, reported: its keys mean nothing */
		ns->cfg = xcalloc(1, it->kind->cfg_size);
		if (raw->v[0] && (!name_ok(ns->name) || strlen(raw->v[0]) >= sizeof(ns->name)))
			diag_error(d, it->val[0].line, it->val[0].col,
				   "invalid name '%s': use up to 63 letters, digits, '_', '-' or '.'", raw->v[0]);
		if (k >= 0) {
			int ksec, kj;
			struct item_info *first = item_at(&w, k, &ksec, &kj);
			diag_error(d, it->val[0].line, it->val[0].col, "duplicate name '%s' (first used at line %d)",
				   ns->name, first->val[0].line);
		}
		size_t before = d->n;
		parse_item(&P, sec, it, raw, j, ns->cfg, i);
		if (d->n > before)
			bad_values[i] = 1; /* its own checks would judge values that did not parse */
	}
	for (int i = 0; i < spec->n_nodes; i++) { /* a workload whose mix is empty sends requests of no class */
		const struct node_spec *ns = &spec->nodes[i];
		for (const struct param *p = ns->kind && ns->cfg ? ns->kind->params : NULL; p && p->key; p++)
			if ((ns->kind->flags & KIND_WORKLOAD) && p->type == PT_TABLE &&
			    ((const struct table_head *)((const char *)ns->cfg + p->offset))->n == 0)
				spec->has_unclassified = 1;
	}
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
	if (im->sim.duration > 0 && im->sim.warmup > im->sim.duration) { /* 0: did not parse */
		struct pos at = sim_key_at(&w, "warmup");
		diag_error(d, at.line, at.col,
			   "the warm-up (%gs) is longer than the measured duration (%gs): most of the run would be "
			   "thrown away; shorten 'warmup' or lengthen 'duration'",
			   im->sim.warmup, im->sim.duration);
	}
	double run = im->sim.warmup + im->sim.duration;
	int period_auto = !w.items[SEC_SIM]->seen[slot_of(&im->slots[SEC_SIM], "period")];
	if (period_auto) /* the default grows with the run: a minute, then 5 minutes, an hour, a day, ... */
		im->sim.period = auto_period(run);
	if (im->sim.period > 0 && run / im->sim.period > NET_MAX_PERIODS) { /* 0: did not parse */
		struct pos at = sim_key_at(&w, "period");
		diag_error(d, at.line, at.col,
			   "a period of %gs cuts the %gs run (warm-up included) into %.0f time-series periods, "
			   "more than the %d kept in memory; make 'period' at least %gs",
			   im->sim.period, run, ceil(run / im->sim.period - 1e-9), NET_MAX_PERIODS,
			   ceil(run / NET_MAX_PERIODS * 1000) / 1000);
	}
	for (int i = 0; i < spec->n_nodes; i++) {
		const struct node_kind *k = spec->nodes[i].kind;
		int sec, j;
		struct item_info *it = item_at(&w, i, &sec, &j);
		const char *key = NULL, *msg = NULL;
		char buf[512]; /* a check's message, when it formats one */
		if (k && k->check)
			msg = bad_values[i] ? NULL
					    : k->check(spec->nodes[i].cfg, presence(&im->slots[sec], it), &key, buf,
						       sizeof buf);
		/* Checks across nodes only on an otherwise valid scenario: a node
		 * they read may be missing, of an unknown kind or unparsed.
		 * (The fuzzer found the crash this prevents.) */
		if (!msg && k && k->check_refs && d->n == 0 && refs_resolved(&P, i))
			msg = k->check_refs(spec->nodes[i].cfg, spec, &key, buf, sizeof buf);
		if (msg) {
			char label[128];
			int slot = key ? slot_of(&im->slots[sec], key) : -1;
			struct pos at = slot >= 0 && it->seen[slot] ? it->key[slot] : it->self;
			describe(it, sec, j, label, sizeof label);
			diag_error(d, at.line, at.col, "%s: %s", label, msg);
		}
	}
	free(P.refs);
	free(P.overrides);
	free(P.dir);
	free(P.root);
	free(P.first);
	free(P.names);
	free(bad_values);
	if (d->n > 0)
		goto invalid;

	spec->duration = im->sim.duration;
	spec->warmup = im->sim.warmup;
	spec->period = im->sim.period;
	spec->period_auto = period_auto;
	spec->replications = im->sim.replications;
	spec->seed = (uint64_t)im->sim.seed;
	spec->max_events = (uint64_t)im->sim.max_events;
	spec->max_in_flight = (uint64_t)im->sim.max_in_flight;
	spec->in_flight_limit = spec->max_in_flight;
	spec->max_in_flight_auto = !w.items[SEC_SIM]->seen[slot_of(&im->slots[SEC_SIM], "max_in_flight")];
	spec->max_failures = (uint64_t)im->sim.max_failures;
	spec->slo = im->sim.slo;
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

void scenario_free(struct scenario *sc)
{
	if (!sc)
		return;
	free(sc->flow);
	free(sc->path);
	free(sc->slo);
	free(sc->tol);
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

/* The canonical text of a parsed value, so the resolved file round-trips. */
static void format_value(const struct param *p, const void *cfg, const struct net_spec *spec, char *buf, size_t n)
{
	const void *src = (const char *)cfg + p->offset;
	const struct type_def *t = type_of(p);
	if (t->format)
		t->format(p, src, spec, buf, n);
	else if (t->units)
		snprintf(buf, n, "%s%.10g%s", p->type == PT_MONEY ? "$" : "", *(const double *)src, t->suffix);
	else
		BUG("lists are not formatted here");
}

static void set_list(struct raw_item *raw, int slot, int n)
{
	for (uint32_t i = 0; i < raw->n_list[slot]; i++)
		free(raw->list[slot][i]);
	free(raw->list[slot]);
	raw->list[slot] = xcalloc(n ? (size_t)n : 1, sizeof(char *));
	raw->n_list[slot] = (uint32_t)n;
}

static void resolve_item(struct raw_item *raw, const struct slots *sl, const struct param *params, const void *cfg,
			 const struct net_spec *spec)
{
	for (const struct param *p = params; p->key; p++) {
		int slot = slot_of(sl, p->key);
		const void *src = (const char *)cfg + p->offset;
		if (p->type == PT_NODES) {
			const struct node_list *l = src;
			int groups = 0;
			for (int i = 0; i < l->n; i++)
				groups += !l->par[i];
			set_list(raw, slot, groups);
			for (int i = 0, g = -1; i < l->n; i++) {
				char entry[160];
				int m = snprintf(entry, sizeof entry, "%s", spec->nodes[l->idx[i]].name);
				if (l->repeat[i] > 1)
					m += snprintf(entry + m, sizeof entry - (size_t)m, "*%d", l->repeat[i]);
				if (l->prob[i] < 1)
					snprintf(entry + m, sizeof entry - (size_t)m, "?%.10g", l->prob[i]);
				if (!l->par[i]) {
					raw->list[slot][++g] = xstrdup(entry);
				} else { /* a parallel group: "a+b" */
					char *joined = xmalloc(strlen(raw->list[slot][g]) + strlen(entry) + 2);
					sprintf(joined, "%s+%s", raw->list[slot][g], entry);
					free(raw->list[slot][g]);
					raw->list[slot][g] = joined;
				}
			}
			continue;
		}
		if (p->type == PT_CLASSES) {
			const struct class_list *l = src;
			set_list(raw, slot, l->n);
			for (int i = 0; i < l->n; i++)
				raw->list[slot][i] = xstrdup(spec->class_name[l->id[i]]);
			continue;
		}
		if (p->type == PT_TABLE) {
			const struct table_head *h = src;
			for (int k = 0; k < h->n && k < (int)raw->n_tab[slot]; k++)
				resolve_item(&raw->tab[slot][k], sl->sub[slot], param_table_of(p)->sub,
					     (const char *)cfg + param_table_of(p)->entries +
						     (size_t)k * param_table_of(p)->sub_size,
					     spec);
			continue;
		}
		if (!raw->v[slot] && !p->def)
			continue; /* optional and absent */
		char buf[512];
		format_value(p, cfg, spec, buf, sizeof(buf));
		free(raw->v[slot]);
		raw->v[slot] = xstrdup(buf);
	}
}

char *scenario_resolved_yaml(const struct scenario *sc, size_t *len)
{
	struct scenario_impl *im = sc->impl;
	struct raw_doc *raw = im->raw;
	const struct net_spec *spec = &sc->spec;

	if (!raw->simulation)
		raw->simulation = xcalloc(1, sizeof(struct raw_item));
	struct sim_cfg sim = im->sim;
	sim.duration = spec->duration;
	sim.warmup = spec->warmup;
	sim.period = spec->period;
	sim.replications = spec->replications;
	sim.seed = (long)spec->seed;
	sim.max_events = (long)spec->max_events;
	sim.max_in_flight = (long)spec->max_in_flight;
	sim.max_failures = (long)spec->max_failures;
	sim.slo = spec->slo;
	resolve_item(raw->simulation, &im->slots[SEC_SIM], sim_params, &sim, spec);
	static const int secs[] = {SEC_WORKLOADS, SEC_NODES, SEC_FAILURES};
	int i = 0;
	for (size_t k = 0; k < ARRAY_LEN(secs); k++) {
		uint32_t count = secs[k] == SEC_WORKLOADS ? raw->n_workloads
				 : secs[k] == SEC_NODES   ? raw->n_nodes
							  : raw->n_failures;
		for (uint32_t j = 0; j < count; j++, i++)
			resolve_item(raw_at(raw, secs[k], (int)j), &im->slots[secs[k]], spec->nodes[i].kind->params,
				     spec->nodes[i].cfg, spec);
	}
	char *out = NULL;
	size_t n = 0;
	im->log[0] = '\0';
	if (cyaml_save_data(&out, &n, &im->config, &im->top_value, raw, 0) != CYAML_OK)
		return NULL;
	/* libcyaml's buffer is not NUL-terminated: copy into one that is. */
	char *s = xmalloc(n + 1);
	memcpy(s, out, n);
	s[n] = '\0';
	im->config.mem_fn(im->config.mem_ctx, out, 0);
	*len = n;
	return s;
}
