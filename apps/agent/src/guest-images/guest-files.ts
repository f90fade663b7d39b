/**
 * The guest's own configuration: busybox init, its boot script, DHCP, the guest
 * agent's launcher, ACPI power button handling and login. Paths are relative to
 * the initramfs root; `mode` marks executables.
 */

export const GUEST_AGENT_PORT = 'org.qemu.guest_agent.0';
export const DEFAULT_HOSTNAME = 'tiny-linux';

export interface GuestFile {
  path: string;
  content: string;
  mode: number;
}

const inittab = `# busybox init: rcS runs to completion before anything below it starts.
::sysinit:/etc/init.d/rcS
::respawn:/usr/sbin/qemu-ga-start
tty1::respawn:/sbin/getty 38400 tty1
ttyS0::respawn:/sbin/getty -L 115200 ttyS0 vt100
::ctrlaltdel:/sbin/reboot
::shutdown:/etc/init.d/rcK
`;

const rcS = `#!/bin/sh
mount -t proc -o nosuid,nodev,noexec proc /proc
mount -t sysfs -o nosuid,nodev,noexec sysfs /sys
# The kernel does not mount devtmpfs on its own when it boots into an initramfs.
mount -t devtmpfs -o nosuid,mode=0755 devtmpfs /dev
mkdir -p /dev/pts /dev/shm /dev/virtio-ports
mount -t devpts -o nosuid,noexec,gid=5,mode=0620,ptmxmode=0666 devpts /dev/pts
mount -t tmpfs -o nosuid,nodev,mode=0755 tmpfs /run
mkdir -p /run/qemu-ga /run/udhcpc /var/log

name=${DEFAULT_HOSTNAME}
for arg in $(cat /proc/cmdline); do
  case "$arg" in hostname=?*) name="\${arg#hostname=}" ;; esac
done
hostname "$name"
echo "$name" > /etc/hostname

for m in $(cat /etc/modules); do
  modprobe "$m" || echo "rcS: could not load $m"
done

ip link set lo up
# virtio_net names eth0 from its PCI probe, which can finish after modprobe returns.
n=0
while [ ! -e /sys/class/net/eth0 ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
[ -e /sys/class/net/eth0 ] || echo "rcS: no eth0"
for dev in /sys/class/net/eth*; do
  [ -e "$dev" ] || continue
  i=\${dev##*/}
  ip link set "$i" up
  set -- udhcpc -i "$i" -b -t 5 -T 2 -x "hostname:$name" -p "/run/udhcpc/$i.pid" \\
    -s /etc/udhcpc/default.script
  # eth0's first lease is waited for (-b backgrounds only after the tries fail), so the
  # guest agent reports an address as soon as it answers; other NICs lease in the background.
  if [ "$i" = eth0 ]; then "$@"; else "$@" & fi
done

# acpid finds input devices only when it starts: the button and evdev modules are loaded by now.
if ls /dev/input/event* >/dev/null 2>&1; then
  acpid -l /var/log/acpid.log
fi
echo "rcS: $name is up after $(cut -d' ' -f1 /proc/uptime) s"
# Boot messages have been shown; from here on only warnings, so late driver chatter
# does not land in the middle of the login prompt.
dmesg -n 5
`;

const rcK = `#!/bin/sh
# busybox init runs this on poweroff/reboot, before it signals every process.
echo "rcK: stopping"
killall udhcpc acpid 2>/dev/null
sync
`;

const udhcpcScript = `#!/bin/sh
# udhcpc calls this with deconfig|bound|renew|leasefail|nak and the lease in the environment.
case "$1" in
  deconfig)
    ip -4 addr flush dev "$interface"
    ip link set "$interface" up
    ;;
  bound|renew)
    ip addr replace "$ip/\${mask:-24}" \${broadcast:+broadcast "$broadcast"} dev "$interface"
    for r in $router; do
      ip route replace default via "$r" dev "$interface"
      break
    done
    : > /etc/resolv.conf
    [ -n "$domain" ] && echo "search $domain" >> /etc/resolv.conf
    for d in $dns; do echo "nameserver $d" >> /etc/resolv.conf; done
    ;;
esac
exit 0
`;

const virtioPortLinks = `#!/bin/sh
# Without udev nothing creates /dev/virtio-ports/<name>; make the links udev's rules would.
mkdir -p /dev/virtio-ports
for p in /sys/class/virtio-ports/*; do
  [ -r "$p/name" ] || continue
  n=$(cat "$p/name")
  [ -n "$n" ] && [ -e "/dev/\${p##*/}" ] && ln -sfn "../\${p##*/}" "/dev/virtio-ports/$n"
done
exit 0
`;

// Waiting here rather than in rcS keeps boot going on a VM without an agent port,
// and picks the port up if it is hot-plugged later. Polls fast while the port may
// still be coming up at boot, then slowly.
const qemuGaStart = `#!/bin/sh
port=/dev/virtio-ports/${GUEST_AGENT_PORT}
n=0
until [ -e "$port" ]; do
  /usr/sbin/virtio-port-links
  [ -e "$port" ] && break
  if [ $n -lt 50 ]; then sleep 0.2; n=$((n + 1)); else sleep 5; fi
done
exec /usr/sbin/qemu-ga -m virtio-serial -p "$port" -t /run/qemu-ga
`;

// qemu-ga's guest-shutdown runs "/sbin/shutdown -h -P +0 <msg>" (-H halt, -r reboot);
// busybox has no shutdown applet, only the poweroff/halt/reboot that signal init.
const shutdown = `#!/bin/sh
action=poweroff
for a in "$@"; do
  case "$a" in
    -r) action=reboot ;;
    -H) action=halt ;;
    -P) action=poweroff ;;
  esac
done
exec /bin/busybox "$action"
`;

// busybox acpid maps the power button's key event to PWRF/00000080 under /etc/acpi.
const acpiPowerButton = `#!/bin/sh
exec /bin/busybox poweroff
`;

export function guestFiles(moduleLoadOrder: readonly string[]): GuestFile[] {
  return [
    { path: 'etc/inittab', content: inittab, mode: 0o644 },
    { path: 'etc/init.d/rcS', content: rcS, mode: 0o755 },
    { path: 'etc/init.d/rcK', content: rcK, mode: 0o755 },
    { path: 'etc/modules', content: `${moduleLoadOrder.join('\n')}\n`, mode: 0o644 },
    { path: 'etc/udhcpc/default.script', content: udhcpcScript, mode: 0o755 },
    { path: 'usr/sbin/virtio-port-links', content: virtioPortLinks, mode: 0o755 },
    { path: 'usr/sbin/qemu-ga-start', content: qemuGaStart, mode: 0o755 },
    { path: 'sbin/shutdown', content: shutdown, mode: 0o755 },
    { path: 'etc/acpi/PWRF/00000080', content: acpiPowerButton, mode: 0o755 },
    // Root logs in with an empty password: this is a throwaway test guest whose
    // console is reachable only through the operator's VNC or serial session.
    { path: 'etc/passwd', content: 'root:x:0:0:root:/root:/bin/sh\n', mode: 0o644 },
    { path: 'etc/shadow', content: 'root::19000:0:99999:7:::\n', mode: 0o600 },
    { path: 'etc/group', content: 'root:x:0:\ntty:x:5:\n', mode: 0o644 },
    { path: 'etc/shells', content: '/bin/sh\n/bin/ash\n', mode: 0o644 },
    {
      path: 'etc/securetty',
      content: ['console', 'tty1', 'tty2', 'tty3', 'tty4', 'ttyS0', 'ttyS1', 'hvc0', ''].join('\n'),
      mode: 0o644,
    },
    { path: 'etc/hosts', content: '127.0.0.1\tlocalhost\n::1\tlocalhost\n', mode: 0o644 },
    { path: 'etc/hostname', content: `${DEFAULT_HOSTNAME}\n`, mode: 0o644 },
    { path: 'etc/resolv.conf', content: '', mode: 0o644 },
    { path: 'etc/issue', content: 'Tiny Linux (Berth guest image) \\n \\l\n\n', mode: 0o644 },
    {
      path: 'etc/os-release',
      content:
        'NAME="Tiny Linux"\nID=tiny-linux\nID_LIKE=debian\nPRETTY_NAME="Tiny Linux (busybox and Debian 12 kernel, Berth guest image)"\n',
      mode: 0o644,
    },
    {
      path: 'etc/profile',
      content: "export PATH=/sbin:/usr/sbin:/bin:/usr/bin\nexport PS1='\\u@\\h:\\w\\$ '\n",
      mode: 0o644,
    },
  ];
}
