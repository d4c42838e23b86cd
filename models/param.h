/*
 * param.h - declarative parameter tables for component kinds and sections.
 *
 * Each kind describes its scenario keys once: key, type, where the parsed
 * value goes in the kind's config struct, default, range and help.  The
 * scenario loader parses, range-checks and reports errors from the table;
 * `chokepoint kinds` and docs/kinds.md are generated from the same table.
 * A model never parses text itself.
 */
#ifndef MODELS_PARAM_H
#define MODELS_PARAM_H

#include <stddef.h>

#include "../sim/engine/dist.h"

enum param_type {
	PT_COUNT,     /* long; "unlimited" allowed with P_UNLIMITED */
	PT_DURATION,  /* double, seconds */
	PT_RATE,      /* double, per second */
	PT_SIZE,      /* double, bytes */
	PT_BANDWIDTH, /* double, bits per second */
	PT_MONEY,     /* double, dollars per hour */
	PT_FRACTION,  /* double in [0, 1] */
	PT_DIST,      /* struct dist */
	PT_ENUM,      /* int: index into choices */
	PT_NODE,      /* int: index of a node, resolved after loading */
	PT_NODES,     /* struct node_list: a YAML list of node names */
	PT_STRING,    /* char[64] */
	PT_FACTOR,    /* double: "10x" or "10" */
	PT_DIST_EXP,  /* struct dist; a bare duration means exp(duration) */
	PT_PROFILE,   /* struct profile: "0s:100/s, 5m:800/s, ..." */
	PT_TABLE,     /* a list of mappings: struct table_head at offset, entries at param.entries */
	PT_CLASS,     /* int: a request class id (1..), named in a workload's mix */
	PT_CLASSES,   /* struct class_list: a YAML list of class names */
	PT_TIMES,     /* struct times: a CSV file of times, in the scenario's directory */
	PT_PRICE_GB,  /* double, dollars per GB (10^9 bytes) */
};

enum param_flags {
	P_REQUIRED = 1,       /* no default: the key must be given */
	P_UNLIMITED = 2,      /* PT_COUNT accepts "unlimited" */
	P_OPTIONAL = 4,       /* may be absent with no default (the kind checks) */
	P_REF_INSTANCES = 8,  /* PT_NODE: must name a kind with instances */
	P_CALL_SUFFIXES = 16, /* PT_NODES: entries may be "name*N" (N calls), "name?p" or "a+b" (parallel) */
	P_DEFINES_CLASS = 32, /* PT_CLASS: this key names a new class (a mix entry), not an existing one */
	P_SHORTHAND = 64,     /* stands for other keys' values (a catalog size): the resolved scenario
				 writes those values and leaves this key out */
};

#define NODE_LIST_MAX 16 /* entries of a YAML list */
#define NODE_REFS_MAX 32 /* nodes in a list once parallel groups "a+b" are split */
#define TABLE_MAX     16 /* entries of a PT_TABLE */
#define CLASS_MAX     16 /* request classes in a scenario */

#define PROFILE_MAX 64

/* A rate over time: points (time, rate), increasing in time. */
struct profile {
	int n;
	double t[PROFILE_MAX];    /* seconds */
	double rate[PROFILE_MAX]; /* per second */
};

struct node_list {
	int n;
	int idx[NODE_REFS_MAX];     /* node indices */
	int repeat[NODE_REFS_MAX];  /* calls: "db*3" -> 3 (1 otherwise) */
	double prob[NODE_REFS_MAX]; /* calls: "search?0.2" -> 0.2 (1 otherwise) */
	int par[NODE_REFS_MAX];     /* calls: "price+stock" -> 1 on stock: made with the entry before, in parallel */
};

/* Times read from a file (arrivals to replay). */
struct times {
	const double *t; /* seconds, not decreasing; owned by the scenario */
	size_t n;
	char path[256]; /* as written */
};

/* A list of request classes (ids from 1). */
struct class_list {
	int n;
	int id[CLASS_MAX];
};

/*
 * A PT_TABLE value: the number of entries and, for each, which of its
 * sub-keys were written (bit i: sub[i]).  The entries themselves, of
 * sub_size bytes each, start at the param's `entries` offset.
 */
struct table_head {
	int n;
	unsigned long present[TABLE_MAX];
};

struct param_table;

struct param {
	const char *key;
	enum param_type type;
	size_t offset;       /* into the kind's config struct */
	const char *def;     /* default as scenario text; NULL if none */
	double min, max;     /* inclusive range of the parsed value */
	const void *choices; /* PT_ENUM: "a|b|c"; PT_TABLE: its struct param_table */
	unsigned flags;
	const char *help; /* one line, with the unit */
};

/* What a PT_TABLE's entries are (its param's `choices`). */
struct param_table {
	const struct param *sub; /* the keys of one entry */
	size_t sub_size;         /* bytes of one parsed entry */
	size_t entries;          /* offset of the first entry in the config struct */
};

static inline const struct param_table *param_table_of(const struct param *p)
{
	return p->choices;
}

/* The number of entries of a NULL-key-terminated table. */
size_t param_count(const struct param *p);

/* The entry for key, or NULL. */
const struct param *param_find(const struct param *p, const char *key);

/* Whether key was written, given the presence bits handed to a check. */
int param_is_present(const struct param *p, unsigned long present, const char *key);

/* The index of word in a "a|b|c" choice list, or -1. */
int param_choice(const char *choices, const char *word);

/* Copies choice number i of a "a|b|c" list into buf. */
void param_choice_name(const char *choices, int i, char *buf, size_t size);

#endif
