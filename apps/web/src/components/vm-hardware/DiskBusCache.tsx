'use client';
import type { Instance, VmDiskBus, VmDiskCache } from '@berth/contracts';
import { VmDiskBus as Buses, VmDiskCache as Caches } from '@berth/contracts';
import { useVmDiskSettings } from '@/queries/useVmCdroms';

type DiskSetting = { file: string; bus: VmDiskBus; cache: VmDiskCache };

export const CACHE_HINT =
  "writeback: the host's cache, flushes honoured; none: no host cache (O_DIRECT); writethrough: every write synced; directsync: both; unsafe: flushes ignored (fast, loses data on a host crash)";

/** What the running QEMU has for a disk when a saved change waits for the next start. */
function runningSetting(instance: Instance, disk: string): DiskSetting | null {
  const change = instance.vm?.pendingChanges?.find((c) => c.field === 'disks');
  const running = (change?.running as DiskSetting[] | undefined)?.find((d) => d.file === disk);
  const next = (change?.next as DiskSetting[] | undefined)?.find((d) => d.file === disk);
  if (!running || !next) return null;
  return running.bus !== next.bus || running.cache !== next.cache ? running : null;
}

/**
 * A disk's bus and cache mode, as two table cells. A choice is saved at once and QEMU takes it
 * at the next start; until then the cell says what the running VM has.
 */
export function DiskBusCells({
  instance,
  disk,
  disabledReason,
}: {
  instance: Instance;
  disk: { name: string; bus?: VmDiskBus; cache?: VmDiskCache };
  disabledReason: string | null;
}) {
  const save = useVmDiskSettings(instance.id);
  const running = runningSetting(instance, disk.name);
  const busy = save.isPending && save.variables?.disk === disk.name;
  const select = (what: 'bus' | 'cache', options: readonly string[], value: string) => (
    <select
      className="input w-auto py-1 text-sm"
      aria-label={`${what === 'bus' ? 'Bus' : 'Cache mode'} of ${disk.name}`}
      title={disabledReason ?? (what === 'cache' ? CACHE_HINT : undefined)}
      disabled={!!disabledReason || busy}
      value={value}
      onChange={(e) => save.mutate({ disk: disk.name, body: { [what]: e.target.value } })}
    >
      {options.map((o) => (
        <option key={o} value={o}>
          {o}
        </option>
      ))}
    </select>
  );
  return (
    <>
      <td>
        {select('bus', Buses.options, disk.bus ?? 'virtio')}
        {running && running.bus !== (disk.bus ?? 'virtio') && (
          <p className="mt-1 text-xs text-amber-800 dark:text-amber-200">
            {running.bus} until the next start
          </p>
        )}
      </td>
      <td>
        {select('cache', Caches.options, disk.cache ?? 'writeback')}
        {running && running.cache !== (disk.cache ?? 'writeback') && (
          <p className="mt-1 text-xs text-amber-800 dark:text-amber-200">
            {running.cache} until the next start
          </p>
        )}
      </td>
    </>
  );
}
