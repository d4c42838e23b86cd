# The summary's chart (run --chart): requests and 5xx answers per second
# over simulated time at the first load balancer (or the first node), in
# text, on the standard output.  Data: timeseries.csv.
load 'style.gp'
load 'vars.gp'
if (fmt ne 'dumb') { set output outfile('chart') }
first = balancers ne '' ? int(word(balancers, 1)) : int(word(drawn, 1))
set title word(nodes, first).": requests/s (A) and 5xx/s (B) over simulated time (s)"
set key off
set xrange [0:t_end]
set yrange [0:*]
set format y "%.0f"
plot 'timeseries.csv' every rows::(first-1) using (($1+$2)/2):(column("RequestCount")/($2-$1)) with linespoints pt 'A', \
     '' every rows::(first-1) using (($1+$2)/2):((column("HTTPCode_ELB_5XX_Count")+column("HTTPCode_Target_5XX_Count"))/($2-$1)) with linespoints pt 'B'
