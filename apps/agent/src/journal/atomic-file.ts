import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Writes a temporary file beside the target, then renames it: a reader sees the old file or the new one. */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  await writeFile(tmp, text, { mode: 0o600 });
  await rename(tmp, file);
}
