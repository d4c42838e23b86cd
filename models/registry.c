/*
 * registry.c - every component kind, in the order `chokepoint kinds` lists
 * them, and the contract each must keep.  A new kind is one file in
 * models/ and one line in KINDS below.
 */
#include <string.h>

#include "model.h"

/* One line per kind: X(name) for a `const struct node_kind name_kind`. */
/* clang-format off */
#define KINDS(X) \
	X(workload) \
	X(load_balancer) \
	X(server) \
	X(database) \
	X(link) \
	X(cache) \
	X(queue) \
	X(proxy) \
	X(gateway) \
	X(cdn) \
	X(delay) \
	X(failure) \
	X(autoscaler)
/* clang-format on */

#define DECLARE(k) extern const struct node_kind k##_kind;
KINDS(DECLARE)
#undef DECLARE

#define ENTRY(k) &k##_kind,
const struct node_kind *const node_kinds[] = {KINDS(ENTRY) NULL};
#undef ENTRY

const struct node_kind *node_kind_find(const char *name)
{
	for (int i = 0; node_kinds[i]; i++)
		if (strcmp(node_kinds[i]->name, name) == 0)
			return node_kinds[i];
	return NULL;
}

const char *node_kind_contract(const struct node_kind *k)
{
	unsigned role = k->flags & KIND_OFF_PATH;
	if (!k->name || !k->summary || !k->params)
		return "a kind needs a name, a summary and a parameter table";
	if (k->size < sizeof(struct node))
		return "its state must start with a struct node";
	if (!k->init)
		return "every kind needs init";
	if (role && (role & (role - 1)))
		return "a kind is a workload, a link, an injector or a controller, or none of them: not two";
	switch (role) {
	case KIND_WORKLOAD:
		if (!k->start || !k->reply || k->arrive || k->send)
			return "a workload has start (its first arrivals) and reply (answers), and no arrive or send";
		break;
	case KIND_LINK:
		if (!k->send || k->arrive || k->reply)
			return "a link has send, and no arrive or reply (it carries messages, never handles them)";
		break;
	case KIND_INJECTOR:
		if (!k->start || k->arrive || k->reply || k->send)
			return "an injector has start (its failures), and no arrive, reply or send";
		break;
	case KIND_CONTROL:
		if (!k->start || k->arrive || k->reply || k->send)
			return "a controller has start (its decisions), and no arrive, reply or send";
		break;
	default:
		if (!k->arrive || !k->reply || k->send)
			return "a node on requests' paths has arrive and reply, and no send";
	}
	if ((k->flags & KIND_CAN_HANG) && !(k->flags & KIND_CAN_FAIL))
		return "a kind that can hang can fail";
	return NULL;
}
