# Shared by start.sh and stop.sh: where Berth's two services live and how they are run.
# systemd units where systemd is the init; elsewhere (containers, test machines) each service
# runs under scripts/supervise.mjs, which restarts it when it crashes.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DATA_DIR=${BERTH_DATA_DIR:-/var/lib/berth}
LOG_DIR=${BERTH_LOG_DIR:-/var/log/berth}
RUN_DIR=${BERTH_RUN_DIR:-/run/berth}
UNIT_DIR=${BERTH_UNIT_DIR:-/etc/systemd/system}

has_systemd() { [ -d /run/systemd/system ]; }

# The services a command acts on: "agent", "api", or both (in start order) when none is named.
services_from_args() {
  case "${1:-all}" in
    all) echo "agent api" ;;
    agent | api) echo "$1" ;;
    *)
      echo "unknown service '$1': use agent, api or all" >&2
      exit 2
      ;;
  esac
}

stop_service() {
  local name=$1 quiet=${2:-}
  if has_systemd; then
    systemctl stop "berth-$name.service" 2>/dev/null || true
    [ -n "$quiet" ] || echo "stopped $name"
    return
  fi
  local pidfile="$RUN_DIR/$name.pid"
  [ -f "$pidfile" ] || return 0
  local pid
  pid=$(cat "$pidfile")
  if kill "$pid" 2>/dev/null; then
    # The supervisor stops its service (SIGTERM, then SIGKILL after 15 s) and then itself.
    for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    [ -n "$quiet" ] || echo "stopped $name ($pid)"
  fi
  rm -f "$pidfile" "$RUN_DIR/$name.child.pid"
}
