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
  | { type: 'vm.delete'; vmId: string; dir: string; taps: string[] }
  | { type: 'instance.action'; instance: string }
  | { type: 'template.build'; template: string; buildDir?: string };

export interface JournalEntry {
  id: string;
  kind: string;
  target: string | null;
  createdAt: string;
  intent: Intent;
  /** The steps reached, in order: the last one is where a kill interrupted it. */
  steps: string[];
}
