# A scale study (chokepoint scale -o DIR --plot): each configuration's cost
# per hour against the highest load it carries with every SLO met (its
# served throughput there), scale-up (one bigger instance of each size)
# and scale-out (more instances) on one chart.  The cheaper way to a load
# is the lower line at or right of it: where the lines cross, the cheaper
# strategy changes.  Data: scale-frontier.csv.
load 'style.gp'
load 'vars.gp'
set output outfile('scale-cost')
set title title." — cost against the load carried"
set xlabel "highest load met with every SLO (requests/s served)"
set ylabel "cost ($/h)"
set xrange [0:*]
set yrange [0:*]
set offsets graph 0.02, graph 0.08, graph 0.1, 0
plot 'scale-frontier.csv' index 0 using 4:5 with linespoints lt 1 title "scale-up: one bigger ".node, \
     '' index 0 using 4:5:2 with labels offset 0,1 font ',10' tc lt 1 notitle, \
     '' index 1 using 4:5 with linespoints lt 2 title "scale-out: more ".node." instances", \
     '' index 1 using 4:5:2 with labels offset 0,-1 font ',10' tc lt 2 notitle
