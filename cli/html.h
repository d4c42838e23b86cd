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
#include <stdio.h>

/* Writes dir/report.html from the files in dir (through a temporary
 * renamed into place); 0, or -1 after printing why. */
int html_report(const char *dir);

/* The pieces of a page, for other commands' pages (compare's): the head
 * with the shared style, text escaped for HTML, a directory's NAME.svg
 * inlined as a captioned figure (1 if it was there), and the foot. */
void html_page_head(FILE *f, const char *title);
void html_esc(FILE *f, const char *s);
int html_inline_svg(FILE *f, const char *dir, const char *name, const char *caption);
void html_page_foot(FILE *f);

/* A scenario's file name without its directory and .yaml (or .yml): a
 * title short enough for a phone's width. */
void scenario_stem(const char *scenario, char *out, size_t n);

#endif
