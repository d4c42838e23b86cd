/* accesslog.c - see accesslog.h. */
#include "accesslog.h"

#include <csv.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "../sim/engine/rng.h"

const char access_log_header[] =
	"type,time,elb,client,target,request_processing_time,target_processing_time,response_processing_time,"
	"elb_status_code,target_status_code,received_bytes,sent_bytes,request,trace_id,error_reason,"
	"replication,attempts,latency_s,sim_time_s\n";

/* Simulated time 0 is this instant, so times and trace ids look real. */
#define EPOCH_BASE 1767225600 /* 2026-01-01T00:00:00Z */

void access_log_part(char *buf, size_t size, const char *dir, long rep)
{
	snprintf(buf, size, "%s/part-%06ld.csv", dir, rep);
}

static const char *error_reason(const struct request *r, int made_by_lb, int client_side)
{
	if (r->status >= 200 && r->status < 300)
		return "-";
	if (client_side)
		return r->status == 460 ? "ClientClosedConnection" : "ClientCircuitOpen";
	if (!made_by_lb)
		return "-"; /* the target's own answer */
	switch (r->status) {
	case 502: return "Target.ConnectionError";
	case 503: return r->trace.target >= 0 ? "Target.NotInService" : "ELB.NoHealthyTargetsOrSpillover";
	case 504: return "Target.Timeout";
	default: return "-";
	}
}

void access_log_write(void *ctx, const struct net *net, const struct access_entry *e)
{
	FILE *f = ctx;
	const struct request *r = e->r;
	const struct net_spec *spec = net->spec;
	int via_lb = r->trace.lb >= 0, dispatched = r->trace.t_dispatch >= 0, answered = r->trace.t_answer >= 0;
	int client_side = r->origin == e->workload;
	int made_by_lb = via_lb && r->origin == r->trace.lb;

	/* time: ISO 8601 with microseconds, from the simulated clock */
	double secs = EPOCH_BASE + e->t;
	time_t whole = (time_t)secs;
	struct tm tm;
	gmtime_r(&whole, &tm);
	char when[64];
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);

	/* trace id: Root=1-<8 hex of epoch seconds>-<24 hex>, from (seed, rep, id) */
	uint64_t x = rng_mix64(spec->seed ^ rng_mix64(e->rep) ^ rng_mix64(r->id));
	uint64_t y = rng_mix64(x);

	fprintf(f, "http,%s.%06dZ,%s,%s:%u,", when, (int)((secs - (double)whole) * 1e6),
		via_lb ? net->nodes[r->trace.lb]->name : "-", net->nodes[e->workload]->name,
		(unsigned)(1024 + r->id % 64512));
	if (dispatched)
		fprintf(f, "%s#%d,", net->nodes[r->trace.target]->name, r->trace.inst + 1);
	else
		fprintf(f, "-,");
	if (dispatched)
		fprintf(f, "%.6f,", r->trace.t_dispatch - r->trace.t_in);
	else
		fprintf(f, "-1,");
	if (answered)
		fprintf(f, "%.6f,0.000000,", r->trace.t_answer - r->trace.t_dispatch);
	else
		fprintf(f, "-1,-1,");
	fprintf(f, "%d,", client_side && r->status != 460 ? 0 : r->status);
	if (answered && !made_by_lb && !client_side)
		fprintf(f, "%d,", r->status);
	else
		fprintf(f, "-,");
	int ok = r->status >= 200 && r->status < 300;
	fprintf(f, "%.0f,%.0f,", r->req_bytes, ok ? r->resp_bytes : 0);
	char line[256];
	snprintf(line, sizeof line, "GET http://%s:80/%s HTTP/1.1", via_lb ? net->nodes[r->trace.lb]->name : "backend",
		 net->nodes[e->workload]->name);
	csv_fwrite(f, line, strlen(line));
	fprintf(f, ",Root=1-%08x-%08" PRIx32 "%016" PRIx64 ",%s,%" PRIu64 ",%d,%.6f,%.6f\n", (unsigned)whole,
		(uint32_t)(x >> 32), y, error_reason(r, made_by_lb, client_side), e->rep, r->attempt,
		e->t - r->t_created, e->t);
}
