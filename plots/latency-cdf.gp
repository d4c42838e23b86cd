# The end-to-end latency's distribution, cumulative: the mean over the
# replications of each quantile (0.5% to 99.99%), its 95% interval as a
# band, the five percentiles of the summary marked with their intervals,
# and, when the run kept an access log (--access-log), every logged
# request's latency for comparison.  Log scale: the tail is where the
# story is.  Data: latency-cdf.csv (index 0: the distribution, 1: its band,
# 2: the percentiles, 3: the access log's).
load 'style.gp'
load 'vars.gp'
set output outfile('latency-cdf')
set title title." — end-to-end latency, cumulative"
set xlabel "latency (ms, log scale)"
set ylabel "requests answered within (%)"
set logscale x
set yrange [0:100.5]
set ytics 10
log_curve = logged_requests > 0 ? sprintf(", 'latency-cdf.csv' index 3 using (1000*$1):2 with lines lt 2 dt 2 title 'the access log''s %d requests'", logged_requests) : ""
plot 'latency-cdf.csv' index 1 using (1000*$1):2 with filledcurves closed lt 1 notitle, \
     'latency-cdf.csv' index 0 using (1000*$1):2 with lines lt 1 title "simulated (band: 95% interval)", \
     'latency-cdf.csv' index 2 using (1000*$1):2:(1000*($1-$3)):(1000*($1+$3)) with xerrorbars lt 4 pt 7 ps 0.8 notitle, \
     'latency-cdf.csv' index 2 using (1000*$1):2:(sprintf(" p%g", $2)) with labels left offset 0.5,-0.6 font ',10' notitle @log_curve
