import { chmod, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ConvertToTemplate, Operation } from '@berth/contracts';
import { conflict, wrongState } from '@berth/contracts';
import type { Intent } from '../journal/intent.js';
import { run } from '../run.js';
import { assertFreeSpace, explainNoSpace } from '../storage/free-space.js';
import {
  CUSTOM_DISK,
  CUSTOM_META,
  type CustomMeta,
  type VmTemplates,
} from '../templates/vm-templates.js';
import { allocatedBytes, copyDisk } from './vm-clones.js';
import type { Vms } from './vms.js';

type TemplateIntent = Extract<Intent, { type: 'vm.template' }>;

/**
 * Converts a stopped VM into a template: its disk, flattened (no backing file, no internal
 * snapshots), becomes a read-only base in the agent's templates folder, listed with the
 * built-in templates and offered by the create wizard (linked or copied); the VM goes. The
 * template's folder is written under a .part name and renamed when whole (the commit point):
 * a kill before it leaves the VM as it was, one after it the template without the VM.
 */
export class VmTemplating {
  constructor(
    private readonly vms: Vms,
    private readonly templates: VmTemplates,
  ) {}

  async convert(id: string, req: ConvertToTemplate): Promise<Operation> {
    const vm = this.vms.resolve(id);
    this.vms.busy.assertIdle(vm.id);
    const state = await this.vms.state(vm);
    if (state !== 'stopped') {
      throw wrongState(`${vm.name} is ${state}: stop it (shut down) to make it a template`);
    }
    if (vm.disks.length !== 1) {
      throw conflict(`a template is one disk; ${vm.name} has ${vm.disks.length}`);
    }
    if (await this.templates.taken(req.name)) {
      throw conflict(`a template named ${req.name} exists already`, 'name');
    }
    const dir = this.vms.target(vm).dir;
    const from = path.join(dir, vm.disks[0]!.file);
    await mkdir(this.templates.customDir, { recursive: true, mode: 0o700 });
    await assertFreeSpace(
      this.templates.customDir,
      await allocatedBytes(from),
      `template ${req.name}`,
    );
    const final = this.templates.customFolder(req.name);
    const staging = `${final}.part`;
    const intent: TemplateIntent = { type: 'vm.template', vmId: vm.id, dir, staging, final };
    return this.vms.busy.start(
      vm.id,
      'instance.template',
      async (progress, step) => {
        await step('vm.template.copy');
        try {
          await rm(staging, { recursive: true, force: true });
          await mkdir(staging, { recursive: true, mode: 0o700 });
          const disk = path.join(staging, CUSTOM_DISK);
          await copyDisk(from, disk, null, (f) =>
            progress(5 + f * 85, `copying ${vm.name}'s disk`),
          );
          // A base of linked clones must never change: nobody is meant to write it.
          await chmod(disk, 0o444);
          const meta: CustomMeta = {
            builtAt: new Date().toISOString(),
            sizeBytes: (await stat(disk)).size,
            description: req.description,
            from: vm.name,
          };
          await writeFile(path.join(staging, CUSTOM_META), JSON.stringify(meta));
          await run('sync', ['-f', disk]);
        } catch (err) {
          await rm(staging, { recursive: true, force: true });
          throw await explainNoSpace(err, staging);
        }
        progress(95, `making ${req.name} a template`);
        await step('vm.template.commit');
        await rename(staging, final);
        await step('vm.template.forget');
        await this.vms.forget(vm);
        return this.templates.getCustom(req.name);
      },
      intent,
    );
  }
}

/** A conversion a killed agent left: finished once the template's folder has its name, else undone. */
export async function settleVmTemplate(intent: TemplateIntent): Promise<string> {
  await rm(intent.staging, { recursive: true, force: true });
  try {
    await stat(intent.final);
  } catch {
    return 'rolled back: the VM stays as it was';
  }
  await rm(intent.dir, { recursive: true, force: true });
  return `finished: the VM is now template ${path.basename(intent.final)}`;
}

/** The names of the VMs with a disk that is an overlay of `base` (what deleting it would break). */
export function vmsBackedBy(vms: Vms): (base: string) => Promise<string[]> {
  return async (base) => {
    const users: string[] = [];
    for (const instance of await vms.list()) {
      const dir = vms.target(vms.resolve(instance.id)).dir;
      for (const disk of instance.vm?.disks ?? []) {
        const { stdout } = await run('qemu-img', [
          'info',
          '--output=json',
          '-U',
          path.join(dir, disk.name),
        ]);
        const backing = (JSON.parse(stdout) as { 'full-backing-filename'?: string })[
          'full-backing-filename'
        ];
        if (backing === base && !users.includes(instance.name)) users.push(instance.name);
      }
    }
    return users;
  };
}
