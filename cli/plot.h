/*
 * plot.h - pictures of a results directory, drawn by gnuplot.
 *
 * Beside the data, in the results directory, it writes each picture's
 * script (a template of plots/, relative paths, the terminal chosen by the
 * variable fmt), style.gp (the look they share: one colour per node, the
 * legend below, the warm-up and failures as shaded windows) and vars.gp
 * (what they read of this run: the nodes and their rows, the failures'
 * windows, the bottleneck), then runs gnuplot on each from that directory
 * for each format asked.  Every file is written under a temporary name
 * and renamed when complete; gnuplot's exit status is checked.  Without
 * gnuplot it warns once and leaves the scripts (`cd DIR && gnuplot
 * requests.gp` draws one later).
 *
 * It then writes report.html (html.h) again, with the pictures.
 *
 * Templates are looked for in $CHOKEPOINT_PLOTS, then ../plots and
 * ../share/chokepoint/plots beside the executable.
 */
#ifndef CLI_PLOT_H
#define CLI_PLOT_H

enum { PLOT_PNG = 1, PLOT_SVG = 2 };

/* "png", "svg", "none", or "png,svg" (also NULL: both) into *formats; -1 if none of them. */
int plot_parse_formats(const char *s, unsigned *formats);
const char *plot_format_name(unsigned formats);

/* The pictures of the run in dir (titled by its scenario, from
 * summary.json) in formats; the number of pictures drawn (0 without
 * gnuplot, or with no format), or -1 after printing what went wrong. */
int plot_dir(const char *dir, unsigned formats);

/* The key curve of the results in dir drawn in text on standard output
 * (gnuplot's dumb terminal): a run's requests and 5xx per second over
 * time at its first balancer (or first node), a sweep's latency against
 * its points; chart.gp or sweep-chart.gp beside the data.  0, or -1 after
 * printing why (no gnuplot: a warning, 0). */
int plot_chart(const char *dir);

/* Whether name is a picture or script plot_dir writes ("latency.svg"). */
int plot_is_file(const char *name);

#endif
