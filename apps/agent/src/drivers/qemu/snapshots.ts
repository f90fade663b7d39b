import type { Qmp } from './qmp.js';

/** Internal snapshot names reach an HMP command line, so they are kept to a safe alphabet. */
export function checked(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw new Error(`bad snapshot name ${name}`);
  return name;
}

/**
 * Saves memory and device state into the first qcow2 disk (savevm). HMP reports failure in its
 * output, not as a QMP error, so the output is read.
 */
export async function saveSnapshot(qmp: Qmp, name: string): Promise<void> {
  const out = await qmp.hmp(`savevm ${checked(name)}`);
  if (/error/i.test(out)) throw new Error(`savevm failed: ${out.trim()}`);
}

export async function deleteSnapshot(qmp: Qmp, name: string): Promise<void> {
  await qmp.hmp(`delvm ${checked(name)}`);
}
