#!/usr/bin/env bash
# Sets up and starts Berth on this server: the host agent and the API with the web UI, on the
# embedded SQLite database. Prints the URL and the first admin.
#   start.sh          (re)starts both
#   start.sh api      (re)starts the API alone: the agent and its running work are untouched
#   start.sh agent    (re)starts the agent alone: containers and VMs keep running
# Each service comes back by itself when it crashes: a systemd unit (Restart=on-failure) where
# systemd is the init, otherwise scripts/supervise.mjs.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/services.sh
services=$(services_from_args "${1:-all}")
bash scripts/setup.sh

PORT=${BERTH_API_PORT:-8080}
AGENT_PORT=${BERTH_AGENT_PORT:-8091}
mkdir -p "$DATA_DIR" "$LOG_DIR" "$RUN_DIR"
chmod 700 "$DATA_DIR"
NODE=$(command -v node)
# HTTPS unless BERTH_HTTP=1 asks for plain HTTP; the certificate is the operator's or the one the
# API makes in its data directory at first start.
SCHEME=https
[ "${BERTH_HTTP:-}" = 1 ] && SCHEME=http
CERT=${BERTH_TLS_CERT:-$DATA_DIR/tls/cert.pem}
# Where the API answers on this machine: its first listen address, loopback for "all".
LISTEN_FIRST=${BERTH_API_LISTEN:-0.0.0.0}
LISTEN_FIRST=${LISTEN_FIRST%%,*}
case $LISTEN_FIRST in
  0.0.0.0 | ::) API_LOCAL=127.0.0.1 ;;
  *:*) API_LOCAL="[$LISTEN_FIRST]" ;;
  *) API_LOCAL=$LISTEN_FIRST ;;
esac

wait_http() {
  local url=$1 what=$2
  for _ in $(seq 1 150); do
    # Whether it answers, not whom: the certificate's fingerprint is printed below for the operator.
    if node -e "const u = process.argv[1]; require(u.startsWith('https:') ? 'node:https' : 'node:http').get(u, { rejectUnauthorized: false }, (r) => process.exit(r.statusCode < 500 ? 0 : 1)).on('error', () => process.exit(1))" "$url"; then return 0; fi
    sleep 0.2
  done
  echo "$what did not come up; see $LOG_DIR/$3.log" >&2
  exit 1
}

# The transport and firewall settings reach the services only when set, as the operator wrote them.
passed_on() {
  local name
  for name in "$@"; do
    [ -n "${!name:-}" ] && printf ' %s=%s' "$name" "${!name}"
  done
  return 0
}

service_env() {
  case $1 in
    agent) echo "BERTH_DATA_DIR=$DATA_DIR BERTH_AGENT_DATA_DIR=$DATA_DIR/agent BERTH_AGENT_PORT=$AGENT_PORT BERTH_AGENT_API_PORT=$PORT$(passed_on BERTH_AGENT_ALLOW_INSTANCES_TO_API)" ;;
    api) echo "BERTH_DATA_DIR=$DATA_DIR BERTH_AGENT_DATA_DIR=$DATA_DIR/agent BERTH_API_PORT=$PORT$(passed_on BERTH_API_LISTEN BERTH_HTTP BERTH_TLS_CERT BERTH_TLS_KEY)" ;;
  esac
}

write_units() {
  cat >"$UNIT_DIR/berth-agent.service" <<UNIT
[Unit]
Description=Berth host agent (drives LXC and QEMU on this server)
After=network-online.target

[Service]
WorkingDirectory=$ROOT
Environment=$(service_env agent)
ExecStart=$NODE $ROOT/apps/agent/dist/main.js
Restart=on-failure
RestartSec=1
# QEMU processes and LXC monitors start as the agent's children, in its cgroup: stopping or
# restarting the agent must end the agent alone, never the instances.
KillMode=process
StandardOutput=append:$LOG_DIR/agent.log
StandardError=append:$LOG_DIR/agent.log

[Install]
WantedBy=multi-user.target
UNIT
  # Wants/After, not Requires/BindsTo: the API starts after the agent, but each survives the
  # other's restart (the API reconnects to the agent's event stream by itself).
  cat >"$UNIT_DIR/berth-api.service" <<UNIT
[Unit]
Description=Berth API and web console
Wants=berth-agent.service
After=berth-agent.service

[Service]
WorkingDirectory=$ROOT
Environment=$(service_env api)
ExecStart=$NODE $ROOT/apps/api/dist/main.js
Restart=on-failure
RestartSec=1
StandardOutput=append:$LOG_DIR/api.log
StandardError=append:$LOG_DIR/api.log

[Install]
WantedBy=multi-user.target
UNIT
  systemctl daemon-reload
  systemctl enable --quiet berth-agent.service berth-api.service
}

start_service() {
  local name=$1
  if has_systemd; then
    systemctl restart "berth-$name.service"
    return
  fi
  stop_service "$name" quiet
  # setsid: the supervisor outlives this shell; LXC containers and QEMU outlive the agent anyway.
  # shellcheck disable=SC2046
  setsid env $(service_env "$name") "$NODE" scripts/supervise.mjs --name "$name" \
    --run-dir "$RUN_DIR" --log "$LOG_DIR/$name.log" -- "$NODE" "apps/$name/dist/main.js" \
    </dev/null >>"$LOG_DIR/$name.log" 2>&1 &
}

if has_systemd; then write_units; fi
for name in $services; do
  start_service "$name"
  case $name in
    agent) wait_http "http://127.0.0.1:$AGENT_PORT/v1/facts" "the agent" agent ;;
    api) wait_http "$SCHEME://$API_LOCAL:$PORT/api/health" "the API" api ;;
  esac
done

echo
echo "Berth is running ($(has_systemd && echo 'systemd units berth-agent, berth-api' || echo 'supervised by scripts/supervise.mjs'))."
case $LISTEN_FIRST in
  0.0.0.0 | ::) URL_HOST=$(hostname -I 2>/dev/null | awk '{print $1}') ;;
  *) URL_HOST=$API_LOCAL ;;
esac
echo "  URL:       $SCHEME://${URL_HOST:-127.0.0.1}:$PORT/  (API docs at /api/docs)"
if [ "$SCHEME" = https ] && [ -f "$CERT" ]; then
  # What the browser shows for the certificate: compare before accepting it.
  echo "  certificate SHA-256: $(openssl x509 -in "$CERT" -noout -fingerprint -sha256 | cut -d= -f2)"
fi
if [ -f "$DATA_DIR/initial-admin.txt" ]; then
  echo "  first admin (from $DATA_DIR/initial-admin.txt):"
  sed 's/^/    /' "$DATA_DIR/initial-admin.txt"
fi
echo "  logs:      $LOG_DIR/{agent,api}.log"
echo "  stop:      bash scripts/stop.sh [agent|api]   (containers and VMs keep running)"
