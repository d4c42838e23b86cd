/* limiter.c - see limiter.h. */
#include "limiter.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/engine/util.h"

void limiter_init(struct limiter *l, const struct net *net, double rate, double burst, int by)
{
	memset(l, 0, sizeof *l);
	l->rate = rate;
	l->burst = burst > 0 ? burst : fmax(1, rate);
	l->by = by;
	if (rate <= 0)
		return;
	l->n = by == LIMIT_PER_CLIENT && net->n_clients > 0 ? net->n_clients : 1;
	l->tokens = xmalloc(l->n * sizeof(double));
	l->t = xcalloc(l->n, sizeof(double));
	for (uint32_t i = 0; i < l->n; i++)
		l->tokens[i] = l->burst;
	if (by == LIMIT_PER_CLIENT)
		l->refused = xcalloc(l->n, 1);
}

int limiter_admit(struct limiter *l, const struct request *r, double now)
{
	if (l->rate <= 0)
		return 1;
	uint32_t b = l->by == LIMIT_PER_CLIENT && r->client < l->n ? r->client : 0;
	l->tokens[b] = fmin(l->burst, l->tokens[b] + (now - l->t[b]) * l->rate);
	l->t[b] = now;
	if (l->tokens[b] >= 1) {
		l->tokens[b] -= 1;
		return 1;
	}
	l->throttled++;
	if (l->refused && !l->refused[b]) {
		l->refused[b] = 1;
		l->clients_throttled++;
	}
	return 0;
}

void limiter_reset(struct limiter *l)
{
	l->throttled = l->clients_throttled = 0;
	if (l->refused)
		memset(l->refused, 0, l->n);
}

void limiter_report(const struct limiter *l, const struct node *n, struct report *rep)
{
	double T = n->net->t_end - n->net->t_warm;
	if (l->rate <= 0)
		return;
	report_add(rep, n->name, "throttled", (double)l->throttled);
	if (l->by == LIMIT_PER_CLIENT)
		report_add(rep, n->name, "clients_throttled", (double)l->clients_throttled);
	else
		report_add(rep, n->name, "rate_limit_utilization",
			   T > 0 ? (double)(n->st.arrivals - l->throttled) / (l->rate * T) : 0);
}

const char *limiter_check(const struct param *params, unsigned long present, int by, const char **key)
{
	if (param_is_present(params, present, "rate_limit"))
		return NULL;
	if (param_is_present(params, present, "burst")) {
		*key = "burst";
		return "'burst' applies only with 'rate_limit'";
	}
	if (by == LIMIT_PER_CLIENT) { /* 'global' is what no limit means too */
		*key = "rate_limit_by";
		return "'rate_limit_by' applies only with 'rate_limit'";
	}
	return NULL;
}

void limiter_release(struct limiter *l)
{
	free(l->tokens);
	free(l->t);
	free(l->refused);
}
