#!/usr/bin/env bash
# User-space RSS per idle connected device, ours and libmosquitto's, in one run against one
# private broker (docs/fleet.md). Each program measures RSS once all its clients are connected
# and answered, minus RSS before the first was made, over N; they run one after the other.
#
#   memory_per_device.sh BUILD_DIR [OUR_DEVICES] [MOSQUITTO_DEVICES]
# Defaults: 10,000 of ours (one descriptor each); 6,000 libmosquitto clients (three descriptors
# each: 6,600 is its most under a 20,000 open-files limit). Prints one line per client.
set -u
build=${1:?usage: memory_per_device.sh BUILD_DIR [OUR_DEVICES] [MOSQUITTO_DEVICES]}
ours=${2:-10000}
theirs=${3:-6000}
here="$(cd "$(dirname "$0")" && pwd)"
work=$(mktemp -d /tmp/memory-per-device.XXXXXX)
trap 'bash "$here/fleet_broker.sh" stop "$work/broker" >/dev/null; rm -rf "$work"' EXIT

bash "$here/fleet_broker.sh" start "$work/broker" >&2 || exit 1
port=$(cat "$work/broker/port")

"$build/bench/bench_mosquitto_fleet" 127.0.0.1 "$port" "$theirs" 180 || exit 1
# Readings every 10 s; the devices connect at 2,000/s and are measured once all are up.
"$build/tools/cli/mqtt-setup" fleet -s "127.0.0.1:$port" --devices "$ours" --interval 10 \
  --duration $((ours / 2000 + 15)) --drain 10 --connect-rate 2000 --json 2>/dev/null |
  sed -n 's/.*"devices":\([0-9]*\),"connected":\([0-9]*\).*"published":\([0-9]*\).*"lost":\([0-9]*\).*"baseline_rss_kib":\([0-9]*\),"connected_rss_kib":\([0-9]*\).*"rss_per_device_bytes":\([0-9.]*\).*/client=mqtt-setup-fleet devices=\1 connected=\2 published=\3 lost=\4 baseline_rss_kib=\5 connected_rss_kib=\6 rss_per_device_bytes=\7/p'
