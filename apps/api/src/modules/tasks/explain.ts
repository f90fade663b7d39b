import { ErrorCode } from '@berth/contracts';

type TaskError = { code: string; message: string };

/** A failure Berth recognises: how to tell it, what it means, and what to do about it. */
interface Known {
  matches: (e: TaskError) => boolean;
  cause: string;
  fix: string;
}

const text = (pattern: RegExp) => (e: TaskError) => pattern.test(e.message);

/**
 * Known failures, most specific first. The agent words them differently depending on which step
 * hit them (its own free-space check, a command's stderr, node's errno), so each is told by code
 * or by the words every variant shares.
 */
const KNOWN: Known[] = [
  {
    matches: text(/license limit reached/),
    cause: 'a license limit: this host or edition allows no more of this',
    fix: 'stop or remove an instance (or a host), or install a license that allows more on the Licenses page',
  },
  {
    matches: (e) =>
      e.code === ErrorCode.insufficientSpace ||
      /ENOSPC|No space left on device|SQLITE_FULL|disk filled up/i.test(e.message),
    cause: "the disk is full: the host's storage has no room for this work",
    fix: 'free space on that filesystem (delete unused snapshots, ISOs, templates or instances) or use a storage pool with room, then retry',
  },
  {
    matches: text(/there is no VM template|template \S+ not found|no such template/i),
    cause: 'the template it names is not on this host',
    fix: 'pick a template from the Templates page, or make or import that template on this host first',
  },
  {
    matches: text(/EADDRINUSE|address already in use|address \S+ is in use/i),
    cause: 'the address or port is in use by another instance or process',
    fix: 'choose a free address (or port), or stop what holds it; `ss -ltnp` on the host shows who listens where',
  },
  {
    matches: text(
      /qemu-system-\S+ exited|QEMU or the kernel refused|Parameter '[^']+' expects|Property '[^']+' not found|There is no option group|invalid (option|accelerator)|unsupported machine type/i,
    ),
    cause: "QEMU refused an option of this VM's configuration (its own words are above)",
    fix: "change the hardware setting QEMU names on the VM's Hardware tab, or install a QEMU build that supports it",
  },
];

/**
 * Adds the cause and the fix to a known failure's message, so a failed task explains itself
 * wherever its error is shown; an unknown failure, or one explained already, stays as it is.
 */
export function explainFailure<E extends TaskError | null>(error: E): E {
  if (!error || error.message.includes(' Cause: ')) return error;
  const known = KNOWN.find((k) => k.matches(error));
  if (!known) return error;
  const message = `${error.message.replace(/[.\s]+$/, '')}. Cause: ${known.cause}. Fix: ${known.fix}.`;
  return { ...error, message };
}
