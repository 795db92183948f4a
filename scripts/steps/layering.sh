#!/usr/bin/env bash
# The layer check (docs/design.md, "Layers"): every #include of ours in src/, include/ and
# tools/ must point down the layers, never up or sideways into another layer's private headers.
#
#   util < codec < session < driver < platform < transport < setup < tools
#
# - A file may include headers of its own layer and of the layers below it.
# - A private header (src/<layer>/*.hpp) belongs to its layer; only src/util/ is shared by every
#   layer of the library. Public headers (include/) and the tools include no private header.
# - The sans-IO layers (util, codec, session, driver) include no socket, clock, thread or heap
#   container header: time, bytes and randomness come in as arguments.
# Each include is resolved as the compiler would (beside the file, then src/, then include/;
# src/mqtt_setup/ forwarders count as the public header they forward to); includes that resolve
# to no file of ours (the standard library, mbedTLS, ESP-IDF) are only checked by the last rule.
#
#   scripts/steps/layering.sh [ROOT]    exit 1, one line per forbidden include, when any
set -eu
root=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
cd "$root"

layers=(util codec session driver platform transport setup tools)
declare -A rank
for i in "${!layers[@]}"; do rank[${layers[$i]}]=$i; done

# The layer of each public header. A header added to include/mqtt_setup/ must be placed here
# (and in docs/design.md), or the check fails on it.
declare -A public_layer=(
  [bytes.hpp]=util [result.hpp]=util [version.hpp]=util [kconfig_defaults.hpp]=util
  [codec.hpp]=codec [properties.hpp]=codec
  [session.hpp]=session [session_types.hpp]=session [store_journal.hpp]=session
  [backoff.hpp]=session [authenticator.hpp]=session
  [driver.hpp]=driver
  [platform.hpp]=platform [storage.hpp]=platform [outbox_file.hpp]=platform
  [transport.hpp]=transport [tcp_transport.hpp]=transport [tls_transport.hpp]=transport
  [tls_options.hpp]=transport [scram.hpp]=transport
  [mqtt_setup.hpp]=setup [options.hpp]=setup [error.hpp]=setup
)
# Not for the sans-IO layers (DESIGN: "the session never includes a socket, a clock or a heap
# header").
sans_io_forbidden='^(chrono|thread|mutex|condition_variable|future|ctime|time\.h|unistd\.h|poll\.h|fcntl\.h|netdb\.h|(sys|netinet|arpa)/.*|vector|string|map|set|list|deque|unordered_map|unordered_set|functional|iostream|fstream)$'

failures=0
forbid() {  # file:line, what it includes, why
  echo "layering: $1 includes $2: $3" >&2
  failures=$((failures + 1))
}
unplaced() {  # file
  echo "layering: $1 is in no layer: add it to scripts/steps/layering.sh and docs/design.md" >&2
  failures=$((failures + 1))
}

# The layer of a file of ours (relative path) into $layer ("?": none), and into $kind whether
# it is public or private. No subshell: this runs for every include.
layer_of() {
  local path=$1 name
  kind=private
  case $path in
    include/mqtt_setup/* | src/mqtt_setup/*)
      name=${path##*/}
      layer=${public_layer[$name]:-?}
      kind=public ;;
    src/mqtt_setup.h) layer=setup kind=public ;;
    src/*/*)
      name=${path#src/}
      name=${name%%/*}
      layer="?"
      if [ -n "${rank[$name]:-}" ] && [ "$name" != tools ]; then layer=$name; fi ;;
    tools/*) layer=tools ;;
    *) layer="?" ;;
  esac
}

# Where `#include "target"` in `file` resolves to, relative to the root, into $resolved; ""
# when it is not ours.
resolve() {
  local file=$1 target=$2 candidate
  resolved=""
  for candidate in "${file%/*}/$target" "src/$target" "include/$target"; do
    if [ -f "$candidate" ]; then
      resolved=$candidate
      if [[ $candidate == *..* ]]; then resolved=$(realpath -m --relative-to="$root" "$candidate"); fi
      return
    fi
  done
}

declare -A public_includes  # public header -> the public headers it includes
mapfile -t files < <(find src include tools -type f \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' \) \
                       -not -path 'src/mqtt_setup/*' | LC_ALL=C sort)
for file in "${files[@]}"; do
  layer_of "$file"
  [ "$layer" != "?" ] || unplaced "$file"
done
checked=0
# One grep for every file: "file:line:#include ...".
while IFS=: read -r file line text; do
  layer_of "$file"
  from=$layer from_kind=$kind
  [ "$from" != "?" ] || continue
  [[ $text =~ include[[:space:]]*[\<\"]([^\"\>]+) ]] || continue
  target=${BASH_REMATCH[1]}
  checked=$((checked + 1))
  resolved=""
  # <...> is searched on the include path only: ours only as <mqtt_setup/...>.
  if [[ $text == *'"'* ]] || [[ $target == mqtt_setup/* ]]; then resolve "$file" "$target"; fi
  if [ -z "$resolved" ]; then
    if [ "${rank[$from]}" -le "${rank[driver]}" ] && [[ $text != *'"'* ]] &&
       [[ $target =~ $sans_io_forbidden ]]; then
      forbid "$file:$line" "<$target>" "$from is sans-IO (no socket, clock, thread or heap container)"
    fi
    continue
  fi
  layer_of "$resolved"
  to=$layer to_kind=$kind
  if [ "$from_kind" = public ] && [ "$to_kind" = public ]; then
    public_includes[${file##*/}]+=" ${resolved##*/}"
  fi
  if [ "$to" = "?" ]; then
    unplaced "$resolved"
  elif [ "${rank[$to]}" -gt "${rank[$from]}" ]; then
    forbid "$file:$line" "\"$target\"" "$from may not include $to (layers point down: ${layers[*]})"
  elif [ "$to_kind" = private ] && [ "$to" != "$from" ] &&
       { [ "$to" != util ] || [ "$from_kind" = public ] || [ "$from" = tools ]; }; then
    forbid "$file:$line" "\"$target\"" "$resolved is private to the $to layer"
  fi
done < <(grep -HnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]' "${files[@]}" || true)

# The facade's public headers are what every user compiles: the Session and Driver classes
# (their private members) stay out of them, so those can change without touching users' ABI.
# Users get the shared values from session_types.hpp instead.
for start in "${!public_layer[@]}"; do
  [ "${public_layer[$start]}" = setup ] || continue
  declare -A via=([$start]="")
  queue=("$start")
  while [ "${#queue[@]}" -gt 0 ]; do
    header=${queue[0]}
    queue=("${queue[@]:1}")
    for next in ${public_includes[$header]:-}; do
      [ -z "${via[$next]+x}" ] || continue
      via[$next]=$header
      queue+=("$next")
      if [ "$next" = session.hpp ] || [ "$next" = driver.hpp ]; then
        chain=$next
        step=$header
        while [ -n "$step" ]; do chain="$step -> $chain"; step=${via[$step]}; done
        forbid "include/mqtt_setup/$start" "$next ($chain)" \
               "the facade's public headers must not carry a class's private layout into users' builds (use session_types.hpp)"
      fi
    done
  done
  unset via
done

if [ "$failures" -gt 0 ]; then
  echo "layering: $failures forbidden include(s); the layers are described in docs/design.md" >&2
  exit 1
fi
echo "layering: ${#files[@]} files, $checked includes, all pointing down the layers"
