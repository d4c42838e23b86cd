# A sweep: the end-to-end latency (mean, p50, p99) at each point, with the
# 95% confidence interval of each as a band; against the offered load when
# the sweep varies a workload's rate (the hockey stick), else against the
# points, labelled with the first key's values.  Data: sweep.csv; vars.gp:
# title, is_load, xname.
load 'style.gp'
load 'vars.gp'
set output outfile('sweep-latency')
set title title." — latency against ".xname
set xlabel (is_load ? "offered load (requests/s)" : xname)
set ylabel "latency (ms)"
set yrange [0:*]
# x: the offered load, or the point's number (a macro: a function here
# upsets gnuplot's tic labels)
xspec = is_load ? '(column("e2e.offered_throughput (1/s)"))' : '1'
ms(c) = 1000 * column("e2e.".c." (s)")
hw(c) = 1000 * column("e2e.".c." half_width")
# Theory: x as the sweep's (the offered load, or the point).
txspec = is_load ? '2' : '1'
theory = has_theory ? ", 'theory.csv' using ".txspec.":(1000*column('mmc_mean_s')) with lines lc rgb '#000000' dt 2 lw 1.5 title 'M/M/c mean (Erlang C)', 'theory.csv' using ".txspec.":(1000*column('mmc_p99_s')) with lines lc rgb '#000000' dt 3 lw 1.5 title 'M/M/c p99 (theory)'" : ""
# The first key's values label the points, once, unless x is the load.
ticspec = is_load ? "" : ":xtic(2)"
stat = "latency_mean latency_p50 latency_p99"
plot for [i=1:3] 'sweep.csv' using @xspec:(ms(word(stat, i)) - hw(word(stat, i))):(ms(word(stat, i)) + hw(word(stat, i))) \
	with filledcurves lt i notitle, \
     'sweep.csv' using @xspec:(ms(word(stat, 1)))@ticspec with linespoints lt 1 title "mean (band: 95% interval)", \
     for [i=2:3] 'sweep.csv' using @xspec:(ms(word(stat, i))) with linespoints lt i title word("mean p50 p99", i) @theory
