# The summary's chart of a sweep (run --chart): the p99 latency at each
# point, in text, against the offered load for a load sweep, else against
# the points.  Data: sweep.csv.
load 'style.gp'
load 'vars.gp'
if (fmt ne 'dumb') { set output outfile('sweep-chart') }
set title "p99 latency (ms) against ".(is_load ? "the offered load (requests/s)" : xname)
set key off
set yrange [0:*]
xspec = is_load ? '(column("e2e.offered_throughput (1/s)"))' : '1'
ticspec = is_load ? "" : ":xtic(2)"
plot 'sweep.csv' using @xspec:(1000*column("e2e.latency_p99 (s)"))@ticspec with linespoints pt 'o'
