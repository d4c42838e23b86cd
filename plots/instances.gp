# The instances of each autoscaled tier over simulated time: in service
# (solid) and desired (dashed), in the autoscaler's colour.  Each row's
# Group columns are the counts at the period's end.
load 'style.gp'
load 'vars.gp'
set output outfile('instances')
set title title." — instances of each autoscaled tier"
set xlabel "simulated time (s)"
set ylabel "instances"
guard_col = 'GroupDesiredCapacity'
@zero_guard
@shade_windows
plot for [g in groups] 'timeseries.csv' every rows::(int(g)-1) using 2:(column("GroupInServiceInstances")) \
	with steps lt int(g) title word(nodes, int(g))." in service", \
     for [g in groups] 'timeseries.csv' every rows::(int(g)-1) using 2:(column("GroupDesiredCapacity")) \
	with steps lt int(g) dt 2 title word(nodes, int(g))." desired"
