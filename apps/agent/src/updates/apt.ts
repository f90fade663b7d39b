import type { UpgradablePackage } from '@berth/contracts';

/** `name/suite[,suite…] version arch [upgradable from: old]`, one upgradable package a line. */
const LINE = /^(\S+?)\/(\S+)\s+(\S+)\s+(\S+)\s+\[upgradable from: ([^\]]+)\]$/;

/**
 * Reads `apt list --upgradable`: its "Listing..." header, warnings and blank lines are skipped.
 * A candidate is a security update when any suite it comes from is a *-security one.
 */
export function parseUpgradable(text: string): UpgradablePackage[] {
  const out: UpgradablePackage[] = [];
  for (const raw of text.split('\n')) {
    const m = LINE.exec(raw.trim());
    if (!m) continue;
    const [, name, origin, to, arch, from] = m as unknown as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    out.push({
      name,
      from: from.trim(),
      to,
      arch,
      origin,
      security: origin.split(',').some((s) => s.endsWith('-security')),
    });
  }
  return out;
}

/** The apt-get arguments of an upgrade that asks nothing and keeps changed config files. */
export function upgradeArgs(simulate: boolean): string[] {
  return [
    ...(simulate ? ['-s'] : ['-y']),
    '-o',
    'Dpkg::Options::=--force-confdef',
    '-o',
    'Dpkg::Options::=--force-confold',
    '-o',
    'Dpkg::Use-Pty=0',
    'upgrade',
  ];
}

/**
 * How far an upgrade's output has got: apt-get prints "Inst" (simulated) or "Unpacking" then
 * "Setting up" for each package, so each package is two marks of the way.
 */
export function upgradeProgress(line: string, total: number): number | null {
  if (total === 0) return null;
  if (/^(Unpacking|Inst) /.test(line)) return 0.5 / total;
  if (/^(Setting up|Conf) /.test(line)) return 0.5 / total;
  return null;
}
