# Response time percentiles per node over simulated time (TargetResponseTime
# at a load balancer).  Variables: as in utilization.gp.
set terminal pngcairo size 1000,500 font ",10"
set output outfile
set datafile separator comma
N = words(nodes)
set key outside right top
set title title." — response time p50 (solid) and p99 (dashed) per node"
set xlabel "simulated time (s)"
set ylabel "milliseconds"
set logscale y
set grid
plot for [k=skip+1:words(nodes)] datafile every N::(k-1) using (($1+$2)/2):(1000*column("TargetResponseTime_p50")) \
	with linespoints lc k title word(nodes, k)." p50", \
	for [k=skip+1:words(nodes)] datafile every N::(k-1) using (($1+$2)/2):(1000*column("TargetResponseTime_p99")) \
	with lines dt 2 lc k title word(nodes, k)." p99"
