# The end-to-end latency's distribution: the run's percentiles (p50, p90,
# p95, p99, p99.9) with their 95% intervals, and, when the run kept an
# access log (--access-log), the cumulative distribution of every logged
# request's latency.  Log scale: the tail is where the story is.  Data:
# latency-cdf.csv (index 0: the percentiles, index 1: the log's).
load 'style.gp'
load 'vars.gp'
set output outfile('latency-cdf')
set title title." — end-to-end latency, cumulative"
set xlabel "latency (ms, log scale)"
set ylabel "requests answered within (%)"
set logscale x
set yrange [0:100.5]
set ytics 10
log_curve = logged_requests > 0 ? sprintf("'latency-cdf.csv' index 1 using (1000*$1):2 with lines lt 1 title 'every logged request (%d)', ", logged_requests) : ""
plot @log_curve 'latency-cdf.csv' index 0 using (1000*$1):2:(1000*($1-$3)):(1000*($1+$3)) with xerrorbars lt 2 pt 7 ps 1 title "percentiles, with their 95% intervals", \
     'latency-cdf.csv' index 0 using (1000*$1):2:(sprintf(" p%g", $2)) with labels left offset 0.5,-0.6 font ',10' notitle
