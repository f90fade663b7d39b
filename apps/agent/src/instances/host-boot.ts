import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * True once per host boot: "start at boot" means at the host's boot, not at every
 * agent restart, so an instance an operator stopped stays stopped when the agent restarts.
 */
export async function hostBootedSinceLastRun(dataDir: string): Promise<boolean> {
  const file = path.join(dataDir, 'boot_id');
  const bootId = (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();
  const previous = await readFile(file, 'utf8').then(
    (s) => s.trim(),
    () => null,
  );
  await writeFile(file, bootId);
  return previous !== bootId;
}
