#!/usr/bin/env bash
# One step of `make run`, so that a newcomer sees what is happening and how long it took:
#   make_step.sh [--log FILE] "[3/5] Rasa model" command…
# prints "[3/5] Rasa model…", runs the command, then "[3/5] Rasa model: done in 41.2 s".
# With --log the command's output goes to FILE (its end is shown if it fails), so that steps
# running at once do not interleave on the terminal. scripts/bench/startup.py reads these lines.
set -uo pipefail
LC_NUMERIC=C  # EPOCHREALTIME with a decimal point, whatever the locale

log=
if [[ ${1-} == --log ]]; then
  log=$2
  shift 2
fi
title=$1
shift

began=$EPOCHREALTIME
if [[ -n $log ]]; then
  mkdir -p "$(dirname "$log")"
  echo "$title… (output in $log)"
  "$@" >"$log" 2>&1
else
  echo "$title…"
  "$@"
fi
status=$?
elapsed=$(LC_ALL=C awk -v began="$began" -v ended="$EPOCHREALTIME" 'BEGIN { printf "%.1f", ended - began }')

if ((status != 0)); then
  if [[ -n $log ]]; then tail -n 40 "$log"; fi
  echo "$title: failed after $elapsed s (exit status $status)" >&2
  exit "$status"
fi
echo "$title: done in $elapsed s"
