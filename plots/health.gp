# Each load balancer's healthy targets (HealthyHostCount, above) and the
# requests waiting in its surge queue (SurgeQueueLength, below).
load 'style.gp'
load 'vars.gp'
set output outfile('health')
set multiplot layout 2,1 title title." — balancers: healthy targets, surge queue" font ',14'
set xlabel ""
set ylabel "healthy targets"
guard_col = 'HealthyHostCount'
@zero_guard
if (STATS_max <= 12) { set ytics 1 }
set key off
@shade_windows
plot for [k in balancers] 'timeseries.csv' every rows::(int(k)-1) using 2:(column("HealthyHostCount")) \
	with steps lt int(k) title word(nodes, int(k))
set xlabel "simulated time (s)"
set ylabel "surge queue (requests)"
guard_col = 'SurgeQueueLength'
@zero_guard
set key outside bottom center horizontal
set ytics autofreq
plot for [k in balancers] 'timeseries.csv' every rows::(int(k)-1) using (($1+$2)/2):(column("SurgeQueueLength")) \
	with linespoints lt int(k) title word(nodes, int(k))
unset multiplot
