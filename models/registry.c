/*
 * registry.c - every component kind, in the order `chokepoint kinds` lists
 * them.  A new kind is one file in models/ and one line here.
 */
#include <string.h>

#include "model.h"

extern const struct node_kind workload_kind;
extern const struct node_kind load_balancer_kind;
extern const struct node_kind server_kind;
extern const struct node_kind database_kind;
extern const struct node_kind link_kind;
extern const struct node_kind failure_kind;
extern const struct node_kind cache_kind;
extern const struct node_kind queue_kind;
extern const struct node_kind proxy_kind;
extern const struct node_kind gateway_kind;
extern const struct node_kind cdn_kind;

/* One line per kind. */
/* clang-format off */
const struct node_kind *const node_kinds[] = {
	&workload_kind,
	&load_balancer_kind,
	&server_kind,
	&database_kind,
	&link_kind,
	&cache_kind,
	&queue_kind,
	&proxy_kind,
	&gateway_kind,
	&cdn_kind,
	&failure_kind,
	NULL,
};
/* clang-format on */

const struct node_kind *node_kind_find(const char *name)
{
	for (int i = 0; node_kinds[i]; i++)
		if (strcmp(node_kinds[i]->name, name) == 0)
			return node_kinds[i];
	return NULL;
}
