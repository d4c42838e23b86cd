/*
 * html.h - report.html: a results directory (a run's or a sweep's) as one
 * self-contained page a person opens in a browser, on a desktop or a
 * phone.  No network, no script, no external font or style: the system's
 * diagram is inline SVG drawn from scenario.resolved.yaml, the pictures
 * are the directory's SVG files inlined, the numbers come from
 * summary.json (or sweep.json), failures.csv and nodes' metrics.
 */
#ifndef CLI_HTML_H
#define CLI_HTML_H

#include <stddef.h>

/* Writes dir/report.html from the files in dir (through a temporary
 * renamed into place); 0, or -1 after printing why. */
int html_report(const char *dir);

/* A scenario's file name without its directory and .yaml (or .yml): a
 * title short enough for a phone's width. */
void scenario_stem(const char *scenario, char *out, size_t n);

#endif
