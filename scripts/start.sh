#!/usr/bin/env bash
# Sets up and starts Berth on this server: the host agent and the API (and, later, the web UI)
# as background services, with the embedded SQLite database. Prints the URL and the first admin.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

DATA_DIR=${BERTH_DATA_DIR:-/var/lib/berth}
LOG_DIR=${BERTH_LOG_DIR:-/var/log/berth}
RUN_DIR=${BERTH_RUN_DIR:-/run/berth}
PORT=${BERTH_API_PORT:-8080}
mkdir -p "$DATA_DIR" "$LOG_DIR" "$RUN_DIR"
chmod 700 "$DATA_DIR"

bash scripts/stop.sh --quiet

start_service() {
  local name=$1; shift
  # setsid: the services outlive this shell; LXC containers outlive the agent anyway.
  setsid "$@" >>"$LOG_DIR/$name.log" 2>&1 < /dev/null &
  echo $! >"$RUN_DIR/$name.pid"
}

wait_http() {
  local url=$1 what=$2
  for _ in $(seq 1 150); do
    if node -e "fetch('$url').then(r => process.exit(r.status < 500 ? 0 : 1), () => process.exit(1))"; then return 0; fi
    sleep 0.2
  done
  echo "$what did not come up; see $LOG_DIR" >&2
  exit 1
}

export BERTH_DATA_DIR="$DATA_DIR"
export BERTH_AGENT_DATA_DIR="$DATA_DIR/agent"
start_service agent node apps/agent/dist/main.js
wait_http "http://127.0.0.1:${BERTH_AGENT_PORT:-8091}/v1/facts" "the agent"

start_service api env BERTH_API_PORT="$PORT" node apps/api/dist/main.js
wait_http "http://127.0.0.1:$PORT/api/health" "the API"

echo
echo "Berth is running."
echo "  URL:       http://$(hostname -I 2>/dev/null | awk '{print $1}' || echo 127.0.0.1):$PORT/  (API docs at /api/docs)"
if [ -f "$DATA_DIR/initial-admin.txt" ]; then
  echo "  first admin (from $DATA_DIR/initial-admin.txt):"
  sed 's/^/    /' "$DATA_DIR/initial-admin.txt"
fi
echo "  logs:      $LOG_DIR/{agent,api}.log"
echo "  stop:      bash scripts/stop.sh   (containers keep running)"
