# Welch's plot, for choosing the warm-up: the first workload's p50 and p99
# latency per period, averaged over the replications (thin), and their
# moving averages over a window of periods (thick).  The warm-up should end
# where the moving averages level off; the shaded part is the run's own
# warm-up, thrown away.  Data: welch.csv (written with this script).
load 'style.gp'
load 'vars.gp'
set output outfile('welch')
set title title." — Welch's plot: where does the latency level off?"
set xlabel "simulated time (s)"
set ylabel "latency (ms)"
set xrange [0:t_end]
set yrange [0:*]
set object 1 rect from 0, graph 0 to warm_end, graph 1 behind fc rgb '#c8c8c8' fs transparent solid 0.35 noborder
set label 1 'warm-up (thrown away)' at 0, graph 1 offset 0.5,-1 font ',10' tc rgb '#606060'
stats 'welch.csv' using 6 nooutput
w = int(STATS_max)
plot 'welch.csv' using 1:(1000*$2) with lines lt 1 lw 1 dt 3 title "p50", \
     '' using 1:(1000*$4) with lines lt 1 lw 3 title sprintf("p50, moving average of %d periods", 2*w+1), \
     '' using 1:(1000*$3) with lines lt 2 lw 1 dt 3 title "p99", \
     '' using 1:(1000*$5) with lines lt 2 lw 3 title sprintf("p99, moving average of %d periods", 2*w+1)
