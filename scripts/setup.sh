#!/usr/bin/env bash
# Installs everything Berth needs on Debian 12 (as root), then builds it.
# Idempotent: a second run installs nothing and only rebuilds what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=10.34.9
DEBIAN_PACKAGES=(
  lxc debootstrap busybox-static e2fsprogs btrfs-progs iproute2 nftables dnsmasq-base zstd openssl ca-certificates
  qemu-system-x86 qemu-utils ovmf syslinux syslinux-common isolinux xorriso mtools dosfstools fdisk
  chromium
  # containers see their own limits in /proc (free, nproc, uptime); the agent runs it.
  lxcfs
  # node-pty (container shells) is a native addon built at install time.
  make g++ python3
)

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

if [ "$(id -u)" -ne 0 ]; then
  echo "Berth drives LXC and QEMU on this host: run this as root." >&2
  exit 1
fi
if ! command -v node >/dev/null || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  echo "Berth needs Node.js 20 or newer on PATH." >&2
  exit 1
fi

missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  say "installing pnpm $PNPM_VERSION"
  npm install -g "pnpm@$PNPM_VERSION" >/dev/null
fi

export NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
# Native addons build against the running Node's own headers: node-gyp would otherwise
# download them, and this machine cannot reach nodejs.org.
node_prefix="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
if [ -z "${npm_config_nodedir:-}" ] && [ -f "$node_prefix/include/node/node.h" ]; then
  export npm_config_nodedir="$node_prefix"
fi
say "installing Node dependencies"
pnpm install --frozen-lockfile --reporter=append-only | grep -v '^Progress' || true
test -d node_modules/.pnpm || { echo "pnpm install failed" >&2; exit 1; }
(cd apps/agent && node -e "require('node-pty')") || {
  echo "node-pty did not build; it needs make, g++, python3 and Node's headers" >&2
  exit 1
}

say "building"
pnpm exec turbo run build --output-logs=errors-only
