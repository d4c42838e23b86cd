# Utilization of every node over simulated time (one line per node).
# Variables (gnuplot -e): datafile, outfile, nodes (every node's name, in
# the file's order), skip (how many leading nodes, the workloads, to leave
# out), title.  Rows of timeseries.csv: period_start_s, period_end_s, in_warmup,
# node, kind, then the CloudWatch-named columns.
set terminal pngcairo size 1000,500 font ",10"
set output outfile
set datafile separator comma
N = words(nodes)
set key outside right top
set title title." — utilization per node"
set xlabel "simulated time (s)"
set ylabel "utilization"
set format y "%.0f%%"
set yrange [0:*]
set grid
plot for [k=skip+1:words(nodes)] datafile every N::(k-1) using (($1+$2)/2):(100*column("Utilization")) \
	with linespoints title word(nodes, k)
