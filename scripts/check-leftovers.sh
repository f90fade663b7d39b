#!/usr/bin/env bash
# Fails when the test suites left anything of theirs on the host. Tests name what they make
# after one prefix: bridges, veths and network namespaces bt-*, nftables tables berth_bt_* (NAT
# and the agent's guard tables, berth_bt_*_guard), VM taps (vt*, once their bridge is
# gone), IFB devices of shaped adapters that are gone (ivc*, ivt*), data under $TMPDIR/berth-*
# (images, mounts, loop devices, sockets), and processes (agents, QEMU, dnsmasq, lxc-monitor,
# containers' LXC monitors) running from there.
set -uo pipefail
tmp=${TMPDIR:-/tmp}
found=0
report() {
  echo "left behind: $1" >&2
  found=1
}

for link in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 | grep -E '^bt-' || true); do
  report "network link $link"
done
# A VM's tap (vt…) on no bridge: its VM and its bridge are gone, it stayed.
for tap in $(ip -o link show 2>/dev/null | grep -v ' master ' | awk -F': ' '{print $2}' | cut -d@ -f1 | grep -E '^vt' || true); do
  report "tap $tap (on no bridge)"
done
# An IFB device (ivc…, ivt…) that shaped an adapter which is gone.
for ifb in $(ip -o link show type ifb 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 | grep -E '^iv[ct]' || true); do
  ip link show dev "${ifb#i}" >/dev/null 2>&1 || report "IFB device $ifb (its adapter is gone)"
done
for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^bt-' || true); do
  report "network namespace $ns"
done
for table in $(nft list tables 2>/dev/null | awk '{print $3}' | grep -E '^berth_bt_' || true); do
  report "nftables table $table"
done
while read -r _ target _; do
  [ -n "$target" ] && report "mount $target"
done < <(awk -v t="$tmp/berth-" 'index($2, t) == 1 {print $1, $2}' /proc/mounts)
while read -r dev file; do
  [ -n "$dev" ] && report "loop device $dev ($file)"
done < <(losetup -n -O NAME,BACK-FILE 2>/dev/null | awk -v t="$tmp/berth-" 'index($2, t) == 1')
while read -r pid args; do
  [ -n "$pid" ] && report "process $pid: ${args:0:160}"
done < <(ps -eo pid=,args= | grep -F -- "$tmp/berth-" | grep -v -e grep -e check-leftovers)

if [ "$found" -eq 0 ]; then echo "no test leftovers on the host"; fi
exit "$found"
