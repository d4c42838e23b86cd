/*
 * plot.h - pictures of a results directory, drawn by gnuplot.
 *
 * Reads DIR/timeseries.csv (for the node names, kinds and order) and runs
 * each template of plots/ (utilization.gp, latency.gp, requests.gp) with
 * gnuplot, writing DIR/<template>.png.  Each picture is drawn under a
 * temporary name and renamed when gnuplot succeeded.
 *
 * Templates are looked for in $CHOKEPOINT_PLOTS, then ../plots and
 * ../share/chokepoint/plots beside the executable.
 */
#ifndef CLI_PLOT_H
#define CLI_PLOT_H

/* Returns the number of pictures drawn (3, or 4 with an autoscaler's
 * instances.png), or -1 after printing what went wrong (no gnuplot, no
 * data, ...). */
int plot_dir(const char *dir, const char *title);

#endif
