/*
 * graph.c - references between nodes and what follows from them: names,
 * resolution, call cycles and depth, reachability, links, and the flows
 * of the stability check.
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

int name_ok(const char *s)
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
int name_add(struct parser *P, int i)
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
void index_refs(struct parser *P)
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
int refs_resolved(const struct parser *P, int i)
{
	for (size_t k = P->first[i]; k < P->first[i + 1]; k++)
		if (*P->refs[k].dest < 0)
			return 0;
	return 1;
}

void resolve_refs(struct parser *P)
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

/* Whether ns's references are calls: not a link's pair, an injector's or
 * an autoscaler's target (a workload's target is one). */
static int makes_calls(const struct node_spec *ns)
{
	return !(kind_flags(ns) & (KIND_OFF_PATH & ~KIND_WORKLOAD));
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
	if (makes_calls(&spec->nodes[v])) {
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

void check_graph(struct parser *P)
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
void check_reachable(struct parser *P)
{
	const struct net_spec *spec = &P->sc->spec;
	int n = spec->n_nodes, head = 0, tail = 0;
	char *seen = xcalloc(n, 1);
	int *queue = xcalloc(n ? (size_t)n : 1, sizeof(int));
	for (int v = 0; v < n; v++) {
		unsigned f = kind_flags(&spec->nodes[v]);
		seen[v] = (f & KIND_OFF_PATH) != 0;
		if (f & KIND_WORKLOAD)
			queue[tail++] = v;
	}
	while (head < tail) { /* breadth first from the workloads, along calls */
		int v = queue[head++];
		if (!makes_calls(&spec->nodes[v]))
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
		if (makes_calls(&spec->nodes[P->refs[i].from]))
			indeg[*P->refs[i].dest]++;
	for (int v = 0; v < n; v++)
		if (indeg[v] == 0)
			order[tail++] = v;
	int *own = xcalloc((size_t)nc, sizeof(int));
	while (head < tail) { /* Kahn's order: a node after all its callers */
		int v = order[head++];
		const struct node_spec *src = &spec->nodes[v];
		if (!makes_calls(src))
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
void check_stability(struct parser *P)
{
	const struct net_spec *spec = &P->sc->spec;
	int n = spec->n_nodes, nw = P->w->n_items[SEC_WORKLOADS];
	compute_flows(P);
	for (int v = nw; v < n; v++) {
		const struct node_spec *ns = &spec->nodes[v];
		int unbounded = 0, sec, j;
		double cap = ns->kind->capacity ? ns->kind->capacity(ns->cfg, &unbounded) : HUGE_VAL;
		int slots = autoscaler_slots(spec, v); /* an autoscaler can grow it to its max */
		if (slots > 0 && ns->kind->instances)
			cap *= (double)slots / ns->kind->instances(ns->cfg);
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

void check_links(struct parser *P)
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
