# Requests and error answers per period, for every node.  Variables: as in
# utilization.gp.
set terminal pngcairo size 1000,500 font ",10"
set output outfile
set datafile separator comma
N = words(nodes)
set key outside right top
set title title." — RequestCount (solid) and 5xx answers (dashed) per period"
set xlabel "simulated time (s)"
set ylabel "requests per period"
set yrange [0:*]
set grid
plot for [k=skip+1:words(nodes)] datafile every N::(k-1) using (($1+$2)/2):(column("RequestCount")) \
	with linespoints lc k title word(nodes, k), \
	for [k=skip+1:words(nodes)] datafile every N::(k-1) using (($1+$2)/2):(column("HTTPCode_ELB_5XX_Count")+column("HTTPCode_Target_5XX_Count")) \
	with lines dt 2 lc k title word(nodes, k)." 5xx"
