import type { VmRecord, VmSnapshot } from '../instances/vm-record.js';
import type { FileCapability, IdRange } from '../storage/id-shift.js';

/**
 * What an operation is about to do to the host, written before it does it, so a restarted
 * agent knows what to roll back (a create) or finish (a delete).
 */
export type Intent =
  | { type: 'ct.create'; ctid: number; image: string; lxcDir: string; mountDir?: string }
  | { type: 'ct.delete'; ctid: number; image: string; lxcDir: string; lxcpath: string }
  | {
      type: 'ct.unprivilege';
      ctid: number;
      image: string;
      lxcDir: string;
      idmap: IdRange;
      mountDir?: string;
      /** Listed before the walk starts: a resumed walk cannot find them on files it chowned. */
      caps?: FileCapability[];
    }
  | { type: 'vm.create'; vmId: string; dir: string }
  | {
      type: 'vm.clone';
      vmId: string;
      dir: string;
      /** The source VM's folder and drives, for the temporary snapshot of a running source. */
      sourceDir: string;
      sourceDisks: string[];
      /** Set before a running source's disks get their temporary snapshot: removed at start. */
      tempSnapshot?: string;
    }
  | { type: 'vm.delete'; vmId: string; dir: string; taps: string[] }
  | {
      type: 'ct.template';
      ctid: number;
      image: string;
      /** The template's folder while written, and its name once whole (the commit point). */
      staging: string;
      final: string;
      mountDir?: string;
    }
  | {
      type: 'vm.template';
      vmId: string;
      dir: string;
      /** The template's folder while written, and its name once whole (the commit point). */
      staging: string;
      final: string;
    }
  | {
      type: 'vm.disk';
      vmId: string;
      dir: string;
      file: string;
      action: 'add' | 'import' | 'resize' | 'remove' | 'compact';
      /** An import's uploaded image, removed whichever way the import ends. */
      staging?: string;
    }
  | {
      type: 'vm.usb';
      vmId: string;
      dir: string;
      device: string;
      action: 'add' | 'remove';
      /** A storage device's qcow2; and the upload it is converted from. */
      file?: string;
      staging?: string;
    }
  | {
      /** A running container's adapter plugged or unplugged live. */
      type: 'ct.nic';
      /** The container's folder in LXC's lxcpath, holding berth.json. */
      lxcDir: string;
      action: 'add' | 'remove';
      index: number;
      /** The host end of its veth. */
      veth: string;
    }
  | {
      /** A container adapter's settings changed (PATCH …/nics/N/settings): see applyCtSettings. */
      type: 'ct.settings';
      lxcDir: string;
      lxcpath: string;
      ctid: number;
      image: string;
      /** What the change touches in a running container or in its files. */
      touched: {
        macs: number[];
        gateway: boolean;
        resolv: boolean;
        /** Adapters moved while running: each to this network's bridge (absent: older agents). */
        moves?: Array<{ index: number; network: string; bridge: string }>;
      };
      /** Where a stopped container's image was mounted to write its resolv.conf. */
      mountDir?: string;
    }
  | {
      type: 'vm.nic';
      vmId: string;
      dir: string;
      action: 'add' | 'remove' | 'settings';
      /** The NIC as the record holds it (or will): a replay can finish an add from it. */
      nic: VmRecord['nics'][number];
      /** Settings: the bridge of the NIC's network, where a running VM's tap goes. */
      bridge?: string;
    }
  | {
      type: 'vm.snapshot';
      vmId: string;
      dir: string;
      action: 'take' | 'revert' | 'delete';
      /** The snapshot taken (as the record will hold it), reverted to or deleted. */
      snapshot: VmSnapshot;
      /** Set once a revert starts changing the disks or the machine: then it is finished at start. */
      applying?: boolean;
      /** A take froze the running guest's filesystems: the replay thaws them. */
      frozen?: boolean;
    }
  | {
      type: 'ct.snapshot';
      action: 'take' | 'revert' | 'delete';
      ctid: number;
      lxcpath: string;
      recordFile: string;
      image: string;
      snapshot: string;
      /** The snapshot's image file. */
      file: string;
      /** A take froze the running container: the replay thaws it. */
      frozen?: boolean;
      wasRunning?: boolean;
      /** A revert wrote its new image and is renaming it over the old one: the replay finishes. */
      swapping?: boolean;
    }
  | {
      type: 'ct.move';
      ctid: number;
      recordFile: string;
      pool: string;
      /** The image in the old pool, and where the copy is written (renamed to `to` when whole). */
      from: string;
      to: string;
    }
  | {
      type: 'ct.reinstall';
      ctid: number;
      image: string;
      /** The new image, built beside the old one and renamed over it once whole. */
      next: string;
      mountDir?: string;
      /** Where the old image is mounted while /root or /home are copied from it. */
      oldMountDir?: string;
      /** Set just before the rename: from then on the replay finishes rather than undoes. */
      swapping?: boolean;
    }
  | { type: 'instance.action'; instance: string }
  | { type: 'template.build'; template: string; buildDir?: string }
  | { type: 'host.upgrade'; simulate: boolean }
  | { type: 'ct.upgrade'; instance: string };

export interface JournalEntry {
  id: string;
  kind: string;
  target: string | null;
  createdAt: string;
  intent: Intent;
  /** The steps reached, in order: the last one is where a kill interrupted it. */
  steps: string[];
}
