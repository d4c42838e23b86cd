# Utilization of every node over simulated time, one line per node in its
# colour; the warm-up and the failures shaded.  Data: timeseries.csv (rows
# of every node, period by period); vars.gp: the nodes and the windows.
load 'style.gp'
load 'vars.gp'
set output outfile('utilization')
set title title." — utilization per node"
set xlabel "simulated time (s)"
set ylabel "utilization (%)"
guard_col = 'Utilization'
@zero_guard
@shade_windows
plot for [k in drawn] 'timeseries.csv' every rows::(int(k)-1) using (($1+$2)/2):(100*column("Utilization")) \
	with linespoints lt int(k) lw nodew(k) title word(nodes, int(k))
