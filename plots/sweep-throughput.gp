# A sweep: the throughput served at each point against what was offered,
# with their intervals; the dashed diagonal is every request served, so
# where the curve leaves it the system saturates.  Data: sweep.csv.
load 'style.gp'
load 'vars.gp'
set output outfile('sweep-throughput')
set title title." — throughput served against offered"
set xlabel "offered (requests/s)"
set ylabel "served (requests/s)"
set yrange [0:*]
set xrange [0:*]
plot 'sweep.csv' using (column("e2e.offered_throughput (1/s)")):(column("e2e.served_throughput (1/s)")):(column("e2e.served_throughput half_width")) \
	with yerrorlines lt 1 title "served", \
     x with lines lc rgb '#909090' dt 2 lw 1 title "offered (all served)"
