# Connected devices and messages per second over time, from `mqtt-setup fleet --stats-file`.
#   gnuplot -e "csv='fleet.csv'; png='docs/fleet.png'; title='...'" bench/fleet/plot_fleet.gnuplot
if (!exists("csv")) csv = 'fleet.csv'
if (!exists("png")) png = 'fleet.png'
if (!exists("title")) title = 'mqtt-setup fleet'
set terminal pngcairo size 1000,500 font ",10"
set output png
set datafile separator ","
set key top left
set title title
set xlabel "time (s)"
set ylabel "connected devices"
set y2label "messages / s"
set ytics nomirror
set y2tics
set yrange [0:*]
set y2range [0:*]
set grid
plot csv using 1:2 skip 1 with lines lw 2 title "connected", \
     csv using 1:5 skip 1 axes x1y2 with lines title "published / s", \
     csv using 1:6 skip 1 axes x1y2 with lines title "acknowledged / s"
