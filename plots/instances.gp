# The instances of each autoscaled tier over simulated time: in service
# (solid) and desired (dashed), one colour per autoscaler.
# Variables (gnuplot -e): datafile, outfile, nodes (every node's name, in
# the file's order), groups (the 1-based positions of the autoscalers among
# them), title.  Each row's Group columns are the counts at the period's
# end.
set terminal pngcairo size 1000,500 font ",10"
set output outfile
set datafile separator comma
N = words(nodes)
set key outside right top
set title title." — instances of each autoscaled tier"
set xlabel "simulated time (s)"
set ylabel "instances"
set yrange [0:*]
set grid
plot for [g in groups] datafile every N::(int(g)-1) using 2:(column("GroupInServiceInstances")) \
	with steps lw 2 lc int(g) title word(nodes, int(g))." in service", \
     for [g in groups] datafile every N::(int(g)-1) using 2:(column("GroupDesiredCapacity")) \
	with steps dt 2 lc int(g) title word(nodes, int(g))." desired"
