#!/usr/bin/env bash
# Stops Berth's services: `stop.sh` both, `stop.sh api` or `stop.sh agent` one of them.
# Containers and VMs keep running either way.
set -uo pipefail
source "$(dirname "$0")/services.sh"
quiet=
args=()
for arg in "$@"; do
  if [ "$arg" = "--quiet" ]; then quiet=1; else args+=("$arg"); fi
done
services=$(services_from_args "${args[0]:-all}") || exit 2
# The API first: it is the agent's client.
for name in $(echo "$services" | tr ' ' '\n' | tac); do stop_service "$name" "$quiet"; done
