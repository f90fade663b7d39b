import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LicenseDocument } from '@berth/contracts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** A test license from scripts/issue-license.ts itself, e.g. issue('--days', '-2', '--grace', '5'). */
export function issue(...args: string[]): LicenseDocument {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'scripts/issue-license.ts'), ...args],
    { cwd: root, encoding: 'utf8' },
  );
  return LicenseDocument.parse(JSON.parse(out));
}
