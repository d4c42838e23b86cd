# 5xx answers per second by status code over simulated time: the
# balancers' own (502, 503, 504; every node's when there is no balancer)
# and each node's targets' 5xx; each period's rate drawn across the period.
load 'style.gp'
load 'vars.gp'
set output outfile('errors')
# The balancers' own codes where there are balancers, else every node's.
elb = balancers ne '' ? balancers : drawn
set title title." — 5xx answers per second, by code"
set xlabel "simulated time (s)"
set ylabel "answers/s"
stats 'timeseries.csv' using (column("HTTPCode_ELB_5XX_Count") + column("HTTPCode_Target_5XX_Count")) nooutput
if (STATS_max > 0) { set yrange [0:*] } else { set yrange [0:1] }
@shade_windows
plot for [k in elb] 'timeseries.csv' every rows::(int(k)-1) using (($1+$2)/2):(column("HTTPCode_ELB_502_Count")/($2-$1)) \
	with histeps lt int(k) lw nodew(k) dt 1 title word(nodes, int(k))." 502", \
     for [k in elb] 'timeseries.csv' every rows::(int(k)-1) using (($1+$2)/2):(column("HTTPCode_ELB_503_Count")/($2-$1)) \
	with histeps lt int(k) lw nodew(k) dt 2 title word(nodes, int(k))." 503", \
     for [k in elb] 'timeseries.csv' every rows::(int(k)-1) using (($1+$2)/2):(column("HTTPCode_ELB_504_Count")/($2-$1)) \
	with histeps lt int(k) lw nodew(k) dt 3 title word(nodes, int(k))." 504", \
     for [k in drawn] 'timeseries.csv' every rows::(int(k)-1) using (($1+$2)/2):(column("HTTPCode_Target_5XX_Count")/($2-$1)) \
	with histeps lt int(k) lw nodew(k) dt 4 title word(nodes, int(k))." target 5xx"
