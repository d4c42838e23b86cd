/*
 * resolved.c - the resolved scenario: every default filled in, written
 * back through libcyaml as a valid scenario.
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

/* The canonical text of a parsed value, so the resolved file round-trips. */
static void format_value(const struct param *p, const void *cfg, const struct net_spec *spec, char *buf, size_t n)
{
	const void *src = (const char *)cfg + p->offset;
	const struct type_def *t = type_of(p);
	if (t->format)
		t->format(p, src, spec, buf, n);
	else if (t->units)
		format_unit_value(p, *(const double *)src, buf, n);
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
		if (p->flags & P_SHORTHAND) { /* its values are written under their own keys */
			free(raw->v[slot]);
			raw->v[slot] = NULL;
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
