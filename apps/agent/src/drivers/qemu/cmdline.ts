import path from 'node:path';
import {
  ahciPorts,
  bootCdDrive,
  cdDriveArgs,
  diskArgs,
  scsiControllerArgs,
  type CdDrive,
  type DiskOnBus,
} from './disk-buses.js';
import { deviceArgs, tabletArgs, type PortRecord, type UsbRecord } from './devices.js';

/** What QEMU is started with; files are relative to the VM's directory. */
export interface QemuMachine {
  /** Also found in QEMU's command line, which is how a pid is known to be this VM's. */
  id: string;
  name: string;
  vcpus: number;
  memoryMiB: number;
  disks: readonly DiskOnBus[];
  /** An ISO's file name in the ISO directory, or null for an empty drive. */
  cdrom: string | null;
  /** CD drives beside drive 0 (`cdrom`); absent: drive 0 alone. */
  cdroms?: readonly CdDrive[];
  boot: ReadonlyArray<'disk' | 'cdrom' | 'network'>;
  nics: ReadonlyArray<{ mac: string; tap: string; model?: 'e1000' }>;
  /** NICs sit on root ports of their own (`np<n>`), so they can be hot-plugged; see nicPort. */
  nicPorts?: boolean;
  /** An internal snapshot to restore the machine state from, or null for a cold boot. */
  restore: string | null;
  firmware: 'bios' | 'uefi';
  /** A q35 machine type; QEMU's q35 alias names its newest. */
  machine: string;
  /** Null: host under KVM, max under TCG (host needs KVM). */
  cpuModel: string | null;
  /** Ports beside serial0 and USB devices; absent: none, and the tablet alone. */
  ports?: readonly PortRecord[];
  usb?: readonly UsbRecord[];
}

/** The per-VM EFI variable store, qcow2 so that savevm can snapshot it with the disks. */
export const EFI_VARS_FILE = 'efivars.qcow2';
/** Debian's ovmf package: the 4 MiB firmware, read-only, shared by every VM. */
export const OVMF_CODE = '/usr/share/OVMF/OVMF_CODE_4M.fd';
export const OVMF_VARS = '/usr/share/OVMF/OVMF_VARS_4M.fd';

/** At most this many disks per VM (the create contract's limit too). */
export const MAX_DISKS = 8;

/** The PCIe root port disk `index` (1 and up) sits on. */
export const diskPort = (index: number) => `hp${index}`;

/**
 * A disk's number comes from its file (`disk3.qcow2` is 3), not its place in the list: with a
 * disk removed from the middle, the others keep their drive names, ports and saved states.
 */
export const diskNumber = (file: string) => Number(/^disk(\d+)\.qcow2$/.exec(file)?.[1] ?? NaN);

/** The QEMU drive (a cold start's -drive id, a hot-plug's node name) of a disk file. */
export const driveOf = (file: string) => `disk${diskNumber(file)}`;

/** At most this many NICs per VM (the contracts' MAX_VM_NICS). */
export const MAX_NICS = 8;

/**
 * A NIC's number: its tap's name ends in it (`vt<id8><n>`), and its netdev, device and root
 * port are named by it, so removing one from the middle renames none of the others.
 */
export const nicNumber = (tap: string) => Number(/(\d)$/.exec(tap)?.[1] ?? NaN);

/**
 * The PCIe root port NIC `n` sits on. Only VMs created since NIC hot-plug have these ports
 * (`nicPorts`): adding ports moves nothing else, but a VM's saved machine state (a suspend, a
 * snapshot with memory) holds its devices as they were, and an older VM's NICs sit on the root bus.
 */
export const nicPort = (n: number) => `np${n}`;

/**
 * A NIC's QEMU device: virtio-net, or e1000e for `e1000` (the PCIe Intel NIC: the machine is
 * always q35, whose root ports take it cold and hot-plugged alike, where the PCI e1000 would not).
 */
export const nicDriver = (nic: { model?: 'e1000' }) =>
  nic.model === 'e1000' ? 'e1000e' : 'virtio-net-pci';

export interface VmPaths {
  dir: string;
  qmp: string;
  vnc: string;
  qga: string;
  serial: string;
  serialLog: string;
  pidfile: string;
}

export function vmPaths(dir: string): VmPaths {
  // Short names: unix socket paths are limited to 107 bytes.
  return {
    dir,
    qmp: path.join(dir, 'qmp'),
    vnc: path.join(dir, 'vnc'),
    qga: path.join(dir, 'qga'),
    serial: path.join(dir, 'serial'),
    serialLog: path.join(dir, 'serial.log'),
    pidfile: path.join(dir, 'qemu.pid'),
  };
}

/**
 * The qemu-system-x86_64 argument vector for a VM: daemonized, QMP and VNC on unix
 * sockets only (VNC never listens on TCP), serial console on a socket with a log,
 * the guest agent's virtio-serial channel, virtio disks and NICs on tap devices.
 */
export function qemuArgs(
  vm: QemuMachine,
  p: VmPaths,
  opts: { accel: 'kvm' | 'tcg'; isoDir: string },
): string[] {
  const args = [
    '-name',
    `${vm.name},process=berth-${vm.id.slice(0, 8)}`,
    '-uuid',
    vm.id,
    '-machine',
    `${vm.machine},accel=${opts.accel}`,
    '-cpu',
    vm.cpuModel ?? (opts.accel === 'kvm' ? 'host' : 'max'),
    '-smp',
    String(vm.vcpus),
    '-m',
    String(vm.memoryMiB),
    '-nodefaults',
    '-no-user-config',
    '-daemonize',
    '-pidfile',
    p.pidfile,
    '-qmp',
    `unix:${p.qmp},server=on,wait=off`,
    '-display',
    'none',
    '-vga',
    'std',
    '-vnc',
    `unix:${p.vnc}`,
    '-chardev',
    `socket,id=serial0,path=${p.serial},server=on,wait=off,logfile=${p.serialLog},logappend=on`,
    '-serial',
    'chardev:serial0',
    '-chardev',
    `socket,id=qga0,path=${p.qga},server=on,wait=off`,
    '-device',
    'virtio-serial-pci,id=vser0',
    '-device',
    'virtserialport,chardev=qga0,name=org.qemu.guest_agent.0',
    '-device',
    'usb-ehci,id=usb',
    ...tabletArgs(vm.usb),
    // Always present: memory.minMiB shrinks the guest through it, live.
    '-device',
    'virtio-balloon-pci,id=balloon0',
  ];
  if (vm.firmware === 'uefi') {
    args.push(
      '-drive',
      `if=pflash,unit=0,format=raw,readonly=on,file=${OVMF_CODE}`,
      '-drive',
      `if=pflash,unit=1,format=qcow2,file=${path.join(p.dir, EFI_VARS_FILE)}`,
    );
  }
  // bootindex (not -boot order) decides, because QEMU ignores -boot order for virtio devices.
  const bootindex = (what: 'disk' | 'cdrom' | 'network') => {
    const i = vm.boot.indexOf(what);
    return i >= 0 ? `,bootindex=${i + 1}` : '';
  };
  // PCIe root ports for disks after the first: q35's root bus takes no hot-plugged device, and a
  // disk added live sits on the same port as it does at a cold start, so saved machine states match.
  for (let port = 1; port < MAX_DISKS; port++) {
    args.push('-device', `pcie-root-port,id=${diskPort(port)},chassis=${port},slot=${port}`);
  }
  const cdDrives = vm.cdroms ?? [];
  const ahci = ahciPorts(vm.disks, cdDrives);
  args.push(...scsiControllerArgs(vm.disks));
  for (const disk of vm.disks) {
    const pcie = diskPort(diskNumber(disk.file));
    args.push(
      ...diskArgs(p.dir, disk, { ahci: ahci.disk.get(disk.file), pcie }, bootindex('disk')),
    );
  }
  const bootCd = bootCdDrive(vm.cdrom, cdDrives);
  // Always present, possibly empty, so an ISO can be inserted while the VM runs.
  args.push(
    '-drive',
    `if=none,id=cd0,media=cdrom,readonly=on${vm.cdrom ? `,file=${path.join(opts.isoDir, vm.cdrom)},format=raw` : ''}`,
    '-device',
    `ide-cd,drive=cd0,id=cdrom0,bus=ide.0${bootCd === 0 ? bootindex('cdrom') : ''}`,
    ...cdDriveArgs(opts.isoDir, cdDrives, ahci.cd, bootCd, bootindex('cdrom')),
  );
  for (let n = 0; vm.nicPorts && n < MAX_NICS; n++) {
    args.push('-device', `pcie-root-port,id=${nicPort(n)},chassis=${16 + n},slot=${16 + n}`);
  }
  vm.nics.forEach((nic, i) => {
    const n = nicNumber(nic.tap);
    args.push(
      '-netdev',
      `tap,id=net${n},ifname=${nic.tap},script=no,downscript=no`,
      '-device',
      `${nicDriver(nic)},netdev=net${n},mac=${nic.mac},id=nic${n}${vm.nicPorts ? `,bus=${nicPort(n)}` : ''}${i === 0 ? bootindex('network') : ''}`,
    );
  });
  args.push(...deviceArgs(p.dir, vm.ports, vm.usb));
  args.push('-boot', 'menu=off,strict=on');
  if (vm.restore) args.push('-loadvm', vm.restore);
  return args;
}
