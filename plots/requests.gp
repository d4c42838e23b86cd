# Requests per second at every node over simulated time (RequestCount over
# each period's length, so a short last period is not a drop), each with
# its 95% interval across the replications as a band.
load 'style.gp'
load 'vars.gp'
set output outfile('requests')
set title title." — requests per second per node"
set xlabel "simulated time (s)"
set ylabel "requests/s"
guard_col = 'RequestCount'
@zero_guard
@shade_windows
plot for [k in drawn] 'timeseries.csv' every rows::(int(k)-1) using (($1+$2)/2):((column("RequestCount")-column("RequestCount_half_width"))/($2-$1)):((column("RequestCount")+column("RequestCount_half_width"))/($2-$1)) \
	with filledcurves lt int(k) notitle, \
     for [k in drawn] 'timeseries.csv' every rows::(int(k)-1) using (($1+$2)/2):(column("RequestCount")/($2-$1)) \
	with linespoints lt int(k) lw nodew(k) dashtype int(k) title word(nodes, int(k))
