import type {
  AddCdDriveRequest,
  CdMediaRequest,
  Operation,
  VmDiskSettingsRequest,
  VmDriveChange,
} from '@berth/contracts';
import { MAX_CD_DRIVES, badRequest, conflict, notFound, wrongState } from '@berth/contracts';
import { AHCI_PORTS, ahciUsed, type CdDrive } from '../drivers/qemu/disk-buses.js';
import type { IsoStore } from '../storage/isos.js';
import type { VmRecord } from './vm-record.js';
import type { Vms } from './vms.js';

const LIVE = new Set(['running', 'paused']);

/** Refused when a change would need a seventh AHCI port. */
export function assertAhciRoom(
  disks: VmRecord['disks'],
  cdroms: readonly CdDrive[],
  what: string,
): void {
  const used = ahciUsed(disks, cdroms);
  if (used <= AHCI_PORTS) return;
  const onAhci = disks.filter((d) => d.bus === 'sata' || d.bus === 'ide').length;
  throw conflict(
    `${what} needs an AHCI port, and q35's AHCI controller has ${AHCI_PORTS}: ${1 + cdroms.length} CD drive(s) and ${onAhci} sata/ide disk(s) would take ${used}`,
  );
}

/**
 * A VM's disk buses and cache modes, and its CD/DVD drives beyond drive 0. Buses, caches and
 * drives are taken by QEMU at the next start (q35's AHCI ports take no hot-plug); each is one
 * atomic write of the VM's record inside a journaled operation, so a kill leaves the old
 * record or the new one. Media go in and out of a drive QEMU has at once.
 */
export class VmDrives {
  constructor(
    private readonly vms: Vms,
    private readonly isos: IsoStore,
  ) {}

  async setDisk(id: string, disk: string, req: VmDiskSettingsRequest): Promise<Operation> {
    const vm = this.vms.resolve(id);
    this.vms.busy.assertIdle(vm.id);
    if (!vm.disks.some((d) => d.file === disk)) throw notFound(`disk ${disk} of VM ${vm.name}`);
    await this.assertNotSuspended(vm);
    if (
      req.bus !== undefined &&
      req.bus !== (vm.disks.find((d) => d.file === disk)!.bus ?? 'virtio')
    ) {
      this.assertNoMemorySnapshots(vm, `moving ${disk} to ${req.bus}`);
    }
    const disks = vm.disks.map((d) =>
      d.file === disk
        ? {
            ...d,
            ...(req.bus !== undefined && { bus: req.bus }),
            ...(req.cache && { cache: req.cache }),
          }
        : d,
    );
    assertAhciRoom(disks, vm.cdroms ?? [], `${disk} on ${req.bus}`);
    return this.vms.busy.start(vm.id, 'instance.disk.settings', async (_progress, step) => {
      await step('vm.disk.settings');
      await this.vms.save(vm, { disks });
      return this.answer(vm, 'next-start');
    });
  }

  async addCd(id: string, req: AddCdDriveRequest): Promise<Operation> {
    const vm = this.vms.resolve(id);
    this.vms.busy.assertIdle(vm.id);
    const cdroms = vm.cdroms ?? [];
    if (1 + cdroms.length >= MAX_CD_DRIVES) {
      throw conflict(`the VM has ${MAX_CD_DRIVES} CD drives, as many as it can have`);
    }
    await this.assertNotSuspended(vm);
    this.assertNoMemorySnapshots(vm, 'a new CD drive');
    const iso = req.iso ?? null;
    await this.assertIso(iso);
    const drive = [...Array(MAX_CD_DRIVES).keys()].find(
      (n) => n > 0 && !cdroms.some((d) => d.drive === n),
    )!;
    const next = [...cdroms, { drive, iso }];
    assertAhciRoom(vm.disks, next, `CD drive ${drive}`);
    return this.vms.busy.start(vm.id, 'instance.cdrom.add', async (_progress, step) => {
      await step('vm.cdrom.record');
      await this.vms.save(vm, { cdroms: next });
      return this.answer(vm, 'next-start');
    });
  }

  /** Drive 0 is the instance's `cdrom` and stays; another goes at the next start, its ISO ejected now. */
  async removeCd(id: string, drive: number): Promise<Operation> {
    const vm = this.vms.resolve(id);
    this.vms.busy.assertIdle(vm.id);
    if (drive === 0) {
      throw conflict("drive 0 is the VM's `cdrom` and stays: eject its ISO instead");
    }
    const held = this.driveOf(vm, drive);
    await this.assertNotSuspended(vm);
    this.assertNoMemorySnapshots(vm, `removing drive ${drive}`);
    return this.vms.busy.start(vm.id, 'instance.cdrom.remove', async (_progress, step) => {
      if (held.iso && (await this.inRunningQemu(vm, drive))) {
        await step('vm.cdrom.eject');
        await this.changeMedium(vm, drive, null);
      }
      await step('vm.cdrom.record');
      await this.vms.save(vm, { cdroms: (vm.cdroms ?? []).filter((d) => d.drive !== drive) });
      return this.answer(vm, 'next-start');
    });
  }

  /** An ISO in, or out with null: live in a drive the running QEMU has, else at the next start. */
  async setMedia(id: string, drive: number, req: CdMediaRequest): Promise<VmDriveChange> {
    const vm = this.vms.resolve(id);
    if (drive === 0) {
      // Drive 0 is the instance's `cdrom`: the same path as PATCH cdrom.
      const live = LIVE.has(await this.vms.state(vm));
      const instance = await this.vms.update(vm.id, { cdrom: req.iso });
      return { instance, applies: live ? 'live' : 'next-start' };
    }
    this.driveOf(vm, drive);
    return this.vms.busy.hold(vm.id, 'instance.cdrom.media', async () => {
      await this.assertIso(req.iso);
      const live = await this.inRunningQemu(vm, drive);
      if (live) await this.changeMedium(vm, drive, req.iso);
      await this.vms.save(vm, {
        cdroms: (vm.cdroms ?? []).map((d) => (d.drive === drive ? { drive, iso: req.iso } : d)),
      });
      return this.answer(vm, live ? 'live' : 'next-start');
    });
  }

  private driveOf(vm: VmRecord, drive: number): CdDrive {
    const found = (vm.cdroms ?? []).find((d) => d.drive === drive);
    if (!found) throw notFound(`CD drive ${drive} of VM ${vm.name}`);
    return found;
  }

  private async assertIso(iso: string | null): Promise<void> {
    if (iso && !(await this.isos.has(iso))) {
      throw badRequest(`there is no ISO named ${iso} in the ISO store`, 'iso');
    }
  }

  /** A suspended VM's saved machine state holds its devices as they were. */
  private async assertNotSuspended(vm: VmRecord): Promise<void> {
    if ((await this.vms.state(vm)) === 'suspended') {
      throw wrongState('the VM is suspended: resume it first');
    }
  }

  /**
   * A snapshot with memory holds the devices the VM had: a revert loads it into a QEMU with the
   * same ones only. A cache mode is the host's business and may change; a bus or a drive may not.
   */
  private assertNoMemorySnapshots(vm: VmRecord, what: string): void {
    const held = (vm.snapshots ?? []).filter((s) => s.withMemory).map((s) => s.name);
    if (held.length === 0) return;
    throw conflict(
      `${what} would change the VM's devices, and its snapshots with memory (${held.join(', ')}) need them as they are: delete those first`,
    );
  }

  /** Whether QEMU runs and was started with this drive (one added since waits for the next start). */
  private async inRunningQemu(vm: VmRecord, drive: number): Promise<boolean> {
    if (!LIVE.has(await this.vms.state(vm))) return false;
    return (vm.started?.cdDrives ?? [0]).includes(drive);
  }

  private changeMedium(vm: VmRecord, drive: number, iso: string | null): Promise<void> {
    return this.vms.qemu.changeMedium(this.vms.target(vm), iso && this.isos.path(iso), drive);
  }

  private async answer(vm: VmRecord, applies: VmDriveChange['applies']): Promise<VmDriveChange> {
    const instance = await this.vms.get(vm.id);
    this.vms.states.updated(instance);
    return { instance, applies };
  }
}
