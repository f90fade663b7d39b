import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Operation } from '@berth/contracts';
import { ErrorCode } from '@berth/contracts';
import { vmPaths } from '../drivers/qemu/cmdline.js';
import { pathExists } from '../host/files.js';
import { cmdlineOf, readPidfile, untilGone } from '../host/proc.js';
import type { Intent, JournalEntry } from '../journal/intent.js';
import { writeFileAtomic } from '../journal/atomic-file.js';
import type { Journal } from '../journal/journal.js';
import type { Log } from '../log.js';
import { dropIfb } from '../net/shaping.js';
import { removeTap } from '../net/tap.js';
import { exec } from '../run.js';
import { withMountedImage } from '../storage/disk-image.js';
import { reconcileVmSnapshots } from '../snapshots/vm-reconcile.js';
import { settleVmDisk } from './vm-disk-replay.js';
import { settleVmNic } from './vm-nic-replay.js';
import { settleCtNic } from './ct-nic-replay.js';
import { settleVmUsb } from './vm-usb-replay.js';
import { shiftOwnership } from '../storage/id-shift.js';
import { settleContainerMove } from '../instances/container-moves.js';
import { settleContainerReinstall } from '../instances/container-maintenance.js';
import { settleCtSettings } from '../instances/ct-settings.js';
import { settleVmClone } from '../instances/vm-clones.js';
import { settleVmTemplate } from '../instances/vm-to-template.js';
import { settleCtTemplate } from '../instances/ct-to-template.js';
import { settleContainerSnapshot } from '../snapshots/container-recovery.js';
import { snapshotDir } from '../snapshots/containers.js';
import { releaseImage } from './loop-mounts.js';
import { settleHostUpgrade } from '../updates/host-updates.js';
import { settleContainerUpgrade } from '../updates/container-updates.js';

/** Ends a VM's QEMU found by its pidfile, only when the pid is still that VM's. */
async function killQemu(vmId: string, dir: string): Promise<void> {
  const pid = await readPidfile(vmPaths(dir).pidfile);
  if (!pid || !(await cmdlineOf(pid)).includes(vmId)) return;
  process.kill(pid, 'SIGKILL');
  await untilGone([pid]);
}

const LEFT_AS_IS = 'the instance is left as the host has it now';

/**
 * Names the state an interrupted action settled to, once the instances are known again
 * (after the replay, which must run before them).
 */
export function withStateNow(op: Operation, state: string | null): Operation {
  if (!op.error || state === null || !op.error.message.endsWith(LEFT_AS_IS)) return op;
  const message = `${op.error.message.slice(0, -LEFT_AS_IS.length)}the instance is ${state}, as the host has it now`;
  return { ...op, error: { ...op.error, message } };
}

/** Undoes or finishes what the intent says, and tells in words what it did. Idempotent. */
async function settleIntent(intent: Intent): Promise<string> {
  switch (intent.type) {
    case 'ct.create': {
      if (await pathExists(path.join(intent.lxcDir, 'berth.json'))) {
        return `the container (CT ${intent.ctid}) had been saved and is kept`;
      }
      await releaseImage(intent.image, undefined, intent.mountDir);
      await rm(intent.image, { force: true });
      await rm(intent.lxcDir, { recursive: true, force: true });
      return `rolled back: removed the disk image, mount and LXC folder of CT ${intent.ctid}`;
    }
    case 'ct.delete': {
      if (await pathExists(path.join(intent.lxcDir, 'config'))) {
        await exec('lxc-stop', ['-P', intent.lxcpath, '-n', String(intent.ctid), '-k']);
      }
      await releaseImage(intent.image);
      await rm(intent.image, { force: true });
      await rm(snapshotDir(path.dirname(intent.image), intent.ctid), {
        recursive: true,
        force: true,
      });
      await rm(intent.lxcDir, { recursive: true, force: true });
      return `the delete of CT ${intent.ctid} was finished`;
    }
    case 'ct.unprivilege': {
      await releaseImage(intent.image, undefined, intent.mountDir);
      const recordFile = path.join(intent.lxcDir, 'berth.json');
      const record = JSON.parse(await readFile(recordFile, 'utf8')) as Record<string, unknown>;
      if (record.idmap) return `CT ${intent.ctid} had been made unprivileged and stays so`;
      if (!intent.caps) return `nothing had been changed: CT ${intent.ctid} is still privileged`;
      // The walk may have chowned part of the tree: undoing it is not possible (a shifted id is
      // indistinguishable from one the container had), finishing it is, so the start finishes it.
      await withMountedImage(intent.image, (root) =>
        shiftOwnership(root, intent.idmap, { capped: intent.caps }),
      );
      await writeFileAtomic(
        recordFile,
        JSON.stringify({ ...record, idmap: intent.idmap }, null, 2),
      );
      return `finished: the files of CT ${intent.ctid} now belong to host ids from ${intent.idmap.hostBase} and it is unprivileged`;
    }
    case 'vm.create': {
      if (await pathExists(path.join(intent.dir, 'vm.json'))) {
        return 'the VM had been saved and is kept';
      }
      await rm(intent.dir, { recursive: true, force: true });
      return 'rolled back: removed the VM folder and its disks';
    }
    case 'vm.clone':
      return settleVmClone(intent);
    case 'vm.template':
      return settleVmTemplate(intent);
    case 'ct.template':
      return settleCtTemplate(intent);
    case 'vm.delete': {
      await killQemu(intent.vmId, intent.dir);
      for (const tap of intent.taps) {
        await removeTap(tap);
        await dropIfb(tap);
      }
      await rm(intent.dir, { recursive: true, force: true });
      return 'the delete of the VM was finished';
    }
    case 'vm.snapshot':
      return reconcileVmSnapshots(intent);
    case 'vm.disk':
      return settleVmDisk(intent);
    case 'vm.nic':
      return settleVmNic(intent);
    case 'ct.settings':
      return settleCtSettings(intent);
    case 'ct.nic':
      return settleCtNic(intent);
    case 'vm.usb':
      return settleVmUsb(intent);
    case 'ct.snapshot':
      return settleContainerSnapshot(intent);
    case 'ct.move':
      return settleContainerMove(intent);
    case 'ct.reinstall':
      return settleContainerReinstall(intent);
    case 'instance.action':
      return LEFT_AS_IS;
    case 'template.build':
      return `the build of ${intent.template} was abandoned and its work folder removed`;
    case 'host.upgrade':
      return settleHostUpgrade(intent.simulate);
    case 'ct.upgrade':
      return settleContainerUpgrade();
  }
}

/**
 * Runs at start, before anything is served: every operation an earlier agent journaled but
 * never finished is rolled back or finished, and stays answerable as a failed operation.
 */
export async function replayJournal(journal: Journal, log: Log): Promise<Operation[]> {
  const answers = await journal.interrupted();
  for (const entry of await journal.leftBehind()) {
    const answer = await settleEntry(entry, log);
    await journal.settle(entry, answer);
    answers.push(answer);
  }
  return answers;
}

async function settleEntry(entry: JournalEntry, log: Log): Promise<Operation> {
  const at = entry.steps.at(-1);
  let outcome: string;
  try {
    outcome = await settleIntent(entry.intent);
  } catch (err) {
    outcome = `settling it failed: ${(err as Error).message}`;
  }
  log.warn({ operation: entry.id, kind: entry.kind, step: at, outcome }, 'interrupted operation');
  return {
    id: entry.id,
    kind: entry.kind,
    target: entry.target,
    status: 'failed',
    progress: 0,
    message: null,
    error: {
      code: ErrorCode.hostError,
      message: `interrupted by an agent restart${at ? ` at ${at}` : ''}; ${outcome}`,
    },
    createdAt: entry.createdAt,
    finishedAt: new Date().toISOString(),
  };
}
