import type { ServiceInfo } from '@berth/contracts';

/**
 * Merges `systemctl list-units --type=service --all --plain --no-legend` (loaded units with
 * their states) and `systemctl list-unit-files --type=service --no-legend` (boot settings, and
 * the units not loaded at all). systemd 252 (Debian 12) has no JSON output for these.
 */
export function parseSystemctl(units: string, unitFiles: string): ServiceInfo[] {
  const byName = new Map<string, ServiceInfo>();
  for (const raw of units.split('\n')) {
    // A failed unit is marked with a leading bullet even with --plain.
    const line = raw.replace(/^[^A-Za-z0-9@_:]+/, '');
    const [name, , active, sub, ...description] = line.trim().split(/\s+/);
    if (!name?.endsWith('.service') || !active || !sub) continue;
    byName.set(name, { name, description: description.join(' '), active, sub, boot: null });
  }
  for (const line of unitFiles.split('\n')) {
    const [name, state] = line.trim().split(/\s+/);
    if (!name?.endsWith('.service') || !state) continue;
    const known = byName.get(name);
    if (known) known.boot = state;
    else byName.set(name, { name, description: '', active: 'inactive', sub: 'dead', boot: state });
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}
