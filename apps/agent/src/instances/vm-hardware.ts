import type { VmHardwareChange, VmHardwareChoices, VmHardwareRequest } from '@berth/contracts';
import { badRequest, wrongState } from '@berth/contracts';
import { ovmfInstalled } from '../drivers/qemu/ovmf.js';
import { run } from '../run.js';
import type { Vms } from './vms.js';

/** Named models worth offering beside max and qemu64, where this QEMU has them. */
const OFFERED_CPUS = [
  'max',
  'qemu64',
  'kvm64',
  'Nehalem',
  'SandyBridge',
  'Haswell',
  'Skylake-Client',
  'EPYC',
];

/** What `-machine help` lists of the q35 family; `pc` (i440fx) has no PCIe root ports for disks. */
export function q35Machines(help: string): string[] {
  return help
    .split('\n')
    .map((line) => line.split(/\s+/)[0] ?? '')
    .filter((name) => /^(q35|pc-q35-[0-9.]+)$/.test(name));
}

/** The x86 models `-cpu help` names, in QEMU's order. */
export function cpuModels(help: string): string[] {
  return help
    .split('\n')
    .map((line) => /^x86 (\S+)/.exec(line)?.[1])
    .filter((name): name is string => !!name);
}

/**
 * A VM's start-time settings: firmware, machine type, CPU model, boot order. Saved in its
 * record at once (one atomic write, so a kill leaves the old record or the new one) and taken
 * by QEMU at the next start; until then the instance lists them in vm.pendingChanges.
 */
export class VmHardware {
  private offered: Promise<VmHardwareChoices> | null = null;

  constructor(private readonly vms: Vms) {}

  choices(): Promise<VmHardwareChoices> {
    this.offered ??= (async () => {
      const machines = q35Machines((await run('qemu-system-x86_64', ['-machine', 'help'])).stdout);
      const known = new Set(cpuModels((await run('qemu-system-x86_64', ['-cpu', 'help'])).stdout));
      return {
        machines,
        cpuModels: OFFERED_CPUS.filter((m) => known.has(m)),
        uefi: await ovmfInstalled(),
      };
    })();
    // A failed look-up is asked again next time rather than remembered.
    this.offered.catch(() => (this.offered = null));
    return this.offered;
  }

  async set(id: string, req: VmHardwareRequest): Promise<VmHardwareChange> {
    const vm = this.vms.resolve(id);
    return this.vms.busy.hold(vm.id, 'instance.configure', async () => {
      const offered = await this.choices();
      if (req.machine !== undefined && !offered.machines.includes(req.machine)) {
        throw badRequest(`this host's QEMU has no machine type ${req.machine}`, 'machine');
      }
      if (req.cpuModel != null && !offered.cpuModels.includes(req.cpuModel)) {
        throw badRequest(
          `CPU model ${req.cpuModel} is not offered here (${offered.cpuModels.join(', ')})`,
          'cpuModel',
        );
      }
      if (req.firmware === 'uefi' && !offered.uefi) {
        throw badRequest('UEFI needs OVMF on the host (Debian package ovmf)', 'firmware');
      }
      const boot = req.boot ?? vm.boot;
      if (boot[0] === 'disk' && vm.disks.length === 0 && !boot.includes('cdrom')) {
        throw badRequest('the VM boots from disk but has no disk', 'boot');
      }
      const changesMachine =
        req.firmware !== undefined || req.machine !== undefined || req.cpuModel !== undefined;
      // The saved machine state is restored into the same machine only.
      if (vm.suspended && changesMachine) {
        throw wrongState(
          'the VM is suspended: resume it before changing its firmware, machine or CPU',
        );
      }
      await this.vms.save(vm, {
        ...(req.firmware !== undefined && { firmware: req.firmware }),
        ...(req.machine !== undefined && { machine: req.machine }),
        ...(req.cpuModel !== undefined && { cpuModel: req.cpuModel }),
        boot,
      });
      const instance = await this.vms.get(vm.id);
      this.vms.states.updated(instance);
      return { instance, applies: 'next-start' as const };
    });
  }
}
