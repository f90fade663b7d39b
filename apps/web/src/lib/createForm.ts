import type { InstanceKind, VmDiskBus, VmDiskCache } from '@berth/contracts';

/*
 * The create wizard's form: what its inputs hold (text, as typed) and the request body made
 * from it. The contracts' schemas then decide what is valid, so the form repeats no rule.
 */

/** Text → number for the schema: empty means "leave it out"; junk stays NaN so zod says why. */
const num = (s: string) => (s.trim() === '' ? undefined : Number(s));
const opt = (s: string) => (s.trim() === '' ? undefined : s.trim());
const list = (s: string) => s.split(/[\s,]+/).filter(Boolean);

export const BOOT_ORDERS = {
  'disk,cdrom': 'Disk, then CD-ROM',
  'cdrom,disk': 'CD-ROM, then disk',
  disk: 'Disk only',
  cdrom: 'CD-ROM only',
  'network,disk': 'Network (PXE), then disk',
} as const;

export const initialForm = {
  hostId: '',
  name: '',
  description: '',
  tags: '',
  onboot: false,
  /** Empty: the network `default`. */
  networkName: '',
  // container
  networkMode: 'bridged' as 'bridged' | 'routed',
  template: 'busybox',
  ctid: '',
  hostname: '',
  rootPassword: '',
  ipv4: '',
  gateway: '',
  dns: '',
  diskSizeMiB: '512',
  privileged: false,
  /** Empty: the host's default pool. */
  pool: '',
  // vm
  vcpus: '1',
  memoryMiB: '256',
  diskSource: 'template' as 'template' | 'empty' | 'none',
  vmTemplate: 'tiny-linux',
  clone: 'linked' as 'linked' | 'copy',
  vmDiskMiB: '',
  diskBus: 'virtio' as VmDiskBus,
  diskCache: 'writeback' as VmDiskCache,
  cdrom: '',
  boot: 'disk,cdrom' as keyof typeof BOOT_ORDERS,
  network: true,
};
export type CreateForm = typeof initialForm;

/** The defaults are left out, so a body asks only for what the operator chose. */
const diskSettings = (f: CreateForm) => ({
  ...(f.diskBus !== 'virtio' && { bus: f.diskBus }),
  ...(f.diskCache !== 'writeback' && { cache: f.diskCache }),
});

/** The request body before validation: the API's own zod schemas decide what is valid. */
export function toBody(kind: InstanceKind, f: CreateForm) {
  const common = {
    kind,
    name: f.name.trim(),
    onboot: f.onboot,
    description: f.description,
    tags: list(f.tags),
  };
  if (kind === 'ct')
    return {
      ...common,
      template: f.template,
      ctid: num(f.ctid),
      hostname: opt(f.hostname),
      rootPassword: f.rootPassword === '' ? undefined : f.rootPassword,
      network: opt(f.networkName),
      networkMode: f.networkMode,
      ipv4: opt(f.ipv4),
      gateway: opt(f.gateway),
      dns: list(f.dns),
      diskSizeMiB: num(f.diskSizeMiB),
      privileged: f.privileged,
      pool: opt(f.pool),
    };
  const size = num(f.vmDiskMiB);
  return {
    ...common,
    vcpus: num(f.vcpus),
    memoryMiB: num(f.memoryMiB),
    disks:
      f.diskSource === 'none'
        ? []
        : f.diskSource === 'empty'
          ? [{ sizeMiB: size, ...diskSettings(f) }]
          : [
              {
                template: f.vmTemplate,
                clone: f.clone,
                ...(size !== undefined ? { sizeMiB: size } : {}),
                ...diskSettings(f),
              },
            ],
    cdrom: f.cdrom || null,
    boot: f.boot.split(','),
    nics: f.network ? [{ network: opt(f.networkName) ?? 'default' }] : [],
  };
}
