/*
 * accesslog.h - the per-request access log (`run --access-log`), in the
 * fields of an AWS ALB access log that make sense here, as CSV.
 *
 * Each replication writes its sampled lines to a part file of its own
 * (workers run in parallel); report_write joins the parts in replication
 * order into access.csv, so the log is identical for any -j.
 */
#ifndef CLI_ACCESSLOG_H
#define CLI_ACCESSLOG_H

#include <stdio.h>

#include "../models/model.h"

/* The CSV header line (with its newline). */
extern const char access_log_header[];

/* The net's access callback: ctx is the part file (FILE *). */
void access_log_write(void *ctx, const struct net *net, const struct access_entry *e);

/* The part file of replication rep in dir. */
void access_log_part(char *buf, size_t size, const char *dir, long rep);

#endif
