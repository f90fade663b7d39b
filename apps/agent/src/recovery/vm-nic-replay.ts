import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { nicNumber, vmPaths } from '../drivers/qemu/cmdline.js';
import { hasDevice } from '../drivers/qemu/hotplug.js';
import { dropNetdev, nicDevice, replugNic } from '../drivers/qemu/nic-hotplug.js';
import { Qmp } from '../drivers/qemu/qmp.js';
import { cmdlineOf, readPidfile } from '../host/proc.js';
import type { Intent } from '../journal/intent.js';
import { writeFileAtomic } from '../journal/atomic-file.js';
import type { VmRecord } from '../instances/vm-record.js';
import { dropIfb } from '../net/shaping.js';
import { ensureTap, removeTap } from '../net/tap.js';

/** QMP of the VM's QEMU when it still runs (it outlives the agent), else null. */
async function qmpIfRunning(vmId: string, dir: string): Promise<Qmp | null> {
  const p = vmPaths(dir);
  const pid = await readPidfile(p.pidfile);
  if (!pid || !(await cmdlineOf(pid)).includes(vmId)) return null;
  return Qmp.connect(p.qmp, () => undefined);
}

/**
 * The record is the commit point of all three. Settings the record holds are finished (a
 * running VM's tap put on its network's bridge, its NIC plugged in again after a new MAC);
 * others were never made (a NIC unplugged for a new MAC is plugged in again with its old one). An add not recorded is
 * finished when the running QEMU has the NIC (the guest may use it already) and rolled back
 * otherwise (backend and tap removed); a removal not recorded is finished when the guest had
 * released the NIC, and else the NIC is kept. A recorded removal's tap is removed.
 */
export async function settleVmNic(intent: Extract<Intent, { type: 'vm.nic' }>): Promise<string> {
  const file = path.join(intent.dir, 'vm.json');
  const record = JSON.parse(await readFile(file, 'utf8')) as VmRecord;
  const { tap } = intent.nic;
  const n = nicNumber(tap);
  const listed = record.nics.some((x) => x.tap === tap);
  const save = (nics: VmRecord['nics']) =>
    writeFileAtomic(file, JSON.stringify({ ...record, nics }, null, 2));
  const qmp = await qmpIfRunning(intent.vmId, intent.dir);
  const dropTap = async () => {
    if (qmp) await dropNetdev(qmp, n);
    await removeTap(tap);
    await dropIfb(tap);
  };
  try {
    if (intent.action === 'settings') {
      const recorded = record.nics.find((x) => x.tap === tap);
      // A new MAC unplugs the NIC before the record and plugs it after: cut short, the
      // running VM gets the NIC the record holds, with its old MAC or its new one.
      const replugged = async () => {
        if (!qmp || !recorded || (await hasDevice(qmp, nicDevice(n)))) return '';
        await replugNic(qmp, recorded);
        return `; plugged in again with MAC ${recorded.mac}`;
      };
      if (JSON.stringify(recorded) !== JSON.stringify(intent.nic)) {
        return `rolled back: NIC ${n} keeps the settings its record holds${await replugged()}`;
      }
      if (!qmp || !intent.bridge) return `NIC ${n} has its new settings from the VM's next start`;
      await ensureTap(tap, intent.bridge);
      return `finished: NIC ${n}'s tap ${tap} is on ${intent.bridge}${await replugged()}`;
    }
    const plugged = qmp ? await hasDevice(qmp, nicDevice(n)) : false;
    if (intent.action === 'add') {
      if (listed) return `NIC ${n} had been added and is kept`;
      if (plugged) {
        await save([...record.nics, intent.nic]);
        return `finished: NIC ${n} was in the running VM and is now in its record too`;
      }
      await dropTap();
      return `rolled back: NIC ${n} was not added and its tap ${tap} is removed`;
    }
    if (listed && qmp && !plugged) {
      await save(record.nics.filter((x) => x.tap !== tap));
    } else if (listed) {
      return `NIC ${n} is kept${qmp ? '; if the guest still lets it go, the VM has it again from its next start' : ''}`;
    }
    await dropTap();
    return `finished: NIC ${n} is removed, its tap ${tap} too`;
  } finally {
    qmp?.close();
  }
}
