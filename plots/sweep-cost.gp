# A sweep: what each point costs per hour against the throughput it serves,
# each labelled with the first key's value: the cheapest way to a
# throughput is the lowest point at or right of it.  Data: sweep.csv.
load 'style.gp'
load 'vars.gp'
set output outfile('sweep-cost')
set title title." — cost against throughput served"
set xlabel "served (requests/s)"
set ylabel "cost ($/h)"
stats 'sweep.csv' using (column("e2e.cost_per_hour ($/h)")) nooutput
if (STATS_max > 0) { set yrange [0:*] } else { set yrange [0:1] }
set xrange [0:*]
set offsets graph 0.05, graph 0.1, graph 0.1, 0
plot 'sweep.csv' using (column("e2e.served_throughput (1/s)")):(column("e2e.cost_per_hour ($/h)")) \
	with linespoints lt 1 title "cost per hour", \
     '' using (column("e2e.served_throughput (1/s)")):(column("e2e.cost_per_hour ($/h)")):(xname.'='.strcol(2)) \
	with labels offset 0,1 font ',10' notitle
