import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { driveOf, vmPaths } from '../drivers/qemu/cmdline.js';
import {
  imageSnapshots,
  liveDeleteSnapshot,
  offlineSnapshot,
} from '../drivers/qemu/internal-snapshots.js';
import { GuestAgent } from '../drivers/qemu/guest-agent.js';
import { Qmp } from '../drivers/qemu/qmp.js';
import { cmdlineOf, readPidfile } from '../host/proc.js';
import { writeFileAtomic } from '../journal/atomic-file.js';
import type { Intent } from '../journal/intent.js';
import { SUSPEND_SNAPSHOT, type VmRecord } from '../instances/vm-record.js';
import { agreeWith, withoutSnapshot } from './tree.js';

type SnapshotIntent = Extract<Intent, { type: 'vm.snapshot' }>;

/**
 * A running QEMU's monitor, once it has finished what a killed agent asked of it: QEMU runs a
 * savevm or loadvm to its end whoever listens, and answers nothing else until then.
 */
async function settledMonitor(intent: SnapshotIntent): Promise<Qmp | null> {
  const p = vmPaths(intent.dir);
  const pid = await readPidfile(p.pidfile);
  if (!pid || !(await cmdlineOf(pid)).includes(intent.vmId)) return null;
  const qmp = await Qmp.connect(p.qmp, () => undefined);
  await qmp.execute('query-status', undefined, 10 * 60_000);
  return qmp;
}

/**
 * After a kill in the middle of a VM snapshot operation: what the disks hold is the truth. A
 * snapshot on only some disks is taken off them (a take) or off the rest (a delete); a revert
 * that had started changing the disks is finished; then the record's tree is made to agree.
 */
export async function reconcileVmSnapshots(intent: SnapshotIntent): Promise<string> {
  const recordFile = path.join(intent.dir, 'vm.json');
  const record = JSON.parse(await readFile(recordFile, 'utf8')) as VmRecord;
  const name = intent.snapshot.name;
  const qmp = await settledMonitor(intent);
  try {
    const files = record.disks.map((d) => path.join(intent.dir, d.file));
    const stateSizes = new Map<string, number>();
    const lists = async () =>
      (await Promise.all(files.map(imageSnapshots))).map((info, i) =>
        info.snapshots
          .filter((s) => s.name !== SUSPEND_SNAPSHOT)
          .map((s) => {
            if (i === 0) stateSizes.set(s.name, s.vmStateSize);
            return s.name;
          }),
      );
    let held = await lists();
    const on = held.filter((names) => names.includes(name)).length;
    let outcome: string;
    if (on > 0 && on < files.length) {
      // Half of each is never kept: a take is undone, a delete is finished.
      for (const [i, file] of files.entries()) {
        if (!held[i]!.includes(name)) continue;
        if (qmp) await liveDeleteSnapshot(qmp, driveOf(path.basename(file)), name);
        else await offlineSnapshot(file, 'delete', name);
      }
      held = await lists();
      outcome =
        intent.action === 'take'
          ? `rolled back: snapshot ${name} was on some disks only and is removed`
          : `finished: snapshot ${name} is deleted`;
    } else if (intent.action === 'revert' && intent.applying && on === files.length) {
      if (!intent.snapshot.withMemory && !qmp) {
        for (const file of files) await offlineSnapshot(file, 'apply', name);
      }
      record.currentSnapshot = name;
      outcome = `finished: the VM is reverted to ${name}`;
    } else if (intent.action === 'revert') {
      outcome = `nothing had been changed: the VM was not reverted to ${name}`;
    } else if (intent.action === 'take') {
      outcome = on
        ? `finished: snapshot ${name} had been taken and is kept`
        : `nothing had been taken: there is no snapshot ${name}`;
    } else {
      outcome = on
        ? `nothing had been deleted: snapshot ${name} is kept`
        : `finished: snapshot ${name} is deleted`;
    }
    const onAll = held[0]?.filter((n) => held.every((names) => names.includes(n))) ?? [];
    let tree = { snapshots: record.snapshots ?? [], current: record.currentSnapshot ?? null };
    if (intent.action === 'delete' && !onAll.includes(name)) tree = withoutSnapshot(tree, name);
    tree = agreeWith(tree, onAll, (found, parent) =>
      found === name && intent.action === 'take'
        ? intent.snapshot
        : {
            name: found,
            parent,
            description: 'found on the disks after an agent restart',
            createdAt: new Date().toISOString(),
            withMemory: (stateSizes.get(found) ?? 0) > 0,
          },
    );
    if (intent.frozen && qmp) {
      // The killed agent froze the guest's filesystems; nothing else would ever thaw them.
      const thawed = await new GuestAgent(vmPaths(intent.dir).qga).thaw();
      outcome += `; the guest's filesystems were thawed (${thawed})`;
    }
    await writeFileAtomic(
      recordFile,
      JSON.stringify(
        { ...record, snapshots: tree.snapshots, currentSnapshot: tree.current },
        null,
        2,
      ),
    );
    return outcome;
  } finally {
    qmp?.close();
  }
}
