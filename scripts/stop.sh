#!/usr/bin/env bash
# Stops the Berth services started by start.sh. Containers and VMs keep running.
set -uo pipefail
RUN_DIR=${BERTH_RUN_DIR:-/run/berth}
for name in api agent; do
  pidfile="$RUN_DIR/$name.pid"
  [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  if kill "$pid" 2>/dev/null; then
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    [ "${1:-}" = "--quiet" ] || echo "stopped $name ($pid)"
  fi
  rm -f "$pidfile"
done
