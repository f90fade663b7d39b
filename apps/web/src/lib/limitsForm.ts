import { formatBytes } from './format';
import { LIMIT_APPLY, type InstanceKind, type LimitPath, type Limits } from '@berth/contracts';

/*
 * Limits as a form holds them (text per field, as typed) and back. The contracts' Limits schema
 * decides what is valid, so nothing here repeats a range.
 */

export interface LimitField {
  path: LimitPath;
  label: string;
  hint: string;
  /** Text (a CPU list) rather than a number. */
  text?: boolean;
}

/** The fields a sample sets, in the order the editor shows them. */
export const LIMIT_FIELDS: readonly LimitField[] = [
  { path: 'cpu.count', label: 'CPUs', hint: 'visible to the instance' },
  { path: 'cpu.cap', label: 'CPU cap (%)', hint: 'of one CPU: 150 = one and a half' },
  { path: 'cpu.weight', label: 'CPU weight', hint: 'share against others; 100 = normal' },
  { path: 'cpu.affinity', label: 'CPU affinity', hint: 'host CPUs, e.g. 0,2-3', text: true },
  { path: 'memory.limitMiB', label: 'Memory (MiB)', hint: "a VM's memory size" },
  { path: 'memory.swapMiB', label: 'Swap (MiB)', hint: 'containers; needs memory' },
  { path: 'memory.minMiB', label: 'Balloon minimum (MiB)', hint: 'VMs' },
  { path: 'disk.sizeMiB', label: 'Disk (MiB)', hint: 'containers; grows only' },
  { path: 'disk.inodes', label: 'Inodes', hint: 'containers; at create' },
  { path: 'disk.weight', label: 'I/O weight', hint: '10–1000; 500 = normal' },
  { path: 'disk.readBps', label: 'Read (bytes/s)', hint: 'per disk' },
  { path: 'disk.writeBps', label: 'Write (bytes/s)', hint: 'per disk' },
  { path: 'disk.readIops', label: 'Read (IOPS)', hint: 'per disk' },
  { path: 'disk.writeIops', label: 'Write (IOPS)', hint: 'per disk' },
  { path: 'processes', label: 'Processes', hint: 'containers; most at once' },
  { path: 'network.ingressKbps', label: 'Network in (kbit/s)', hint: 'containers; into it' },
  { path: 'network.egressKbps', label: 'Network out (kbit/s)', hint: 'containers; out of it' },
];

export type LimitsText = Partial<Record<LimitPath, string>>;

const split = (path: LimitPath) => path.split('.') as [string, string | undefined];

/** The value at a path ("cpu.cap", "processes"), or undefined. */
export function limitAt(limits: Limits, path: LimitPath): number | string | undefined {
  const [group, field] = split(path);
  const g = (limits as Record<string, unknown>)[group];
  if (field === undefined) return g as number | undefined;
  return (g as Record<string, number | string> | undefined)?.[field];
}

export function limitsToText(limits: Limits): LimitsText {
  const out: LimitsText = {};
  for (const { path } of LIMIT_FIELDS) {
    const v = limitAt(limits, path);
    if (v !== undefined) out[path] = String(v);
  }
  return out;
}

/** Empty fields are left out; junk stays NaN so the schema says what is wrong with it. */
export function textToLimits(text: LimitsText): Limits {
  const out: Record<string, unknown> = {};
  for (const { path, text: isText } of LIMIT_FIELDS) {
    const raw = text[path]?.trim();
    if (!raw) continue;
    const value = isText ? raw : Number(raw);
    const [group, field] = split(path);
    if (field === undefined) out[group] = value;
    else out[group] = { ...(out[group] as object | undefined), [field]: value };
  }
  return out as Limits;
}

/** Numbers typed as something else, in words (zod would say "expected number, received NaN"). */
export function limitTextErrors(text: LimitsText): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { path, text: isText } of LIMIT_FIELDS) {
    const raw = text[path]?.trim();
    if (!isText && raw && !/^\d+$/.test(raw)) out[path] = 'a whole number, or empty for no limit';
  }
  return out;
}

/** The fields an instance of this kind can be created with. */
export const fieldsFor = (kind: InstanceKind) =>
  LIMIT_FIELDS.filter((f) => LIMIT_APPLY[kind][f.path] !== 'unsupported');

/** Only what applies to this kind, for a create body or a form. */
export function limitsFor(kind: InstanceKind, limits: Limits): Limits {
  const text = limitsToText(limits);
  const kept: LimitsText = {};
  for (const { path } of fieldsFor(kind)) if (text[path] !== undefined) kept[path] = text[path];
  return textToLimits(kept);
}

export const formatMiB = (n: number) => formatBytes(n * 1024 * 1024);

/** One line for a list: "1 CPU · cap 50% · 256 MiB · disk 2 GiB · 256 processes". */
export function describeLimits(l: Limits): string {
  const parts: string[] = [];
  const { cpu, memory, disk } = l;
  if (cpu?.count !== undefined) parts.push(`${cpu.count} CPU${cpu.count === 1 ? '' : 's'}`);
  if (cpu?.cap !== undefined) parts.push(`cap ${cpu.cap}%`);
  if (cpu?.weight !== undefined) parts.push(`weight ${cpu.weight}`);
  if (cpu?.affinity !== undefined) parts.push(`on CPUs ${cpu.affinity}`);
  if (memory?.limitMiB !== undefined) parts.push(formatMiB(memory.limitMiB));
  if (memory?.swapMiB !== undefined) parts.push(`swap ${formatMiB(memory.swapMiB)}`);
  if (memory?.minMiB !== undefined) parts.push(`balloon ≥ ${formatMiB(memory.minMiB)}`);
  if (disk?.sizeMiB !== undefined) parts.push(`disk ${formatMiB(disk.sizeMiB)}`);
  const io = ['readBps', 'writeBps', 'readIops', 'writeIops', 'weight', 'inodes'] as const;
  if (io.some((k) => disk?.[k] !== undefined)) parts.push('disk I/O limits');
  if (l.processes !== undefined) parts.push(`${l.processes} processes`);
  return parts.join(' · ') || 'no limits';
}

/** Issues (zod's or the API's) by limit path: "limits.cpu.cap" and ["cpu","cap"] both → "cpu.cap". */
export function limitErrors(
  issues: readonly { path: string | readonly PropertyKey[]; message: string }[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues) {
    const parts = typeof i.path === 'string' ? i.path.split('.') : i.path.map(String);
    const path = (parts[0] === 'limits' ? parts.slice(1) : parts).join('.') || '(root)';
    out[path] ??= i.message;
  }
  return out;
}
