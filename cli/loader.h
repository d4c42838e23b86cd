/*
 * loader.h - what the loader's files share (cli/scenario.c, walk.c,
 * values.c, graph.c, resolved.c): the raw document libcyaml loads, the
 * slots of each section, the walk's positions, the parser's state, and the
 * functions one file uses from another.  Private to the loader.
 */
#ifndef CLI_LOADER_H
#define CLI_LOADER_H

#include <cyaml/cyaml.h>
#include <stddef.h>
#include <stdint.h>
#include <yaml.h>

#include "../models/model.h"
#include "diag.h"
#include "scenario.h"
#include "slo.h"

#define MAX_SLOTS 96
#define MAX_ITEMS 10000

/* The sections of items.  The catalog's sizes are walked and parsed like
 * items but are no nodes, and libcyaml does not load them (catalog.c). */
enum section { SEC_SIM, SEC_WORKLOADS, SEC_NODES, SEC_FAILURES, SEC_CATALOG, SEC_N };

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
	char **sweep; /* the sweep's lines, as written */
	uint32_t n_sweep;
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

/* One instance size of the catalog (catalog.c). */
struct size_def {
	long cores;
	double speed, memory, bandwidth, price; /* memory, bandwidth: 0 if not given */
	char name[64];
};

struct scenario_impl {
	struct slots slots[SEC_N];
	cyaml_schema_field_t top_fields[SEC_CATALOG + 4]; /* the sections, slo, tolerance, sweep, the end */
	cyaml_schema_value_t item_value[SEC_N];
	cyaml_schema_value_t top_value;
	cyaml_config_t config;
	struct raw_doc *raw; /* owned (libcyaml's allocator, i.e. realloc/free) */
	struct sim_cfg sim;
	double **samples;    /* owned: empirical data */
	char **sample_paths; /* owned: the file each was read from, as opened */
	size_t n_samples;
	char log[1024];         /* libcyaml's last error message */
	struct size_def *sizes; /* owned: the catalog */
	int n_sizes;
	char *catalog_file; /* owned: the file the catalog was read from, or NULL */
};

extern const char *const section_key[SEC_N];
extern const struct param sim_params[];
extern const struct node_kind sim_section_kind;
extern const cyaml_schema_value_t string_entry;

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
	struct lines slo, tol, sweep; /* the slo:, tolerance: and sweep: sections */
	/* The catalog: its sizes' raw values (n_items[SEC_CATALOG] of them,
	 * owned), or the file it names and where. */
	struct raw_item *cat_raw;
	char *cat_file;
	struct pos cat_at;
	int has_catalog;
	/* The scale: block: node, up, out, load (owned texts, lists joined by
	 * commas), or NULL. */
	char *scale[4];
	int has_scale;
	struct plan_tier *plan; /* the plan: block (owned), n_plan tiers */
	int n_plan, has_plan;
};

#define hard_error(w, ...)                                                                                             \
	do {                                                                                                           \
		(w)->n_hard++;                                                                                         \
		diag_error((w)->d, __VA_ARGS__);                                                                       \
	} while (0)

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
	int catalog_failed; /* the catalog had errors: sizes are not looked up */
	char *bad_values;   /* owned: 1 for a node whose values did not parse (its checks are skipped) */
	/* (node, class) pairs whose class entry names its own calls, even an
	 * empty list: that class does not follow the node's own calls. */
	struct {
		int node, cls;
	} * overrides; /* owned */
	size_t n_overrides, cap_overrides;
};

#define FNV_BASIS 0xcbf29ce484222325ULL

typedef int parse_fn(struct parser *P, const struct param *p, const char *text, void *dest, struct pos at,
		     const char *label, int node);
typedef void format_fn(const struct param *p, const void *src, const struct net_spec *spec, char *buf, size_t n);

/* A parameter type (values.c: type_defs, one entry each). */
struct type_def {
	const char *name;
	enum shape shape;
	int (*units)(const char *s, double *out, const char **err);
	const char *suffix;
	parse_fn *parse;
	format_fn *format;
};

/* scenario.c */
uint64_t hash_more(uint64_t h, const unsigned char *p, size_t n);
int section_of_kind(const struct node_kind *k);
int slot_of(const struct slots *s, const char *key);

/* catalog.c */
extern const struct node_kind size_section_kind;
void walk_catalog(struct walker *w, yaml_node_t *v);
void parse_catalog(struct parser *P);
void apply_sizes(struct parser *P);
void free_catalog_raw(struct walker *w);

/* sets.c */
void apply_sets(struct walker *w, struct scenario_impl *im, const struct scenario_set *sets, int n, struct diags *d);

/* scenario.c: a libyaml parser's syntax error, located */
void syntax_error(struct diags *d, const yaml_parser_t *p);
/* values.c: a number of p's unit type as a scenario writes it ($0.5/h, 800/s) */
void format_unit_value(const struct param *p, double v, char *buf, size_t n);

/* walk.c */
void walk_item(struct walker *w, yaml_node_t *map, int sec, int index, struct item_info *it);
const char *node_type_name(const yaml_node_t *n);
void describe(const struct item_info *it, int sec, int index, char *buf, size_t n);
struct item_info *item_at(const struct walker *w, int i, int *sec, int *j);
struct pos mark(const yaml_node_t *n);
int prescan(const char *text, size_t len, struct diags *d);
struct raw_item *raw_at(struct raw_doc *raw, int sec, int j);
const char *scalar(const yaml_node_t *n);
void walk(struct walker *w);

/* values.c */
void parse_item(struct parser *P, int sec, struct item_info *it, struct raw_item *raw, int index, void *cfg, int node);
unsigned long presence(const struct slots *sl, const struct item_info *it);
enum shape shape_of(const struct param *p);
const struct type_def *type_of(const struct param *p);

/* graph.c */
void check_graph(struct parser *P);
void check_links(struct parser *P);
void check_reachable(struct parser *P);
void check_stability(struct parser *P);
void index_refs(struct parser *P);
int name_add(struct parser *P, int i);
int name_ok(const char *s);
int refs_resolved(const struct parser *P, int i);
void resolve_refs(struct parser *P);

#endif
