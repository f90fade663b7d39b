import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { CreateVm, Progress } from '@berth/contracts';
import { assertFreeSpace } from '../storage/free-space.js';
import { emptyDisk, fullCopy, growDisk, linkedClone } from '../storage/qcow2.js';
import type { VmTemplates } from '../templates/vm-templates.js';

/** Makes a new VM's disks in its directory: empty ones, or clones of a template's image. */
export async function prepareDisks(
  dir: string,
  disks: CreateVm['disks'],
  templates: VmTemplates,
  progress: Progress,
): Promise<void> {
  let needed = 0;
  for (const disk of disks) {
    // qcow2 files grow as the guest writes: only a full copy takes its base's space at once.
    needed += 1024 * 1024;
    if (!('template' in disk) || disk.clone === 'linked') continue;
    await templates.ensure(disk.template, (f, m) => progress(f * 10, `template: ${m}`));
    needed += (await stat((await templates.disk(disk.template)) as string)).size;
  }
  await assertFreeSpace(path.dirname(dir), needed, 'the VM disks');
  await mkdir(dir, { recursive: true });
  for (const [i, disk] of disks.entries()) {
    const file = path.join(dir, `disk${i}.qcow2`);
    progress(10 + (i * 80) / disks.length, `preparing disk ${i}`);
    if (!('template' in disk)) {
      await emptyDisk(file, disk.sizeMiB);
      continue;
    }
    await templates.ensure(disk.template, (f, m) => progress(10 + f * 60, `template: ${m}`));
    const base = (await templates.disk(disk.template)) as string;
    if (disk.clone === 'linked') await linkedClone(base, file);
    else await fullCopy(base, file);
    if (disk.sizeMiB) await growDisk(file, disk.sizeMiB);
  }
}
