/*
 * walk.c - the libyaml walk of a scenario: the shape of every section,
 * item and value, with the positions diagnostics point at, before libcyaml
 * loads it; and the pre-scan of the event stream (nesting, aliases, NULs).
 */
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
#include "loader.h"

struct pos mark(const yaml_node_t *n)
{
	return (struct pos){(int)n->start_mark.line + 1, (int)n->start_mark.column + 1};
}

const char *scalar(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

const char *node_type_name(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_SEQUENCE_NODE: return "list";
	case YAML_MAPPING_NODE: return "mapping";
	default: return "single value";
	}
}

void describe(const struct item_info *it, int sec, int index, char *buf, size_t n)
{
	static const char *const whats[SEC_N] = {"section", "workload", "node", "failure", "size"};
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

/* An item's name and kind, found first: messages and key checks need them.
 * Its label (for messages) into label. */
static void item_kind(struct walker *w, yaml_node_t *map, int sec, int index, struct item_info *it, char *label,
		      size_t label_n)
{
	struct diags *d = w->d;
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
	describe(it, sec, index, label, label_n);
	if (sec == SEC_SIM) {
		it->kind = &sim_section_kind;
	} else if (sec == SEC_CATALOG) {
		it->kind = &size_section_kind;
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
}

void walk_item(struct walker *w, yaml_node_t *map, int sec, int index, struct item_info *it)
{
	struct diags *d = w->d;
	struct slots *sl = &w->im->slots[sec];
	char label[128];
	static const char *const whats[SEC_N] = {"section", "workload", "node", "failure", "size"};

	it->self = mark(map);
	if (map->type != YAML_MAPPING_NODE) {
		hard_error(w, it->self.line, it->self.col, "expected a mapping of keys for %s #%d, found a %s",
			   whats[sec], index + 1, node_type_name(map));
		return;
	}
	item_kind(w, map, sec, index, it, label, sizeof label);
	for (yaml_node_pair_t *pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top; pair++) {
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

/* A value or a list of single values, as one text (a list joined by
 * commas, as on the command line), or NULL after an error. */
static char *joined_values(struct walker *w, yaml_node_t *vn, const char *key, const char *block)
{
	if (scalar(vn))
		return xstrdup(scalar(vn));
	struct pos vp = mark(vn);
	if (vn->type != YAML_SEQUENCE_NODE) {
		hard_error(w, vp.line, vp.col, "'%s' in '%s' expects a value or a list, found a %s", key, block,
			   node_type_name(vn));
		return NULL;
	}
	size_t len = 1;
	char *joined = xcalloc(1, 1);
	for (yaml_node_item_t *it = vn->data.sequence.items.start; it < vn->data.sequence.items.top; it++) {
		const char *e = scalar(yaml_document_get_node(w->doc, *it));
		if (!e) {
			hard_error(w, vp.line, vp.col, "an entry of '%s' in '%s' is a single value", key, block);
			free(joined);
			return NULL;
		}
		len += strlen(e) + 2;
		joined = xrealloc(joined, len);
		if (joined[0])
			strcat(joined, ", ");
		strcat(joined, e);
	}
	if (!joined[0]) {
		hard_error(w, vp.line, vp.col, "'%s' in '%s' is an empty list", key, block);
		free(joined);
		return NULL;
	}
	return joined;
}

/* The index of kn's key among keys, or -1 after reporting it unknown in
 * where ("'scale'"), with the nearest key and the list. */
static int block_key(struct walker *w, yaml_node_t *kn, const char *const *keys, int n, const char *where)
{
	const char *key = scalar(kn);
	for (int i = 0; key && i < n; i++)
		if (strcmp(key, keys[i]) == 0)
			return i;
	struct pos kp = mark(kn);
	char list[200] = "";
	for (int i = 0; i < n; i++)
		snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", keys[i]);
	const char *s = key ? diag_suggest(key, keys, (size_t)n) : NULL;
	diag_error(w->d, kp.line, kp.col, "unknown key '%s' in %s%s%s%s (expected %s)", key ? key : "?", where,
		   s ? " (did you mean '" : "", s ? s : "", s ? "'?)" : "", list);
	return -1;
}

/* The scale: block: what `chokepoint scale` varies, each key one value or
 * a list. */
static void walk_scale(struct walker *w, yaml_node_t *v)
{
	static const char *const keys[] = {"node", "up", "out", "load"};
	struct pos p = mark(v);
	if (v->type != YAML_MAPPING_NODE) {
		hard_error(w, p.line, p.col,
			   "'scale' expects a mapping, e.g. {node: web, up: [m5.large, m5.xlarge], out: 1..8, load: "
			   "100/s..2000/s:10}, found a %s",
			   node_type_name(v));
		return;
	}
	for (yaml_node_pair_t *pr = v->data.mapping.pairs.start; pr < v->data.mapping.pairs.top; pr++) {
		yaml_node_t *kn = yaml_document_get_node(w->doc, pr->key);
		yaml_node_t *vn = yaml_document_get_node(w->doc, pr->value);
		const char *key = scalar(kn);
		struct pos kp = mark(kn), vp = mark(vn);
		int k = block_key(w, kn, keys, 4, "'scale'");
		if (k < 0)
			continue;
		if (w->scale[k]) {
			hard_error(w, kp.line, kp.col, "duplicate key '%s' in 'scale'", key);
			continue;
		}
		if (k == 0 && !scalar(vn)) {
			hard_error(w, vp.line, vp.col, "'node' in 'scale' expects a node's name, found a %s",
				   node_type_name(vn));
			continue;
		}
		w->scale[k] = joined_values(w, vn, key, "scale");
	}
}

/* One tier of the plan: block, {size: [...], instances: 1..16}. */
static void walk_plan_tier(struct walker *w, struct plan_tier *t, yaml_node_t *v)
{
	static const char *const keys[] = {"size", "instances"};
	struct pos p = mark(v);
	if (v->type != YAML_MAPPING_NODE) {
		hard_error(w, p.line, p.col,
			   "'%s' in 'plan' expects a mapping of what to vary, e.g. {size: [m5.large, m5.xlarge], "
			   "instances: 1..16}, found a %s",
			   t->node, node_type_name(v));
		return;
	}
	for (yaml_node_pair_t *pr = v->data.mapping.pairs.start; pr < v->data.mapping.pairs.top; pr++) {
		yaml_node_t *kn = yaml_document_get_node(w->doc, pr->key);
		yaml_node_t *vn = yaml_document_get_node(w->doc, pr->value);
		const char *key = scalar(kn);
		struct pos kp = mark(kn), vp = mark(vn);
		char where[200];
		snprintf(where, sizeof where, "'plan' for '%.150s'", t->node);
		int k = block_key(w, kn, keys, 2, where);
		if (k < 0)
			continue;
		if (t->vary[k]) {
			hard_error(w, kp.line, kp.col, "duplicate key '%s' in 'plan' for '%s'", key, t->node);
			continue;
		}
		t->vary[k] = joined_values(w, vn, key, "plan");
		t->vary_at[k] = (struct plan_pos){vp.line, vp.col};
	}
	if (!t->vary[0] && !t->vary[1] && v->data.mapping.pairs.top == v->data.mapping.pairs.start)
		hard_error(w, p.line, p.col, "'%s' in 'plan' varies nothing: give 'size', 'instances' or both",
			   t->node);
}

/* The plan: block: the tiers `chokepoint plan` may resize, by name. */
static void walk_plan(struct walker *w, yaml_node_t *v)
{
	struct pos p = mark(v);
	if (v->type != YAML_MAPPING_NODE) {
		hard_error(w, p.line, p.col,
			   "'plan' expects a mapping of tiers, e.g. {web: {size: [c5.large, m5.large], instances: "
			   "1..16}, db: {size: [db.m5.large, db.m5.xlarge]}}, found a %s",
			   node_type_name(v));
		return;
	}
	long n = v->data.mapping.pairs.top - v->data.mapping.pairs.start;
	if (n == 0 || n > PLAN_MAX_TIERS) {
		hard_error(w, p.line, p.col, "'plan' names %ld tiers: give 1 to %d", n, PLAN_MAX_TIERS);
		return;
	}
	w->plan = xcalloc((size_t)n, sizeof *w->plan);
	for (yaml_node_pair_t *pr = v->data.mapping.pairs.start; pr < v->data.mapping.pairs.top; pr++) {
		yaml_node_t *kn = yaml_document_get_node(w->doc, pr->key);
		struct pos kp = mark(kn);
		const char *key = scalar(kn);
		if (!key) {
			hard_error(w, kp.line, kp.col, "a key of 'plan' is a tier's name, found a %s",
				   node_type_name(kn));
			continue;
		}
		for (int i = 0; i < w->n_plan; i++)
			if (strcmp(w->plan[i].node, key) == 0)
				hard_error(w, kp.line, kp.col, "duplicate tier '%s' in 'plan'", key);
		struct plan_tier *t = &w->plan[w->n_plan++];
		t->node = xstrdup(key);
		t->at = (struct plan_pos){kp.line, kp.col};
		walk_plan_tier(w, t, yaml_document_get_node(w->doc, pr->value));
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

/* The top-level keys that are no section of items: slo, tolerance and
 * sweep (lists of lines), scale, plan and catalog.  1 if key is one of them. */
static int walk_other(struct walker *w, const char *key, struct pos kp, yaml_node_t *vn)
{
	int is_slo = strcmp(key, "slo") == 0, is_tol = strcmp(key, "tolerance") == 0;
	int is_sweep = strcmp(key, "sweep") == 0, is_scale = strcmp(key, "scale") == 0;
	int is_catalog = strcmp(key, "catalog") == 0, is_plan = strcmp(key, "plan") == 0;
	if (is_slo || is_tol || is_sweep) {
		struct lines *l = is_slo ? &w->slo : is_tol ? &w->tol : &w->sweep;
		if (l->has)
			hard_error(w, kp.line, kp.col, "duplicate top-level key '%s'", key);
		else
			walk_lines(w, vn, key,
				   is_slo   ? "latency_p99 < 250ms"
				   : is_tol ? "latency_p99=10%"
					    : "web.instances = 1,2,4,8",
				   l);
		l->has = 1;
		return 1;
	}
	if (!is_scale && !is_catalog && !is_plan)
		return 0;
	int *has = is_scale ? &w->has_scale : is_plan ? &w->has_plan : &w->has_catalog;
	if (*has)
		hard_error(w, kp.line, kp.col, "duplicate top-level key '%s'", key);
	else if (is_scale)
		walk_scale(w, vn);
	else if (is_plan)
		walk_plan(w, vn);
	else
		walk_catalog(w, vn);
	*has = 1;
	return 1;
}

void walk(struct walker *w)
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
		if (key && walk_other(w, key, kp, vn))
			continue;
		if (sec < 0 || sec == SEC_CATALOG) {
			static const char *const keys[] = {"simulation", "workloads", "nodes",   "failures", "slo",
							   "tolerance",  "sweep",     "catalog", "scale",    "plan"};
			const char *s = key ? diag_suggest(key, keys, ARRAY_LEN(keys)) : NULL;
			if (s)
				diag_error(w->d, kp.line, kp.col, "unknown top-level key '%s' (did you mean '%s'?)",
					   key, s);
			else
				diag_error(w->d, kp.line, kp.col,
					   "unknown top-level key '%s' (expected 'simulation', 'workloads', 'nodes', "
					   "'failures', 'slo', 'tolerance', 'sweep', 'catalog', 'scale' or 'plan')",
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
struct item_info *item_at(const struct walker *w, int i, int *sec, int *j)
{
	for (int s = SEC_WORKLOADS; s <= SEC_FAILURES; s++) {
		if (i < w->n_items[s]) {
			*sec = s;
			*j = i;
			return &w->items[s][i];
		}
		i -= w->n_items[s];
	}
	BUG("spec index past the items");
}

struct raw_item *raw_at(struct raw_doc *raw, int sec, int j)
{
	switch (sec) {
	case SEC_WORKLOADS: return &raw->workloads[j];
	case SEC_NODES: return &raw->nodes[j];
	case SEC_FAILURES: return &raw->failures[j];
	}
	BUG("no raw items in this section");
}

/* ---- pass 3: typed values ----------------------------------------------- */

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

/* The anchor an event defines (a scalar, a sequence or a mapping), or NULL. */
static const char *event_anchor(const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_SCALAR_EVENT: return (const char *)ev->data.scalar.anchor;
	case YAML_SEQUENCE_START_EVENT: return (const char *)ev->data.sequence_start.anchor;
	case YAML_MAPPING_START_EVENT: return (const char *)ev->data.mapping_start.anchor;
	default: return NULL;
	}
}

int prescan(const char *text, size_t len, struct diags *d)
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
		const char *anchor = event_anchor(&ev);
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
