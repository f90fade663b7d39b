import type {
  ConfigSample,
  Instance,
  LimitHost,
  LimitPath,
  Limits,
  LimitsPatch,
  SampleDiff,
} from '@berth/contracts';
import { LIMIT_APPLY, limitPaths, mergeLimits, validateLimits } from '@berth/contracts';

const MiB = 1024 * 1024;

type Value = number | string | null;

const valueAt = (limits: Limits, path: LimitPath): Value => {
  const [group, field] = path.split('.') as [keyof Limits, string | undefined];
  const g = limits[group];
  if (field === undefined) return (g as number | undefined) ?? null;
  return ((g as Record<string, Value> | undefined)?.[field] ?? null) as Value;
};

const setAt = (patch: Record<string, unknown>, path: LimitPath, value: Value) => {
  const [group, field] = path.split('.') as [string, string | undefined];
  if (field === undefined) patch[group] = value;
  else patch[group] = { ...(patch[group] as object | undefined), [field]: value };
};

/**
 * What applying a sample to an instance would change, before anything does: the sample's
 * fields override the instance's, the rest stay. Fields the instance's kind cannot take now
 * (a VM's processes, a container's inodes after create, a smaller disk) are left out and named,
 * and the result is checked against the host as a PATCH would be.
 */
export function sampleDiff(
  instance: Instance,
  sample: Pick<ConfigSample, 'id' | 'name' | 'limits'>,
  host: LimitHost,
): SampleDiff {
  const kind = instance.kind;
  const before = instance.limits;
  const patch: Record<string, unknown> = {};
  const changes: SampleDiff['changes'] = [];
  const skipped: SampleDiff['skipped'] = [];
  for (const path of limitPaths(sample.limits)) {
    const wanted = valueAt(sample.limits, path);
    const apply = LIMIT_APPLY[kind][path];
    if (path.startsWith('network.')) {
      skipped.push({ path, reason: 'network limits are not available yet' });
      continue;
    }
    if (apply === 'unsupported') {
      skipped.push({ path, reason: `does not apply to ${kind === 'ct' ? 'containers' : 'VMs'}` });
      continue;
    }
    if (apply === 'create') {
      skipped.push({ path, reason: 'set only when the instance is created' });
      continue;
    }
    const current = valueAt(before, path);
    if (path === 'disk.sizeMiB') {
      const size = (current as number | null) ?? Math.round(instance.diskSizeBytes / MiB);
      if (typeof wanted === 'number' && wanted < size) {
        skipped.push({ path, reason: `disks only grow: this one has ${size} MiB` });
        continue;
      }
    }
    if (current === wanted) continue;
    setAt(patch, path, wanted);
    changes.push({ path, before: current, after: wanted, apply });
  }
  const after = mergeLimits(before, patch as LimitsPatch);
  return {
    sample: { id: sample.id, name: sample.name },
    before,
    after,
    patch: patch as LimitsPatch,
    changes,
    skipped,
    problems: validateLimits(after, kind, host),
  };
}
