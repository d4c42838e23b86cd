# A sweep: availability (the share of requests answered well) and time
# availability (the share of time every tier was up) at each point, with
# their 95% intervals; swept over a tier's instances, it is availability
# against redundancy.  Data: sweep.csv; vars.gp: title, is_load, xname.
load 'style.gp'
load 'vars.gp'
set output outfile('sweep-availability')
set title title." — availability against ".xname
set xlabel (is_load ? "offered load (requests/s)" : xname)
set ylabel "availability (%)"
stats 'sweep.csv' using (100*column("e2e.time_availability (fraction)")) nooutput
low = STATS_min
stats 'sweep.csv' using (100*column("e2e.availability (fraction)")) nooutput
low = STATS_min < low ? STATS_min : low
if (low > 99) { set yrange [99:100.05] } else { set yrange [*:100.05] }
xspec = is_load ? '(column("e2e.offered_throughput (1/s)"))' : '1'
ticspec = is_load ? "" : ":xtic(2)"
plot 'sweep.csv' using @xspec:(100*column("e2e.availability (fraction)")):(100*column("e2e.availability half_width"))@ticspec \
	with yerrorlines lt 1 title "requests answered well", \
     'sweep.csv' using @xspec:(100*column("e2e.time_availability (fraction)")):(100*column("e2e.time_availability half_width")) \
	with yerrorlines lt 2 title "time every tier was up"
