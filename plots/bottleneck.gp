# Utilization of every node over the measured time, as bars with their
# 95% confidence interval, each in its node's colour; the bottleneck the
# verdict names is marked.  Data: nodes.csv; vars.gp: each row's colour
# (bar_lt) and the bottleneck's row.
load 'style.gp'
load 'vars.gp'
set output outfile('bottleneck')
set title title." — utilization, bottleneck marked"
set ylabel "utilization (%)"
set yrange [0:110]
set xrange [-0.6:nbars-0.4]
set key off
set grid noxtics
set xtics rotate by -30 font ',11'
set style fill solid 0.8 border -1
set boxwidth 0.6
if (bottleneck_row > 0) {
	set label 100 "bottleneck" at (bottleneck_row - 1), graph 0.96 center font ',12' tc rgb '#a01010'
	set arrow 100 from (bottleneck_row - 1), graph 0.92 to (bottleneck_row - 1), graph 0.86 lc rgb '#a01010' lw 2
}
plot 'nodes.csv' using 0:(100*column("utilization")):(bar_lt[int($0)+1]):xtic(1) with boxes lc variable notitle, \
     '' using 0:(100*column("utilization")):(100*column("utilization_half_width")) with yerrorbars lc rgb '#303030' pt 0 notitle
