# style.gp - the look every chokepoint picture shares, loaded by each script
# of a results directory (run the scripts from that directory: their paths
# are relative).  fmt, set with `gnuplot -e "fmt='svg'" NAME.gp`, chooses
# the terminal: png (the default) or svg; out, when set, is the file to
# write instead of NAME.fmt.
if (!exists("fmt")) fmt = 'png'
if (fmt eq 'svg') {
	set terminal svg size 760,460 dynamic enhanced font 'sans,13' background rgb 'white'
}
if (fmt eq 'dumb') {
	set terminal dumb size 78,20
}
if (fmt ne 'svg' && fmt ne 'dumb') {
	set terminal pngcairo size 760,460 enhanced font 'sans,13' background rgb 'white'
}
# Lines of nodes earlier in the scenario are wider, so that a node whose
# line coincides with the next one's (a balancer and its tier) shows
# around it instead of hiding under it.
nodew(k) = 1.5 + 3.0 * (rows - int(k)) / rows
# The file a script writes: NAME.fmt, or out.
outfile(name) = exists("out") ? out : name.'.'.fmt
# One colour per node: a node's line type is its position in the scenario
# (vars.gp's nodes), the same in every picture of a run.
set linetype 1 lc rgb '#1f77b4' lw 2 pt 7 ps 0.5
set linetype 2 lc rgb '#ff7f0e' lw 2 pt 5 ps 0.5
set linetype 3 lc rgb '#2ca02c' lw 2 pt 9 ps 0.6
set linetype 4 lc rgb '#9467bd' lw 2 pt 11 ps 0.6
set linetype 5 lc rgb '#8c564b' lw 2 pt 13 ps 0.6
set linetype 6 lc rgb '#e377c2' lw 2 pt 7 ps 0.5
set linetype 7 lc rgb '#17becf' lw 2 pt 5 ps 0.5
set linetype 8 lc rgb '#bcbd22' lw 2 pt 9 ps 0.6
set linetype 9 lc rgb '#7f7f7f' lw 2 pt 11 ps 0.6
set linetype 10 lc rgb '#393b79' lw 2 pt 13 ps 0.6
set linetype cycle 10
set datafile separator comma
set grid lc rgb '#e0e0e0' lt 1 lw 1
set border 3 lc rgb '#606060'
set tics nomirror
# Legends below the plot, never over the data; readable at phone width.
set key outside bottom center horizontal maxrows 3 samplen 2 spacing 1.1 font ',11'
set title font ',14'
set style fill transparent solid 0.15 noborder
# A y range from 0 that is not empty when the column (guard_col) is zero
# throughout, as gnuplot's autoscale would be: set guard_col, then @zero_guard.
zero_guard = "stats 'timeseries.csv' using (column(guard_col)) nooutput; if (STATS_max > 0) { set yrange [0:*] } else { set yrange [0:1] }"
# The warm-up and every failure as shaded windows behind the data, each
# labelled (vars.gp holds them); a failure is never drawn as a series.
shade_windows = "set xrange [0:t_end]; set object 1 rect from 0, graph 0 to warm_end, graph 1 behind fc rgb '#c8c8c8' fs transparent solid 0.35 noborder; set label 1 'warm-up' at 0, graph 1 offset 0.5,-1 font ',10' tc rgb '#606060'; do for [i=1:nwin] { set object (i+1) rect from win_from[i], graph 0 to win_to[i], graph 1 behind fc rgb '#d62728' fs transparent solid (0.25 / win_alpha) noborder }; do for [i=1:nfail] { set label (i+1) fail_name[i] at fail_at[i], graph 0 offset 0.5,1 + i font ',10' tc rgb '#a01010' }"
# In text (the summary's --chart) a grid would drown the curve.
if (fmt eq 'dumb') { unset grid; unset object; set border 3 }
