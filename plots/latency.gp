# Response time p50 (solid) and p99 (dashed) per node over simulated time
# (TargetResponseTime at a load balancer), on a log scale; the p99's 95%
# interval across the replications as a band.
load 'style.gp'
load 'vars.gp'
set output outfile('latency')
set title title." — response time p50 (solid) and p99 (dashed) per node"
set xlabel "simulated time (s)"
set ylabel "response time (ms)"
set logscale y
@shade_windows
lo(x) = x > 1e-6 ? x : 1e-6 # the log scale's floor
plot for [k in drawn] 'timeseries.csv' every rows::(int(k)-1) using (($1+$2)/2):(1000*lo(column("TargetResponseTime_p99")-column("TargetResponseTime_p99_half_width"))):(1000*lo(column("TargetResponseTime_p99")+column("TargetResponseTime_p99_half_width"))) \
	with filledcurves lt int(k) notitle, \
     for [k in drawn] 'timeseries.csv' every rows::(int(k)-1) using (($1+$2)/2):(1000*column("TargetResponseTime_p50")) \
	with linespoints lt int(k) lw nodew(k) title word(nodes, int(k))." p50", \
     for [k in drawn] 'timeseries.csv' every rows::(int(k)-1) using (($1+$2)/2):(1000*column("TargetResponseTime_p99")) \
	with lines lt int(k) lw nodew(k) dt 2 title word(nodes, int(k))." p99"
