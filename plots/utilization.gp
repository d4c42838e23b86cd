# Utilization of every node over simulated time, one line per node in its
# colour with its 95% interval across the replications as a band; the
# warm-up and the failures shaded.  Data: timeseries.csv (rows
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
# each node's 95% interval across the replications as a band behind its line
plot for [k in drawn] 'timeseries.csv' every rows::(int(k)-1) using (($1+$2)/2):(100*(column("Utilization")-column("Utilization_half_width"))):(100*(column("Utilization")+column("Utilization_half_width"))) \
	with filledcurves lt int(k) notitle, \
     for [k in drawn] 'timeseries.csv' every rows::(int(k)-1) using (($1+$2)/2):(100*column("Utilization")) \
	with linespoints lt int(k) lw nodew(k) title word(nodes, int(k))
