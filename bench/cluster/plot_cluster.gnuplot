# Connected devices per cluster node over a node-kill run, from `mqtt-setup fleet --stats-file`
# (columns connected_server1..3 = nodes a, b, c in --server order).
#   gnuplot -e "csv='fleet.csv'; png='docs/cluster.png'; kill_s=14.2; down_s=30.6" \
#     bench/cluster/plot_cluster.gnuplot
# kill_s: the kill, seconds into the fleet's run; down_s: until the node accepted MQTT again.
if (!exists("csv")) csv = 'fleet.csv'
if (!exists("png")) png = 'cluster.png'
if (!exists("title")) title = '300 devices on a 3-node RabbitMQ cluster, node a killed (kill -9) and restarted 20 s later'
set terminal pngcairo size 1000,500 font ",10"
set output png
set datafile separator ","
set key top right
set title title
set xlabel "time (s)"
set ylabel "connected devices"
set yrange [0:*]
set grid
if (exists("kill_s")) {
  set arrow from kill_s, graph 0 to kill_s, graph 1 nohead dashtype 2 lc rgb "red"
  set label "kill -9" at kill_s, graph 0.95 offset 0.5, 0 tc rgb "red"
}
if (exists("kill_s") && exists("down_s")) {
  set arrow from kill_s + down_s, graph 0 to kill_s + down_s, graph 1 nohead dashtype 2 lc rgb "dark-green"
  set label "node back" at kill_s + down_s, graph 0.95 offset 0.5, 0 tc rgb "dark-green"
}
plot csv using 1:2 skip 1 with lines lw 2 title "all nodes", \
     csv using 1:10 skip 1 with lines lw 2 title "node a", \
     csv using 1:11 skip 1 with lines lw 2 title "node b", \
     csv using 1:12 skip 1 with lines lw 2 title "node c"
