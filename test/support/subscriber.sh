#!/usr/bin/env bash
# A mosquitto_sub in the background that the test waits for: `subscribe_confirmed FILE ARGS...`
# returns once the broker acknowledged the subscription (SUBACK), so from then on nothing
# published to the filter is missed. A fixed sleep instead loses the first messages whenever
# the broker is slower than the sleep (RabbitMQ, or any broker under a loaded CI machine).
#
# mosquitto_sub says "Subscribed (mid: N)" only with -d, among other debug lines; these are
# filtered out, so FILE holds exactly what mosquitto_sub prints without -d. stdbuf makes its
# stdout line-buffered: the debug lines are not flushed by mosquitto_sub itself.
# Sourced; appends the PID to the caller's `background_pids` array, which the caller stops.
# Returns 1 (with the reason in FILE.err) when no SUBACK came within 10 s.

# Copies mosquitto_sub -d output from stdin to stdout without the debug lines; creates $1 at
# the SUBACK.
subscriber_messages_only() {  # subscribed-flag-file
  local line
  while IFS= read -r line || [ -n "$line" ]; do
    case $line in
      "Subscribed (mid: "*) : >"$1" ;;
      "Client "*" sending "[A-Z]* | "Client "*" received "[A-Z]*) ;;
      *) printf '%s\n' "$line" ;;
    esac
  done
}

subscribe_confirmed() {  # file mosquitto_sub-args...
  local file=$1 tries pid
  shift
  rm -f "$file.subscribed"
  stdbuf -oL mosquitto_sub -d "$@" 2>"$file.err" \
    > >(subscriber_messages_only "$file.subscribed" >"$file") &
  pid=$!
  background_pids+=("$pid")
  for tries in $(seq 100); do  # 10 s: a SUBACK on loopback takes milliseconds
    [ -e "$file.subscribed" ] && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  [ -e "$file.subscribed" ] && return 0
  echo "mosquitto_sub $* was not subscribed within 10 s" >>"$file.err"
  return 1
}
